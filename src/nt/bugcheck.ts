/**
 * Bug check codes, their names, the paragraph `!analyze -v` prints for each, and the meaning of
 * each parameter. One table: the kernel, the verifier, the debugger and the docs all read it.
 *
 * Texts marked [debugger] are the debugger's own wording (seen in Microsoft's samples); the others
 * paraphrase Microsoft's bug check reference in our own words.
 */
import { DDI_RULE_TABLE, ddiRuleArgTexts } from './ddi-rules.ts';
import { C4_DEADLOCK, deadlockSubcodes } from './bugcheck-deadlock.ts';
import { C4_MISC_SUBCODES, E4_SUBCODES, WORKER_INVALID } from './bugcheck-misc.ts';
import { IOMANAGER_VIOLATION, c4IoSubcodes, c9Subcodes } from './bugcheck-io.ts';
import { WDF_VIOLATION, WDF_VIOLATION_SUBCODES } from './bugcheck-wdf.ts';

export interface ArgText {
  /** The text after `ArgN: <value>, `; further lines print TAB-indented beneath it. */
  readonly lines: readonly string[];
}

export interface BugCheckInfo {
  readonly code: number;
  readonly name: string;
  /** The paragraph printed under the title in `!analyze -v`. */
  readonly description: readonly string[];
  /** Meaning of Arg1..Arg4 when it does not depend on Arg1. */
  readonly args?: readonly [string, string, string, string];
}

/** One row of a Parameter 1 table (0xC4, 0xC7): what each argument means for that Parameter 1. */
export interface Subcode {
  readonly p1: number;
  /** Arg1 text, then Arg2..Arg4 texts; each may span lines (continuations print TAB-indented). */
  readonly args: readonly [readonly string[], readonly string[], readonly string[], readonly string[]];
}
export type C4Subcode = Subcode;

const bugChecks: BugCheckInfo[] = [
  {
    code: 0x09,
    name: 'IRQL_NOT_GREATER_OR_EQUAL',
    description: [
      'The IRQL was found lower than a kernel routine requires.  Typically a driver',
      'called KeRaiseIrql with a level below the current IRQL.',
    ],
    args: ['reserved (the HAL raises it without parameters)', 'reserved', 'reserved', 'reserved'],
  },
  {
    code: 0x0a,
    name: 'IRQL_NOT_LESS_OR_EQUAL',
    description: [
      'An attempt was made to access a pageable (or completely invalid) address at an',
      'interrupt request level (IRQL) that is too high.',
    ],
    args: ['memory referenced', 'IRQL', 'bitfield: bit 0 = read (0) or write (1) operation', 'address which referenced memory'],
  },
  {
    code: 0x0c,
    name: 'MAXIMUM_WAIT_OBJECTS_EXCEEDED',
    description: ['A thread waited on more objects than KeWaitForMultipleObjects allows (or on more', 'than THREAD_WAIT_OBJECTS without a wait block array).'],
    args: ['0', '0', '0', '0'],
  },
  {
    code: 0x1e,
    name: 'KMODE_EXCEPTION_NOT_HANDLED',
    description: ['A kernel-mode program generated an exception which the error handler did not catch.'],
    args: ['The exception code that was not handled', 'The address that the exception occurred at', 'Parameter 0 of the exception', 'Parameter 1 of the exception'],
  },
  {
    code: 0x35,
    name: 'NO_MORE_IRP_STACK_LOCATIONS',
    description: ['A higher level driver has attempted to call a lower level driver through', 'the IoCallDriver() interface, but there are no more stack locations in the', 'packet, hence, the lower level driver would not be able to access its', 'parameters, as there are no parameters for it.'],
    args: ['Address of the IRP', 'reserved', 'reserved', 'reserved'],
  },
  {
    code: 0x50,
    name: 'PAGE_FAULT_IN_NONPAGED_AREA',
    description: ['Invalid system memory was referenced.  This cannot be protected by try-except.', 'Typically the address is just plain bad or it is pointing at freed memory.'],
    args: ['memory referenced.', 'value 0 = read operation, 1 = write operation.', 'If non-zero, the instruction address which referenced the bad memory', 'address.'],
  },
  {
    code: 0x7e,
    name: 'SYSTEM_THREAD_EXCEPTION_NOT_HANDLED',
    description: ['A system thread generated an exception which the error handler did not catch.'],
    args: ['The exception code that was not handled', 'The address that the exception occurred at', 'Exception Record Address', 'Context Record Address'],
  },
  {
    code: 0xc1,
    name: 'SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION',
    description: [
      'Special pool has detected memory corruption.  Typically the current thread\'s',
      'stack backtrace will reveal the guilty party.',
    ],
    args: ['address trying to free', 'address where bits are corrupted', 'reserved', 'subclass of driver violation.'],
  },
  {
    code: 0xc2,
    name: 'BAD_POOL_CALLER',
    description: ['The current thread is making a bad pool request.  Typically this is at a bad IRQL level or double freeing the same allocation, etc.'],
  },
  {
    code: 0xc4,
    name: 'DRIVER_VERIFIER_DETECTED_VIOLATION',
    description: [
      'A device driver attempting to corrupt the system has been caught.  This is',
      'because the driver was specified in the registry as being suspect (by the',
      'administrator) and the kernel has enabled substantial checking of this driver.',
      'If the driver attempts to corrupt the system, bugchecks 0xC4, 0xC1 and 0xA will',
      'be among the most commonly seen crashes.',
    ],
  },
  {
    code: 0xc7,
    name: 'TIMER_OR_DPC_INVALID',
    description: [
      'Kernel timer or DPC used incorrectly.  A timer, a DPC object or a DPC routine',
      'was found in memory where it is not allowed: typically the image of a driver',
      'that has been unloaded, or pool that has been freed.',
    ],
  },
  {
    code: 0xce,
    name: 'DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS',
    description: ['A driver unloaded without cancelling timers, DPCs, worker threads, etc.', 'The broken driver\'s name is displayed on the screen.'],
    args: ['memory referenced', 'value 0 = read operation, 1 = write operation', 'If non-zero, the address which referenced memory.', 'Mm internal code.'],
  },
  {
    code: 0x44,
    name: 'MULTIPLE_IRP_COMPLETE_REQUESTS',
    description: ['A driver has requested that an IRP be completed (IoCompleteRequest()), but', 'the packet has already been completed.'],
    args: ['Address of the IRP', 'Reserved', 'Reserved', 'Reserved'],
  },
  {
    code: 0xca,
    name: 'PNP_DETECTED_FATAL_ERROR',
    description: ['Plug and Play detected an error most likely caused by a faulty driver.'],
    args: [
      'type of error: 0x1 = duplicate PDO, 0x2 = invalid PDO (a device object that is not a PDO passed where one is required), 0x3 = invalid ID, 0x8 = NULL device relation',
      'the device object (0x1: the PDO just reported; 0x8: the DEVICE_RELATIONS)',
      '0x1: the older PDO it duplicates; 0x2: its driver object; 0x3: the ID buffer; 0x8: the relations Count',
      '0x3: which ID (1 DeviceID, 2 UniqueID, 3 HardwareIDs, 4 CompatibleIDs); 0x8: the index of the NULL entry',
    ],
  },
  {
    code: 0xd1,
    name: 'DRIVER_IRQL_NOT_LESS_OR_EQUAL',
    description: [
      'An attempt was made to access a pageable (or completely invalid) address at an',
      'interrupt request level (IRQL) that is too high.  This is usually',
      'caused by drivers using improper addresses.',
    ],
    args: ['memory referenced', 'IRQL', 'value 0 = read operation, 1 = write operation', 'address which referenced memory'],
  },
  {
    code: 0x7f,
    name: 'UNEXPECTED_KERNEL_MODE_TRAP',
    description: ['A trap occurred in kernel mode that the kernel cannot take: here a double fault', '(EXCEPTION_DOUBLE_FAULT), which a kernel stack overflow causes.'],
    args: ['EXCEPTION_DOUBLE_FAULT (8)', 'reserved', 'reserved', 'reserved'],
  },
  {
    code: 0x1f2,
    name: 'KASAN_ILLEGAL_ACCESS',
    description: [
      'The kernel address sanitizer found an illegal memory access: outside the bytes',
      'of a pool block (its header or the slack after it), in a freed block, or in a',
      'redzone of a stack or global variable.',
    ],
    args: ['address of the illegal access', 'size of the access', 'address of the code that made it', 'bits 0-7: the KASAN shadow code of the address'],
  },
  {
    code: 0xd5,
    name: 'DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL',
    description: ['Memory was referenced after it was freed.', 'This cannot be protected by try-except.', 'When possible, the guilty driver\'s name (Unicode string) is printed on', 'the bugcheck screen and saved in KiBugCheckDriver.'],
    args: ['memory referenced', 'value 0 = read operation, 1 = write operation', 'if non-zero, the address which referenced memory.', '(reserved)'],
  },
  {
    code: 0xd6,
    name: 'DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION',
    description: ['N bytes of memory was allocated and more than N bytes are being referenced.', 'This cannot be protected by try-except.', 'When possible, the guilty driver\'s name (Unicode string) is printed on', 'the bugcheck screen and saved in KiBugCheckDriver.'],
    args: ['memory referenced', 'value 0 = read operation, 1 = write operation', 'if non-zero, the address which referenced memory.', '(reserved)'],
  },
  {
    code: 0x133,
    name: 'DPC_WATCHDOG_VIOLATION',
    description: ['The DPC watchdog detected a prolonged run time at an IRQL of DISPATCH_LEVEL', 'or above.'],
  },
  {
    code: 0xe2,
    name: 'MANUALLY_INITIATED_CRASH',
    description: ['The user manually initiated this crash dump.'],
  },
  {
    code: 0x139,
    name: 'KERNEL_SECURITY_CHECK_FAILURE',
    description: ['A kernel component has corrupted a critical data structure, or a fail-fast', 'check failed (a corrupted list entry, a pure virtual function call...).'],
    args: ['Type of corruption (the fail-fast code: 3 = corrupt LIST_ENTRY, 7 = fatal application exit)', 'Address of the trap frame for the exception that caused the bugcheck', 'Address of the exception record for the exception that caused the bugcheck', 'Reserved'],
  },
  {
    code: 0xe6,
    name: 'DRIVER_VERIFIER_DMA_VIOLATION',
    description: [
      'An illegal DMA operation was attempted by a driver being verified: the',
      "HAL verifier of Driver Verifier's DMA checking found it (Arg1 names the",
      'violation).',
    ],
  },
  {
    code: 0xe3,
    name: 'RESOURCE_NOT_OWNED',
    description: ['A thread tried to release a resource it did not own.'],
    args: ['Address of resource', 'Address of thread', 'Address of owner table if there is one', 'Reserved'],
  },
  WORKER_INVALID,
];

bugChecks.push(IOMANAGER_VIOLATION);
bugChecks.push(WDF_VIOLATION);

const BY_CODE = new Map(bugChecks.map((b) => [b.code, b]));

export function bugCheckInfo(code: number): BugCheckInfo {
  return (
    BY_CODE.get(code) ?? {
      code,
      name: `BUGCHECK_${code.toString(16).toUpperCase()}`,
      description: ['No description is known for this bug check code.'],
    }
  );
}

export function bugCheckName(code: number): string {
  return bugCheckInfo(code).name;
}

/** Well-known codes by name, so call sites read `BUGCHECK.DRIVER_VERIFIER_DETECTED_VIOLATION`. */
export const BUGCHECK = {
  IRQL_NOT_GREATER_OR_EQUAL: 0x09,
  IRQL_NOT_LESS_OR_EQUAL: 0x0a,
  KMODE_EXCEPTION_NOT_HANDLED: 0x1e,
  NO_MORE_IRP_STACK_LOCATIONS: 0x35,
  PAGE_FAULT_IN_NONPAGED_AREA: 0x50,
  SYSTEM_THREAD_EXCEPTION_NOT_HANDLED: 0x7e,
  SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION: 0xc1,
  BAD_POOL_CALLER: 0xc2,
  DRIVER_VERIFIER_DETECTED_VIOLATION: 0xc4,
  TIMER_OR_DPC_INVALID: 0xc7,
  DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS: 0xce,
  MULTIPLE_IRP_COMPLETE_REQUESTS: 0x44,
  UNEXPECTED_KERNEL_MODE_TRAP: 0x7f,
  DRIVER_IRQL_NOT_LESS_OR_EQUAL: 0xd1,
  PNP_DETECTED_FATAL_ERROR: 0xca,
  KASAN_ILLEGAL_ACCESS: 0x1f2,
  DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL: 0xd5,
  DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION: 0xd6,
  MANUALLY_INITIATED_CRASH: 0xe2,
  RESOURCE_NOT_OWNED: 0xe3,
  DPC_WATCHDOG_VIOLATION: 0x133,
  WORKER_INVALID: 0xe4,
  DRIVER_VERIFIER_DMA_VIOLATION: 0xe6,
  DRIVER_VERIFIER_IOMANAGER_VIOLATION: 0xc9,
  WDF_VIOLATION: 0x10d,
} as const;

const L = (...lines: string[]) => lines;

/**
 * The 0xC4 Parameter 1 table. Texts for 0x62 are the debugger's own [debugger]; the rest paraphrase
 * the 0xC4 reference page.
 */
const c4Subcodes: Subcode[] = [
  { p1: 0x00, args: [L('The caller is requesting a zero byte pool allocation.'), L('current IRQL'), L('pool type'), L('number of bytes')] },
  { p1: 0x01, args: [L('The caller is trying to allocate paged pool at an IRQL above APC_LEVEL.'), L('current IRQL'), L('pool type'), L('number of bytes')] },
  { p1: 0x02, args: [L('The caller is trying to allocate nonpaged pool at an IRQL above DISPATCH_LEVEL.'), L('current IRQL'), L('pool type'), L('number of bytes')] },
  { p1: 0x03, args: [L('The caller is requesting a must-succeed pool allocation: such requests are never allowed.'), L('current IRQL'), L('pool type'), L('number of bytes')] },
  { p1: 0x10, args: [L('The caller is freeing an address that no pool allocation returned.'), L('bad address'), L('0'), L('0')] },
  { p1: 0x11, args: [L('The caller is trying to free paged pool at an IRQL above APC_LEVEL.'), L('current IRQL'), L('pool type'), L('address of pool')] },
  { p1: 0x12, args: [L('The caller is trying to free nonpaged pool at an IRQL above DISPATCH_LEVEL.'), L('current IRQL'), L('pool type'), L('address of pool')] },
  { p1: 0x13, args: [L('The caller is freeing a pool block that was already freed.'), L('reserved'), L('pointer to pool header'), L('pool header contents')] },
  {
    p1: 0x14,
    args: [
      L('The caller is freeing a pool block that was already freed (a block with no pool header', 'of its own: a whole-page allocation).'),
      L('reserved'),
      L('address of the block (whole-page blocks have no header)'),
      L('0'),
    ],
  },
  { p1: 0x16, args: [L('The caller is freeing a bad address, or passed bad parameters to a memory routine.'), L('reserved'), L('pool address'), L('0')] },
  { p1: 0x30, args: [L('The caller is raising IRQL to a level below the current IRQL (KeRaiseIrql),', 'or above HIGH_LEVEL.'), L('current IRQL'), L('requested IRQL'), L('0')] },
  { p1: 0x31, args: [L('The caller is lowering IRQL to a level above the current IRQL (KeLowerIrql),', 'or above HIGH_LEVEL.'), L('current IRQL'), L('requested IRQL'), L('0 means the new IRQL is bad, 1 means the new IRQL is invalid inside a DPC routine')] },
  { p1: 0x32, args: [L('The caller is releasing a spin lock at an IRQL other than DISPATCH_LEVEL', '(typically the lock was released twice).'), L('current IRQL'), L('spin lock address'), L('0')] },
  { p1: 0x33, args: [L('The caller is acquiring a fast mutex at an IRQL above APC_LEVEL.'), L('current IRQL'), L('fast mutex address'), L('0')] },
  { p1: 0x34, args: [L('The caller is releasing a fast mutex at an IRQL other than APC_LEVEL.'), L('current IRQL'), L('thread APC disable count'), L('fast mutex address')] },
  { p1: 0x3f, args: [L('An object reference count went from 0 to 1 or below 0.'), L('object address'), L('new reference count: -1 = dereference case, 1 = reference case'), L('0')] },
  { p1: 0x40, args: [L('The caller is acquiring a spin lock at DPC level (KeAcquireSpinLockAtDpcLevel)', 'below DISPATCH_LEVEL.'), L('current IRQL'), L('spin lock address'), L('0')] },
  { p1: 0x41, args: [L('The caller is releasing a spin lock from DPC level (KeReleaseSpinLockFromDpcLevel)', 'below DISPATCH_LEVEL.'), L('current IRQL'), L('spin lock address'), L('0')] },
  { p1: 0x42, args: [L('The caller is acquiring a spin lock (KeAcquireSpinLock) above DISPATCH_LEVEL.'), L('current IRQL'), L('spin lock address'), L('0')] },
  {
    p1: 0x62,
    args: [
      L('A driver has forgotten to free its pool allocations prior to unloading.'),
      L('name of the driver having the issue.'),
      L('verifier internal structure with driver information.'),
      L(
        "total # of (paged+nonpaged) allocations that weren't freed.",
        'Type !verifier 3 drivername.sys for info on the allocations',
        'that were leaked that caused the bugcheck.',
      ),
    ],
  },
  { p1: 0x90, args: [L('A driver switched to a stack that is neither a thread stack nor a DPC stack.'), L('stack pointer found (driver-verifier project convention)'), L('thread stack limit (driver-verifier project convention)'), L('thread stack base (driver-verifier project convention)')] },
  { p1: 0xb0, args: [L('The caller is calling MmProbeAndLockPages on an MDL with incorrect flags', '(for example one built by MmBuildMdlForNonPagedPool).'), L('MDL address'), L('MDL flags'), L('the incorrect flags')] },
  { p1: 0xb1, args: [L('The caller is calling MmProbeAndLockProcessPages on an MDL with incorrect flags.'), L('MDL address'), L('MDL flags'), L('the incorrect flags')] },
  { p1: 0xb2, args: [L('The caller is calling MmMapLockedPages on an MDL with incorrect flags', '(for example one already mapped to a system address).'), L('MDL address'), L('MDL flags'), L('the incorrect flags')] },
  { p1: 0xb3, args: [L('The caller is calling MmMapLockedPages on an MDL without the flags it needs', '(for example one whose pages are not locked).'), L('MDL address'), L('MDL flags'), L('missing flags (at least one of them is expected)')] },
  { p1: 0xb4, args: [L('The caller is calling MmUnlockPages on a partial MDL (built by IoBuildPartialMdl).'), L('MDL address'), L('MDL flags'), L('unexpected partial MDL flag')] },
  { p1: 0xb5, args: [L('The caller is calling MmUnmapLockedPages on a partial MDL (built by IoBuildPartialMdl).'), L('MDL address'), L('MDL flags'), L('unexpected partial MDL flag')] },
  { p1: 0xb6, args: [L('The caller is calling MmUnmapLockedPages on an MDL that is not mapped to a system address.'), L('MDL address'), L('MDL flags'), L('missing MDL flag')] },
  {
    p1: 0xcc,
    args: [
      L('The caller is releasing memory that contains an active lookaside list', '(freed pool, or the image of a driver that unloaded without deleting the list).'),
      L('lookaside list address'),
      L('start of the memory that held the list (its pool allocation, or the driver image)'),
      L('size of that memory'),
    ],
  },
  { p1: 0xdf, args: [L('The caller is initializing a synchronization object in session address space', '(session memory, e.g. from EngAllocMem): the kernel must reach it from every session.'), L('synchronization object address'), L('0'), L('0')] },
  {
    p1: 0x115,
    args: [
      L('Shutdown has not completed 20 minutes after it started.', 'Type !analyze -v to see the stack of the thread doing the shutdown.'),
      L('the thread responsible for shutdown (it may be deadlocked)'),
      L('0'),
      L('0'),
    ],
  },
  // DDI compliance rules: Parameter 1 is the rule's ID (src/nt/ddi-rules.ts).
  ...DDI_RULE_TABLE.map((r): Subcode => ({ p1: r.id, args: ddiRuleArgTexts(r).map((t) => L(t)) as [string[], string[], string[], string[]] })),
  ...deadlockSubcodes,
  ...C4_MISC_SUBCODES,
];

/** The 0xC7 Parameter 1 table (TIMER_OR_DPC_INVALID). */
const c7Subcodes: Subcode[] = [
  { p1: 0x0, args: [L('A kernel timer lies in memory being released: typically the image of an unloaded driver.'), L('address of the timer object'), L('start of the memory range checked'), L('end of the memory range checked')] },
  { p1: 0x1, args: [L('A kernel DPC object lies in memory being released: typically the image of an unloaded driver.'), L('address of the DPC object'), L('start of the memory range checked'), L('end of the memory range checked')] },
  { p1: 0x2, args: [L('A DPC routine lies in memory being released: typically the image of an unloaded driver.'), L('address of the DPC routine'), L('start of the memory range checked'), L('end of the memory range checked')] },
  { p1: 0x3, args: [L("A DPC object's processor number is invalid."), L('address of the DPC object'), L('processor number'), L('number of processors')] },
  { p1: 0x4, args: [L("A DPC routine changed the thread's APC disable count."), L('address of the DPC routine'), L('APC disable count before the routine'), L('APC disable count after it')] },
  { p1: 0x5, args: [L("A timer DPC routine changed the thread's APC disable count."), L('address of the DPC routine'), L('APC disable count before the routine'), L('APC disable count after it')] },
];

/** The 0x133 Parameter 1 table (DPC_WATCHDOG_VIOLATION). */
const dpcWatchdogSubcodes: Subcode[] = [
  {
    p1: 0x0,
    args: [
      L('A single DPC or ISR exceeded its time allotment. The offending', 'component can usually be identified with a stack trace.'),
      L('The DPC time count (in ticks).'),
      L('The DPC time allotment (in ticks).'),
      L('cast to nt!DPC_WATCHDOG_GLOBAL_TRIAGE_BLOCK (0: the simulator keeps none)'),
    ],
  },
  {
    p1: 0x1,
    args: [
      L('The system cumulatively spent an extended period of time at', 'DISPATCH_LEVEL or above.'),
      L('The watchdog period (in ticks).'),
      L('cast to nt!DPC_WATCHDOG_GLOBAL_TRIAGE_BLOCK (0: the simulator keeps none)'),
      L('0'),
    ],
  },
];

/** The 0xE6 Parameter 1 table (DRIVER_VERIFIER_DMA_VIOLATION), the codes the DMA checks raise (dv-reference §3.18). */
const e6Subcodes: Subcode[] = [
  { p1: 0x03, args: [L('The driver freed too many DMA common buffers: usually the same buffer twice.'), L('number of extra common buffers freed'), L('0'), L('0')] },
  { p1: 0x04, args: [L('The driver freed too many DMA adapter channels: usually the same channel twice.'), L('number of extra adapter channels freed'), L('0'), L('0')] },
  { p1: 0x05, args: [L('The driver freed too many DMA map registers: usually the same registers twice.'), L('number of extra map registers freed'), L('0'), L('0')] },
  { p1: 0x06, args: [L('The driver freed too many scatter/gather lists: usually the same list twice.'), L('scatter/gather lists allocated'), L('scatter/gather lists freed'), L('0')] },
  { p1: 0x07, args: [L('The driver put its DMA adapter without first freeing all its common buffers.'), L('the DMA adapter'), L('number of outstanding common buffers'), L('internal verifier data (its record of the adapter)')] },
  { p1: 0x08, args: [L('The driver put its DMA adapter while an adapter channel of it was still allocated.'), L('the DMA adapter'), L('number of outstanding adapter channels'), L('internal verifier data (its record of the adapter)')] },
  { p1: 0x09, args: [L('The driver put its DMA adapter without first freeing all its map registers.'), L('the DMA adapter'), L('number of outstanding map register allocations'), L('internal verifier data (its record of the adapter)')] },
  { p1: 0x0a, args: [L('The driver put its DMA adapter without first putting all its scatter/gather lists.'), L('the DMA adapter'), L('number of outstanding scatter/gather lists'), L('internal verifier data (its record of the adapter)')] },
  { p1: 0x18, args: [L('The driver called a DMA routine of an adapter it had already put (PutDmaAdapter).'), L('the DMA adapter'), L('internal verifier data (its record of the adapter)'), L('0')] },
  { p1: 0x21, args: [L('The driver tried to map a zero-length buffer for DMA.'), L('internal verifier data (its record of the adapter)'), L('0'), L('0')] },
  { p1: 0x0b, args: [L('The driver allocated too many adapter channels at once: only one per adapter.'), L('outstanding adapter channels'), L('0'), L('0')] },
  { p1: 0x0c, args: [L('The driver asked for too many map registers at once.'), L('map registers required'), L('most map registers the adapter has'), L('0')] },
  { p1: 0x0d, args: [L('The driver did not flush its adapter buffers before freeing the map registers.'), L('bytes mapped'), L('most bytes mappable at once'), L('0')] },
  { p1: 0x0e, args: [L('The driver tried DMA on a buffer whose pages are not locked (pageable).'), L('the MDL'), L('0'), L('0')] },
  {
    p1: 0x0f,
    args: [
      L('The driver or its device wrote outside a DMA buffer: a guard tag around it changed.'),
      L('1 = the tag before the buffer changed, 2 = the tag after it changed'),
      L('length of the buffer'),
      L('start of the buffer'),
    ],
  },
  { p1: 0x11, args: [L('The driver holds too many adapter references: here an adapter it never put', '(PutDmaAdapter) when it unloaded.'), L('outstanding references'), L('the DMA adapter'), L('internal verifier data (its record of the adapter)')] },
  { p1: 0x13, args: [L('A DMA routine was called at an improper IRQL.'), L('1 = not the IRQL required, 2 = above the most allowed'), L('IRQL required (1) or most allowed (2)'), L('current IRQL')] },
  { p1: 0x1b, args: [L('The driver tried DMA to an address not within the MDL it passed.'), L('the virtual address'), L('the MDL'), L('0')] },
];

const SUBCODES = new Map<number, Map<number, Subcode>>([
  [0xe6, new Map(e6Subcodes.map((s) => [s.p1, s]))],
  [0xc4, new Map(c4Subcodes.map((s) => [s.p1, s]))],
  [0xc7, new Map(c7Subcodes.map((s) => [s.p1, s]))],
  [0x133, new Map(dpcWatchdogSubcodes.map((s) => [s.p1, s]))],
  [0xe4, new Map(E4_SUBCODES.map((s) => [s.p1, s]))],
  [0xc9, new Map(c9Subcodes.map((s) => [s.p1, s]))],
  [0x10d, new Map(WDF_VIOLATION_SUBCODES.map((s) => [s.p1, s]))],
]);
for (const s of c4IoSubcodes) SUBCODES.get(0xc4)!.set(s.p1, s);

export function c4Subcode(p1: number): Subcode | undefined {
  return SUBCODES.get(0xc4)!.get(p1);
}

/** The row of `code`'s Parameter 1 table for `p1`, for codes whose arguments depend on Parameter 1. */
export function subcode(code: number, p1: number): Subcode | undefined {
  return SUBCODES.get(code)?.get(p1);
}

/** True when the meaning of Arg2..Arg4 of `code` depends on Arg1 (0xC4, 0xC7, 0xC9, 0x133). */
export function hasSubcodes(code: number): boolean {
  return SUBCODES.has(code);
}

/** The `ArgN:` texts `!analyze` prints: from the code's Parameter 1 table, or the code's own. */
export function argumentTexts(code: number, params: readonly number[]): (readonly string[])[] {
  if (hasSubcodes(code)) {
    const sub = subcode(code, params[0]!);
    if (sub) return [...sub.args];
    return [[`${bugCheckName(code)} (no description is known for this Parameter 1 value).`], [''], [''], ['']];
  }
  const info = bugCheckInfo(code);
  return (info.args ?? ['', '', '', '']).map((a) => [a]);
}

/** Parameter 1 values of 0xC4 raised by this project, by name. */
export const C4 = {
  ZERO_BYTE_ALLOCATION: 0x00,
  PAGED_ALLOC_ABOVE_APC: 0x01,
  NONPAGED_ALLOC_ABOVE_DISPATCH: 0x02,
  MUST_SUCCEED_ALLOCATION: 0x03,
  FREE_OF_UNALLOCATED_ADDRESS: 0x10,
  PAGED_FREE_ABOVE_APC: 0x11,
  NONPAGED_FREE_ABOVE_DISPATCH: 0x12,
  DOUBLE_FREE: 0x13,
  DOUBLE_FREE_NO_HEADER: 0x14,
  FREE_BAD_ADDRESS: 0x16,
  RAISE_IRQL_LOWERS: 0x30,
  LOWER_IRQL_RAISES: 0x31,
  SPIN_LOCK_RELEASE_BAD_IRQL: 0x32,
  FAST_MUTEX_ACQUIRE_BAD_IRQL: 0x33,
  FAST_MUTEX_RELEASE_BAD_IRQL: 0x34,
  OBJECT_REFERENCE_COUNT: 0x3f,
  SPIN_LOCK_DPC_ACQUIRE_LOW_IRQL: 0x40,
  SPIN_LOCK_DPC_RELEASE_LOW_IRQL: 0x41,
  SPIN_LOCK_ACQUIRE_ABOVE_DISPATCH: 0x42,
  POOL_LEAK_AT_UNLOAD: 0x62,
  STACK_SWITCH: 0x90,
  MDL_PROBE_BAD_FLAGS: 0xb0,
  MDL_PROBE_PROCESS_BAD_FLAGS: 0xb1,
  MDL_MAP_BAD_FLAGS: 0xb2,
  MDL_MAP_MISSING_FLAGS: 0xb3,
  MDL_UNLOCK_PARTIAL: 0xb4,
  MDL_UNMAP_PARTIAL: 0xb5,
  MDL_UNMAP_NOT_MAPPED: 0xb6,
  LOOKASIDE_IN_RELEASED_MEMORY: 0xcc,
  SYNC_OBJECT_IN_SESSION: 0xdf,
  SHUTDOWN_TIMEOUT: 0x115,
  IRQL_ZW_PASSIVE: 0x2001f,
  ...C4_DEADLOCK,
} as const;

/** Parameter 1 values of 0xC7 TIMER_OR_DPC_INVALID. */
export const C7 = {
  TIMER_IN_RANGE: 0x0,
  DPC_IN_RANGE: 0x1,
  DPC_ROUTINE_IN_RANGE: 0x2,
} as const;
