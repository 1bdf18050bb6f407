/**
 * A simulated machine: the kernel, the loader and (when configured) Driver Verifier, wired
 * together. The only place that knows all of them.
 */
import { Kernel } from '../kernel/kernel.ts';
import { Loader } from '../loader/loader.ts';
import { CoverageCollector } from '../loader/coverage.ts';
import type { LoadedImage } from '../loader/image.ts';
import { Verifier } from '../verifier/verifier.ts';
import { isVerified, type VerifierSettings } from '../verifier/settings.ts';
import { STANDARD_FLAGS } from '../verifier/flags.ts';
import type { CrashDump } from '../debugger/dump.ts';
import { captureDump, dumpSize, type DumpSize } from './capture.ts';
import type { Framework } from '../wdf/framework.ts';
import type { StartedProcess } from '../kernel/ps/process.ts';
import { duplicateHandle, openByClientId, type UserHandle } from '../kernel/ob/user-handles.ts';
import { STATUS } from '../nt/status.ts';
import { WDF_LIBRARY_MODULE } from '../nt/wdf.ts';
import { BATTC_LIBRARY_MODULE } from '../nt/battc.ts';

/** PROCESS_TERMINATE: the right TerminateProcess needs. */
const PROCESS_TERMINATE = 0x0001;

export interface MachineOptions {
  /** Driver Verifier settings in force at boot; undefined = verifier off. */
  readonly verifier?: VerifierSettings;
  readonly processors?: number;
  /** Physical memory in bytes (default 512 MiB, DEFAULT_MEMORY); the pools' limits follow from it as on Windows. */
  readonly memory?: number;
  /** Capture host stacks for callers and allocation stacks (default on). */
  readonly captureStacks?: boolean;
  /** Check every memory access of verified wasm images (default on; off only to measure what the checks cost). */
  readonly memoryChecks?: boolean;
  /** Count the basic blocks of every wasm image (`dv run --coverage`; the fuzzer). */
  readonly coverage?: boolean;
  /** With coverage: also record the operands of every comparison in wasm images (the fuzzer's value profile). */
  readonly valueProfile?: boolean;
  readonly onDebugPrint?: (line: string) => void;
  /** Record what the --html report charts (pool in use per tag, the IRQL timeline): machine.verifier.report. */
  readonly report?: boolean;
  /**
   * The KMDF framework's verifier for every KMDF driver (`dv run --wdf-verifier`). Without it the
   * verifier is on for the drivers Driver Verifier verifies with /standard, unless their
   * Parameters\Wdf key says otherwise.
   */
  readonly wdfVerifier?: boolean;
}

export class Machine {
  readonly kernel: Kernel;
  readonly loader: Loader;
  readonly verifier?: Verifier;
  /** The framework once a KMDF driver has loaded it (its objects and recorders go in dumps). */
  framework?: Framework;

  constructor(options: MachineOptions = {}) {
    this.kernel = new Kernel({ processors: options.processors, memory: options.memory });
    this.kernel.stacks.captureEnabled = options.captureStacks ?? true;
    this.kernel.onDebugPrint = options.onDebugPrint;
    this.loader = new Loader(this.kernel);
    if (options.verifier && options.verifier.drivers.length > 0) this.verifier = new Verifier(this.kernel, this.loader, options.verifier);
    if (options.report) this.verifier?.startReport();
    if (options.memoryChecks === false) this.loader.checksMemoryOf = () => false;
    if (options.coverage) this.loader.coverage = new CoverageCollector(this.kernel.as, options.valueProfile === true);
    // The framework (Wdf01000.sys) loads on the first driver that imports it: a run of WDM drivers never loads src/wdf.
    const settings = options.verifier;
    const wdfVerifierOn = (driver: string) =>
      options.wdfVerifier === true || (settings !== undefined && isVerified(settings, `${driver}.sys`) && (settings.flags & STANDARD_FLAGS) === STANDARD_FLAGS);
    this.loader.registerLibrary(WDF_LIBRARY_MODULE, async (k, placement) => {
      const { frameworkLoader } = await import('../wdf/framework.ts');
      return (this.framework = await frameworkLoader({ verifierOn: wdfVerifierOn })(k, placement));
    });
    // battc.sys, the battery class driver: loaded on the first battery miniclass driver that imports it.
    this.loader.registerLibrary(BATTC_LIBRARY_MODULE, async (k, placement) => (await import('../battc/battc.ts')).battcLoader(k, placement));
  }

  loadDriver(path: string): Promise<LoadedImage> {
    return this.loader.load(path);
  }

  unloadDriver(image: LoadedImage): void {
    this.loader.unload(image.driverObject);
  }

  /**
   * The user session ends (every user process still running exits, the run's client last), then
   * NtShutdownSystem: drivers still loaded get IRP_MJ_SHUTDOWN; returns when the machine is off.
   */
  shutdown(): void {
    this.kernel.ps.endAll();
    this.kernel.shutdown();
  }

  // ---- user processes (the run's client starts, opens and ends them) ------------------------

  /** Start a user process: the drivers' image, process and thread notify routines see it (and may deny it). */
  startProcess(imageName: string, commandLine = ''): StartedProcess {
    return this.kernel.ps.start(imageName, commandLine);
  }

  /** The process exits by itself (ExitProcess): its thread, then the process, go past the notify routines. */
  endProcess(pid: number, exitStatus = 0): void {
    this.kernel.ps.end(pid, exitStatus);
  }

  /**
   * TerminateProcess from the client: a handle with PROCESS_TERMINATE first (the object callbacks
   * may strip it: then STATUS_ACCESS_DENIED and the process runs on), then the exit.
   */
  terminateProcess(pid: number, exitStatus = 1): number {
    const h = this.openProcess(pid, PROCESS_TERMINATE);
    this.closeHandle(h.handle);
    if ((h.grantedAccess & PROCESS_TERMINATE) === 0) return STATUS.ACCESS_DENIED;
    this.endProcess(pid, exitStatus);
    return STATUS.SUCCESS;
  }

  /** OpenProcess from the client with `desiredAccess`: the object callbacks run; the handle gets what they leave. */
  openProcess(pid: number, desiredAccess: number): UserHandle {
    return openByClientId(this.kernel, 'Process', pid, desiredAccess);
  }

  openThread(tid: number, desiredAccess: number): UserHandle {
    return openByClientId(this.kernel, 'Thread', tid, desiredAccess);
  }

  duplicateHandle(handle: number, desiredAccess: number): UserHandle {
    return duplicateHandle(this.kernel, handle, desiredAccess);
  }

  closeHandle(handle: number): void {
    this.kernel.ob.closeHandle(handle);
  }

  /** The first named device of a driver, as `\Device\X`. */
  firstDeviceName(image: LoadedImage): string | undefined {
    for (const d of this.kernel.io.devicesOf(image.driverObject).reverse()) {
      const n = this.kernel.io.deviceName(d);
      if (n) return n;
    }
    return undefined;
  }

  /** What a dump of the machine would hold now, without making it (capture.ts DUMP_MAX_BYTES bounds it). */
  dumpSize(): DumpSize {
    return dumpSize(this.kernel, this.verifier);
  }

  dump(): CrashDump {
    return captureDump(this.kernel, this.loader, this.verifier, this.framework);
  }
}
