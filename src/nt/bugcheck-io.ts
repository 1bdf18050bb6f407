/**
 * I/O verification's bug check rows: 0xC9 DRIVER_VERIFIER_IOMANAGER_VIOLATION (its Parameter 1
 * table, level-1 codes 0x01-0x12 and the I/O error codes 0x200+ this project raises) and the
 * IRP-related 0xC4 rows. Texts paraphrase Microsoft's bug check 0xC9 and 0xC4 pages; bugcheck.ts
 * gathers them with the other tables.
 */
import type { BugCheckInfo, Subcode } from './bugcheck.ts';

const L = (...lines: string[]) => lines;
const WHERE = 'address in the driver where the error was detected (the routine the I/O manager called)';

export const IOMANAGER_VIOLATION: BugCheckInfo = {
  code: 0xc9,
  name: 'DRIVER_VERIFIER_IOMANAGER_VIOLATION',
  description: [
    'The IO manager has caught a misbehaving driver.  Driver Verifier I/O verification',
    'checks every IRP a verified driver sends, completes, frees or returns from a dispatch',
    'routine; Parameter 1 says which rule was broken.',
  ],
};

/** Parameter 1 values of 0xC9 raised by this project. */
export const C9 = {
  FREE_NOT_AN_IRP: 0x01,
  CALL_DRIVER_NOT_AN_IRP: 0x03,
  CALL_DRIVER_BAD_DEVICE: 0x04,
  DISPATCH_IRQL_CHANGED: 0x05,
  COMPLETE_WITH_PENDING: 0x06,
  COMPLETE_WITH_CANCEL_ROUTINE: 0x07,
  COMPLETE_ABOVE_DISPATCH: 0x0e,
  CALL_DRIVER_ABOVE_DISPATCH: 0x10,
  FORWARD_WITH_CANCEL_ROUTINE: 0x203,
  FREE_IRP_IN_USE: 0x20b,
  RETURN_STATUS_MISMATCH: 0x224,
  COMPLETION_NOT_MARKED_PENDING: 0x228,
  PENDING_NOT_MARKED: 0x23d,
  MARKED_NOT_PENDING: 0x23e,
  // PnP and power (io-verify.ts, verifier/thunks/iov-pnp.ts)
  PNP_IRP_INITIAL_STATUS: 0x20e,
  POWER_IRP_INITIAL_STATUS: 0x20f,
  PNP_FAILURE_PASSED_DOWN: 0x215,
  POWER_FAILURE_PASSED_DOWN: 0x219,
  PNP_REMOVE_NOT_DETACHED: 0x21d,
  PNP_REMOVE_NOT_DELETED: 0x21e,
  PNP_SUCCESS_COMPLETED: 0x22e,
  PNP_UNTOUCHED_COMPLETED: 0x22f,
  POWER_SUCCESS_COMPLETED: 0x231,
  DISPATCH_LEFT_IRP: 0x226,
  BUILD_IOCTL_BAD_BUFFER: 0x09,
  IRP_STACK_EXHAUSTED: 0x208,
  POWER_UNTOUCHED_COMPLETED: 0x232,
} as const;

const CALL_SITE = 'address in the driver where the error was detected (the call site)';

export const c9Subcodes: Subcode[] = [
  { p1: C9.FREE_NOT_AN_IRP, args: [L('The caller is freeing (IoFreeIrp) an object whose type is not IO_TYPE_IRP.'), L('address of the object being freed'), L('0'), L('0')] },
  { p1: C9.CALL_DRIVER_NOT_AN_IRP, args: [L('The caller passed IoCallDriver an IRP whose Type is not IO_TYPE_IRP.'), L('address of the IRP being sent'), L('0'), L('0')] },
  { p1: C9.CALL_DRIVER_BAD_DEVICE, args: [L('The caller passed IoCallDriver an invalid device object.'), L('address of the device object'), L('0'), L('0')] },
  {
    p1: C9.DISPATCH_IRQL_CHANGED,
    args: [L('The IRQL changed during a call to the driver dispatch routine.'), L('address of the device object the IRP was sent to'), L('IRQL before IoCallDriver'), L('IRQL after IoCallDriver')],
  },
  { p1: C9.COMPLETE_WITH_PENDING, args: [L('The caller completed an IRP with a status of STATUS_PENDING (or -1).'), L('IRP status'), L('address of the IRP being completed'), L('0')] },
  { p1: C9.COMPLETE_WITH_CANCEL_ROUTINE, args: [L('The caller completed an IRP whose cancel routine is still set.'), L('address of the cancel routine'), L('address of the IRP being completed'), L('0')] },
  { p1: C9.COMPLETE_ABOVE_DISPATCH, args: [L('The caller completed an IRP at an IRQL above DISPATCH_LEVEL.'), L('current IRQL'), L('address of the IRP'), L('0')] },
  { p1: C9.CALL_DRIVER_ABOVE_DISPATCH, args: [L('IoCallDriver was called above DISPATCH_LEVEL.'), L('current IRQL'), L('reserved'), L('reserved')] },
  {
    p1: C9.FORWARD_WITH_CANCEL_ROUTINE,
    args: [L('WDM DRIVER ERROR: the caller has forwarded an IRP to a lower driver (IoCallDriver)', 'without clearing its cancel routine.'), L(WHERE), L('address of the IRP'), L('address of the cancel routine')],
  },
  { p1: C9.FREE_IRP_IN_USE, args: [L('WDM DRIVER ERROR: the caller is freeing (IoFreeIrp) an IRP that is still in use', '(sent to a driver and not completed).'), L(WHERE), L('address of the IRP'), L('0')] },
  {
    p1: C9.RETURN_STATUS_MISMATCH,
    args: [L('WDM DRIVER ERROR: the dispatch routine returned a status that does not match', 'the status it completed the IRP with (Irp->IoStatus.Status).'), L(WHERE), L('address of the IRP'), L('the status the IRP was completed with (expected)')],
  },
  {
    p1: C9.COMPLETION_NOT_MARKED_PENDING,
    args: [L('WDM DRIVER ERROR: the completion routine did not mark the IRP pending although', 'Irp->PendingReturned was set (if (Irp->PendingReturned) IoMarkIrpPending(Irp);).'), L('address of the completion routine'), L('address of the IRP'), L('0')],
  },
  {
    p1: C9.PENDING_NOT_MARKED,
    args: [L('WDM DRIVER ERROR: the dispatch routine returned STATUS_PENDING without calling', 'IoMarkIrpPending.'), L(WHERE), L('address of the IRP'), L('the status returned')],
  },
  {
    p1: C9.MARKED_NOT_PENDING,
    args: [L('WDM DRIVER ERROR: the dispatch routine marked the IRP pending (IoMarkIrpPending) but', 'returned a status other than STATUS_PENDING.'), L(WHERE), L('address of the IRP'), L('the status returned')],
  },
  {
    p1: C9.BUILD_IOCTL_BAD_BUFFER,
    args: [L('The caller passed IoBuildDeviceIoControlRequest a buffer that is not valid.'), L('address of the device object'), L('the I/O control code'), L('the exception status')],
  },
  {
    p1: C9.IRP_STACK_EXHAUSTED,
    args: [L('WDM DRIVER ERROR: this IRP is about to run out of stack locations (it may have been', 'allocated too small, or forwarded from another stack).'), L(CALL_SITE), L('address of the IRP'), L('0')],
  },
  {
    p1: C9.DISPATCH_LEFT_IRP,
    args: [L('WDM DRIVER ERROR: the dispatch routine returned without sending the IRP on or', 'completing it, or forgot to return STATUS_PENDING.'), L(WHERE), L('address of the IRP'), L('the status returned')],
  },
  // ---- PnP and power ----
  {
    p1: C9.PNP_IRP_INITIAL_STATUS,
    args: [L('WDM DRIVER ERROR: the caller sent an IRP_MJ_PNP IRP whose initial status is not', 'STATUS_NOT_SUPPORTED.'), L(CALL_SITE), L('address of the IRP'), L('the status the IRP was sent with')],
  },
  {
    p1: C9.POWER_IRP_INITIAL_STATUS,
    args: [L('WDM DRIVER ERROR: the caller sent an IRP_MJ_POWER IRP whose initial status is not', 'STATUS_NOT_SUPPORTED.'), L(CALL_SITE), L('address of the IRP'), L('the status the IRP was sent with')],
  },
  {
    p1: C9.PNP_FAILURE_PASSED_DOWN,
    args: [L('WDM DRIVER ERROR: the driver failed an IRP_MJ_PNP IRP (a status other than', 'STATUS_NOT_SUPPORTED) and passed it down instead of completing it.'), L(CALL_SITE), L('address of the IRP'), L('the failure status passed down')],
  },
  {
    p1: C9.POWER_FAILURE_PASSED_DOWN,
    args: [L('WDM DRIVER ERROR: the driver failed an IRP_MJ_POWER IRP and passed it down instead', 'of completing it.'), L(CALL_SITE), L('address of the IRP'), L('the failure status passed down')],
  },
  {
    p1: C9.PNP_REMOVE_NOT_DETACHED,
    args: [L('WDM DRIVER ERROR: the driver handled IRP_MN_REMOVE_DEVICE without detaching its', 'device from the stack (IoDetachDevice).'), L(WHERE), L('address of the IRP'), L('address of the device object')],
  },
  {
    p1: C9.PNP_REMOVE_NOT_DELETED,
    args: [L('WDM DRIVER ERROR: the driver handled IRP_MN_REMOVE_DEVICE without deleting its', 'device (IoDeleteDevice).'), L(WHERE), L('address of the IRP'), L('address of the device object')],
  },
  {
    p1: C9.PNP_SUCCESS_COMPLETED,
    args: [L('WDM DRIVER ERROR: the driver completed a successful IRP_MJ_PNP IRP instead of', 'passing it down the stack.'), L(CALL_SITE), L('address of the IRP'), L('the status the IRP was completed with')],
  },
  {
    p1: C9.PNP_UNTOUCHED_COMPLETED,
    args: [L('WDM DRIVER ERROR: the driver completed an IRP_MJ_PNP IRP with STATUS_NOT_SUPPORTED', '(untouched, or failed with a status only a PDO may use) instead of passing it down.'), L(CALL_SITE), L('address of the IRP'), L('0')],
  },
  {
    p1: C9.POWER_SUCCESS_COMPLETED,
    args: [L('WDM DRIVER ERROR: the driver completed a successful IRP_MJ_POWER IRP instead of', 'passing it down the stack.'), L(CALL_SITE), L('address of the IRP'), L('the status the IRP was completed with')],
  },
  {
    p1: C9.POWER_UNTOUCHED_COMPLETED,
    args: [L('WDM DRIVER ERROR: the driver completed an IRP_MJ_POWER IRP it did not touch', '(STATUS_NOT_SUPPORTED) instead of passing it down the stack.'), L(CALL_SITE), L('address of the IRP'), L('0')],
  },
];

/** IRP-related 0xC4 Parameter 1 values. */
export const C4_IO = {
  IRP_FREED_WITH_EXFREEPOOL: 0x105,
  COMPLETION_ROUTINE_IRQL_CHANGED: 0xfa,
} as const;

export const c4IoSubcodes: Subcode[] = [
  { p1: C4_IO.COMPLETION_ROUTINE_IRQL_CHANGED, args: [L('An IRP completion routine returned at an IRQL other than the one it was called at.'), L('address of the completion routine'), L('IRQL before calling it'), L('IRQL after it returned')] },
  { p1: C4_IO.IRP_FREED_WITH_EXFREEPOOL, args: [L('The caller is freeing an IRP with ExFreePool instead of IoFreeIrp.'), L('address of the IRP'), L('0'), L('0')] },
];

/**
 * True for the stops I/O verification raises when a driver's dispatch or completion routine has
 * returned (the crash context's culprit names that routine); !analyze blames it rather than the
 * driver frames still on the stack, which are its caller's.
 */
export function blamesReturnedRoutine(code: number, p1: number): boolean {
  return code === IOMANAGER_VIOLATION.code || (code === 0xc4 && p1 === C4_IO.COMPLETION_ROUTINE_IRQL_CHANGED);
}
