/**
 * Driver Verifier. It attaches where Windows attaches it: when a verified driver's imports are
 * bound, each DDI it imports is wrapped in a thunk that checks, records, and calls the kernel's
 * routine. It listens to the kernel's events: at unload it checks what the driver left behind
 * (timers, DPCs, lookaside lists, threads, queued work, pool), and when shutdown starts it arms a
 * 20-minute watchdog. The kernel never calls it.
 */
import type { Culprit, Kernel } from '../kernel/kernel.ts';
import type { Loader } from '../loader/loader.ts';
import type { ImportTable, LoadedImage } from '../loader/image.ts';
import { RecentAddresses } from '../kernel/rtl/recent.ts';
import { DEVICE_OBJECT, DRIVER_OBJECT, GENERAL_LOOKASIDE, KDPC, KTIMER, WORK_QUEUE_ITEM } from '../nt/layout.ts';
import { IRP_MJ } from '../nt/io.ts';
import { isPagedPool } from '../nt/pool.ts';
import { AllocationLog } from './alloc-log.ts';
import type { ThunkSet, VerifierContext } from './context.ts';
import { VerifiedDriver } from './driver-entry.ts';
import { VF } from './flags.ts';
import { RULES, type VerifierRule } from './rules.ts';
import { isVerified, type VerifierSettings } from './settings.ts';
import { VA_MAP } from '../kernel/mm/address-space.ts';
import { StackDepot } from './stack-depot.ts';
import { countFree, VerifierStats } from './stats.ts';
import { IO_THUNK_ROUTINES, ioThunks } from './thunks/io.ts';
import { IRQL_THUNK_ROUTINES, irqlThunks } from './thunks/irql.ts';
import { LOCK_THUNK_ROUTINES, lockThunks } from './thunks/locks.ts';
import { MDL_THUNK_ROUTINES, mdlThunks } from './thunks/mdl.ts';
import { OBJECT_THUNK_ROUTINES, objectThunks } from './thunks/objects.ts';
import { POOL_THUNK_ROUTINES, poolThunks } from './thunks/pool.ts';
import { TRACKING_THUNK_ROUTINES, trackingThunks } from './thunks/tracking.ts';
import { DDI_THUNK_ROUTINES, ddiThunks } from './ddi/thunks.ts';
import { LOW_RESOURCES_THUNK_ROUTINES, lowResourcesThunks } from './thunks/lowres.ts';
import { delayFuzzingThunks } from './thunks/delay-fuzzing.ts';
import { pofxDelayThunks } from './thunks/pofx-delay.ts';
import { FaultInjector } from './faults.ts';
import { DeadlockDetection } from './deadlock/detector.ts';
import { DEADLOCK_THUNK_ROUTINES, deadlockThunks } from './deadlock/thunks.ts';
import { MISC_THUNK_ROUTINES, miscThunks } from './thunks/misc.ts';
import { irqlLogThunks } from './thunks/irql-log.ts';
import { IrqlLog } from './irql-log.ts';
import { ReportRecorder } from './report-recorder.ts';
import { SECURITY_THUNK_ROUTINES, securityThunks } from './thunks/security.ts';
import { PAGE_THUNK_ROUTINES, pageThunks } from './thunks/pages.ts';
import { DMA_THUNK_ROUTINES, dmaThunks } from './thunks/dma.ts';
import { IOV_THUNK_ROUTINES, iovThunks } from './thunks/iov.ts';
import { IOV_ROUTINES, IoVerification } from './io-verify.ts';
import { INVARIANT_MDL_FLAGS, INVARIANT_MDL_THUNK_ROUTINES, invariantMdlThunks, watchInvariantMdls } from './thunks/invariant-mdl.ts';
import { VF_TAG } from './tags.ts';

/**
 * The thunk sets, each with the options it serves (0: always, the automatic checks and what tracks for
 * them). A set none of whose options is on wraps nothing, so an option that is off costs no call.
 * Sets compose, earlier ones outermost (their checks first). DDI compliance first: a DDI rule is reported
 * before the automatic check of the same call. Miscellaneous checks before the pool thunks: a block is
 * checked for live kernel objects before it is untracked. Deadlock detection after the IRQL and lock
 * sets: their checks (a release at the wrong IRQL) come first. Low resources simulation is always
 * wrapped: a --faults plan fails calls without the 0x4 or 0x40000 option.
 */
const THUNK_SETS: ReadonlyArray<readonly [options: number, set: ThunkSet]> = [
  [VF.DDI_COMPLIANCE | VF.DDI_COMPLIANCE_ADDITIONAL, ddiThunks],
  [VF.MISCELLANEOUS_CHECKS | VF.FORCE_IRQL_CHECKING, miscThunks],
  [VF.FORCE_IRQL_CHECKING, irqlLogThunks],
  [0, poolThunks],
  [0, ioThunks],
  [0, irqlThunks],
  [0, lockThunks],
  [0, mdlThunks],
  [0, objectThunks],
  [0, trackingThunks],
  [VF.IO_VERIFICATION, iovThunks],
  [0, pageThunks],
  [VF.DMA_CHECKING, dmaThunks],
  [VF.SECURITY_CHECKS, securityThunks],
  [INVARIANT_MDL_FLAGS, invariantMdlThunks],
  [0, lowResourcesThunks],
  [VF.KERNEL_SYNC_DELAY_FUZZING, delayFuzzingThunks],
  [VF.POWER_FRAMEWORK_DELAY_FUZZING, pofxDelayThunks],
  [VF.DEADLOCK_DETECTION, deadlockThunks],
];
const RECENTLY_FREED = 0x4000;

/** The unload checks' own frames, with the offsets of their bug check call sites. */
const UNLOAD_CHECKS = {
  timers: ['KeCheckForTimer', 0x8e],
  lookasides: ['VfLookasideCheckForUnload', 0x4b],
  threads: ['VfThreadCheckForUnload', 0x57],
  work: ['VfWorkItemCheckForUnload', 0x3d],
} as const;
const WATCHDOG_ROUTINE = 'VerifierShutdownWatchdog';

/** 20 minutes in NT relative time (100 ns units, negative). */
const SHUTDOWN_WATCHDOG = -20n * 60n * 1000n * 10_000n;
const TAG_WATCHDOG = VF_TAG.Watchdog;

export class Verifier {
  readonly stats = new VerifierStats();
  /** One copy of each distinct allocation stack, shared by the log and every driver's records. */
  readonly stacks = new StackDepot();
  readonly log = new AllocationLog(undefined, this.stacks);
  readonly irqlLog = new IrqlLog();
  /** Verified drivers by module name (lower case), loaded or unloaded. */
  readonly drivers = new Map<string, VerifiedDriver>();
  /** Low resources simulation (0x4, 0x40000, --faults): the calls failed and the failure points reached. */
  readonly faults: FaultInjector;
  /** Every driver record ever made (a reloaded driver's earlier record may still own blocks). */
  private readonly records: VerifiedDriver[] = [];
  private readonly freed = new RecentAddresses(RECENTLY_FREED);
  /** Where captureStackId assembles a stack before interning it (one machine runs one thunk at a time). */
  private readonly scratchStack: number[] = [];
  private watchdog?: { readonly timer: number; readonly dpc: number; readonly thread: number };
  readonly deadlock: DeadlockDetection;
  /** Each verified driver's context, as its thunks see it (for checks made outside a thunk). */
  private readonly contexts: VerifierContext[] = [];
  /** I/O verification's IRP state and its checks around dispatch and completion routines. */
  readonly io: IoVerification;
  private recorder?: ReportRecorder;

  constructor(private readonly k: Kernel, loader: Loader, readonly settings: VerifierSettings) {
    // Appended in this order: nt symbols added earlier keep their addresses.
    k.nt.addRoutines([...POOL_THUNK_ROUTINES, ...IO_THUNK_ROUTINES, 'VfPoolCheckForLeaks', 'VerifierBugCheckIfAppropriate']);
    k.nt.addRoutines([
      ...IRQL_THUNK_ROUTINES,
      ...LOCK_THUNK_ROUTINES,
      ...MDL_THUNK_ROUTINES,
      ...OBJECT_THUNK_ROUTINES,
      ...TRACKING_THUNK_ROUTINES,
      ...Object.values(UNLOAD_CHECKS).map(([name]) => name),
      WATCHDOG_ROUTINE,
    ]);
    // DDI compliance checking: the frames of its thunks (those of exported DDIs).
    k.nt.addRoutines(DDI_THUNK_ROUTINES.filter((r) => r.replace(/^Verifier/, '') in k.ddi));
    k.nt.addRoutines(LOW_RESOURCES_THUNK_ROUTINES);
    this.faults = new FaultInjector(k, settings.flags, settings.faults);
    k.nt.addRoutines(DEADLOCK_THUNK_ROUTINES);
    this.deadlock = new DeadlockDetection(k);
    k.nt.addRoutines(MISC_THUNK_ROUTINES);
    k.nt.addRoutines(SECURITY_THUNK_ROUTINES);
    k.nt.addRoutines(INVARIANT_MDL_THUNK_ROUTINES);
    if (settings.flags & INVARIANT_MDL_FLAGS) watchInvariantMdls(k, (driverObject) => this.records.some((d) => d.state !== 'Unloaded' && this.k.io.drivers.get(driverObject)?.name.toLowerCase() === d.name.toLowerCase()));
    // Pages from the memory manager (MmAllocatePagesForMdl and friends), tracked with the pool.
    k.nt.addRoutines(PAGE_THUNK_ROUTINES);
    // DMA checking: the verifier's routines in a verified driver's DMA_OPERATIONS tables.
    k.nt.addRoutines(DMA_THUNK_ROUTINES);
    k.nt.addRoutines([...IOV_THUNK_ROUTINES, ...IOV_ROUTINES]);
    this.io = new IoVerification(k, settings.flags, (address) => this.contextAt(address));
    loader.addImportTransform((image, table) => (isVerified(settings, image.module.imageName) ? this.attach(image, table) : table));
    // Every load and store of a verified image is checked against mm's shadow (special pool, KASAN redzones, bad pointers).
    loader.checksMemoryOf = (imageName) => isVerified(settings, imageName);
    // Force IRQL checking: Mm trims pageable memory whenever IRQL is raised to DISPATCH_LEVEL, so a touch of
    // paged pool there faults (0xD1) at once instead of only when the page happens to be out.
    if (settings.flags & VF.FORCE_IRQL_CHECKING) k.as.shadow.enableTrimming(VA_MAP.trimmedShadow.start, k.as.accessiblePages());
    k.events.on('driverUnloaded', (e) => this.onUnloaded(e.name, e.imageBase, e.imageSize));
    k.events.on('imageUnmapped', (e) => {
      const d = this.drivers.get(e.name.toLowerCase());
      if (d) {
        d.state = 'Unloaded';
        d.unloads++;
      }
    });
    k.events.on('shutdownStarted', (e) => this.armShutdownWatchdog(e.thread));
    k.events.on('shutdownCompleted', () => this.disarmShutdownWatchdog());
    // A driver's PnP answer the PnP manager frees is the driver's allocation no longer (as Windows' pool frees a tracked block for any caller).
    k.events.on('driverPoolFreedByKernel', (e) => {
      const owner = this.records.find((d) => d.allocations.has(e.address));
      const a = owner?.untrack(e.address);
      if (!a) return;
      this.freed.add(e.address);
      countFree(isPagedPool(a.poolType) ? this.stats.paged : this.stats.nonPaged, a.size);
    });
  }

  /**
   * Record what the --html report charts from now on: pool in use per tag of every verified driver, and
   * the IRQL transitions Force IRQL checking logs. Wraps this machine's recorders only.
   */
  startReport(): ReportRecorder {
    if (this.recorder) return this.recorder;
    const r = (this.recorder = new ReportRecorder(() => this.k.clock.now));
    for (const d of this.records) d.observe((tag, delta) => r.poolChange(tag, delta));
    const add = this.irqlLog.add.bind(this.irqlLog);
    this.irqlLog.add = (t) => {
      add(t);
      r.irqlChange(t);
    };
    return r;
  }

  /** What the --html report charts; undefined until startReport (no cost to a run without a report). */
  get report(): ReportRecorder | undefined {
    return this.recorder;
  }

  get flags(): number {
    return this.settings.flags;
  }

  driver(name: string): VerifiedDriver | undefined {
    return this.drivers.get(name.toLowerCase().replace(/\.sys$/, ''));
  }

  /** Wrap every imported DDI that has a thunk. */
  private attach(image: LoadedImage, table: ImportTable): ImportTable {
    const m = image.module;
    const driver = new VerifiedDriver(this.k, m.name, m.imageName, m.base, m.size, this.stacks);
    this.drivers.set(m.name.toLowerCase(), driver);
    this.records.push(driver);
    const report = this.recorder;
    if (report) driver.observe((tag, delta) => report.poolChange(tag, delta));
    const vf = this.context(driver);
    this.contexts.push(vf);
    const out: ImportTable = { ...table };
    // Sets compose: a DDI wrapped by several options' sets runs the earlier set's checks first (outermost).
    const flags = this.settings.flags;
    for (const [options, set] of [...THUNK_SETS].reverse()) {
      if (options !== 0 && !(flags & options)) continue;
      for (const [name, factory] of Object.entries(set)) {
        const next = out[name];
        if (next) out[name] = factory(next, vf);
      }
    }
    // Stack switching (automatic check): every call into the kernel must come from the thread's
    // stack or the processor's DPC stack.
    for (const [name, fn] of Object.entries(out)) out[name] = stackChecked(fn, vf);
    return out;
  }

  private context(driver: VerifiedDriver): VerifierContext {
    const k = this.k;
    return {
      k,
      flags: this.settings.flags,
      driver,
      stats: this.stats,
      log: this.log,
      faults: this.faults,
      deadlock: this.deadlock,
      irqlLog: this.irqlLog,
      owner: (a) => this.records.find((d) => d.allocations.has(a)),
      wasFreed: (a) => this.freed.has(a),
      rememberFreed: (a) => this.freed.add(a),
      ntFrame: (routine, offset) => k.nt.address(routine, offset),
      captureStack: (frames, skip) => [...frames, ...k.stacks.capture(skip)],
      captureStackId: (frames, _skip) => {
        const scratch = this.scratchStack;
        for (let i = 0; i < frames.length; i++) scratch[i] = frames[i]!;
        return this.stacks.internFirst(scratch, k.stacks.captureInto(scratch, frames.length));
      },
      stacks: this.stacks,
      caller: (skip) => k.stacks.callerOf(skip),
      violation: (rule, p2, p3, p4, frames = []) => {
        driver.sync();
        return k.stacks.frames([...frames].reverse(), () => k.bugCheck(rule.code, rule.p1 ?? 0, p2, p3, p4));
      },
    };
  }

  /** The loaded verified driver whose image holds `address`. */
  private contextAt(address: number): VerifierContext | undefined {
    for (let i = this.contexts.length - 1; i >= 0; i--) {
      const vf = this.contexts[i]!;
      const d = vf.driver;
      if (d.state !== 'Unloaded' && address >= d.base && address < d.base + d.size) return vf;
    }
    return undefined;
  }

  // ---- unload ------------------------------------------------------------------------------

  /**
   * Right after DriverUnload returns, before anything else runs and before the image goes: nothing of
   * the driver may be left where the kernel will call or touch it.
   */
  private onUnloaded(name: string, base: number, size: number): void {
    const d = this.drivers.get(name.toLowerCase());
    if (!d) return;
    d.sync();
    this.checkTimersAndDpcs(d, base, base + size);
    this.checkLookasideLists(d, base, base + size);
    this.checkThreadsAndWork(d, base, base + size);
    if (this.settings.flags & VF.DEADLOCK_DETECTION) this.deadlock.onUnloaded(d.name, base, base + size);
    if (this.settings.flags & VF.POOL_TRACKING && d.allocations.size > 0) {
      const r = RULES.PoolLeakAtUnload;
      this.k.withFrames(['VfPoolCheckForLeaks', 'VerifierBugCheckIfAppropriate'], () =>
        this.k.bugCheck(r.code, r.p1!, d.nameAddress, d.entryAddress, d.allocations.size),
      );
    }
  }

  /** Raise a rule's bug check from an unload check, blaming the driver (and the line that set the object up). */
  private raise(check: keyof typeof UNLOAD_CHECKS, rule: VerifierRule, params: readonly [number, number, number, number], culprit: Culprit): never {
    const k = this.k;
    const [routine, offset] = UNLOAD_CHECKS[check];
    return k.stacks.frames([k.nt.address(routine, offset), k.nt.address('VerifierBugCheckIfAppropriate', 0x2a)], () =>
      k.bugCheck(rule.code, params[0], params[1], params[2], params[3], undefined, culprit),
    );
  }

  /** 0xC7: a timer set, or a DPC queued, whose timer, DPC object or DPC routine lies in the image. */
  private checkTimersAndDpcs(d: VerifiedDriver, start: number, end: number): void {
    const k = this.k;
    const inImage = (a: number) => a >= start && a < end;
    const routineOf = (dpc: number) => (dpc === 0 ? 0 : k.routineAddress(k.as.u32(dpc + KDPC.off.DeferredRoutine)));
    const blame = (object: number, routine: number): Culprit => ({ module: d.name, address: d.origins.get(object) || routine || undefined });
    for (const t of k.dispatcher.setTimers()) {
      const routine = routineOf(t.dpc);
      const culprit = blame(t.timer, inImage(routine) ? routine : 0);
      if (inImage(t.timer)) this.raise('timers', RULES.TimerAtUnload, [RULES.TimerAtUnload.p1!, t.timer, start, end], culprit);
      if (t.dpc !== 0 && inImage(t.dpc)) this.raise('timers', RULES.DpcAtUnload, [RULES.DpcAtUnload.p1!, t.dpc, start, end], culprit);
      if (t.dpc !== 0 && inImage(routine)) this.raise('timers', RULES.DpcRoutineAtUnload, [RULES.DpcRoutineAtUnload.p1!, routine, start, end], culprit);
    }
    for (const dpc of k.dispatcher.queuedDpcList()) {
      const routine = routineOf(dpc);
      const culprit = blame(dpc, inImage(routine) ? routine : 0);
      if (inImage(dpc)) this.raise('timers', RULES.DpcAtUnload, [RULES.DpcAtUnload.p1!, dpc, start, end], culprit);
      if (inImage(routine)) this.raise('timers', RULES.DpcRoutineAtUnload, [RULES.DpcRoutineAtUnload.p1!, routine, start, end], culprit);
    }
  }

  /** 0xC4/0xCC: a lookaside list the driver initialized (or that lives in, or calls into, its image) still active. */
  private checkLookasideLists(d: VerifiedDriver, start: number, end: number): void {
    const k = this.k;
    const inImage = (a: number) => a >= start && a < end;
    const r = RULES.LookasideListAtUnload;
    for (const [list, o] of d.lookasides) {
      if (k.lookasideLists.has(list)) this.raise('lookasides', r, [r.p1!, list, o.start, o.size], { module: d.name, address: o.caller || undefined });
    }
    const L = GENERAL_LOOKASIDE.off;
    for (const list of k.lookasideLists.keys()) {
      if (inImage(list) || inImage(k.routineAddress(k.as.u32(list + L.Allocate))) || inImage(k.routineAddress(k.as.u32(list + L.Free)))) {
        this.raise('lookasides', r, [r.p1!, list, start, end - start], { module: d.name });
      }
    }
  }

  /** 0xCE at once: a system thread of the image not yet finished, or system work of the image still queued. */
  private checkThreadsAndWork(d: VerifiedDriver, start: number, end: number): void {
    const k = this.k;
    const inImage = (a: number) => a >= start && a < end;
    for (const t of k.threads) {
      const routine = t.startRoutine === 0 ? 0 : k.routineAddress(t.startRoutine);
      if (t.state !== 'terminated' && inImage(routine)) {
        const r = RULES.WorkerThreadAtUnload;
        this.raise('threads', r, [routine, 0, routine, 0], { module: d.name, address: d.origins.get(t.address) || routine });
      }
    }
    for (const w of k.dispatcher.workQueue) {
      const routine = k.routineAddress(w.routine);
      if (w.device === undefined && inImage(routine)) {
        const r = RULES.QueuedWorkAtUnload;
        const W = WORK_QUEUE_ITEM.off;
        const item = [...d.origins.keys()].find((a) => k.as.u32(a + W.WorkerRoutine) === w.routine && k.as.u32(a + W.Parameter) === w.args[0]);
        this.raise('work', r, [routine, 0, routine, 0], { module: d.name, address: (item !== undefined ? d.origins.get(item) : 0) || routine });
      }
    }
  }

  // ---- shutdown ----------------------------------------------------------------------------

  /** Shutdown started: break (debugger attached) or bug check 0xC4/0x115 if it has not finished in 20 minutes. */
  private armShutdownWatchdog(thread: number): void {
    const k = this.k;
    const timer = k.allocateKernelObject(KTIMER.size, TAG_WATCHDOG);
    const dpc = k.allocateKernelObject(KDPC.size, TAG_WATCHDOG);
    const routine = k.nt.address(WATCHDOG_ROUTINE);
    k.registerRoutine(routine, (() => this.shutdownOverdue()) as never, 'nt');
    k.dispatcher.initializeTimer(timer, 0);
    k.dispatcher.initializeDpc(dpc, routine, 0);
    this.watchdog = { timer, dpc, thread };
    k.dispatcher.setTimer(timer, SHUTDOWN_WATCHDOG, 0, dpc);
  }

  private disarmShutdownWatchdog(): void {
    const w = this.watchdog;
    if (!w) return;
    this.k.dispatcher.cancelTimer(w.timer);
    this.k.dispatcher.removeQueueDpc(w.dpc);
    this.k.freeKernelObject(w.timer);
    this.k.freeKernelObject(w.dpc);
    this.watchdog = undefined;
  }

  /** The watchdog's DPC: the shutdown thread is still at it after 20 minutes. */
  private shutdownOverdue(): void {
    const k = this.k;
    const w = this.watchdog!;
    const r = RULES.ShutdownTimeout;
    const culprit = this.shutdownCulprit();
    const params = [r.p1!, w.thread, 0, 0] as const;
    k.stacks.frame(k.nt.address(WATCHDOG_ROUTINE, 0x5c), () => {
      if (!k.kdDebuggerEnabled) k.bugCheck(r.code, params[0], params[1], params[2], params[3], undefined, culprit);
      const where = culprit ? `, in the IRP_MJ_SHUTDOWN routine of ${culprit.module}` : '';
      k.debugBreak({
        code: r.code,
        params,
        culprit,
        message: [
          'Driver Verifier: the system shutdown has not finished 20 minutes after it started.',
          `The thread doing the shutdown is ${hex8(w.thread)}${where}.`,
          `Without a kernel debugger this is bug check 0xC4 (DRIVER_VERIFIER_DETECTED_VIOLATION), Parameter 1 = 0x${r.p1!.toString(16)}.`,
          "!analyze -v shows the thread's stack; g continues the shutdown (this check breaks again 20 minutes later); q quits.",
        ],
      });
    });
    // Continued: watch the next 20 minutes.
    if (this.watchdog === w) k.dispatcher.setTimer(w.timer, SHUTDOWN_WATCHDOG, 0, w.dpc);
  }

  /** The driver whose IRP_MJ_SHUTDOWN the shutdown thread is in, with its dispatch routine. */
  private shutdownCulprit(): Culprit | undefined {
    const k = this.k;
    const device = k.io.shutdownTarget;
    if (device === undefined) return undefined;
    const driverObject = k.as.u32(device + DEVICE_OBJECT.off.DriverObject);
    const rec = k.io.drivers.get(driverObject);
    if (!rec) return undefined;
    const dispatch = k.routineAddress(k.as.u32(driverObject + DRIVER_OBJECT.off.MajorFunction + 4 * IRP_MJ.SHUTDOWN));
    return { module: rec.name, address: dispatch };
  }

  /** Bring the simulated mirrors up to date (before a dump is taken). */
  sync(): void {
    for (const d of this.drivers.values()) d.sync();
  }
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** Wrap a DDI with the stack-switch check: 0xC4/0x90 with the stack pointer and the stack's limit and base. */
function stackChecked(fn: (...args: never[]) => unknown, vf: VerifierContext): (...args: never[]) => unknown {
  const k = vf.k;
  return ((...args: never[]) => {
    const sp = k.driverStackPointer;
    if (sp !== 0) {
      const stack = k.currentStack();
      if (sp < stack.limit || sp > stack.base) vf.violation(RULES.StackSwitch, sp, stack.limit, stack.base);
    }
    return fn(...args);
  }) as (...args: never[]) => unknown;
}
