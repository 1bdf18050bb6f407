/**
 * The general run: boot, load a driver, open its first device (or the one named), send the requests
 * (IOCTLs, reads, writes) in order, close, unload, shut the machine down, and report what happened. `dv run` and `dv demo` are thin layers over this.
 *
 * Unload comes before shutdown: that is the order of a test pass (the unload checks run on the
 * driver as it leaves), and on Windows a driver still loaded at shutdown is never unloaded, it gets
 * IRP_MJ_SHUTDOWN instead. A driver without a DriverUnload routine cannot be unloaded, so it is
 * still loaded at shutdown and sees it as such (`unload: false` asks the same of any driver).
 */
import { applySeed, type SeedOp } from '../kernel/cm/seed.ts';
import { hex8 } from '../debugger/format.ts';
import { bugCheckName } from '../nt/bugcheck.ts';
import { BugCheck, DriverEntryFailed, HangError, SimulatorError } from '../kernel/errors.ts';
import type { FaultInjector, FaultSettings } from '../verifier/faults.ts';
import type { WatchdogLimits } from '../kernel/ke/watchdog.ts';
import type { CrashDump, AllocationSnapshot } from '../debugger/dump.ts';
import { NT_SUCCESS, statusName } from '../nt/status.ts';
import { IRP_MJ } from '../nt/io.ts';
import type { VerifierSettings } from '../verifier/settings.ts';
import { Machine } from './machine.ts';
import { moduleNameOf } from '../loader/loader.ts';
import type { LoadedImage } from '../loader/image.ts';
import { attachDebugger, DebuggerQuit, type BreakRecord, type DebuggerIo } from './kd-session.ts';
import { readInf } from './inf.ts';
import { addAndStart, addDeviceRoutine, besideInf, childResourcesLine, endDeviceUsage, pnpNodeLine, pnpResult, stackDeviceName, wantsPnp, type PnpRunOptions, type PnpRunResult } from './pnp-run.ts';
import type { DeviceNode } from '../kernel/pnp/devnode.ts';

export interface IoctlRequest {
  readonly code: number;
  readonly input: Uint8Array;
  readonly outputLength: number;
  /** Initial contents of the output buffer (what METHOD_IN_DIRECT sends the device). */
  readonly outputInit?: Uint8Array;
}

/** A read of `length` bytes (NtReadFile). */
export interface ReadRequest {
  readonly kind: 'read';
  readonly length: number;
}

/** A write of `data` (NtWriteFile). */
export interface WriteRequest {
  readonly kind: 'write';
  readonly data: Uint8Array;
}

/** One request of a run, in the order given: an IOCTL, a read or a write. */
export type DeviceRequest = ({ readonly kind: 'ioctl' } & IoctlRequest) | ReadRequest | WriteRequest;

export interface RequestResult {
  /** IRP_MJ_DEVICE_CONTROL, IRP_MJ_READ or IRP_MJ_WRITE. */
  readonly major: number;
  /** The control code of an IOCTL. */
  readonly code?: number;
  readonly status: number;
  readonly information: number;
  /** The bytes returned (an IOCTL's output) or read. */
  readonly output: Uint8Array;
}

/** A user process the run starts after DriverEntry and ends before the unload, and the handles its client opens to it. */
export interface ProcessRequest {
  /** The image name (`notepad.exe`) or a full path. */
  readonly image: string;
  readonly commandLine?: string;
  /** OpenProcess by the run's client with each access mask, in order, after the start; each handle is closed at once. */
  readonly open?: readonly number[];
}

export interface ProcessResult {
  readonly image: string;
  /** Its process id, or undefined when a driver denied the creation. */
  readonly pid?: number;
  /** STATUS_SUCCESS, or the CreationStatus a driver denied it with. */
  readonly status: number;
  readonly opens: readonly { readonly desiredAccess: number; readonly grantedAccess: number }[];
}

export interface RunOptions extends PnpRunOptions {
  readonly driver: string;
  /** Verifier flags; the verified driver list defaults to the driver under test. */
  readonly verifierFlags?: number;
  readonly verifier?: VerifierSettings;
  /** Low resources simulation settings (--seed, --fault-*, a --faults exhaustive plan), added to the verifier's. */
  readonly faults?: FaultSettings;
  /** IOCTLs to send, in order (`requests` instead for reads and writes too; not both). */
  readonly ioctls?: readonly IoctlRequest[];
  readonly requests?: readonly DeviceRequest[];
  /** The device to open (\Device\X, \??\X, \DosDevices\X or \\.\X); default the driver's first named device. */
  readonly open?: string;
  /** Instead of `open`: the first enabled device interface of this class ({GUID}, registry form). */
  readonly openInterface?: string;
  /** User processes to start after DriverEntry, before the first request; they end before the unload. */
  readonly processes?: readonly ProcessRequest[];
  /** A line for each process event (start, denial, handle open, end), for the CLI. */
  readonly onProcessEvent?: (line: string) => void;
  readonly captureStacks?: boolean;
  /** Count the basic blocks of the wasm images (machine.loader.coverage has the counts after the run). */
  readonly coverage?: boolean;
  /** The machine's physical memory in bytes (default 512 MiB); the pools' limits follow from it. */
  readonly memory?: number;
  readonly onDebugPrint?: (line: string) => void;
  /** Adjust the machine after boot, before the driver loads (tests, benchmarks). */
  readonly configure?: (machine: Machine) => void;
  /** Registry contents to write before the driver loads (dv run --registry), applied in order. */
  readonly registry?: readonly SeedOp[];
  /** Progress lines (`loading MyDriver.sys`...), for the CLI. */
  readonly onStep?: (line: string) => void;
  /** Only the lines of the requests (one each) and of an open that failed: what `dv run` prints. */
  readonly onRequest?: (line: string) => void;
  /** Unload the driver before shutdown (default true). False: it is still loaded when the machine shuts down. */
  readonly unload?: boolean;
  /** Shut the machine down at the end (default true). */
  readonly shutdown?: boolean;
  /** Attach a kernel debugger: Driver Verifier breaks stop in a kd session here instead of bug checking. */
  readonly debugger?: DebuggerIo;
  /** Runaway and time limits (defaults: kernel/ke/watchdog.ts DEFAULT_LIMITS, no host-time limit). */
  readonly limits?: Partial<WatchdogLimits>;
  /** The KMDF framework's verifier on for every KMDF driver (`dv run --wdf-verifier`). */
  readonly wdfVerifier?: boolean;
  /** Record what the --html report charts (machine.verifier.report), each step a mark on its charts. */
  readonly report?: boolean;
}

export interface RunOutcome {
  readonly driver: string;
  readonly bugCheck: { readonly code: number; readonly name: string; readonly params: readonly number[] } | null;
  /**
   * The machine hung (a runaway driver, a wait nothing can end, a time limit): why. The dump then
   * holds the forced crash (MANUALLY_INITIATED_CRASH) that shows where; `bugCheck` stays null.
   */
  readonly hang: { readonly reason: string } | null;
  readonly requests: readonly RequestResult[];
  /** The device the run opened and how the open ended (null: nothing was opened). */
  readonly open: { readonly name: string; readonly status: number } | null;
  readonly processes: readonly ProcessResult[];
  /** What the verifier still tracked for the driver when the run ended (the 0x62 leaks); reading it makes the dump. */
  readonly leaks: readonly AllocationSnapshot[];
  /** How many those are, and the first `n` of them, read from the live machine without making a dump. */
  readonly leakCount: number;
  leaksFirst(n: number): readonly AllocationSnapshot[];
  readonly dump: CrashDump;
  readonly machine: Machine;
  /** Whether the driver loaded (its DriverEntry returned success): a machine that stopped before is one that failed to boot. */
  readonly loaded: boolean;
  /** Whether the driver was unloaded, and whether the machine finished shutting down. */
  readonly unloaded: boolean;
  readonly shutDown: boolean;
  /** Driver Verifier breaks taken in the attached debugger (none without --debugger). */
  readonly breaks: readonly BreakRecord[];
  /** The user ended the debugger session at a break: the run stopped there. */
  readonly quit: boolean;
  /** The device the PnP manager added for the driver (null: the run did not use PnP). */
  readonly pnp: PnpRunResult | null;
  /** DriverEntry's failure status when it refused to load after an injected failure (null: it loaded, or the run stopped first). */
  readonly driverEntryStatus: number | null;
  /** Low resources simulation and delay fuzzing: the failure points reached, the calls failed, the delays (null: neither on). */
  readonly faults: FaultInjector | null;
}

export async function runDriver(given: RunOptions): Promise<RunOutcome> {
  // An INF given is read before the machine boots: a bad one is an error and nothing runs.
  if (given.inf !== undefined) readInf(given.inf);
  const inf = given.inf ?? (given.hardwareId === undefined ? besideInf(given.driver) : undefined);
  const opts: RunOptions = { ...given, inf };
  const name = moduleNameOf(opts.driver);
  const imageName = `${name}.sys`;
  // Child drivers (--child-driver) and filters (--filter, --lower-filter) are drivers under test too: verified with the driver.
  const childImages = [...new Set((opts.childDrivers ?? []).map((c) => `${moduleNameOf(c.driver)}.sys`))].filter((n) => n.toLowerCase() !== imageName.toLowerCase());
  const filterPaths = [...(opts.lowerFilters ?? []), ...(opts.filters ?? [])];
  const verified = [imageName, ...filterPaths.map((p) => `${moduleNameOf(p)}.sys`), ...childImages];
  const asked = opts.verifier ?? (opts.verifierFlags !== undefined ? { flags: opts.verifierFlags, drivers: verified } : undefined);
  const settings = asked && opts.faults ? { ...asked, faults: { ...asked.faults, ...opts.faults } } : asked;
  const machine = new Machine({ verifier: settings, captureStacks: opts.captureStacks, memory: opts.memory, onDebugPrint: opts.onDebugPrint, coverage: opts.coverage, report: opts.report, wdfVerifier: opts.wdfVerifier });
  Object.assign(machine.kernel.watchdog.limits, opts.limits);
  machine.kernel.watchdog.startRun();
  opts.configure?.(machine);
  if (opts.registry) applySeed(machine.kernel.cm.hive, opts.registry);
  const report = machine.verifier?.report;
  const onStep = opts.onStep ?? (() => {});
  const step = report ? (line: string) => (report.mark(line), onStep(line)) : onStep;
  const said = (line: string) => {
    step(line);
    opts.onRequest?.(line);
  };
  const requests: RequestResult[] = [];
  const processes: ProcessResult[] = [];
  const k = machine.kernel;
  const breaks = opts.debugger ? attachDebugger(machine, opts.debugger) : [];
  if (opts.requests && opts.ioctls?.length) throw new Error('runDriver: give `ioctls` or `requests`, not both');
  const list: readonly DeviceRequest[] = opts.requests ?? (opts.ioctls ?? []).map((io) => ({ kind: 'ioctl' as const, ...io }));
  let opened: RunOutcome['open'] = null;
  let loaded = false;
  let unloaded = false;
  let quit = false;
  let node: DeviceNode | undefined;
  let addDeviceStatus = 0;
  let driverEntryStatus: number | null = null;
  const filterImages: { image: LoadedImage; service: string }[] = [];
  // The PnP IRPs are run lines as the stack completes them.
  k.pnp.onIrp = (n, irp) => said(pnpNodeLine(n, irp));
  k.pnp.onAddDevice = (n, status) => said(`AddDevice(${n.instancePath}, PDO ${k.io.deviceName(n.pdo) ?? hex8(n.pdo)}) -> ${statusName(status)}`);
  k.pnp.onResources = (n, r) => said(childResourcesLine(n, r));
  const children: LoadedImage[] = [];
  try {
    step(`loading ${imageName}`);
    const image = await loadOrRefuse(machine, opts.driver, (status) => {
      driverEntryStatus = status;
      said(`${name}!DriverEntry failed with ${statusName(status)} after an injected allocation failure: the driver did not load`);
    });
    if (!image) throw new DriverRefused();
    loaded = true;
    for (const c of opts.childDrivers ?? []) {
      const own = moduleNameOf(c.driver).toLowerCase() === name.toLowerCase();
      let child = own ? image : children.find((i) => moduleNameOf(c.driver).toLowerCase() === i.module.name.toLowerCase());
      if (!child) {
        step(`loading ${moduleNameOf(c.driver)}.sys (child driver for ${c.hardwareId})`);
        child = await machine.loadDriver(c.driver);
        children.push(child);
      }
      k.pnp.bus.addChildDriver(c.hardwareId, child.driverObject, child.module.name);
    }
    const loadFilters = async (paths: readonly string[] | undefined) => {
      const out: { image: LoadedImage; service: string }[] = [];
      for (const path of paths ?? []) {
        const service = moduleNameOf(path);
        step(`loading ${service}.sys (filter)`);
        const filter = await machine.loadDriver(path);
        if (addDeviceRoutine(k, filter.driverObject) === 0) throw new SimulatorError(`${service}.sys set no AddDevice routine in DriverEntry: it cannot be a filter of the device`);
        out.push({ image: filter, service });
      }
      return out;
    };
    filterImages.push(...(await loadFilters(opts.lowerFilters)));
    const lowerCount = filterImages.length;
    filterImages.push(...(await loadFilters(opts.filters)));
    if (wantsPnp(k, image.driverObject, opts.pnp === false ? false : opts.pnp || filterImages.length > 0 || given.inf !== undefined || undefined)) {
      if (addDeviceRoutine(k, image.driverObject) === 0) throw new SimulatorError(`${imageName} set no AddDevice routine in DriverEntry: it cannot run under the PnP manager (--pnp)`);
      const asFilter = (f: { image: LoadedImage; service: string }) => ({ driverObject: f.image.driverObject, service: f.service });
      const filters = { lower: filterImages.slice(0, lowerCount).map(asFilter), upper: filterImages.slice(lowerCount).map(asFilter) };
      ({ node, status: addDeviceStatus } = addAndStart(k, image.driverObject, name, opts, said, filters));
    }
    const started = node === undefined || node.state === 'DeviceNodeStarted';
    startProcesses(machine, opts.processes ?? [], processes, opts.onProcessEvent ?? (() => {}));
    const iface = opts.openInterface !== undefined ? k.pnp.interfaces.list(opts.openInterface, 0, 0)[0] : undefined;
    const device = iface
      ? iface.linkName
      : opts.open !== undefined
        ? ntDeviceName(opts.open)
        : opts.openInterface !== undefined
          ? undefined
          : node && started
            ? stackDeviceName(k, node)
            : node
              ? undefined
              : machine.firstDeviceName(image);
    if (opts.openInterface !== undefined && !iface) {
      // The drivers' answer (no interface of the class is enabled), not a usage error: the run goes on to unload.
      const skipped = list.length > 0 ? `; the ${list.length} request${list.length === 1 ? ' was' : 's were'} not sent` : '';
      said(`no enabled device interface of class ${opts.openInterface}${skipped}`);
    } else if (node && !started && list.length > 0) {
      said(`the device did not start; the ${list.length} request${list.length === 1 ? ' was' : 's were'} not sent`);
    } else if (list.length > 0 || device) {
      if (!device) throw new SimulatorError(`${imageName} created no named device to send requests to`);
      step(`opening ${device}`);
      const open = k.runInThread(k.userThread, () => k.io.files.openDevice(device));
      opened = { name: device, status: open.status };
      if (!NT_SUCCESS(open.status)) {
        // The driver's (or the namespace's) answer, not a usage error: the run goes on to unload.
        const skipped = list.length > 0 ? `; the ${list.length} request${list.length === 1 ? ' was' : 's were'} not sent` : '';
        said(`opening ${device} failed: ${statusName(open.status)}${skipped}`);
      } else {
        for (const rq of list) {
          const r = k.runInThread(k.userThread, () => send(k, open.file, rq));
          requests.push(r);
          said(requestLine(rq, r));
        }
        if (node && opts.removal === 'surprise-remove' && opts.unload !== false) {
          k.pnp.surpriseRemove(node);
        }
        step(`closing ${device}`);
        k.runInThread(k.userThread, () => k.io.files.closeFile(open.file));
      }
    }
    endProcesses(machine, processes, opts.onProcessEvent ?? (() => {}));
    const attached = node !== undefined && node.state !== 'DeviceNodeDeleted' && opts.unload !== false;
    if (node && attached) {
      if (node.state === 'DeviceNodeRemovePendingCloses') k.pnp.finishSurpriseRemoval(node);
      else if (opts.removal === 'surprise-remove') (k.pnp.surpriseRemove(node), k.pnp.finishSurpriseRemoval(node));
      else (endDeviceUsage(k, node, opts), k.pnp.remove(node));
    }
    const devicesLeft = node ? k.io.devicesOf(image.driverObject).length : 0;
    if (opts.unload === false) {
      step(`leaving ${imageName} loaded`);
    } else if (node && node.state !== 'DeviceNodeDeleted') {
      step(`${imageName}'s device was not removed (a driver vetoed IRP_MN_QUERY_REMOVE_DEVICE): it stays loaded`);
    } else if (devicesLeft > 0) {
      // Windows unloads a PnP driver only once its last device object is gone.
      said(`${imageName} still has ${devicesLeft} device object${devicesLeft === 1 ? '' : 's'} after IRP_MN_REMOVE_DEVICE: it stays loaded`);
    } else if (!k.io.canUnload(image.driverObject)) {
      step(`${imageName} has no DriverUnload routine: it stays loaded (Windows does not unload such a driver)`);
    } else {
      step(`unloading ${imageName}`);
      machine.unloadDriver(image);
      // As on Windows: each PnP notification registration holds the driver object, so the image stays.
      unloaded = !k.io.unloadPending(image.driverObject);
      const held = k.pnp.registrationsOf(image.driverObject);
      if (!unloaded) said(`${imageName}: DriverUnload left ${held} PnP notification registration${held === 1 ? '' : 's'}, which hold${held === 1 ? 's' : ''} its driver object: the image stays loaded`);
    }
    // The child drivers go once their devices are gone, as the run's driver does.
    for (const child of opts.unload === false ? [] : children) {
      if (k.io.devicesOf(child.driverObject).length > 0 || !k.io.canUnload(child.driverObject)) {
        step(`${child.module.imageName} keeps a device or has no DriverUnload routine: it stays loaded`);
        continue;
      }
      step(`unloading ${child.module.imageName}`);
      machine.unloadDriver(child);
    }
    // The filters go with the device, as the driver does: unloaded once they have no device left.
    if (opts.unload !== false) {
      for (const f of filterImages) {
        if (k.io.devicesOf(f.image.driverObject).length > 0 || !k.io.canUnload(f.image.driverObject)) continue;
        step(`unloading ${f.service}.sys`);
        machine.unloadDriver(f.image);
      }
    }
    if (opts.shutdown !== false) {
      step('shutting down');
      machine.shutdown();
    }
  } catch (e) {
    if (e instanceof DebuggerQuit) quit = true;
    else if (e instanceof DriverRefused) {
      if (opts.shutdown !== false) (step('shutting down'), machine.shutdown());
    } else if (!(e instanceof BugCheck || e instanceof HangError)) throw e;
  }
  // The dump is frozen when first asked for (nothing runs on the machine after this): a verdict alone
  // must not pay for it, and the dump of a machine whose pool a driver filled holds millions of blocks.
  let dump: CrashDump | undefined;
  const frozen = () => (dump ??= machine.dump());
  const tracked = () => [...(machine.verifier?.drivers.values() ?? [])].find((d) => d.name.toLowerCase() === name.toLowerCase())?.allocations;
  const hang = k.crash?.hang ?? null;
  const crash = k.crash?.bugCheck;
  return {
    driver: imageName,
    bugCheck: crash && !hang ? { code: crash.code, name: bugCheckName(crash.code), params: crash.params } : null,
    hang,
    requests,
    open: opened,
    processes,
    get leaks() {
      return frozen().verifier?.drivers.find((d) => d.name.toLowerCase() === name.toLowerCase())?.allocations ?? [];
    },
    get leakCount() {
      return tracked()?.size ?? 0;
    },
    leaksFirst(n: number) {
      const out: AllocationSnapshot[] = [];
      for (const a of tracked()?.values() ?? []) {
        if (out.length >= n) break;
        out.push({ ...a, stack: [...a.stack] });
      }
      return out;
    },
    get dump() {
      return frozen();
    },
    machine,
    loaded,
    unloaded,
    shutDown: k.shutdownState?.finished !== undefined,
    breaks,
    quit,
    pnp: node ? pnpResult(k, node, addDeviceStatus) : null,
    driverEntryStatus,
    faults: machine.verifier && (machine.verifier.faults.active || machine.verifier.faults.fuzzing) ? machine.verifier.faults : null,
  };
}

/** The load ended early: DriverEntry refused after an injected failure (the run goes on to shut down). */
class DriverRefused extends Error {}

/**
 * Load the driver. A DriverEntry that fails after low resources simulation failed one of its calls
 * answered correctly (the load is refused, nothing runs on): `refused` hears its status and the
 * result is undefined. Any other failed load is an error, as before.
 */
async function loadOrRefuse(machine: Machine, driver: string, refused: (status: number) => void) {
  try {
    return await machine.loadDriver(driver);
  } catch (e) {
    if (!(e instanceof DriverEntryFailed) || !machine.verifier?.faults.injected.length || machine.kernel.halted) throw e;
    refused(e.status);
    return undefined;
  }
}

/** A device name as the object manager knows it: \\.\X is the Win32 form of \??\X. */
export function ntDeviceName(name: string): string {
  return name.startsWith('\\\\.\\') ? `\\??\\${name.slice(4)}` : name;
}

/** Send one request on the open file, from the calling (user) thread. */
export function send(k: Machine['kernel'], file: number, rq: DeviceRequest): RequestResult {
  if (rq.kind === 'ioctl') return { major: IRP_MJ.DEVICE_CONTROL, code: rq.code, ...k.io.files.deviceIoControl(file, rq.code, rq.input, rq.outputLength, rq.outputInit) };
  if (rq.kind === 'read') return { major: IRP_MJ.READ, ...k.io.files.readWrite(file, IRP_MJ.READ, rq.length) };
  return { major: IRP_MJ.WRITE, ...k.io.files.readWrite(file, IRP_MJ.WRITE, rq.data.length, rq.data) };
}

/** The bytes a read line shows (more is in --json's `output`). */
const READ_SHOWN = 32;

/** The run's line for a request. IOCTL lines keep their historical form. */
function requestLine(rq: DeviceRequest, r: RequestResult): string {
  const result = `${statusName(r.status)}, ${r.information} bytes`;
  if (rq.kind === 'ioctl') return `IOCTL 0x${hex8(rq.code)} -> ${result}`;
  if (rq.kind === 'write') return `IRP_MJ_WRITE (${rq.data.length} bytes) -> ${result}`;
  const shown = Buffer.from(r.output.subarray(0, READ_SHOWN)).toString('hex');
  return `IRP_MJ_READ (${rq.length} bytes) -> ${result}${r.output.length > 0 ? `: ${shown}${r.output.length > READ_SHOWN ? '...' : ''}` : ''}`;
}

const hexAccess = (n: number) => `0x${(n >>> 0).toString(16)}`;

/** Start each process and open the handles asked for, a line each; a denied process is recorded with its status. */
function startProcesses(machine: Machine, requests: readonly ProcessRequest[], results: ProcessResult[], line: (s: string) => void): void {
  for (const req of requests) {
    const r = machine.startProcess(req.image, req.commandLine ?? '');
    const shown = `${req.image}${req.commandLine ? ` ${req.commandLine}` : ''}`;
    if (!r.process) {
      line(`process ${shown} -> denied: ${statusName(r.status)}`);
      results.push({ image: req.image, status: r.status, opens: [] });
      continue;
    }
    const pid = r.process.id;
    line(`process ${shown} -> pid ${pid} (0x${pid.toString(16)})`);
    const opens = (req.open ?? []).map((desiredAccess) => {
      const h = machine.openProcess(pid, desiredAccess);
      machine.closeHandle(h.handle);
      line(`OpenProcess(pid ${pid}, ${hexAccess(desiredAccess)}) -> granted ${hexAccess(h.grantedAccess)}`);
      return { desiredAccess: desiredAccess >>> 0, grantedAccess: h.grantedAccess };
    });
    results.push({ image: req.image, pid, status: r.status, opens });
  }
}

/** The processes the run started end (each exits by itself), latest first, before the driver unloads. */
function endProcesses(machine: Machine, results: readonly ProcessResult[], line: (s: string) => void): void {
  for (const p of [...results].reverse()) {
    if (p.pid === undefined || machine.kernel.ps.processById(p.pid)?.state !== 'running') continue;
    machine.endProcess(p.pid);
    line(`process ${p.image} (pid ${p.pid}) exited`);
  }
}
