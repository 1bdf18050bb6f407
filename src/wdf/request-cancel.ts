/**
 * Cancelable requests: WdfRequestMarkCancelable(Ex) puts the framework's cancel routine in the IRP;
 * when the IRP is cancelled it releases the cancel spin lock and calls the driver's
 * EvtRequestCancel, which completes the request. A request already cancelled when it is marked:
 * MarkCancelable calls EvtRequestCancel at once, MarkCancelableEx returns STATUS_CANCELLED instead.
 * WdfRequestUnmarkCancelable returns STATUS_CANCELLED when the cancel routine already has the
 * request (the driver must then leave its completion to EvtRequestCancel). A request not the
 * driver's from a queue, or already cancelable: STATUS_INVALID_DEVICE_REQUEST (reference §5).
 */
import { IRP } from '../nt/layout.ts';
import { STATUS } from '../nt/status.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { fxRoutine } from './ke.ts';
import type { FxRequest } from './request.ts';
import { verifierBreak } from './verifier.ts';

const I = IRP.off;

export function requestCancelExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;
  /** The cancelable requests by IRP: what the framework's cancel routine finds. */
  const byIrp = new Map<number, FxRequest>();

  const cancelRoutine = () =>
    fxRoutine(fx, 'FxRequest::_FxRequestCancelThunk', (_device, irp) => {
      k.ddi.IoReleaseCancelSpinLock(as.u8(irp + I.CancelIrql));
      const request = byIrp.get(irp);
      if (!request) return;
      byIrp.delete(irp);
      const routine = request.cancelRoutine;
      request.cancelRoutine = 0;
      if (routine) fx.invoke(routine, [request.handle], []);
    });

  /** Mark: a status, or undefined when it is cancelable now. */
  const mark = (g: FxDriverGlobals, Request: number, EvtRequestCancel: number): number | undefined => {
    const request = fx.object<FxRequest>(g, Request, FX_TYPE.Request);
    fx.require(g, EvtRequestCancel);
    if (!request.queue?.presented.has(request) || request.cancelRoutine !== 0) {
      verifierBreak(fx, g, 'FxRequest::MarkCancelable', `WDFREQUEST 0x${request.handle.toString(16)} is not owned by the driver, or is cancelable already`);
      return STATUS.INVALID_DEVICE_REQUEST;
    }
    if (as.u8(request.irp + I.Cancel) !== 0) return STATUS.CANCELLED;
    request.cancelRoutine = EvtRequestCancel;
    byIrp.set(request.irp, request);
    as.setU32(request.irp + I.CancelRoutine, cancelRoutine());
    return undefined;
  };

  return {
    WdfRequestMarkCancelable(g, Request: number, EvtRequestCancel: number) {
      const status = mark(g, Request, EvtRequestCancel);
      // Cancelled already: the driver's routine runs now, before this returns.
      if (status === STATUS.CANCELLED) fx.invoke(EvtRequestCancel, [Request], []);
    },

    WdfRequestMarkCancelableEx(g, Request: number, EvtRequestCancel: number) {
      return mark(g, Request, EvtRequestCancel) ?? STATUS.SUCCESS;
    },

    WdfRequestUnmarkCancelable(g, Request: number) {
      const request = fx.object<FxRequest>(g, Request, FX_TYPE.Request);
      const previous = as.u32(request.irp + I.CancelRoutine);
      as.setU32(request.irp + I.CancelRoutine, 0);
      byIrp.delete(request.irp);
      if (request.cancelRoutine === 0) return STATUS.INVALID_DEVICE_REQUEST;
      request.cancelRoutine = 0;
      // The cancel routine has it (it took the IRP's routine first).
      return previous === 0 ? STATUS.CANCELLED : STATUS.SUCCESS;
    },
  };
}
