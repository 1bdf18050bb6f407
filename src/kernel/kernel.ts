/**
 * The simulated NT kernel: composition root of its subsystems. It knows nothing of the verifier,
 * the loader or the debugger; it publishes events and exports DDIs.
 */
import { PnpManager } from './pnp/manager.ts';
import { BUGCHECK } from '../nt/bugcheck.ts';
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../nt/irql.ts';
import { POOL_TYPE } from '../nt/pool.ts';
import { STATUS } from '../nt/status.ts';
import { ExPool } from './ex/pool.ts';
import { BugCheck, HangError, InternalError, SimulatorError } from './errors.ts';
import { Watchdog } from './ke/watchdog.ts';
import { KernelEvents } from './events.ts';
import { AddressSpace, PAGE_SIZE, PageKind, VaRegion, VA_MAP, WASM_CALL_SITE_RING, WASM_FRAME_BASE_RING } from './mm/address-space.ts';
import { DriverMemory } from './mm/driver-memory.ts';
import { mmAccessFault, type MemoryAccessRecord } from './mm/access-fault.ts';
import { SpecialPool } from './mm/special-pool.ts';
import { kasanUnpoison } from './mm/kasan-shadow.ts';
import { CallStacks } from './ke/callstack.ts';
import { asError, exceptionCodeOf } from './ke/exception.ts';
import { ExceptionDispatcher, isUnwinding, NtException } from './ke/except.ts';
import { Clock } from './ke/clock.ts';
import { Dispatcher } from './ke/dispatcher.ts';
import { Processor } from './ke/processor.ts';
import { IoManager } from './io/iomgr.ts';
import { ObjectManager } from './ob/object.ts';
import { ConfigurationManager } from './cm/cm.ts';
import { Volume } from './io/volume.ts';
import { ThreadExit, type Process, type Thread } from './ps/thread.ts';
import type { StackSwitch } from './ke/suspend.ts';
import { EPROCESS_IMAGE_FILE_NAME, ProcessManager } from './ps/process.ts';
import { ObjectTypes } from './ob/types.ts';
import { ObCallbacks } from './ob/callbacks.ts';
import { INTERNAL_ROUTINES, NtImage } from './nt-image.ts';
import { formatSymbol, sourceLine, type ModuleInfo } from './symbols.ts';
import { TAG } from './tags.ts';
import { buildDdiTable, type DdiTable } from './ddi.ts';
import type { LookasideRecord } from './ex/lookaside.ts';
import { DriverPages } from './mm/mdl-pages.ts';
import { Hal } from './hal/hal.ts';

/** A routine the kernel can call through a code address (a driver's dispatch routine, DPC routine...). */
export type Routine = (...args: never[]) => unknown;

interface RoutineEntry {
  readonly fn: Routine;
  /** The module that owns the code, for messages. */
  readonly module: string;
  /** Where the routine's code is: the pointer itself, or for a wasm table index, its function's address. */
  readonly codeAddress: number;
}

/**
 * The driver a bug check blames when no driver code is on the stack (KiBugCheckDriver): an unload
 * check runs in the kernel after the driver's code has returned. `address` is the driver code to
 * show for it (the routine left behind, or the call that set the object up).
 */
export interface Culprit {
  readonly module: string;
  readonly address?: number;
}

/** What the machine was doing when it stopped: the crash dump's context. */
export interface CrashContext {
  readonly bugCheck: BugCheck;
  readonly thread: Thread;
  readonly processor: number;
  readonly irql: number;
  readonly stack: readonly number[];
  /** Parallel to `stack`: each wasm frame's base (its `__stack_pointer` at the call it made, or where it stopped), 0 where unknown. */
  readonly frameBases?: readonly number[];
  readonly time: number;
  /** For exceptions a driver did not handle: what the host saw. */
  readonly exception?: { message: string; address: number };
  readonly culprit?: Culprit;
  /** The machine did not stop by itself: it hung, and the run forced this dump (see Kernel.hang). */
  readonly hang?: { readonly reason: string };
  /** The bad memory access behind a memory stop (0x1F2, 0xD6, 0x50...). */
  readonly memoryAccess?: MemoryAccessRecord;
}

/** Why the machine broke into the debugger (DbgBreakPointWithStatus): the stop it stands for. */
export interface BreakReason {
  /** The bug check this break replaces when no debugger is attached (e.g. 0xC4 / 0x115). */
  readonly code: number;
  readonly params: readonly [number, number, number, number];
  /** What the break prints on the debugger's console. */
  readonly message: readonly string[];
  readonly culprit?: Culprit;
  /** A breakpoint the driver executed itself, by the nt routine holding its int 3; absent for a Driver Verifier break. */
  readonly breakpoint?: BreakpointRoutine;
}

/** The routines whose int 3 a driver can execute (a Driver Verifier break is DbgBreakPointWithStatus too). */
export type BreakpointRoutine = 'DbgBreakPoint' | 'DbgBreakPointWithStatus';

/** The machine as a debugger break finds it: running, stopped at a breakpoint, continuable. */
export interface BreakContext {
  readonly reason: BreakReason;
  readonly thread: Thread;
  readonly processor: number;
  readonly irql: number;
  readonly stack: readonly number[];
  /** Parallel to `stack`: each wasm frame's base, 0 where unknown (CrashContext.frameBases). */
  readonly frameBases?: readonly number[];
  readonly time: number;
}

/** The kernel debugger's side of a break: returns to continue (g); throws to end the session. */
export type DebuggerHandler = (context: BreakContext) => void;

export class Kernel {
  readonly as = new AddressSpace();
  readonly events = new KernelEvents();
  readonly stacks = new CallStacks((pc) => pc >= VA_MAP.ntImage.start && pc < VA_MAP.ntImage.end);
  readonly clock = new Clock();
  /** Runaway detection: loop budgets, the DPC watchdog, the run's time limits. */
  readonly watchdog: Watchdog = new Watchdog(this);
  /** Drivers' __try frames, and where a raised exception goes. */
  readonly exceptions: ExceptionDispatcher = new ExceptionDispatcher(this);
  readonly nt = new NtImage();
  readonly special: SpecialPool;
  readonly pool: ExPool;
  readonly dispatcher: Dispatcher;
  readonly io: IoManager;
  readonly ob: ObjectManager;
  /** The registry. */
  readonly cm: ConfigurationManager;
  /** The simulated volume ZwCreateFile opens files on (io/file-system.ts); empty at boot. */
  readonly volume = new Volume();
  /** The PnP manager: the device tree and the PnP IRPs (kernel/pnp). */
  readonly pnp: PnpManager;
  /** Processes and threads by id, and the process, thread and image notify routines. */
  readonly ps: ProcessManager;
  /** The object types drivers name in ObRegisterCallbacks (PsProcessType, PsThreadType). */
  readonly obTypes: ObjectTypes;
  /** ObRegisterCallbacks registrations, called on process and thread handle operations. */
  readonly obCallbacks: ObCallbacks;
  readonly processors: Processor[];
  /** Device memory, ports, interrupts and DMA (hal/): what drivers of hardware talk to. */
  readonly hal: Hal = new Hal(this);
  /** Pages the memory manager hands drivers: MmAllocatePagesForMdl(Ex), contiguous and noncached memory. */
  readonly driverPages: DriverPages = new DriverPages(this);
  /** The DDIs ntoskrnl exports, by name. Loaders bind driver imports against this. */
  readonly ddi: DdiTable;
  /** Modules in load order: nt first. */
  readonly modules: ModuleInfo[] = [];
  /** Initialized lookaside lists not yet deleted (ExNPagedLookasideListHead / ExPagedLookasideListHead). */
  readonly lookasideLists = new Map<number, LookasideRecord>();
  /**
   * The stack pointer of the driver code making the current DDI call, where the image format knows it
   * (a wasm driver's __stack_pointer); 0 when unknown (TypeScript drivers have no stack pointer).
   */
  driverStackPointer = 0;
  /** DbgPrint output, in order. */
  readonly debugLog: string[] = [];
  onDebugPrint?: (line: string) => void;

  readonly systemProcess: Process;
  readonly threads: Thread[] = [];
  readonly systemThread: Thread;
  readonly workerThread: Thread;
  /** The user-mode process and thread that issue requests (open, DeviceIoControl, close). */
  readonly userProcess: Process;
  readonly userThread: Thread;
  currentThread: Thread;

  /** KdDebuggerEnabled: set when a kernel debugger is attached; it runs at each break. */
  debugger?: DebuggerHandler;
  /** The break in progress, while the debugger has the machine. */
  breakIn?: BreakContext;
  /** The system shutdown: started (with its worker thread), and whether it has finished. */
  shutdownState?: { readonly thread: Thread; readonly started: number; finished?: number };

  /** Keyed by `pointer | 0`: a kernel-half address as a key would be a heap number, boxed on every call. */
  private readonly routines = new Map<number, RoutineEntry>();
  /** Function pointers of unloaded images that are not code addresses (wasm table indices), to the code they named. */
  private readonly unloadedRoutines = new Map<number, number>();
  private readonly stackRegion = new VaRegion('KernelStacks', VA_MAP.stacks.start, VA_MAP.stacks.end);
  private readonly userRegion = new VaRegion('UserSpace', VA_MAP.user.start, VA_MAP.user.end);
  crash?: CrashContext;

  /** `memory`: physical memory in bytes (default DEFAULT_MEMORY); the pools' commit limits follow from it. */
  constructor(options: { processors?: number; memory?: number } = {}) {
    const bugCheck = (code: number, p1: number, p2: number, p3: number, p4: number): never => this.bugCheck(code, p1, p2, p3, p4);
    // A wild pointer a DDI follows past the top of the address space: the page fault Windows takes there.
    this.as.onOutOfRange = (address, write) => this.bugCheck(BUGCHECK.PAGE_FAULT_IN_NONPAGED_AREA, address, write ? 1 : 0, this.stacks.callerOf(), 0);
    this.special = new SpecialPool(this.as, bugCheck);
    this.pool = new ExPool(this.as, this.special, bugCheck, options.memory);
    this.processors = Array.from({ length: options.processors ?? 1 }, (_, i) => new Processor(i));
    // Under Force IRQL checking mm trims pageable memory while the IRQL is DISPATCH_LEVEL or above.
    for (const p of this.processors) p.onIrqlChange = (irql) => p === this.prcb && this.as.shadow.trim(irql >= DISPATCH_LEVEL);

    for (const p of this.processors) {
      const stack = this.allocateStack()!;
      p.dpcStackBase = stack.base;
      p.dpcStackLimit = stack.limit;
    }
    this.dispatcher = new Dispatcher(this);
    this.ob = new ObjectManager();
    this.cm = new ConfigurationManager(this);
    this.ps = new ProcessManager(this);
    this.obTypes = new ObjectTypes(this);
    this.obCallbacks = new ObCallbacks(this);
    this.io = new IoManager(this);
    this.pnp = new PnpManager(this);
    // Internal routines first: building the DDI table may already need their addresses.
    this.nt.addRoutines(INTERNAL_ROUTINES);
    this.ddi = buildDdiTable(this);
    this.nt.addRoutines(Object.keys(this.ddi).sort());
    this.modules.push(this.nt.module());
    this.systemProcess = this.createProcess('System');
    this.systemThread = this.createThread(this.systemProcess, 'System');
    this.workerThread = this.createThread(this.systemProcess, 'ExpWorkerThread');
    this.userProcess = this.createProcess('dvclient.exe');
    this.userThread = this.createThread(this.userProcess, 'dvclient.exe main thread');
    this.ps.track(this.userProcess, this.userThread);
    this.currentThread = this.systemThread;
    this.systemThread.state = 'running';
    this.stacks.onBackEdges = (pc, edges) => this.watchdog.backEdges(pc, edges);
    this.stacks.readWasmCallSite = (x) => this.as.u32(WASM_CALL_SITE_RING.base + (x & WASM_CALL_SITE_RING.mask));
    this.stacks.readWasmFrameBase = (x) => this.as.u32(WASM_FRAME_BASE_RING.base + (x & WASM_FRAME_BASE_RING.mask));
  }

  get prcb(): Processor {
    return this.processors[0]!;
  }

  get irql(): number {
    return this.prcb.irql;
  }

  get dpcActive(): boolean {
    return this.prcb.dpcActive;
  }

  get halted(): boolean {
    return this.crash !== undefined;
  }

  // ---- bug checks ----------------------------------------------------------------------------

  /** KeBugCheckEx: stop the machine. The first bug check wins; later calls rethrow it. */
  bugCheck(code: number, p1: number, p2: number, p3: number, p4: number, exception?: CrashContext['exception'], culprit?: Culprit, memoryAccess?: MemoryAccessRecord): never {
    if (this.crash) throw this.crash.bugCheck;
    const bc = new BugCheck(code, p1, p2, p3, p4);
    // KeBugCheckEx calls KeBugCheck2, so KeBugCheck2 is the innermost frame.
    const { stack, frameBases } = this.stacks.frame(this.nt.address('KeBugCheckEx', 0x1c), () =>
      this.stacks.frame(this.nt.address('KeBugCheck2', 0x3a), () => this.stacks.captureWithFrameBases()),
    );
    this.crash = {
      bugCheck: bc,
      thread: this.currentThread,
      processor: this.prcb.number,
      irql: this.prcb.irql,
      stack,
      ...(frameBases.some((b) => b !== 0) ? { frameBases } : {}),
      time: this.clock.now,
      exception,
      culprit,
      memoryAccess,
    };
    this.events.emit('bugCheck', { code: bc.code, params: bc.params });
    throw bc;
  }

  /**
   * The machine hangs: driver code that never stops, or a wait that nothing can end. Windows gives
   * no bug check for that; a tester forces a crash dump of the hung machine (CrashOnCtrlScroll),
   * which stops it with MANUALLY_INITIATED_CRASH. The run does the same, records why, and ends
   * with HangError (dv's hang verdict, not the driver's bug check).
   */
  hang(reason: string): never {
    if (this.crash) throw this.crash.bugCheck;
    const { stack, frameBases } = this.stacks.captureWithFrameBases();
    this.crash = {
      bugCheck: new BugCheck(BUGCHECK.MANUALLY_INITIATED_CRASH, 0, 0, 0, 0),
      thread: this.currentThread,
      processor: this.prcb.number,
      irql: this.prcb.irql,
      stack,
      ...(frameBases.some((b) => b !== 0) ? { frameBases } : {}),
      time: this.clock.now,
      hang: { reason },
    };
    throw new HangError(reason);
  }

  /** `MyDriver!Spin+0x12 (spin.c(10))`: a code address as a hang report names it. */
  describe(pc: number): string {
    const line = sourceLine(this.modules, pc);
    return `${formatSymbol(this.modules, pc)}${line ? ` (${line.file}(${line.line}))` : ''}`;
  }

  get kdDebuggerEnabled(): boolean {
    return this.debugger !== undefined;
  }

  /**
   * DbgBreakPointWithStatus with a kernel debugger attached: the debugger gets the machine, as it is,
   * until it continues. Without a debugger this does nothing (callers bug check instead).
   */
  debugBreak(reason: BreakReason): void {
    const handler = this.debugger;
    if (!handler) return;
    const { stack, frameBases } = this.stacks.frame(this.nt.address(reason.breakpoint ?? 'DbgBreakPointWithStatus'), () => this.stacks.captureWithFrameBases());
    const context: BreakContext = {
      reason,
      thread: this.currentThread,
      processor: this.prcb.number,
      irql: this.prcb.irql,
      stack,
      ...(frameBases.some((b) => b !== 0) ? { frameBases } : {}),
      time: this.clock.now,
    };
    this.breakIn = context;
    try {
      handler(context);
    } finally {
      this.breakIn = undefined;
    }
  }

  /** Rethrow the machine's bug check if it has stopped (a driver may have swallowed it). */
  checkHalted(): void {
    if (this.crash) throw this.crash.bugCheck;
  }

  // ---- code --------------------------------------------------------------------------------

  /** Make `pointer` callable as a routine (a function pointer value: a code address or a table index). */
  registerRoutine(pointer: number, fn: Routine, module: string, codeAddress = pointer): void {
    this.routines.set(pointer | 0, { fn, module, codeAddress: codeAddress >>> 0 });
  }

  /** The code address behind a function pointer, or the pointer itself if it names no routine. */
  routineAddress(pointer: number): number {
    return this.routines.get(pointer | 0)?.codeAddress ?? pointer >>> 0;
  }

  /** Function pointers that are not their code's address (wasm table indices), with that address: for dumps, whose readers symbolize what a pointer calls. */
  *indirectRoutines(): Iterable<[number, number]> {
    for (const [key, r] of this.routines) if (r.codeAddress !== key >>> 0) yield [key >>> 0, r.codeAddress];
  }

  unregisterModuleRoutines(module: string): void {
    for (const [key, r] of this.routines) {
      if (r.module !== module) continue;
      this.routines.delete(key);
      const a = key >>> 0;
      // A wasm function pointer is a table index: remember where its code was, so a call through it
      // after the unload is known as a call into the unloaded image.
      if (r.codeAddress !== a) this.unloadedRoutines.set(a, r.codeAddress);
    }
  }

  /** The routine a function pointer names (a DMA table's entry, say), if it names one. */
  routineAt(pointer: number): Routine | undefined {
    return this.routines.get(pointer | 0)?.fn;
  }

  hasRoutine(address: number): boolean {
    return this.routines.has(address | 0);
  }

  /**
   * Call driver code at `address` from kernel routines `frames` (outermost first, each shown as
   * `nt!<name>+0x..`). A host exception out of driver code is an unhandled kernel-mode exception;
   * an InternalError (raised at the DDI boundary, see ddiFault) is ours and passes untouched.
   */
  callRoutine(address: number, args: readonly unknown[], frames: readonly string[] = []): unknown {
    this.checkHalted();
    const entry = this.routines.get(address | 0);
    if (!entry) {
      // Code of a driver that has unloaded: what Windows raises when a timer, DPC or thread the
      // driver left behind runs (P1 the address referenced, P3 the instruction: the same here).
      const unloadedCode = this.unloadedRoutines.get(address >>> 0) ?? address >>> 0;
      const unloaded = this.io.unloadedDriverAt(unloadedCode);
      if (unloaded) {
        return this.bugCheck(BUGCHECK.DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, unloadedCode, 0, unloadedCode, 0, undefined, { module: unloaded.name });
      }
      // Executing an address that holds no code: an access violation at that address.
      const code = this.currentThread === this.systemThread ? BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED : BUGCHECK.SYSTEM_THREAD_EXCEPTION_NOT_HANDLED;
      return this.bugCheck(code, 0xc0000005, address, 8, address);
    }
    // No closures per call (this is every dispatch, completion routine, DPC...): frames and the gate are pushed and popped here.
    const depth = this.stacks.pushFrames(this.frameAddressesOf(frames));
    let result: unknown;
    try {
      result = this.callEntry(entry, args);
    } finally {
      this.stacks.popFrames(depth);
    }
    this.checkHalted();
    return result;
  }

  /** The driver call of callRoutine, inside the gate, with its exceptions made what Windows makes them. */
  private callEntry(entry: { readonly fn: Routine; readonly codeAddress: number }, args: readonly unknown[]): unknown {
    this.watchdog.enterDriver();
    // The __try frames this call registers end with it, however it ends.
    const handlers = this.exceptions.depth();
    this.stacks.enterGate();
    try {
      const fn = entry.fn as (...a: unknown[]) => unknown;
      return args.length === 2 ? fn(args[0], args[1]) : fn(...args);
    } catch (e) {
      // Our own fault met on the way (a DDI's, the verifier's, the debugger's) is never the driver's.
      if (e instanceof BugCheck || e instanceof SimulatorError || e instanceof InternalError || e instanceof ThreadExit) throw e;
      this.exceptions.truncate(handlers);
      // An NT exception on its way to a caller's handler beyond this call goes on; with none, it stops here.
      if (isUnwinding(e)) {
        if (handlers > 0) throw e;
        if (e instanceof NtException) return this.unhandledNtException(e.code, e.address, e.parameters);
        // A jump to a frame this stack does not have: the driver's stack is not what its runtime thinks.
        return this.unhandledNtException(STATUS.BAD_STACK, entry.codeAddress, [e.env]);
      }
      // Without a more precise fault address, blame the routine the kernel called.
      this.unhandledException(e, entry.codeAddress);
    } finally {
      this.stacks.leaveGate();
      this.exceptions.truncate(handlers);
      this.watchdog.leaveDriver();
    }
  }

  /** Run `body` under shadow frames `nt!name+off` (outermost first). */
  withFrames<T>(frames: readonly string[], body: () => T): T {
    if (frames.length === 0) return body();
    return this.stacks.frames(this.frameAddressesOf(frames), body);
  }

  /** The return addresses of kernel frames `nt!name+off`. */
  frameAddressesOf(frames: readonly string[]): readonly number[] {
    if (frames.length === 0) return NO_ADDRESSES;
    // A frame list the I/O path keeps as a constant is looked up once (an nt routine's address never moves).
    let addresses = this.frameAddresses.get(frames);
    if (addresses === undefined) {
      addresses = frames.map((f) => this.nt.address(f, frameOffset(f)));
      if (Object.isFrozen(frames)) this.frameAddresses.set(frames, addresses);
    }
    return addresses;
  }
  private readonly frameAddresses = new WeakMap<readonly string[], readonly number[]>();

  /**
   * An NT exception (raised by a DDI, or by a filter that declined it) that no handler takes:
   * P1 the exception code, P2 where it was raised, P3 and P4 its first two parameters.
   */
  unhandledNtException(code: number, address: number, parameters: readonly number[]): never {
    const bugcheck = this.unhandledExceptionCode();
    // No host exception behind it: the parameters say all there is (code, address, parameters).
    return this.bugCheck(bugcheck, code >>> 0, address >>> 0, parameters[0] ?? 0, parameters[1] ?? 0);
  }

  /** KMODE_EXCEPTION_NOT_HANDLED, or SYSTEM_THREAD_EXCEPTION_NOT_HANDLED in a system thread. */
  private unhandledExceptionCode(): number {
    const inSystemThread = this.currentThread.process === this.systemProcess && this.currentThread !== this.systemThread;
    return inSystemThread ? BUGCHECK.SYSTEM_THREAD_EXCEPTION_NOT_HANDLED : BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED;
  }

  /** An exception no driver handler took: KMODE_EXCEPTION_NOT_HANDLED, or the system-thread variant. */
  private unhandledException(e: unknown, fallbackAddress: number): never {
    const err = asError(e);
    const address = this.stacks.addressOfError(err) || fallbackAddress;
    const code = this.unhandledExceptionCode();
    const raise = () => this.bugCheck(code, exceptionCodeOf(err), address, 0, 0, { message: `${err.name}: ${err.message}`, address });
    // The faulting instruction is the innermost frame of the crash stack, as in a trap frame.
    return address ? this.stacks.frame(address, raise) : raise();
  }

  // ---- memory ------------------------------------------------------------------------------

  /**
   * The kernel's own nonpaged allocation that must not fail (objects it cannot do without); not a DDI,
   * never verified. It may draw on the kernel's reserve; only when that is gone too is it our error.
   */
  allocateKernelObject(size: number, tag: number): number {
    const a = this.pool.allocate(POOL_TYPE.NonPagedPool, size, tag, true);
    if (a === 0) throw new SimulatorError(`nonpaged pool exhausted, the kernel's reserve included (${size} bytes, tag 0x${tag.toString(16)})`);
    return a;
  }

  /** The kernel's own nonpaged allocation for a request that can fail: 0 when pool is exhausted (STATUS_INSUFFICIENT_RESOURCES). */
  tryAllocateKernelObject(size: number, tag: number): number {
    return this.pool.allocate(POOL_TYPE.NonPagedPool, size, tag);
  }

  freeKernelObject(address: number): void {
    this.pool.free(address, 0);
  }

  /** Committed pages in user space (the buffers of a user-mode request). */
  allocateUser(size: number): number {
    const pages = Math.max(1, Math.ceil(size / PAGE_SIZE));
    const va = this.userRegion.allocatePages(pages);
    if (va === undefined) throw new SimulatorError('user address space exhausted');
    this.as.setPages(va, pages, PageKind.Pool);
    this.as.zero(va, pages * PAGE_SIZE);
    return va;
  }

  freeUser(va: number, size: number): void {
    const pages = Math.max(1, Math.ceil(size / PAGE_SIZE));
    this.as.setPages(va, pages, PageKind.NoAccess);
    this.userRegion.freePages(va, pages);
  }

  /** Checked memory for TypeScript driver code: a bad access gets MmAccessFault's stop (its frame is already on the stack). */
  readonly driverMemory = new DriverMemory(this.as, (address, size, write, bad) =>
    mmAccessFault(this, { address, size, write, pc: this.stacks.callerOf() }, bad) as never,
  );

  // ---- threads -----------------------------------------------------------------------------

  /** A kernel stack, or undefined when the stack region is used up. */
  private allocateStack(): { base: number; limit: number } | undefined {
    // KERNEL_STACK_SIZE 12 KiB, with a guard page below it.
    const va = this.stackRegion.allocatePages(4);
    if (va === undefined) return undefined;
    this.as.setPages(va, 1, PageKind.Guard);
    this.as.setPages(va + PAGE_SIZE, 3, PageKind.Stack);
    // A --kasan image's frames on a stack that a thread left may still be poisoned in ASan's shadow.
    kasanUnpoison(this.as, va + PAGE_SIZE, 3 * PAGE_SIZE);
    return { limit: va + PAGE_SIZE, base: va + 4 * PAGE_SIZE };
  }

  createProcess(name: string, parentId = 0, commandLine = ''): Process {
    const address = this.allocateKernelObject(0x2c0, TAG.Process);
    // ImageFileName: 15 bytes, the last one always NUL (PsGetProcessImageFileName returns it).
    this.as.write(address + EPROCESS_IMAGE_FILE_NAME, new TextEncoder().encode(name.slice(0, 14)));
    const process: Process = { address, name, id: this.ps.allocateId(), parentId, commandLine, state: 'running', exitStatus: 0 };
    this.ps.add(process);
    return process;
  }

  createThread(process: Process, name: string, startRoutine = 0, startContext = 0): Thread {
    const thread = this.newThread(process, name, startRoutine, startContext, true);
    if (!thread) throw new SimulatorError('kernel stack space exhausted');
    return thread;
  }

  /**
   * A new thread for a driver's request, or undefined when no kernel stack or no pool for the ETHREAD
   * is left: PsCreateSystemThread then fails with STATUS_INSUFFICIENT_RESOURCES, as on Windows.
   */
  tryCreateThread(process: Process, name: string, startRoutine = 0, startContext = 0): Thread | undefined {
    return this.newThread(process, name, startRoutine, startContext, false);
  }

  private newThread(process: Process, name: string, startRoutine: number, startContext: number, kernelOwn: boolean): Thread | undefined {
    const address = kernelOwn ? this.allocateKernelObject(0x288, TAG.Thread) : this.tryAllocateKernelObject(0x288, TAG.Thread);
    if (address === 0) return undefined;
    const stack = this.allocateStack();
    if (!stack) {
      this.freeKernelObject(address);
      return undefined;
    }
    const thread: Thread = {
      address,
      id: this.ps.allocateId(),
      process,
      name,
      stackBase: stack.base,
      stackLimit: stack.limit,
      startRoutine,
      startContext,
      state: 'ready',
      exitStatus: 0,
      kernelApcDisable: 0,
      specialApcDisable: 0,
    };
    this.threads.push(thread);
    return thread;
  }

  /**
   * The image whose driver code is calling a blocking DDI now, if it can unwind its stack out of the
   * wait (set by the loader around those calls; loader/wasm/asyncify.ts).
   */
  stackSwitch?: StackSwitch;
  /** System threads inside their start routine now (run by runSystemThread, not by a nested call). */
  private readonly threadsInStart = new Set<Thread>();

  /** True if `thread` is running its start routine, so a wait of its driver code may unwind to it. */
  inThreadStart(thread: Thread): boolean {
    return this.threadsInStart.has(thread);
  }

  /** Run `body` as `thread` (at PASSIVE_LEVEL), then switch back. */
  runInThread<T>(thread: Thread, body: () => T): T {
    const previous = this.currentThread;
    const previousIrql = this.prcb.irql;
    this.currentThread = thread;
    thread.state = 'running';
    this.prcb.irql = PASSIVE_LEVEL;
    try {
      return body();
    } finally {
      if (thread.state === 'running') thread.state = 'ready';
      this.currentThread = previous;
      this.prcb.irql = previousIrql;
    }
  }

  /** The stack code runs on now: the processor's DPC stack inside a DPC, else the current thread's. */
  currentStack(): { owner: object; base: number; limit: number } {
    const p = this.prcb;
    if (p.dpcActive) return { owner: p, base: p.dpcStackBase, limit: p.dpcStackLimit };
    const t = this.currentThread;
    return { owner: t, base: t.stackBase, limit: t.stackLimit };
  }

  /**
   * A system thread created by PsCreateSystemThread runs its start routine to its end, or until it
   * unwinds its stack in a wait (ke/suspend.ts): then it waits, and runs again, rewinding, when the
   * scheduler resumes it.
   */
  runSystemThread(thread: Thread): void {
    const suspended = this.runInThread(thread, () => {
      const wait = thread.suspendedWait;
      if (wait) {
        this.prcb.irql = wait.irql;
        wait.stack.rewind();
      }
      this.threadsInStart.add(thread);
      try {
        this.callRoutine(thread.startRoutine, [thread.startContext], ['PspSystemThreadStartup']);
      } catch (e) {
        if (!(e instanceof ThreadExit)) throw e;
        thread.exitStatus = e.status;
      } finally {
        this.threadsInStart.delete(thread);
      }
      if (thread.suspendedWait && !thread.suspendedWait.resumed) return true;
      // PspExitThread calls the thread notify routines in the context of the thread that exits.
      this.ps.notify.threadExited(thread);
      return false;
    });
    if (suspended) {
      thread.state = 'waiting';
      this.dispatcher.waitingThreads.push(thread);
      return;
    }
    thread.state = 'terminated';
    this.dispatcher.setEvent(thread.address);
    // The thread's own reference on its object goes with it (the handle's stays until ZwClose).
    if (this.ob.kindOf(thread.address) === 'Thread') this.ob.dereference(thread.address);
  }

  // ---- shutdown ----------------------------------------------------------------------------

  /**
   * NtShutdownSystem: a system worker thread tears the subsystems down in order: pending work runs,
   * then the I/O manager sends IRP_MJ_SHUTDOWN to every device registered with
   * IoRegisterShutdownNotification (last registered first) and waits for each, the registry and
   * memory manager flush, last-chance notifications go out, and the machine powers off.
   * 'shutdownStarted' is published on the worker thread before the first subsystem goes down.
   */
  shutdown(): void {
    if (this.shutdownState) throw new SimulatorError('the machine has already shut down');
    this.checkHalted();
    const thread = this.createThread(this.systemProcess, 'shutdown worker (PopGracefulShutdown)');
    const state: NonNullable<Kernel['shutdownState']> = { thread, started: this.clock.now };
    this.shutdownState = state;
    this.runInThread(thread, () =>
      this.withFrames(['ExpWorkerThread', 'PopGracefulShutdown'], () => {
        this.events.emit('shutdownStarted', { thread: thread.address, time: this.clock.now });
        this.dispatcher.runUntilIdle();
        this.io.shutdownSystem(0);
        this.withFrames(['CmShutdownSystem'], () => this.dispatcher.runUntilIdle());
        this.io.shutdownSystem(1);
        this.withFrames(['MmShutdownSystem'], () => this.dispatcher.runUntilIdle());
      }),
    );
    thread.state = 'terminated';
    state.finished = this.clock.now;
    this.events.emit('shutdownCompleted', { thread: thread.address, time: this.clock.now });
  }

  debugPrint(text: string): void {
    for (const line of text.replace(/\n$/, '').split('\n')) {
      this.debugLog.push(line);
      this.onDebugPrint?.(line);
    }
  }
}

/** Fixed return-address offsets of internal kernel call sites, so stacks read the same every run. */
const FRAME_OFFSETS: Record<string, number> = {
  IopLoadDriver: 0x3b2,
  IopLoadUnloadDriver: 0x4e,
  IopUnloadDriver: 0x1f4,
  MmUnloadSystemImage: 0x13c,
  VfPoolCheckForLeaks: 0x3b,
  VerifierBugCheckIfAppropriate: 0x2a,
  NtDeviceIoControlFile: 0x2a,
  IopXxxControlFile: 0x3e8,
  IopSynchronousServiceTail: 0x16e,
  IofCallDriver: 0x62,
  IoCallDriver: 0x62,
  NtCreateFile: 0x34,
  IopParseDevice: 0x6f1,
  NtClose: 0x1b,
  IopCloseFile: 0x1d7,
  IopDeleteFile: 0xe2,
  KiRetireDpcList: 0x1e6,
  KiExecuteAllDpcs: 0x1a4,
  KiTimerExpiration: 0x1c3,
  ExpWorkerThread: 0x10d,
  IopProcessWorkItem: 0x33,
  PspSystemThreadStartup: 0x4a,
  IofCompleteRequest: 0x113,
  IopfCompleteRequest: 0x2e4,
  KeWaitForSingleObject: 0x2d1,
  KeDelayExecutionThread: 0x1a4,
  PopGracefulShutdown: 0x1f2,
  IoShutdownSystem: 0x13a,
  CmShutdownSystem: 0x6c,
  MmShutdownSystem: 0x9e,
};

export function frameOffset(name: string): number {
  return FRAME_OFFSETS[name] ?? 0x10;
}

/** No kernel frames (a routine called with none). */
const NO_ADDRESSES: readonly number[] = Object.freeze([]);
