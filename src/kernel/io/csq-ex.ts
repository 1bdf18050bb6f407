/**
 * The Ex forms of the cancel-safe queue (IoCsqInitializeEx, IoCsqInsertIrpEx): the driver's insert
 * routine takes an InsertContext and returns a status, and a failure leaves the IRP unqueued, not
 * pending, with no cancel routine, for the caller to complete. The rest is the queue of csq.ts.
 */
import { SL } from '../../nt/io.ts';
import { IO_CSQ, IO_CSQ_IRP_CONTEXT, IO_STACK_LOCATION, IRP } from '../../nt/layout.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { DRIVER_CONTEXT_3, IO_TYPE_CSQ_EX, IO_TYPE_CSQ_IRP_CONTEXT, csqCall, csqInitialize, csqLock, csqUnlock } from './csq.ts';

const C = IO_CSQ.off;
const X = IO_CSQ_IRP_CONTEXT.off;
const I = IRP.off;

export function csqExExports(k: Kernel) {
  const as = k.as;
  return {
    IoCsqInitializeEx(Csq: number, CsqInsertIrp: number, CsqRemoveIrp: number, CsqPeekNextIrp: number, CsqAcquireLock: number, CsqReleaseLock: number, CsqCompleteCanceledIrp: number): number {
      return csqInitialize(k, Csq >>> 0, IO_TYPE_CSQ_EX, [CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock, CsqCompleteCanceledIrp]);
    },
    /** Queue the IRP through the driver's CsqInsertIrpEx; its status is returned, and only a success leaves the IRP queued and pending. */
    IoCsqInsertIrpEx(Csq: number, Irp: number, Context: number, InsertContext: number): number {
      const slot = csqLock(k, Csq);
      if (Context !== 0) {
        as.setU32(Context + X.Type, IO_TYPE_CSQ_IRP_CONTEXT);
        as.setU32(Context + X.Irp, Irp);
        as.setU32(Context + X.Csq, Csq);
      }
      as.setU32(Irp + DRIVER_CONTEXT_3, Context !== 0 ? Context : Csq);
      as.setU32(Irp + I.CancelRoutine, k.nt.address('IopCsqCancelRoutine'));
      const status = csqCall(k, as.u32(Csq + C.CsqInsertIrp), [Csq, Irp, InsertContext]) >>> 0;
      if (NT_SUCCESS(status)) {
        const sp = k.io.currentStackLocation(Irp);
        as.setU8(sp + IO_STACK_LOCATION.off.Control, as.u8(sp + IO_STACK_LOCATION.off.Control) | SL.PENDING_RETURNED);
      } else {
        as.setU32(Irp + I.CancelRoutine, 0);
        as.setU32(Irp + DRIVER_CONTEXT_3, 0);
        if (Context !== 0) as.setU32(Context + X.Irp, 0);
      }
      csqUnlock(k, Csq, slot);
      return status;
    },
  };
}
