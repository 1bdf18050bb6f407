/**
 * WDFIOTARGET and sending requests. A PnP device's local target (WdfDeviceGetIoTarget) is the device
 * it is attached to. WdfRequestSend gives the request's IRP to the target's device: asynchronously
 * (the framework's completion routine takes the IRP back — STATUS_MORE_PROCESSING_REQUIRED — and
 * calls the driver's CompletionRoutine, which completes the request), synchronously (PASSIVE_LEVEL
 * only: the caller waits; no completion routine), or send-and-forget (the current stack location
 * skipped, the request no longer the driver's). A request sent and not back yet may not be sent
 * again (0x10D/0x6/0x3). A synchronous send above PASSIVE_LEVEL is what Windows' framework reports
 * for any DDI called at the wrong IRQL: the in-flight recorder's line, the verifier's break, the
 * call failed with STATUS_INVALID_DEVICE_REQUEST (no bug check).
 */
import { IO_STACK_LOCATION, IRP } from '../nt/layout.ts';
import { IRP_MJ, SL } from '../nt/io.ts';
import { NT_SUCCESS, STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_BUGCHECK, WDF_REQUEST_FATAL_ERROR } from '../nt/wdf.ts';
import { WDF_REQUEST_COMPLETION_PARAMS, WDF_REQUEST_SEND_OPTION, WDF_REQUEST_SEND_OPTIONS } from '../nt/wdf-pnp.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { fxRoutine } from './ke.ts';
import { FxObject, NO_ATTRIBUTES } from './object.ts';
import type { FxRequest } from './request.ts';
import { verifierBreak } from './verifier.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;
const O = WDF_REQUEST_SEND_OPTIONS.off;
const CP = WDF_REQUEST_COMPLETION_PARAMS.off;
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;
const PASSIVE_LEVEL = 0;

export class FxIoTarget extends FxObject {
  constructor(
    fx: Framework,
    readonly device: FxDevice,
    /** The DEVICE_OBJECT requests go to. */
    readonly targetDevice: number,
  ) {
    super(fx, device.globals, NO_ATTRIBUTES, device, FX_TYPE.IoTarget);
  }

  /** A device's local target is the framework's. */
  override get driverMayDelete(): boolean {
    return false;
  }
}

/** What the framework keeps of a request being sent. */
interface SendState {
  routine: number;
  context: number;
  /** Out at a target, not back yet. */
  target: FxIoTarget | undefined;
  synchronous: boolean;
  /** The IRP came back: its IoStatus when it did. */
  done: boolean;
  status: number;
  information: number;
}

const sends = new WeakMap<FxRequest, SendState>();
/** The requests out at targets, by the context the framework's IRP completion routine gets. */
const outstanding = new Map<number, FxRequest>();

function stateOf(request: FxRequest): SendState {
  let s = sends.get(request);
  if (!s) sends.set(request, (s = { routine: 0, context: 0, target: undefined, synchronous: false, done: false, status: 0, information: 0 }));
  return s;
}

export function ioTargetExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;
  const requestOf = (g: FxDriverGlobals, handle: number) => fx.object<FxRequest>(g, handle, FX_TYPE.Request);

  /** The framework's completion routine for the IRPs it sends: the IRP stays the framework's; the driver's routine completes the request. */
  const irpCompletion = () =>
    fxRoutine(fx, 'FxRequestBase::_IrpCompletionRoutine', (_device, irp, context) => {
      const request = outstanding.get(context);
      if (!request) return 0;
      outstanding.delete(context);
      const s = stateOf(request);
      const target = s.target!;
      s.target = undefined;
      s.done = true;
      s.status = as.u32(irp + I['IoStatus.Status']);
      s.information = as.u32(irp + I['IoStatus.Information']);
      if (!s.synchronous && s.routine) {
        // The driver's CompletionRoutine(Request, Target, Params, Context), with the parameters in a block of the framework's.
        const params = fx.allocate(WDF_REQUEST_COMPLETION_PARAMS.size, request.globals.tag);
        writeParams(params, request, s);
        fx.invoke(s.routine, [request.handle, target.handle, params, s.context], ['FxRequestBase::CompletionRoutine']);
        fx.free(params, request.globals.tag);
      }
      return STATUS.MORE_PROCESSING_REQUIRED;
    });

  const writeParams = (params: number, request: FxRequest, s: SendState) => {
    as.zero(params, WDF_REQUEST_COMPLETION_PARAMS.size);
    as.setU32(params + CP.Size, WDF_REQUEST_COMPLETION_PARAMS.size);
    as.setU32(params + CP.Type, request.major);
    as.setU32(params + CP['IoStatus.Status'], s.status);
    as.setU32(params + CP['IoStatus.Information'], s.information);
    if (request.major === IRP_MJ.DEVICE_CONTROL || request.major === IRP_MJ.INTERNAL_DEVICE_CONTROL) as.setU32(params + CP['Parameters.Ioctl.IoControlCode'], request.parameters.code);
  };

  /** IoSkipCurrentIrpStackLocation. */
  const skip = (irp: number) => {
    as.setU8(irp + I.CurrentLocation, as.u8(irp + I.CurrentLocation) + 1);
    as.setU32(irp + I['Tail.CurrentStackLocation'], as.u32(irp + I['Tail.CurrentStackLocation']) + IO_STACK_LOCATION.size);
  };

  /** A failed send: FALSE, and WdfRequestGetStatus says why. */
  const failSend = (request: FxRequest, status: number) => {
    as.setU32(request.irp + I['IoStatus.Status'], status >>> 0);
    return 0;
  };

  return {
    WdfDeviceGetIoTarget(g, Device: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      const pnp = device.pnp;
      if (!pnp) return 0;
      pnp.ioTarget ??= new FxIoTarget(fx, device, pnp.lower);
      return pnp.ioTarget.handle;
    },

    WdfIoTargetGetDevice(g, IoTarget: number) {
      return fx.object<FxIoTarget>(g, IoTarget, FX_TYPE.IoTarget).device.handle;
    },

    WdfIoTargetWdmGetTargetDeviceObject(g, IoTarget: number) {
      return fx.object<FxIoTarget>(g, IoTarget, FX_TYPE.IoTarget).targetDevice;
    },

    WdfRequestFormatRequestUsingCurrentType(g, Request: number) {
      const request = requestOf(g, Request);
      // IoCopyCurrentIrpStackLocationToNext: the next location is this one's copy, without its completion routine.
      const current = as.u32(request.irp + I['Tail.CurrentStackLocation']);
      const next = current - IO_STACK_LOCATION.size;
      as.copy(next, current, S.CompletionRoutine);
      as.setU8(next + S.Control, 0);
      as.setU32(next + S.CompletionRoutine, 0);
      as.setU32(next + S.Context, 0);
    },

    WdfRequestSetCompletionRoutine(g, Request: number, CompletionRoutine: number, CompletionContext: number) {
      const s = stateOf(requestOf(g, Request));
      s.routine = CompletionRoutine >>> 0;
      s.context = CompletionContext >>> 0;
    },

    WdfRequestSend(g, Request: number, Target: number, Options: number) {
      const request = requestOf(g, Request);
      const target = fx.object<FxIoTarget>(g, Target, FX_TYPE.IoTarget);
      const s = stateOf(request);
      if (s.target) fx.violation(g, WDF_BUGCHECK.REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR.REQUEST_ALREADY_SENT, request.handle);
      let flags = 0;
      if (Options !== 0) {
        if (as.u32(Options + O.Size) !== WDF_REQUEST_SEND_OPTIONS.size) return failSend(request, STATUS.INFO_LENGTH_MISMATCH);
        flags = as.u32(Options + O.Flags);
      }
      const irp = request.irp;
      return fx.frame('FxIoTarget::Send', () => {
        if (flags & WDF_REQUEST_SEND_OPTION.SendAndForget) {
          // The request is no longer the driver's: off its queue, the object gone, the IRP the target's.
          if (flags !== WDF_REQUEST_SEND_OPTION.SendAndForget || s.routine) return failSend(request, STATUS.INVALID_PARAMETER);
          const queue = request.queue;
          request.queue = undefined;
          request.completed = true;
          skip(irp);
          k.io.callDriver(target.targetDevice, irp);
          queue?.requestCompleted(request);
          request.delete();
          return 1;
        }
        const synchronous = (flags & WDF_REQUEST_SEND_OPTION.Synchronous) !== 0;
        if (synchronous && k.irql > PASSIVE_LEVEL) {
          g.record('FxRequest::Send', `Called at wrong IRQL; at level ${k.irql}, should be at level ${PASSIVE_LEVEL}`);
          verifierBreak(fx, g, 'FxRequest::Send', `WDFREQUEST ${hex(request.handle)}: a synchronous send above PASSIVE_LEVEL fails with STATUS_INVALID_DEVICE_REQUEST`);
          return failSend(request, STATUS.INVALID_DEVICE_REQUEST);
        }
        // The framework's completion routine in the next location (the driver formatted it).
        const next = as.u32(irp + I['Tail.CurrentStackLocation']) - IO_STACK_LOCATION.size;
        const key = request.handle;
        as.setU32(next + S.CompletionRoutine, irpCompletion());
        as.setU32(next + S.Context, key);
        as.setU8(next + S.Control, SL.INVOKE_ON_SUCCESS | SL.INVOKE_ON_ERROR | SL.INVOKE_ON_CANCEL);
        Object.assign(s, { target, synchronous, done: false });
        outstanding.set(key, request);
        g.record('FxIoTarget::Send', `WDFREQUEST ${hex(request.handle)} sent to WDFIOTARGET ${hex(target.handle)} !devobj ${hex(target.targetDevice)}${synchronous ? ', synchronously' : ''}`);
        k.io.callDriver(target.targetDevice, irp);
        if (!synchronous) return 1;
        k.withFrames(['KeWaitForSingleObject'], () => k.dispatcher.waitUntil(() => s.done, () => `${g.name}.sys: a synchronous WdfRequestSend waits for WDFREQUEST ${hex(request.handle)}, and nothing left to run completes it`));
        return NT_SUCCESS(s.status) ? 1 : 0;
      });
    },

    WdfRequestGetCompletionParams(g, Request: number, Params: number) {
      const request = requestOf(g, Request);
      fx.require(g, Params);
      writeParams(Params, request, stateOf(request));
    },
  };
}
