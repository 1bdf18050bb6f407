/**
 * Rows of the bug check tables for the Miscellaneous checks (0x800), the Security checks (0x100) and
 * the IRQL checks of Force IRQL checking (0x2): 0xC4 Parameter 1 values, and 0xE4 WORKER_INVALID with its own Parameter 1
 * table. Spread into src/nt/bugcheck.ts; kept apart so each option's rows live together.
 */
import type { BugCheckInfo, Subcode } from './bugcheck.ts';

const L = (...lines: string[]) => lines;

export const WORKER_INVALID: BugCheckInfo = {
  code: 0xe4,
  name: 'WORKER_INVALID',
  description: ['Memory that should not contain an executive work item does: a work item still', 'queued is in memory being freed, or an active work item was queued again.'],
};

/** The 0xE4 Parameter 1 table. */
export const E4_SUBCODES: Subcode[] = [
  { p1: 0x0, args: [L('A queued work item lies in a pool block being freed.'), L('address of the work item'), L('start of the pool block'), L('number of bytes in the pool block')] },
  { p1: 0x1, args: [L('An active work item was queued again.'), L('address of the work item'), L('queue number'), L('0')] },
];

export const C4_MISC_SUBCODES: Subcode[] = [
  { p1: 0x11a, args: [L('The caller is calling KeEnterCriticalRegion at an IRQL above APC_LEVEL.'), L('current IRQL'), L('0'), L('0')] },
  { p1: 0x11b, args: [L('The caller is calling KeLeaveCriticalRegion at an IRQL above APC_LEVEL.'), L('current IRQL'), L('0'), L('0')] },
  { p1: 0x120, args: [L('The caller is waiting (KeWaitXxx) at an IRQL above DISPATCH_LEVEL.'), L('current IRQL (driver-verifier project convention)'), L('address of the object waited on'), L('address of the time-out value')] },
  { p1: 0x121, args: [L('The caller is waiting at DISPATCH_LEVEL with no time-out (an infinite wait).'), L('current IRQL (driver-verifier project convention)'), L('address of the object waited on'), L('address of the time-out value (NULL)')] },
  { p1: 0x122, args: [L('The caller is waiting at DISPATCH_LEVEL with a non-zero time-out:', 'only a zero time-out is allowed at DISPATCH_LEVEL.'), L('current IRQL (driver-verifier project convention)'), L('address of the object waited on'), L('address of the time-out value')] },
  { p1: 0x123, args: [L('The caller is waiting in UserMode on an object on the kernel stack:', 'the stack may be paged out while the thread waits.'), L('address of the object waited on'), L('0'), L('0')] },
  { p1: 0xe3, args: [L('The caller is calling a ZwXxx routine with a user-mode address: the routine runs', 'with PreviousMode = KernelMode and does not probe it.'), L('address of the API call'), L('the user-mode address passed'), L('reserved')] },
  { p1: 0xe4, args: [L('The caller is calling a ZwXxx routine with a malformed UNICODE_STRING', '(Length above MaximumLength, or an odd length).'), L('address of the API call'), L('address of the malformed UNICODE_STRING'), L('reserved')] },
  { p1: 0xe2, args: [L('The caller sent an IRP with RequestorMode = KernelMode that carries a user-mode address', '(its SystemBuffer or UserBuffer): the drivers below trust it unprobed.'), L('IRP address'), L('the user-mode address found in the IRP'), L('reserved')] },
  { p1: 0x1010, args: [L('The buffer an invariant MDL of a Write IRP describes was changed while the IRP', 'travelled (a driver wrote into the caller\'s data).'), L('device object the Write IRP was sent to'), L('IRP address'), L('address of the MDL\'s buffer')] },
  { p1: 0x1011, args: [L('The buffer an invariant MDL of a Read IRP describes was changed while the IRP', 'went down the stack (a driver above the device wrote into it).'), L('device object the Read IRP was sent to'), L('IRP address'), L('address of the MDL\'s buffer')] },
  { p1: 0xf6, args: [L('The caller referenced a user-mode handle as KernelMode (ObReferenceObjectByHandle):', 'no access check is made for a handle the user controls.'), L('handle value being referenced'), L('address of the current process'), L('address inside the driver that is performing the incorrect reference')] },
  { p1: 0xd2, args: [L('The caller is freeing pool that contains an active ERESOURCE', '(ExDeleteResourceLite was not called first).'), L('ERESOURCE address'), L('start of the pool allocation'), L('size of the pool allocation')] },
];

/** Parameter 1 values of 0xC4 raised by these checks. */
export const C4_MISC = {
  FREE_ACTIVE_RESOURCE: 0xd2,
  CRITICAL_REGION_ENTER_BAD_IRQL: 0x11a,
  CRITICAL_REGION_LEAVE_BAD_IRQL: 0x11b,
  WAIT_ABOVE_DISPATCH: 0x120,
  WAIT_INFINITE_AT_DISPATCH: 0x121,
  WAIT_TIMEOUT_AT_DISPATCH: 0x122,
  USER_WAIT_ON_STACK_OBJECT: 0x123,
  ZW_USER_ADDRESS: 0xe3,
  ZW_MALFORMED_UNICODE_STRING: 0xe4,
  INVARIANT_MDL_WRITE_CHANGED: 0x1010,
  USER_HANDLE_AS_KERNEL: 0xf6,
  KERNEL_IRP_USER_ADDRESS: 0xe2,
  INVARIANT_MDL_READ_CHANGED: 0x1011,
} as const;

/** Parameter 1 values of 0xE4 WORKER_INVALID. */
export const E4 = {
  WORK_ITEM_IN_FREED_POOL: 0x0,
  ACTIVE_WORK_ITEM_QUEUED: 0x1,
} as const;
