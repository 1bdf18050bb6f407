/**
 * A simulated machine: the kernel, the loader and (when configured) Driver Verifier, wired
 * together. The only place that knows all of them.
 */
import { Kernel } from '../kernel/kernel.ts';
import { Loader } from '../loader/loader.ts';
import type { LoadedImage } from '../loader/image.ts';
import { Verifier } from '../verifier/verifier.ts';
import type { VerifierSettings } from '../verifier/settings.ts';
import type { CrashDump } from '../debugger/dump.ts';
import { captureDump, dumpSize, type DumpSize } from './capture.ts';

export interface MachineOptions {
  /** Driver Verifier settings in force at boot; undefined = verifier off. */
  readonly verifier?: VerifierSettings;
  readonly processors?: number;
  /** Physical memory in bytes (default 512 MiB, DEFAULT_MEMORY); the pools' limits follow from it as on Windows. */
  readonly memory?: number;
  /** Capture host stacks for callers and allocation stacks (default on). */
  readonly captureStacks?: boolean;
  readonly onDebugPrint?: (line: string) => void;
}

export class Machine {
  readonly kernel: Kernel;
  readonly loader: Loader;
  readonly verifier?: Verifier;

  constructor(options: MachineOptions = {}) {
    this.kernel = new Kernel({ processors: options.processors, memory: options.memory });
    this.kernel.stacks.captureEnabled = options.captureStacks ?? true;
    this.kernel.onDebugPrint = options.onDebugPrint;
    this.loader = new Loader(this.kernel);
    if (options.verifier && options.verifier.drivers.length > 0) this.verifier = new Verifier(this.kernel, this.loader, options.verifier);
  }

  loadDriver(path: string): Promise<LoadedImage> {
    return this.loader.load(path);
  }

  unloadDriver(image: LoadedImage): void {
    this.loader.unload(image.driverObject);
  }

  /** NtShutdownSystem: drivers still loaded get IRP_MJ_SHUTDOWN; returns when the machine is off. */
  shutdown(): void {
    this.kernel.shutdown();
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
    return captureDump(this.kernel, this.loader, this.verifier);
  }
}
