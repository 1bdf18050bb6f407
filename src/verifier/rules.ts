/**
 * The rules Driver Verifier enforces, in one table: what each checks, the bug check it raises and its
 * Parameter 1, and the sample drivers that break it and keep it. The thunks and the unload and
 * shutdown checks raise violations through this table; the tests and docs/checks.md read it. The
 * meaning of each parameter is the bug check table's (src/nt/bugcheck.ts), by code and Parameter 1.
 */
import { BUGCHECK, C4, C7 } from '../nt/bugcheck.ts';
import { C4_MISC, E4 } from '../nt/bugcheck-misc.ts';
import { C4_IO, C9 } from '../nt/bugcheck-io.ts';
import { STATUS } from '../nt/status.ts';
import { STANDARD_FLAGS, VF } from './flags.ts';
import { DDI_RULES } from './ddi/rules.ts';

/** How to see a rule fire: a sample that breaks it, its clean twin, and the requests to send. */
export interface RuleSample {
  /** The violating sample, relative to the repository root. */
  readonly violating: string;
  /** The same work done right: it loads, runs and unloads with no bug check. */
  readonly clean: string;
  /** `dv run --ioctl` arguments (CODE[:INPUT_HEX[:OUTPUT_LENGTH]]), in order. */
  readonly ioctls: readonly string[];
  /** Other `dv run` arguments the sample needs (an option outside /standard, reads and writes). */
  readonly args?: string;
}

/** Another way to break the same rule (the other branch of its condition). */
export interface RuleVariant {
  readonly violating: string;
  readonly ioctls: readonly string[];
  /** What this sample does differently. */
  readonly what: string;
}

export interface VerifierRule {
  /** Stable name; the violating sample is drivers/ts/rules/<name>.ts, its clean twin <name>Clean.ts. */
  readonly name: string;
  /** The rule in words. */
  readonly check: string;
  readonly code: number;
  /**
   * Parameter 1 when the rule fixes it: a sub-code (0xC4, 0xC7), the trap number of 0x7F, the
   * exception code of 0x1E. Undefined when Parameter 1 is a value: for 0xCE it is the address the
   * left-behind code would run at, for the memory stops the address touched.
   */
  readonly p1: number | undefined;
  /** The verifier option the rule belongs to (0 = automatic checks, always on). */
  readonly flag: number;
  /** The samples; absent when the rule has none yet (`pending` says why). */
  readonly sample?: RuleSample;
  readonly variants?: readonly RuleVariant[];
  /** Why the rule is not raised for TypeScript drivers yet. */
  readonly pending?: string;
  /** Where a parameter or the choice of code is this project's decision rather than Microsoft's text. */
  readonly note?: string;
}

const C4_CODE = BUGCHECK.DRIVER_VERIFIER_DETECTED_VIOLATION;

interface RuleOptions {
  readonly flag?: number;
  readonly code?: number;
  readonly ioctls?: readonly string[];
  readonly sample?: RuleSample | null;
  readonly variants?: ReadonlyArray<Omit<RuleVariant, 'violating'> & { readonly name: string }>;
  readonly pending?: string;
  readonly note?: string;
}

const rulesDir = 'drivers/ts/rules';

function rule(name: string, check: string, p1: number | undefined, o: RuleOptions = {}): VerifierRule {
  const sample =
    o.sample === null || o.pending !== undefined
      ? undefined
      : (o.sample ?? { violating: `${rulesDir}/${name}.ts`, clean: `${rulesDir}/${name}Clean.ts`, ioctls: o.ioctls ?? [] });
  return {
    name,
    check,
    code: o.code ?? C4_CODE,
    p1,
    flag: o.flag ?? 0,
    ...(sample ? { sample } : {}),
    ...(o.variants ? { variants: o.variants.map((v) => ({ violating: `${rulesDir}/${v.name}.ts`, ioctls: v.ioctls, what: v.what })) } : {}),
    ...(o.pending ? { pending: o.pending } : {}),
    ...(o.note ? { note: o.note } : {}),
  };
}

/** A rule whose samples are drivers/ts/rules/<name>.ts and <name>Clean.ts (C twins in drivers/c/rules), run with other `dv run` arguments. */
const tsWithArgs = (name: string, ioctls: readonly string[], args: string): RuleSample => ({
  violating: `${rulesDir}/${name}.ts`,
  clean: `${rulesDir}/${name}Clean.ts`,
  ioctls,
  args,
});

/** A rule whose samples are C only: drivers/c/rules/<name>.c and <name>Clean.c, built to .wasm. */
const cOnly = (name: string, ioctls: readonly string[] = [], args?: string): RuleSample => ({
  violating: `drivers/c/rules/${name}.wasm`,
  clean: `drivers/c/rules/${name}Clean.wasm`,
  ioctls,
  ...(args ? { args } : {}),
});

/** Pool Tracking (0x8): the leak check at unload. */
const POOL_TRACKING = 0x8;

/** The deadlock samples' two IOCTLs (the clean twin answers both). */
const LOCK_IOCTL_1 = '0x222004';
const LOCK_IOCTL_2 = '0x222008';
/** A Deadlock Detection rule's options: its flag and samples, with the one clean twin of them all. */
const deadlock = (name: string, ioctls: readonly string[]): RuleOptions => ({
  flag: VF.DEADLOCK_DETECTION,
  sample: { violating: `${rulesDir}/${name}.ts`, clean: `${rulesDir}/DeadlockClean.ts`, ioctls },
});
/** The I/O verification samples' request: IOCTL_RULE_SUBMIT (CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)). */
const IOV_IOCTL = '0x222004';
const IOV_CODE = BUGCHECK.DRIVER_VERIFIER_IOMANAGER_VIOLATION;
/** /standard without DDI compliance checking: for samples of checks a DDI rule reports first under /standard. */
const WITHOUT_DDI_COMPLIANCE = `0x${(STANDARD_FLAGS & ~VF.DDI_COMPLIANCE).toString(16)}`;
const UNLOADED_CODE = BUGCHECK.DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS;

/** An I/O verification PnP or power rule: a C and TypeScript PnP sample, and the clean twin they share. */
const pnpRule = (name: string, args?: string): RuleOptions => ({
  code: IOV_CODE,
  flag: VF.IO_VERIFICATION,
  sample: { violating: `${rulesDir}/${name}.ts`, clean: `${rulesDir}/PnpIrpsClean.ts`, ioctls: [], ...(args ? { args } : {}) },
});

/** A DMA checking rule (0xE6): its samples are drivers/ts/rules/<name>.ts and their C twins in drivers/c/rules. */
function dmaRule(name: string, check: string, p1: number, o: Omit<RuleOptions, 'flag' | 'code'> = {}): VerifierRule {
  return rule(name, check, p1, { ...o, flag: VF.DMA_CHECKING, code: BUGCHECK.DRIVER_VERIFIER_DMA_VIOLATION });
}

export const RULES = {
  // ---- IRQL -----------------------------------------------------------------------------------
  RaiseIrqlLowers: rule('RaiseIrqlLowers', 'KeRaiseIrql used to lower IRQL, or to raise it above HIGH_LEVEL', C4.RAISE_IRQL_LOWERS),
  LowerIrqlRaises: rule('LowerIrqlRaises', 'KeLowerIrql used to raise IRQL (or to a level above HIGH_LEVEL), or to go below DISPATCH_LEVEL inside a DPC routine', C4.LOWER_IRQL_RAISES, {
    variants: [{ name: 'LowerIrqlInDpc', ioctls: [], what: 'a DPC routine lowers IRQL below DISPATCH_LEVEL: Parameter 4 = 1' }],
  }),

  // ---- pool -----------------------------------------------------------------------------------
  ZeroByteAllocation: rule('ZeroByteAllocation', 'a pool allocation of zero bytes', C4.ZERO_BYTE_ALLOCATION),
  PagedAllocAboveApc: rule('PagedAllocAboveApc', 'paged pool allocated above APC_LEVEL', C4.PAGED_ALLOC_ABOVE_APC),
  PagedFreeAboveApc: rule('PagedFreeAboveApc', 'paged pool freed above APC_LEVEL', C4.PAGED_FREE_ABOVE_APC),
  NonPagedAllocAboveDispatch: rule('NonPagedAllocAboveDispatch', 'nonpaged pool allocated above DISPATCH_LEVEL', C4.NONPAGED_ALLOC_ABOVE_DISPATCH),
  NonPagedFreeAboveDispatch: rule('NonPagedFreeAboveDispatch', 'nonpaged pool freed above DISPATCH_LEVEL', C4.NONPAGED_FREE_ABOVE_DISPATCH),
  FreeOfUnallocatedAddress: rule('FreeOfUnallocatedAddress', 'a free of a pool address no allocation returned (inside a block, not its start)', C4.FREE_OF_UNALLOCATED_ADDRESS),
  FreeBadAddress: rule('FreeBadAddress', 'a free of an address that is not pool at all (an image, a stack, user space)', C4.FREE_BAD_ADDRESS, {
    note: 'Microsoft documents 0x16 as "a bad address, or bad parameters to a memory routine" without saying when it is used instead of 0x10; this project raises it for addresses outside every pool.',
  }),
  DoubleFree: rule('DoubleFree', 'a free of a block that was already freed', C4.DOUBLE_FREE, { ioctls: ['0x222004:00'] }),
  DoubleFreeWholePage: rule('DoubleFreeWholePage', 'a free of a whole-page block (no pool header of its own) that was already freed', C4.DOUBLE_FREE_NO_HEADER, {
    note: 'Microsoft lists 0x13 and 0x14 for the same violation; this project raises 0x14 when the block has no pool header (whole-page allocations), Parameter 3 = the block, Parameter 4 = 0.',
  }),
  MustSucceedAllocation: rule('MustSucceedAllocation', 'a pool allocation marked MUST_SUCCEED', C4.MUST_SUCCEED_ALLOCATION, {
    note: 'No code is documented for this automatic check; 0x03 is the must-succeed entry of the 0xC4 table, with the parameters of 0x00-0x02 (docs decisions.md).',
  }),

  // ---- locks ----------------------------------------------------------------------------------
  FastMutexAcquireAboveApc: rule('FastMutexAcquireAboveApc', 'a fast mutex acquired above APC_LEVEL', C4.FAST_MUTEX_ACQUIRE_BAD_IRQL),
  FastMutexReleaseBadIrql: rule('FastMutexReleaseBadIrql', 'a fast mutex released at an IRQL other than APC_LEVEL', C4.FAST_MUTEX_RELEASE_BAD_IRQL),
  SpinLockAcquireAboveDispatch: rule('SpinLockAcquireAboveDispatch', 'KeAcquireSpinLock above DISPATCH_LEVEL', C4.SPIN_LOCK_ACQUIRE_ABOVE_DISPATCH),
  SpinLockDpcAcquireLowIrql: rule('SpinLockDpcAcquireLowIrql', 'KeAcquireSpinLockAtDpcLevel below DISPATCH_LEVEL', C4.SPIN_LOCK_DPC_ACQUIRE_LOW_IRQL),
  SpinLockDpcReleaseLowIrql: rule('SpinLockDpcReleaseLowIrql', 'KeReleaseSpinLockFromDpcLevel below DISPATCH_LEVEL', C4.SPIN_LOCK_DPC_RELEASE_LOW_IRQL),
  SpinLockReleaseBadIrql: rule('SpinLockReleaseBadIrql', 'a spin lock released at an IRQL other than DISPATCH_LEVEL: typically released twice', C4.SPIN_LOCK_RELEASE_BAD_IRQL),

  // ---- DDI compliance (src/verifier/ddi) -----------------------------------------------------
  ...DDI_RULES,

  // ---- stacks ---------------------------------------------------------------------------------
  StackSwitch: rule('StackSwitch', 'a switch to a stack that is neither a thread stack nor a DPC stack', C4.STACK_SWITCH, {
    // C only: a TypeScript driver has no stack pointer. A wasm driver's is the global the loader switches per thread.
    sample: { violating: 'drivers/c/rules/StackSwitch.wasm', clean: 'drivers/c/rules/StackSwitchClean.wasm', ioctls: [] },
    note: 'Checked at every DDI call of a verified C driver: the stack pointer must lie in the current thread stack or the DPC stack. Parameters 2-4 (the stack pointer found, the stack limit, the stack base) are this project\'s choice (decisions.md).',
  }),

  // ---- unload ---------------------------------------------------------------------------------
  TimerAtUnload: rule('TimerAtUnload', 'a driver unloads with a timer set that lies in its image', C7.TIMER_IN_RANGE, { code: BUGCHECK.TIMER_OR_DPC_INVALID }),
  DpcAtUnload: rule('DpcAtUnload', "a driver unloads with a timer set whose DPC object lies in its image (or a DPC of its image queued)", C7.DPC_IN_RANGE, { code: BUGCHECK.TIMER_OR_DPC_INVALID }),
  DpcRoutineAtUnload: rule('DpcRoutineAtUnload', 'a driver unloads with a timer set (or a DPC queued) whose DPC routine is in its image', C7.DPC_ROUTINE_IN_RANGE, { code: BUGCHECK.TIMER_OR_DPC_INVALID }),
  LookasideListAtUnload: rule('LookasideListAtUnload', 'a driver unloads without deleting a lookaside list it initialized', C4.LOOKASIDE_IN_RELEASED_MEMORY, {
    note: 'Microsoft documents 0xCC for freeing pool that holds an active lookaside list; the unload check raises it for a list never deleted, Parameter 3/4 = the memory that held it (its pool block, or the image).',
  }),
  WorkerThreadAtUnload: rule('WorkerThreadAtUnload', 'a driver unloads while a system thread it created has not run to its end', undefined, {
    code: UNLOADED_CODE,
    note: 'No 0xC4 or 0xC7 code covers threads; the unload check raises at once the bug check Windows raises when the thread later runs the unloaded code: 0xCE, Parameter 1 = the start routine, Parameter 3 = the same address (the instruction that would fetch it).',
  }),
  QueuedWorkAtUnload: rule('QueuedWorkAtUnload', 'a driver unloads with an ExQueueWorkItem work item of its image still queued', undefined, {
    code: UNLOADED_CODE,
    note: 'As for worker threads: 0xCE, Parameter 1 = the worker routine. IoQueueWorkItem items are not flagged: they hold a reference on the device, so the I/O manager keeps the image until they have run.',
  }),

  // ---- MDLs -----------------------------------------------------------------------------------
  ProbeAndLockWrongFlags: rule('ProbeAndLockWrongFlags', 'MmProbeAndLockPages on an MDL that is already locked, mapped, partial or built for nonpaged pool', C4.MDL_PROBE_BAD_FLAGS),
  ProbeAndLockProcessWrongFlags: rule('ProbeAndLockProcessWrongFlags', 'MmProbeAndLockProcessPages on an MDL that is already locked, mapped, partial or built for nonpaged pool', C4.MDL_PROBE_PROCESS_BAD_FLAGS),
  MapLockedAlreadyMapped: rule('MapLockedAlreadyMapped', 'MmMapLockedPages(SpecifyCache) into system space of an MDL already mapped there (or built for nonpaged pool)', C4.MDL_MAP_BAD_FLAGS),
  MapLockedNotLocked: rule('MapLockedNotLocked', 'MmMapLockedPages(SpecifyCache) of an MDL whose pages are not locked (and that is not partial)', C4.MDL_MAP_MISSING_FLAGS),
  UnlockPartialMdl: rule('UnlockPartialMdl', 'MmUnlockPages on a partial MDL (from IoBuildPartialMdl)', C4.MDL_UNLOCK_PARTIAL),
  UnmapPartialMdl: rule('UnmapPartialMdl', 'MmUnmapLockedPages on a partial MDL (IoFreeMdl unmaps it)', C4.MDL_UNMAP_PARTIAL),
  UnmapNotMapped: rule('UnmapNotMapped', 'MmUnmapLockedPages of a system address on an MDL not mapped to system space', C4.MDL_UNMAP_NOT_MAPPED),

  // ---- session memory, objects, shutdown ------------------------------------------------------
  SyncObjectInSessionMemory: rule('SyncObjectInSessionMemory', 'a synchronization object (KeInitializeEvent, KeInitializeMutex, timers, spin locks, fast mutexes) initialized in session memory', C4.SYNC_OBJECT_IN_SESSION),
  ObjectReferenceCount: rule('ObjectReferenceCount', "an object's reference count taken from 0 to 1 (a dead object referenced), or below 0", C4.OBJECT_REFERENCE_COUNT, {
    variants: [{ name: 'ObjectDereferenceBelowZero', ioctls: [], what: 'one ObDereferenceObject too many: the count goes below 0, Parameter 3 = -1' }],
  }),
  ShutdownTimeout: rule('ShutdownTimeout', 'system shutdown not finished 20 minutes (simulated) after it started; with a debugger attached, a break the user may continue', C4.SHUTDOWN_TIMEOUT, {
    note: 'Raised by the shutdown watchdog, not by a thunk: it blames the driver whose IRP_MJ_SHUTDOWN the shutdown thread is in. The samples have no DriverUnload, so they are still loaded when dv run shuts the machine down.',
  }),

  // ---- pool tracking --------------------------------------------------------------------------
  PoolLeakAtUnload: rule('PoolLeakAtUnload', 'a driver unloads without freeing its pool, MDLs and work items', C4.POOL_LEAK_AT_UNLOAD, {
    flag: POOL_TRACKING,
    sample: {
      violating: 'drivers/ts/MyDriver.ts',
      clean: 'drivers/ts/MyDriverClean.ts',
      ioctls: ['0x222003:4d794472697665720100000002000000:8', '0x222003:4d79:8'],
    },
    note: "Also when DriverEntry fails: the I/O manager unloads the image as any other (IopLoadDriver -> MmUnloadSystemImage, where the verifier's unload checks run) and DriverUnload is not called, so a DriverEntry that fails must free what it allocated itself.",
  }),

  // ---- memory ---------------------------------------------------------------------------------
  // Every load and store of a verified C image and every ddi.mem access of a TypeScript driver is
  // checked against mm's shadow; MmAccessFault (src/kernel/mm/access-fault.ts) decides the stop.
  SpecialPoolOverrun: rule('SpecialPoolOverrun', 'a read or write past the end of a special pool block (the guard page after it)', undefined, {
    code: BUGCHECK.DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION,
    flag: VF.SPECIAL_POOL,
    note: 'Parameter 3 is the faulting instruction: for a C driver its wasm code offset in the image (the source line through DWARF), for a TypeScript driver the address of the ddi.mem call site. Special pool puts every block of less than a page at the end of its page; underruns (blocks at the start of the page) are not simulated.',
  }),
  SpecialPoolUseAfterFree: rule('SpecialPoolUseAfterFree', 'a read or write of a special pool block after it was freed', undefined, {
    code: BUGCHECK.DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL,
    flag: VF.SPECIAL_POOL,
    note: 'A freed special pool page stays without access in a quarantine of recently freed pages (src/kernel/mm/special-pool.ts) before it is reused, so a late touch is caught. Parameter 3 as for SpecialPoolOverrun.',
  }),
  PoolOverrunKasan: rule('PoolOverrunKasan', 'a read or write past the end of an ordinary pool block (its slack or the next pool header) that special pool does not cover: a block the kernel allocated, such as a METHOD_BUFFERED system buffer', undefined, {
    code: BUGCHECK.KASAN_ILLEGAL_ACCESS,
    ioctls: ['0x222004::0x10'],
    note: "Beyond Driver Verifier: Windows catches this only in a driver rebuilt with /fsanitize=kernel-address. Here the pool keeps KASAN-style redzones (a shadow byte per 8 bytes) and every access of a verified image is checked against them, so the finding is reported as Windows' KASAN reports it (decisions.md). Parameter 4 is this project's shadow code of the first byte that may not be touched (src/kernel/mm/shadow.ts): 0xFA a pool header or unallocated pool, 0xFB the slack after a block (also the bytes past the end in the block's last, partly used 8-byte granule).",
  }),
  PoolUseAfterFreeKasan: rule('PoolUseAfterFreeKasan', 'a read or write of an ordinary pool block after it was freed: a block special pool does not cover, such as the system buffer of a request that has completed', undefined, {
    code: BUGCHECK.KASAN_ILLEGAL_ACCESS,
    ioctls: ['0x222004:52756c652d73616d706c6500'],
    note: "Beyond Driver Verifier, reported as Windows' KASAN reports it (see PoolOverrunKasan): a freed block is poisoned (shadow 0xFD, Parameter 4) until the pool hands it out again, and its free lists reuse the oldest block first. The system buffer is the I/O manager's allocation, not in the verifier's pool log, so !analyze -v names the block but has no allocation stack for it.",
  }),
  NullPointerAccess: rule('NullPointerAccess', 'a write through an unchecked NULL pointer (a lookup or an allocation that failed) with no __try to take the access violation', STATUS.ACCESS_VIOLATION, {
    code: BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED,
    ioctls: ['0x222004:0700000055000000'],
    note: "Not a Driver Verifier check: what Windows itself gives. An access to a user-space address (the NULL page included) is an access violation that __try/__except can take (the sample's IOCTL 0x222008 does the same write inside __try and fails with 0xC0000005); unhandled, it is 0x1E in a requesting thread and 0x7E in a system thread (DriverEntry, a work item). A C driver's access is suppressed and the exception raised at the driver's next call or return, with Parameter 2 still the faulting instruction.",
  }),
  FreedWholePageAccess: rule('FreedWholePageAccess', 'a read or write of a pool block of a page or more after it was freed (its pages are unmapped)', undefined, {
    code: BUGCHECK.PAGE_FAULT_IN_NONPAGED_AREA,
    note: "Blocks of a page or more are whole pages of their own (special pool does not take them). This project's pool unmaps them at free, so a later touch is an invalid system address: 0x50, which __try cannot take (Windows may keep freed nonpaged pages mapped for a while, and then the same read goes unseen). Parameter 4 (Windows: the type of address, or reserved) is 0.",
  }),
  BadAccessAtDispatch: rule('BadAccessAtDispatch', 'a bad pointer (here NULL) touched at DISPATCH_LEVEL or above, e.g. while holding a spin lock', undefined, {
    code: BUGCHECK.DRIVER_IRQL_NOT_LESS_OR_EQUAL,
    ioctls: ['0x222004:0900000040000000'],
    note: 'At DISPATCH_LEVEL and above no page fault can be resolved and no exception taken, so a bad pointer is 0xD1 whatever the address (checked before the access violation or 0x50 a lower IRQL would give).',
  }),
  PagedPoolAtDispatch: rule('PagedPoolAtDispatch', 'pageable memory (paged pool) touched at DISPATCH_LEVEL or above, e.g. while holding a spin lock', undefined, {
    flag: VF.FORCE_IRQL_CHECKING,
    code: BUGCHECK.DRIVER_IRQL_NOT_LESS_OR_EQUAL,
    ioctls: ['0x222004:0200000040000000'],
    note: 'Force IRQL checking trims pageable memory whenever IRQL is raised to DISPATCH_LEVEL or above, so the touch faults at once; this project keeps a trimmed copy of the shadow and reads it while IRQL is raised (by any code, not only the verified driver). A paged request in special pool is pageable too. Without the option the access runs, as on a machine whose page happens to be resident.',
  }),
  KernelStackOverflow: rule('KernelStackOverflow', 'the kernel stack used up (unbounded recursion): the guard page below the stack touched', 8, {
    code: BUGCHECK.UNEXPECTED_KERNEL_MODE_TRAP,
    // C only: a TypeScript driver has no frames on the kernel stack (its frames are the host's).
    sample: { violating: 'drivers/c/rules/KernelStackOverflow.wasm', clean: 'drivers/c/rules/KernelStackOverflowClean.wasm', ioctls: [] },
    note: "Parameter 1 = 8, EXCEPTION_DOUBLE_FAULT, as Windows gives a kernel stack overflow; 2-4 are 0. A kernel stack is 12 KiB with a guard page below it; a C driver's stack pointer is its image's __stack_pointer, which the loader points at the current thread's stack, and every store into a frame is checked, so the first frame that does not fit faults at its first write (the line the dump blames).",
  }),

  // ---- deadlock detection ---------------------------------------------------------------------
  // Deadlock Detection (0x20): the lock graph of src/verifier/deadlock. Every rule's clean twin is one
  // driver that takes the same locks right (one order, released last-in first-out, freed once released).
  DeadlockLockOrder: rule('DeadlockLockOrder', 'two locks taken in both orders (A then B, later B then A), even if the two never overlapped in time: a potential deadlock', C4.DEADLOCK_DETECTED, {
    ...deadlock('DeadlockLockOrder', [LOCK_IOCTL_1, LOCK_IOCTL_2]),
    note: 'Parameter 2 is the lock whose acquisition closed the cycle; 3 and 4 are 0 (Windows 8.1 puts a graph node of its own in 3). With a kernel debugger attached this is a break with the "Potential Deadlock" text, as on Windows 8.1 and later, and g lets the acquisition go on. !deadlock prints the cycle.',
  }),
  DeadlockSelf: rule('DeadlockSelf', 'a thread acquires a lock it already holds that cannot be acquired recursively (a spin lock, a fast or guarded mutex), or asks for an ERESOURCE exclusively that it holds shared', C4.DEADLOCK_SELF, {
    ...deadlock('DeadlockSelf', []),
    note: 'Raised before the kernel acquires, so the machine stops instead of spinning (0x133) or waiting forever. KMUTEX and ERESOURCE may be acquired recursively; try-acquisitions cannot deadlock and are not checked. Parameters 3 and 4 are 0.',
  }),
  DeadlockUninitialized: rule('DeadlockUninitialized', 'a fast or guarded mutex acquired without ExInitializeFastMutex / KeInitializeGuardedMutex (its event is not a synchronization event)', C4.DEADLOCK_UNINITIALIZED, {
    ...deadlock('DeadlockUninitialized', []),
    note: 'Only fast and guarded mutexes are checked: a zeroed spin lock, KMUTEX wait or ERESOURCE is not something the kernel can tell from an initialized free one. Parameters 3 and 4 are 0.',
  }),
  DeadlockOutOfOrderRelease: rule('DeadlockOutOfOrderRelease', 'a lock whose release restores a saved IRQL (KeAcquireSpinLock, KeAcquireInterruptSpinLock, ExAcquireFastMutex) released while a spin lock or fast mutex taken after it is still held', C4.DEADLOCK_UNEXPECTED_RELEASE, {
    ...deadlock('DeadlockOutOfOrderRelease', []),
    note: 'Reported only where the order matters: releasing such a lock first lowers IRQL while the later lock still needs it raised. Other out-of-order releases (ERESOURCE, KMUTEX, KeAcquireSpinLockAtDpcLevel locks) are legal and not reported. Parameter 3 is the lock acquired last that is still held.',
  }),
  DeadlockWrongThreadRelease: rule('DeadlockWrongThreadRelease', 'a lock released by a thread other than the one that acquired it', C4.DEADLOCK_UNEXPECTED_THREAD, {
    ...deadlock('DeadlockWrongThreadRelease', []),
    note: 'ExReleaseResourceForThreadLite releases for the thread it names and is not reported.',
  }),
  DeadlockMultipleInitialization: rule('DeadlockMultipleInitialization', 'a lock initialized again (KeInitializeSpinLock, ExInitializeFastMutex, KeInitializeMutex, ExInitializeResourceLite...) while a thread holds it', C4.DEADLOCK_MULTIPLE_INITIALIZATION, {
    ...deadlock('DeadlockMultipleInitialization', []),
    note: 'Initializing an idle lock again is harmless and common, so only a lock some thread holds is reported. Parameters 3 and 4 are 0.',
  }),
  DeadlockUnacquiredRelease: rule('DeadlockUnacquiredRelease', 'a lock released that no thread holds', C4.DEADLOCK_UNACQUIRED_RELEASE, {
    flag: VF.DEADLOCK_DETECTION,
    sample: { violating: `${rulesDir}/DeadlockUnacquiredRelease.ts`, clean: `${rulesDir}/DeadlockClean.ts`, ioctls: [], args: `--verifier ${WITHOUT_DDI_COMPLIANCE}` },
    note: "Not reported when the kernel's own state of the lock says it is held (code outside the verified drivers took it). A spin lock released twice at PASSIVE_LEVEL is 0xC4/0x32 first (the IRQL check runs before); under /standard a spin lock released unheld is the DDI rule SpinLock (0xC4/0x40009), reported first.",
  }),
  DeadlockAcquireMismatch: rule('DeadlockAcquireMismatch', 'a lock acquired as one kind of lock (spin lock, in-stack queued spin lock, fast mutex, mutex, resource) that was used as another', C4.DEADLOCK_ACQUIRE_MISMATCH, {
    ...deadlock('DeadlockAcquireMismatch', []),
    variants: [{ name: 'DeadlockQueuedMismatch', ioctls: [], what: "Microsoft's example: one KSPIN_LOCK taken both as an in-stack queued spin lock and as an ordinary one" }],
    note: 'The kind is fixed by the first acquisition and forgotten when the memory is freed. Parameters 3 and 4 are 0.',
  }),
  DeadlockReleaseMismatch: rule('DeadlockReleaseMismatch', 'a lock released with a routine that does not pair with the one that acquired it (ExReleaseFastMutexUnsafe after ExAcquireFastMutex, KeReleaseSpinLock of an interrupt spin lock...)', C4.DEADLOCK_RELEASE_MISMATCH, {
    ...deadlock('DeadlockReleaseMismatch', []),
    note: 'Spin lock routines pair with each other (KeAcquireSpinLock then KeReleaseSpinLockFromDpcLevel and KeLowerIrql is legal). Parameters 3 and 4 are 0.',
  }),
  DeadlockThreadHoldsLocks: rule('DeadlockThreadHoldsLocks', 'a system thread calls PsTerminateSystemThread while it holds locks', C4.DEADLOCK_THREAD_HOLDS_LOCKS, {
    ...deadlock('DeadlockThreadHoldsLocks', []),
    note: 'Checked at PsTerminateSystemThread. Parameter 3 (reserved) is 0; !deadlock lists the locks held.',
  }),
  DeadlockDeletedLockOwned: rule('DeadlockDeletedLockOwned', 'a lock still held when the memory holding it goes away (ExFreePool, ExDeleteResourceLite, IoDeleteDevice), or when the driver that acquired it unloads', C4.DEADLOCK_DELETED_LOCK_OWNED, {
    ...deadlock('DeadlockDeletedLockOwned', []),
    note: 'Raised at the free (ExFreePoolWithTag of the block holding the lock), before the kernel frees it; at unload for a lock the driver took and nobody released. Parameter 4 is 0.',
  }),

  // ---- miscellaneous checks (0x800) and Force IRQL checking's IRQL rules (0x2) ----------------
  // Raised by src/verifier/thunks/misc.ts; C samples (the checks need objects on the kernel stack or
  // kernel structures in driver pool, which C drivers lay out as Windows drivers do).
  FreeWithQueuedWorkItem: rule('FreeWithQueuedWorkItem', 'ExFreePool of a block holding a work item (IoInitializeWorkItem, ExInitializeWorkItem) still queued', E4.WORK_ITEM_IN_FREED_POOL, {
    code: BUGCHECK.WORKER_INVALID,
    flag: VF.MISCELLANEOUS_CHECKS,
    note: "Microsoft's Miscellaneous Checks page names the check but not its stop; Windows' free path reports a queued work item in freed memory as 0xE4 WORKER_INVALID, Parameter 1 = 0 (the work item, the pool block, its size), which is what this project raises.",
  }),
  FreeWithActiveResource: rule('FreeWithActiveResource', 'ExFreePool of a block holding an ERESOURCE initialized and not deleted (ExDeleteResourceLite)', C4_MISC.FREE_ACTIVE_RESOURCE, {
    flag: VF.MISCELLANEOUS_CHECKS,
  }),
  FreeWithActiveLookaside: rule('FreeWithActiveLookaside', 'ExFreePool of a block holding a lookaside list not deleted (ExDeleteNPagedLookasideList, ExDeletePagedLookasideList)', C4.LOOKASIDE_IN_RELEASED_MEMORY, {
    flag: VF.MISCELLANEOUS_CHECKS,
  }),
  FreeWithSetTimer: rule('FreeWithSetTimer', 'ExFreePool of a block holding a timer still set (KeSetTimer without KeCancelTimer)', C7.TIMER_IN_RANGE, {
    code: BUGCHECK.TIMER_OR_DPC_INVALID,
    flag: VF.MISCELLANEOUS_CHECKS,
    note: 'Raised at the free (KeCheckForTimer over the block, as Windows does it), Parameters 3-4 = the block [start, end); not the old 0xC4/0x15.',
  }),
  FreeWithQueuedDpc: rule('FreeWithQueuedDpc', 'ExFreePool of a block holding a DPC still queued (KeInsertQueueDpc not yet run, or the DPC of a set timer)', C7.DPC_IN_RANGE, {
    code: BUGCHECK.TIMER_OR_DPC_INVALID,
    flag: VF.MISCELLANEOUS_CHECKS,
    note: 'As FreeWithSetTimer, for the DPC object: Parameters 3-4 = the block [start, end).',
  }),
  UserModeWaitOnStackObject: rule('UserModeWaitOnStackObject', 'KeWaitForSingleObject / KeWaitForMultipleObjects with WaitMode = UserMode on an object on the kernel stack', C4_MISC.USER_WAIT_ON_STACK_OBJECT, {
    flag: VF.MISCELLANEOUS_CHECKS,
    sample: cOnly('UserModeWaitOnStackObject'),
  }),
  UserHandleReferencedAsKernel: rule('UserHandleReferencedAsKernel', "ObReferenceObjectByHandle with AccessMode = KernelMode on a handle of the current user process's table (one opened in its context without OBJ_KERNEL_HANDLE, or the user's own)", C4_MISC.USER_HANDLE_AS_KERNEL, {
    flag: VF.MISCELLANEOUS_CHECKS,
    ioctls: ['0x222010'],
    note: 'A handle is in a user table when it was opened in a user process without OBJ_KERNEL_HANDLE (ZwOpenKey, ZwCreateKey, ObOpenObjectByPointer) or by the process itself; this kernel keeps one handle numbering, so the table is recorded per handle rather than read from the kernel-handle bit.',
  }),
  CriticalRegionAboveApc: rule('CriticalRegionAboveApc', 'KeEnterCriticalRegion above APC_LEVEL (e.g. while holding a spin lock)', C4_MISC.CRITICAL_REGION_ENTER_BAD_IRQL, {
    flag: VF.FORCE_IRQL_CHECKING,
    sample: tsWithArgs('CriticalRegionAboveApc', [], `--verifier ${WITHOUT_DDI_COMPLIANCE}`),
    note: 'Under /standard the DDI rule IrqlKeApcLte2 (0xC4/0x20010) covers the same call and is reported first; this stop is what Force IRQL checking raises with DDI compliance checking off.',
  }),
  CriticalRegionLeaveAboveApc: rule('CriticalRegionLeaveAboveApc', 'KeLeaveCriticalRegion above APC_LEVEL (e.g. a spin lock taken inside the region and still held)', C4_MISC.CRITICAL_REGION_LEAVE_BAD_IRQL, {
    flag: VF.FORCE_IRQL_CHECKING,
    sample: tsWithArgs('CriticalRegionLeaveAboveApc', [], `--verifier ${WITHOUT_DDI_COMPLIANCE}`),
    note: 'Under /standard the DDI rule IrqlKeApcLte2 (0xC4/0x20010) covers the same call and is reported first; this stop is what Force IRQL checking raises with DDI compliance checking off.',
  }),
  WaitAboveDispatch: rule('WaitAboveDispatch', 'KeWaitForSingleObject / KeWaitForMultipleObjects above DISPATCH_LEVEL, whatever the time-out', C4_MISC.WAIT_ABOVE_DISPATCH, {
    flag: VF.FORCE_IRQL_CHECKING,
    note: 'Parameter 2 is the current IRQL (Microsoft: the address of the IRQL value; this project has no such variable).',
  }),
  WaitInfiniteAtDispatch: rule('WaitInfiniteAtDispatch', 'KeWaitForSingleObject / KeWaitForMultipleObjects at DISPATCH_LEVEL with no time-out (NULL: an infinite wait)', C4_MISC.WAIT_INFINITE_AT_DISPATCH, {
    flag: VF.FORCE_IRQL_CHECKING,
    note: 'Parameter 2 is the current IRQL, as for WaitTimeoutAtDispatch; Parameter 4 is the NULL time-out pointer.',
  }),
  WaitTimeoutAtDispatch: rule('WaitTimeoutAtDispatch', 'KeWaitForSingleObject / KeWaitForMultipleObjects at DISPATCH_LEVEL with a non-zero time-out (only a zero time-out may be given there)', C4_MISC.WAIT_TIMEOUT_AT_DISPATCH, {
    flag: VF.FORCE_IRQL_CHECKING,
    note: 'Microsoft documents Parameter 2 as the address of the IRQL value; this project has no such variable and gives the current IRQL itself.',
  }),

  // ---- security checks (0x100) ----------------------------------------------------------------
  ZwUserAddress: rule('ZwUserAddress', 'a ZwXxx routine called with a user-mode address (a buffer, OBJECT_ATTRIBUTES, UNICODE_STRING or its Buffer): it runs as KernelMode and trusts it', C4_MISC.ZW_USER_ADDRESS, {
    flag: VF.SECURITY_CHECKS,
    ioctls: ['0x22200b:0100000002000000'],
    note: 'Parameter 4 (reserved) is 0. The registry routines are checked (the Zw routines this kernel has), each pointer argument by the DDI reference\'s parameter list.',
  }),
  ZwMalformedUnicodeString: rule('ZwMalformedUnicodeString', 'a ZwXxx routine called with a malformed UNICODE_STRING (Length above MaximumLength, or an odd length), directly or as the ObjectName of its OBJECT_ATTRIBUTES', C4_MISC.ZW_MALFORMED_UNICODE_STRING, {
    flag: VF.SECURITY_CHECKS,
    note: 'Parameter 4 (reserved) is 0. A Buffer in user space is reported as ZwUserAddress (0xE3) with the Buffer.',
  }),

  // ---- invariant MDL checking (0x2000, 0x4000) ------------------------------------------------
  InvariantMdlWrite: rule('InvariantMdlWrite', "the buffer of a Write IRP's MDL changed between the IRP's first IofCallDriver to a verified driver and its IoCompleteRequest (driver mode: or a verified driver's IofCallDriver)", C4_MISC.INVARIANT_MDL_WRITE_CHANGED, {
    flag: VF.INVARIANT_MDL_STACK,
    sample: tsWithArgs('InvariantMdlWrite', [], '--verifier 0x229bb --write 48656c6c6f2c20646576696365'),
    note: 'The buffer is copied (not hashed: one address space, and the copy names the byte) when a Write IRP with an MDL is first sent to a verified driver\'s device; Parameter 4 is its address as drivers see it (the system mapping, else the locked user address). Read IRPs are InvariantMdlRead (0x1011).',
  }),

  // ---- DMA checking (0x80): 0xE6, src/verifier/thunks/dma.ts ---------------------------------
  DmaCommonBufferFreedTwice: dmaRule('DmaCommonBufferFreedTwice', 'FreeCommonBuffer of a common buffer not outstanding (freed already)', 0x03, {
    note: 'Parameter 2 = 1, the one extra buffer freed; Parameters 3 and 4, which Windows leaves unsaid, are 0.',
  }),
  DmaAdapterChannelFreedTwice: dmaRule('DmaAdapterChannelFreedTwice', 'FreeAdapterChannel with no adapter channel held', 0x04),
  DmaMapRegistersFreedTwice: dmaRule('DmaMapRegistersFreedTwice', 'FreeMapRegisters of a map register base not outstanding (freed already, or never allocated)', 0x05, {
    note: 'Parameter 2 = the NumberOfMapRegisters the call gives back (all of them extra).',
  }),
  DmaScatterGatherListFreedTwice: dmaRule('DmaScatterGatherListFreedTwice', 'PutScatterGatherList of a list not outstanding (put already)', 0x06, {
    note: 'Parameter 2 = lists the adapter gave (GetScatterGatherList, BuildScatterGatherList), Parameter 3 = lists put, this one included.',
  }),
  DmaAdapterPutWithCommonBuffers: dmaRule('DmaAdapterPutWithCommonBuffers', 'PutDmaAdapter while common buffers of the adapter are still allocated', 0x07, {
    note: "Parameter 4, Windows' internal verifier data, is the verifier's record of the adapter here (a pool block tagged VfDm whose first ULONG is the adapter).",
  }),
  DmaAdapterChannelAllocatedTwice: dmaRule('DmaAdapterChannelAllocatedTwice', 'AllocateAdapterChannel(Ex) while the adapter channel is still held (an execution routine returned KeepObject)', 0x0b, {
    note: 'Without DMA checking the HAL queues the second request until FreeAdapterChannel, as Windows does.',
  }),
  DmaTooManyMapRegisters: dmaRule('DmaTooManyMapRegisters', 'AllocateAdapterChannel(Ex) for more map registers than IoGetDmaAdapter granted', 0x0c, {
    note: 'Without DMA checking the call fails with STATUS_INSUFFICIENT_RESOURCES.',
  }),
  DmaBuffersNotFlushed: dmaRule('DmaBuffersNotFlushed', 'map registers freed (FreeMapRegisters, FreeAdapterChannel) while a MapTransfer on them was never flushed (FlushAdapterBuffers)', 0x0d, {
    note: 'Raised when the registers are given back: Parameter 2 = the bytes MapTransfer mapped on them, Parameter 3 = the adapter\'s map registers times the page size. 0x10 (freeing registers still mapped) names the same mistake; this project raises 0x0D for it.',
  }),
  DmaUnlockedBuffer: dmaRule('DmaUnlockedBuffer', 'MapTransfer(Ex) or Get/BuildScatterGatherList on an MDL whose pages are not locked (not probed and locked, not nonpaged pool, not partial)', 0x0e),
  DmaCommonBufferOverrun: dmaRule('DmaCommonBufferOverrun', 'a write past the end of a common buffer (its guard tag DmaVrfy0 changed), found when the buffer is freed or the adapter put', 0x0f, {
    note: 'Each common buffer is allocated 8 bytes longer, with the tag after it (the returned address is the HAL\'s; no tag before it, so Parameter 2 is always 2). A C driver\'s write there is inside the pool block, so the memory checks let it through to this check.',
  }),
  DmaRoutineBadIrql: dmaRule('DmaRoutineBadIrql', 'a DMA routine at an IRQL it does not allow: AllocateAdapterChannel, FreeAdapterChannel, FreeMapRegisters, PutScatterGatherList at DISPATCH_LEVEL only; AllocateCommonBuffer, FreeCommonBuffer, PutDmaAdapter at PASSIVE_LEVEL only; MapTransfer, FlushAdapterBuffers, Get/BuildScatterGatherList and the Ex routines at DISPATCH_LEVEL or below', 0x13),
  DmaAddressNotInMdl: dmaRule('DmaAddressNotInMdl', 'MapTransfer(Ex) or Get/BuildScatterGatherList of a range that is not within the MDL passed', 0x1b),
  DmaAdapterNotPut: dmaRule('DmaAdapterNotPut', 'a driver unloads without PutDmaAdapter for an adapter it got', 0x11, {
    note: 'Windows documents no code for an adapter never put; this project raises 0x11 (outstanding adapter references) at unload: Parameter 2 = 1 reference, 3 = the adapter, 4 = the verifier\'s record of it.',
  }),

  // ---- rules-rest ----
  KernelIrpUserAddress: rule('KernelIrpUserAddress', 'a driver sends (IofCallDriver) an IRP with RequestorMode = KernelMode whose SystemBuffer or UserBuffer is a user-mode address: the drivers below trust it unprobed', C4_MISC.KERNEL_IRP_USER_ADDRESS, {
    flag: VF.SECURITY_CHECKS,
    ioctls: ['0x22200b::8'],
    note: 'Checked where a verified driver sends the IRP (IofCallDriver), before the lower driver runs; Parameter 4 (reserved) is 0. SystemBuffer is read only when Irp->Flags has IRP_BUFFERED_IO (the AssociatedIrp union may hold MasterIrp or IrpCount instead); UserBuffer always.',
  }),

  InvariantMdlRead: rule('InvariantMdlRead', "the buffer of a Read IRP's MDL changed while the IRP went down the stack: between its first IofCallDriver to a verified driver and a verified driver's IofCallDriver passing it further down (the device below fills it; the drivers above may not)", C4_MISC.INVARIANT_MDL_READ_CHANGED, {
    flag: VF.INVARIANT_MDL_STACK,
    sample: tsWithArgs('InvariantMdlRead', [], '--verifier 0x229bb --read 8'),
    note: 'Compared at each IofCallDriver a verified driver makes with the IRP (both modes) and dropped at completion, when the buffer holds what the device read. Windows also raises 0x1011 for a buffer backed by dummy pages: this kernel has none. Parameters as for 0x1010.',
  }),
  DmaAdapterPutWithChannel: dmaRule('DmaAdapterPutWithChannel', 'PutDmaAdapter while the adapter channel is still held (an execution routine returned KeepObject and FreeAdapterChannel was never called)', 0x08),
  DmaAdapterPutWithMapRegisters: dmaRule('DmaAdapterPutWithMapRegisters', 'PutDmaAdapter while map registers of the adapter are still allocated (kept with DeallocateObjectKeepRegisters, never freed with FreeMapRegisters)', 0x09, {
    note: 'Parameter 3 counts the outstanding map register allocations (map register bases), not the registers in them: our decision, the HAL keeps no count per base.',
  }),
  DmaAdapterPutWithScatterGatherLists: dmaRule('DmaAdapterPutWithScatterGatherLists', 'PutDmaAdapter while scatter/gather lists of the adapter (GetScatterGatherList, BuildScatterGatherList) were never put', 0x0a),
  DmaAdapterUsedAfterPut: dmaRule('DmaAdapterUsedAfterPut', 'a DMA routine called for an adapter the driver has already put (PutDmaAdapter)', 0x18, {
    note: 'Parameter 3, the internal verifier data, is its record of the adapter (kept after the put until the driver unloads); Parameter 4 is 0. Caught when the call reaches the verifier\'s routine: a driver that reads the table through the freed adapter may fault on the read first.',
  }),
  DmaZeroLengthMap: dmaRule('DmaZeroLengthMap', 'MapTransfer(Ex) or Get/BuildScatterGatherList of a zero-length transfer', 0x21, {
    note: 'Parameter 2, the internal verifier data, is the record of the adapter.',
  }),

  // ---- I/O verification (0x10; 0x40 enhanced is on with it since Windows 7) ---------------------
  // Thunks of the DDIs a driver calls (thunks/iov.ts) and checks around its dispatch and completion
  // routines, which the I/O manager reports (io-verify.ts). P2 of the 0x2xx codes is "the address in
  // the driver where the error was detected": here the routine the I/O manager called, or the call site.
  CompleteWithPending: rule('CompleteWithPending', 'IoCompleteRequest with Irp->IoStatus.Status = STATUS_PENDING (or -1)', C9.COMPLETE_WITH_PENDING, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
  }),
  CompleteWithCancelRoutine: rule('CompleteWithCancelRoutine', 'IoCompleteRequest on an IRP whose cancel routine is still set', C9.COMPLETE_WITH_CANCEL_ROUTINE, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'Parameter 2 is the code address of the cancel routine (for a C driver the IRP holds a function table index; the code address names it in ln and !analyze).',
  }),
  CompleteAboveDispatch: rule('CompleteAboveDispatch', 'IoCompleteRequest above DISPATCH_LEVEL', C9.COMPLETE_ABOVE_DISPATCH, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
  }),
  DispatchIrqlChanged: rule('DispatchIrqlChanged', 'a dispatch routine returns at an IRQL other than the one it was called at', C9.DISPATCH_IRQL_CHANGED, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'Checked when the dispatch routine returns to IofCallDriver (the I/O manager reports the call and the return: k.events irpDispatch/irpDispatched); !analyze blames the dispatch routine.',
  }),
  PendingNotMarked: rule('PendingNotMarked', 'a dispatch routine returns STATUS_PENDING without IoMarkIrpPending on its stack location', C9.PENDING_NOT_MARKED, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'Microsoft lists 0x23D and 0x24C with the same text; this project raises 0x23D. Parameter 2 is the dispatch routine, 3 the IRP, 4 the status returned. Not checked for a routine that sent the IRP on (it returns what the driver below said, and that driver is checked).',
  }),
  MarkedNotPending: rule('MarkedNotPending', 'a dispatch routine marks the IRP pending (IoMarkIrpPending) but returns a status other than STATUS_PENDING', C9.MARKED_NOT_PENDING, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'Parameter 2 is the dispatch routine, 3 the IRP, 4 the status returned. Not checked for a routine that sent the IRP on (as PendingNotMarked).',
  }),
  ReturnStatusMismatch: rule('ReturnStatusMismatch', 'a dispatch routine that completed the IRP returns a status other than the one it completed it with', C9.RETURN_STATUS_MISMATCH, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: "Parameter 4 (the expected status) is Irp->IoStatus.Status when the routine called IoCompleteRequest at its own stack location. Checked only for a routine that completed the IRP itself and did not send it on.",
  }),
  CompletionNotMarkedPending: rule('CompletionNotMarkedPending', 'a completion routine that lets completion go on does not mark its stack location pending although Irp->PendingReturned is set', C9.COMPLETION_NOT_MARKED_PENDING, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'Parameter 2 is the completion routine, 3 the IRP, 4 is 0. A routine returning STATUS_MORE_PROCESSING_REQUIRED, or the routine of the IRP\'s creator (no stack location of its own), is not checked.',
  }),
  CallDriverAboveDispatch: rule('CallDriverAboveDispatch', 'IoCallDriver above DISPATCH_LEVEL', C9.CALL_DRIVER_ABOVE_DISPATCH, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
  }),
  FreeIrpInUse: rule('FreeIrpInUse', 'IoFreeIrp of an IRP that was sent with IoCallDriver and is not completed', C9.FREE_IRP_IN_USE, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'Microsoft lists 0x20A (Parameters 2 and 3 reserved) and 0x20B for an IRP freed while in use; this project raises 0x20B with Parameter 2 = the call site of IoFreeIrp, 3 = the IRP, 4 = 0. In use: sent with IoCallDriver, completion not begun.',
  }),
  IrpFreedWithExFreePool: rule('IrpFreedWithExFreePool', 'an IRP (from IoAllocateIrp) released with ExFreePool instead of IoFreeIrp', C4_IO.IRP_FREED_WITH_EXFREEPOOL, {
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'An IRP is known by its pool tag (the I/O manager\'s) and its Type field (IO_TYPE_IRP).',
  }),
  CallDriverNotAnIrp: rule('CallDriverNotAnIrp', 'IoCallDriver given something that is not an IRP (its Type is not IO_TYPE_IRP)', C9.CALL_DRIVER_NOT_AN_IRP, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
  }),
  CallDriverBadDevice: rule('CallDriverBadDevice', 'IoCallDriver given something that is not a device object (its Type is not IO_TYPE_DEVICE)', C9.CALL_DRIVER_BAD_DEVICE, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
  }),
  ForwardWithCancelRoutine: rule('ForwardWithCancelRoutine', 'IoCallDriver of an IRP whose cancel routine is still set', C9.FORWARD_WITH_CANCEL_ROUTINE, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'Parameter 2 is the call site of IoCallDriver, 3 the IRP, 4 the code address of the cancel routine (Microsoft documents only 2 and 3).',
  }),
  FreeNotAnIrp: rule('FreeNotAnIrp', 'IoFreeIrp of something that is not an IRP (its Type is not IO_TYPE_IRP)', C9.FREE_NOT_AN_IRP, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
  }),
  CompletionRoutineIrqlChanged: rule('CompletionRoutineIrqlChanged', 'a completion routine returns at an IRQL other than the one it was called at', C4_IO.COMPLETION_ROUTINE_IRQL_CHANGED, {
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'Checked when the routine returns to IofCompleteRequest (the I/O manager reports it: k.events irpCompletionRoutineReturned); !analyze blames the completion routine.',
  }),
  MultipleIrpComplete: rule('MultipleIrpComplete', 'IoCompleteRequest of an IRP that is already completed', undefined, {
    code: BUGCHECK.MULTIPLE_IRP_COMPLETE_REQUESTS,
    ioctls: [IOV_IOCTL],
    note: 'Not a Driver Verifier check: the I/O manager raises 0x44 itself (a completed IRP is left past its last stack location), with or without I/O verification. Parameter 1 is the IRP, 2-4 are 0.',
  }),
  // ---- iov pnp/power ----
  // I/O verification's PnP and power rules: thunks/iov-pnp.ts (sending and completing) and io-verify.ts
  // (the removal, when the dispatch routine returns). All PnP samples share one clean twin, which does
  // each of these things right; the power ones need a sleep (--sleep) to get power IRPs. With them,
  // 0x226, the dispatch routine that leaves its IRP (io-verify.ts, on the IoRule.h frame).
  PnpIrpInitialStatus: rule('PnpIrpInitialStatus', 'a driver sends an IRP_MJ_PNP IRP it built without setting Irp->IoStatus.Status to STATUS_NOT_SUPPORTED', C9.PNP_IRP_INITIAL_STATUS, {
    ...pnpRule('PnpIrpInitialStatus'),
    note: 'Checked at IoCallDriver of an IRP never sent before (CurrentLocation = StackCount + 1). Parameter 2 is the call site, 3 the IRP, 4 the status it carried (Microsoft documents 2 and 3).',
  }),
  PowerIrpInitialStatus: rule('PowerIrpInitialStatus', 'a driver sends an IRP_MJ_POWER IRP it built (IRP_MN_POWER_SEQUENCE) without setting Irp->IoStatus.Status to STATUS_NOT_SUPPORTED', C9.POWER_IRP_INITIAL_STATUS, {
    ...pnpRule('PowerIrpInitialStatus'),
    note: 'Checked at IoCallDriver and PoCallDriver of an IRP never sent before. Parameter 2 is the call site, 3 the IRP, 4 the status it carried.',
  }),
  PnpFailurePassedDown: rule('PnpFailurePassedDown', 'a function or filter driver fails an IRP_MJ_PNP IRP (a status other than STATUS_NOT_SUPPORTED) and passes it down instead of completing it', C9.PNP_FAILURE_PASSED_DOWN, {
    ...pnpRule('PnpFailurePassedDown'),
    note: 'Checked at IoCallDriver from the dispatch routine holding the IRP, only when the failure is not the status the IRP arrived with (a failure set above is the upper driver\'s). Parameter 2 is the call site, 3 the IRP, 4 the status passed down. IoForwardIrpSynchronously is not checked.',
  }),
  PowerFailurePassedDown: rule('PowerFailurePassedDown', 'a function or filter driver fails an IRP_MJ_POWER IRP and passes it down instead of completing it', C9.POWER_FAILURE_PASSED_DOWN, {
    ...pnpRule('PowerFailurePassedDown', '--sleep'),
    note: 'As PnpFailurePassedDown, at IoCallDriver or PoCallDriver.',
  }),
  PnpRemoveNotDetached: rule('PnpRemoveNotDetached', 'a function or filter driver handles IRP_MN_REMOVE_DEVICE and returns without detaching its device (IoDetachDevice)', C9.PNP_REMOVE_NOT_DETACHED, {
    ...pnpRule('PnpRemoveNotDetached'),
    note: 'Checked when the dispatch routine returns a success status other than STATUS_PENDING (a failed removal is the DDI rule PnpRemove\'s) for a device that had one below it (a PDO stays until its hardware is gone). Parameter 2 is the dispatch routine, 3 the IRP, 4 the device.',
  }),
  PnpRemoveNotDeleted: rule('PnpRemoveNotDeleted', 'a function or filter driver handles IRP_MN_REMOVE_DEVICE and returns without deleting its device (IoDeleteDevice)', C9.PNP_REMOVE_NOT_DELETED, {
    ...pnpRule('PnpRemoveNotDeleted'),
    note: 'As PnpRemoveNotDetached; detaching is checked first.',
  }),
  PnpSuccessCompleted: rule('PnpSuccessCompleted', 'a function or filter driver completes an IRP_MJ_PNP IRP with a success status instead of passing it down', C9.PNP_SUCCESS_COMPLETED, {
    ...pnpRule('PnpSuccessCompleted'),
    note: 'Checked at IoCompleteRequest in the dispatch routine that got the IRP, at its own stack location, when it did not send the IRP on during the call, for a device with one below it. IRP_MN_QUERY_INTERFACE is exempt (a driver exporting the interface answers it). Parameter 2 is the call site, 3 the IRP, 4 the status.',
  }),
  PnpUntouchedCompleted: rule('PnpUntouchedCompleted', 'a function or filter driver completes an IRP_MJ_PNP IRP with STATUS_NOT_SUPPORTED instead of passing it down', C9.PNP_UNTOUCHED_COMPLETED, {
    ...pnpRule('PnpUntouchedCompleted'),
    note: 'Checked where PnpSuccessCompleted is. Parameter 2 is the call site, 3 the IRP, 4 is 0.',
  }),
  DispatchLeftIrp: rule('DispatchLeftIrp', 'a dispatch routine returns a status other than STATUS_PENDING without completing the IRP or sending it on', C9.DISPATCH_LEFT_IRP, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'Checked when the dispatch routine returns: neither IoCompleteRequest nor IoCallDriver of the IRP happened during the call, on any thread. Parameter 2 is the dispatch routine, 3 the IRP, 4 the status returned (Microsoft documents 2 and 3).',
  }),
  BuildIoctlBadBuffer: rule('BuildIoctlBadBuffer', 'IoBuildDeviceIoControlRequest given a buffer the I/O manager cannot touch (the input of a buffered or direct request, the output of a direct one)', C9.BUILD_IOCTL_BAD_BUFFER, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'Checked before the call: a page of the input a buffered or direct request copies, or of the output a direct request locks, that is not accessible (freed special pool, unmapped). Parameter 4 is STATUS_ACCESS_VIOLATION, the exception the copy raises on Windows. IoBuildAsynchronousFsdRequest (0x08) is not checked.',
  }),
  IrpStackExhausted: rule('IrpStackExhausted', 'IoCallDriver of an IRP that has no stack location left for the driver it is sent to', C9.IRP_STACK_EXHAUSTED, {
    code: IOV_CODE,
    flag: VF.IO_VERIFICATION,
    ioctls: [IOV_IOCTL],
    note: 'Checked at IoCallDriver when Irp->CurrentLocation is 1 or less; without the option the kernel stops there with 0x35 NO_MORE_IRP_STACK_LOCATIONS. Parameter 2 is the call site, 3 the IRP, 4 is 0.',
  }),
  PowerSuccessCompleted: rule('PowerSuccessCompleted', 'a function or filter driver completes IRP_MN_SET_POWER or IRP_MN_QUERY_POWER with a success status instead of passing it down', C9.POWER_SUCCESS_COMPLETED, {
    ...pnpRule('PowerSuccessCompleted', '--sleep'),
    note: 'Checked as PnpSuccessCompleted, for IRP_MN_SET_POWER and IRP_MN_QUERY_POWER only (the minor functions the bus driver completes). Parameter 2 is the call site, 3 the IRP, 4 the status.',
  }),
  PowerUntouchedCompleted: rule('PowerUntouchedCompleted', 'a function or filter driver completes IRP_MN_SET_POWER or IRP_MN_QUERY_POWER untouched (STATUS_NOT_SUPPORTED, as the power manager sent it) instead of passing it down', C9.POWER_UNTOUCHED_COMPLETED, {
    ...pnpRule('PowerUntouchedCompleted', '--sleep'),
    note: 'Checked as PowerSuccessCompleted. Parameter 2 is the call site, 3 the IRP, 4 is 0.',
  }),
} as const satisfies Record<string, VerifierRule>;

export type RuleName = keyof typeof RULES;

export const ALL_RULES: readonly VerifierRule[] = Object.values(RULES);
