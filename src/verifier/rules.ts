/**
 * The rules Driver Verifier enforces, in one table: what each checks, the bug check it raises and its
 * Parameter 1, and the sample drivers that break it and keep it. The thunks and the unload and
 * shutdown checks raise violations through this table; the tests and docs/checks.md read it. The
 * meaning of each parameter is the bug check table's (src/nt/bugcheck.ts), by code and Parameter 1.
 */
import { BUGCHECK, C4, C7 } from '../nt/bugcheck.ts';
import { C4_IO, C9 } from '../nt/bugcheck-io.ts';
import { STATUS } from '../nt/status.ts';
import { VF } from './flags.ts';

/** How to see a rule fire: a sample that breaks it, its clean twin, and the requests to send. */
export interface RuleSample {
  /** The violating sample, relative to the repository root. */
  readonly violating: string;
  /** The same work done right: it loads, runs and unloads with no bug check. */
  readonly clean: string;
  /** `dv run --ioctl` arguments (CODE[:INPUT_HEX[:OUTPUT_LENGTH]]), in order. */
  readonly ioctls: readonly string[];
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

/** Pool Tracking (0x8): the leak check at unload. */
const POOL_TRACKING = 0x8;
/** The I/O verification samples' request: IOCTL_RULE_SUBMIT (CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)). */
const IOV_IOCTL = '0x222004';
const IOV_CODE = BUGCHECK.DRIVER_VERIFIER_IOMANAGER_VIOLATION;
const UNLOADED_CODE = BUGCHECK.DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS;

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

  // ---- DDI compliance -------------------------------------------------------------------------
  IrqlZwPassive: rule('IrqlZwPassive', 'ZwClose or a Zw registry routine (ZwOpenKey, ZwQueryValueKey...) called above PASSIVE_LEVEL', C4.IRQL_ZW_PASSIVE, {
    flag: VF.DDI_COMPLIANCE,
    note: 'Parameter 2 points to the text of the violated condition (in nonpaged pool, written when the rule fires); 3 and 4 are 0.',
  }),

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
} as const satisfies Record<string, VerifierRule>;

export type RuleName = keyof typeof RULES;

export const ALL_RULES: readonly VerifierRule[] = Object.values(RULES);
