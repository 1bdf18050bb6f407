/**
 * 0x10D WDF_VIOLATION: the Kernel-Mode Driver Framework found a driver error. Its Parameter 1 table
 * (wdfbugcodes.h; the WDF_VIOLATION bug check reference, in our words). Parameter 4 is the driver's
 * framework globals (documented as reserved; the framework passes them). Spread into src/nt/bugcheck.ts.
 */
import type { BugCheckInfo, Subcode } from './bugcheck.ts';
import { WDF_BUGCHECK } from './wdf.ts';

const L = (...lines: string[]) => lines;
const GLOBALS = L("the driver's WDF_DRIVER_GLOBALS (reserved in the documentation)");

export const WDF_VIOLATION: BugCheckInfo = {
  code: 0x10d,
  name: 'WDF_VIOLATION',
  description: [
    'The Kernel-Mode Driver Framework detected that Windows found an error in a',
    'framework-based driver. Parameter 1 names the kind of error; the driver\'s',
    'in-flight recorder (!wdfkd.wdflogdump) has the framework\'s account of it.',
  ],
};

export const WDF_VIOLATION_SUBCODES: Subcode[] = [
  { p1: WDF_BUGCHECK.POWER_ROUTINE_TIMED_OUT, args: [L('A power callback or the framework\'s power handling did not return in time', '(it blocks on a paging path).'), L('address of a structure describing the timed-out power operation'), L('reserved'), GLOBALS] },
  { p1: WDF_BUGCHECK.RECURSIVE_LOCK, args: [L('The driver tried to acquire a lock its thread already holds.'), L('handle of the lock or of the object owning it'), L('the verifier\'s record of the lock'), GLOBALS] },
  { p1: WDF_BUGCHECK.VERIFIER_FATAL_ERROR, args: [L('A request was completed while its buffers were still referenced.'), L('WDFREQUEST handle'), L('number of outstanding references to its buffers'), GLOBALS] },
  { p1: WDF_BUGCHECK.REQUIRED_PARAMETER_IS_NULL, args: [L('A framework routine was called with NULL for a parameter it requires,', 'or with a structure already used up (a WDFDEVICE_INIT passed on).'), L('reserved'), L('the return address of the call (ln this address to find the caller)'), GLOBALS] },
  { p1: WDF_BUGCHECK.INVALID_HANDLE, args: [L('A framework routine was called with a NULL handle, a deleted one,', 'or a handle of the wrong type.'), L('the handle passed'), L('the type code of the object the routine expected'), GLOBALS] },
  { p1: WDF_BUGCHECK.REQUEST_FATAL_ERROR, args: [L('A fatal error in the handling of a request (Arg2 says which: 1 no more stack', 'locations, 2 NULL IRP, 3 request already sent, 4 Information larger than', 'the buffer, 5 request not in the queue).'), L('the error\'s sub-code'), L('by sub-code: 1 the IRP; 2 and 3 the WDFREQUEST; 4 the address of a record', '{Request, Irp, OutputBufferLength, Information, MajorFunction} (dd it);', '5 the queue'), GLOBALS] },
  { p1: WDF_BUGCHECK.OBJECT_ERROR, args: [L('The driver released the last reference to an object it had not deleted', '(WdfObjectDereference instead of WdfObjectDelete).'), L('the object\'s handle (!wdfkd.wdfhandle)'), L('address of the framework object'), GLOBALS] },
  { p1: WDF_BUGCHECK.DMA_FATAL_ERROR, args: [L('A DMA transaction was in the wrong state for the call.'), L('WDFDMATRANSACTION handle'), L('reserved'), GLOBALS] },
  { p1: WDF_BUGCHECK.INVALID_INTERRUPT, args: [L('An interrupt object was misused.'), L('reserved'), L('reserved'), GLOBALS] },
  { p1: WDF_BUGCHECK.QUEUE_FATAL_ERROR, args: [L('A fatal error on a request in an I/O queue.'), L('address of a record of the queue, request and status'), L('reserved'), GLOBALS] },
  { p1: WDF_BUGCHECK.INVALID_LOCK_OPERATION, args: [L('A lock was released by a thread that does not hold it, or was never acquired.'), L('handle of the lock'), L('0: not acquired; 1: released by another thread'), GLOBALS] },
  { p1: WDF_BUGCHECK.PNP_FATAL_ERROR, args: [L('A state-changing PnP IRP arrived while another was being processed.'), L('WDFDEVICE handle'), L('the new PnP IRP'), GLOBALS] },
  { p1: WDF_BUGCHECK.POWER_MULTIPLE_PPO, args: [L('A power IRP the device did not request reached its power policy owner.'), L('the device'), L('the power IRP'), GLOBALS] },
  { p1: WDF_BUGCHECK.VERIFIER_IRQL_MISMATCH, args: [L('An event callback returned at an IRQL other than the one it was called at.'), L('IRQL at the callback\'s entry'), L('IRQL at its return'), GLOBALS] },
  { p1: WDF_BUGCHECK.VERIFIER_CRITICAL_REGION_MISMATCH, args: [L('An event callback entered or left a critical region without undoing it.'), L('address of the callback'), L('0'), GLOBALS] },
];
