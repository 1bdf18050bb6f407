/**
 * WDFIOTARGET and sending requests. A PnP device's local target (WdfDeviceGetIoTarget) is the device
 * it is attached to; a remote target (io-target-remote.ts) is a device the driver opened. WdfRequestSend
 * gives the request's IRP to the target's device: asynchronously (the framework's completion routine
 * takes the IRP back — STATUS_MORE_PROCESSING_REQUIRED — and calls the driver's CompletionRoutine),
 * synchronously (PASSIVE_LEVEL only: the caller waits; no completion routine), or send-and-forget (the
 * current stack location skipped, the request no longer the driver's). A request sent and not back yet
 * may not be sent again (0x10D/0x6/0x3); an IRP with no stack location left for the target is
 * 0x10D/0x6/0x1. A synchronous send above PASSIVE_LEVEL is what Windows' framework reports for any DDI
 * called at the wrong IRQL: the in-flight recorder's line, the verifier's break, the call failed with
 * STATUS_INVALID_DEVICE_REQUEST (no bug check).
 *
 * The target's state decides what a send does (WDF_IO_TARGET_STATE): started, the IRP goes down;
 * stopped, the request waits in the target until WdfIoTargetStart (unless the send says
 * IGNORE_TARGET_STATE), or its timeout, or a purge or close cancels it; purged, closed (or closed for a
 * query-remove) or deleted, the send fails with STATUS_INVALID_DEVICE_STATE. A timeout (100 ns units
 * on the simulated clock) cancels the IRP and the request ends with STATUS_IO_TIMEOUT.
 */
import { DEVICE_OBJECT, IO_STACK_LOCATION, IRP } from '../nt/layout.ts';
import { IRP_MJ, SL } from '../nt/io.ts';
import { NT_SUCCESS, STATUS, statusName } from '../nt/status.ts';
import { FX_TYPE, WDF_BUGCHECK, WDF_REQUEST_FATAL_ERROR } from '../nt/wdf.ts';
import { WDF_REQUEST_COMPLETION_PARAMS, WDF_REQUEST_SEND_OPTION, WDF_REQUEST_SEND_OPTIONS } from '../nt/wdf-pnp.ts';
import { WDF_IO_TARGET_STATE, type WdfIoTargetState } from '../nt/wdf-target.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxKeTimer, fxRoutine } from './ke.ts';
import { FxObject, NO_ATTRIBUTES, type FxAttributes } from './object.ts';
import type { FxRequest } from './request.ts';
import { verifierBreak } from './verifier.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;
const O = WDF_REQUEST_SEND_OPTIONS.off;
const CP = WDF_REQUEST_COMPLETION_PARAMS.off;
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;
const PASSIVE_LEVEL = 0;

/** A request a stopped target holds until it starts. */
interface PendedSend {
  readonly request: FxRequest;
  readonly flags: number;
}

export class FxIoTarget extends FxObject {
  targetState: WdfIoTargetState = WDF_IO_TARGET_STATE.Started;
  /** Requests given to the target's device and not back yet. */
  readonly sent = new Set<FxRequest>();
  /** Requests sent while the target was stopped: they go down when it starts. */
  readonly pended: PendedSend[] = [];

  constructor(
    fx: Framework,
    readonly device: FxDevice,
    /** The DEVICE_OBJECT requests go to (0 while a remote target is not open). */
    public targetDevice: number,
    attributes: FxAttributes = NO_ATTRIBUTES,
    parent: FxObject = device,
  ) {
    super(fx, device.globals, attributes, parent, FX_TYPE.IoTarget);
  }

  /** A device's local target is the framework's. */
  override get driverMayDelete(): boolean {
    return false;
  }

  /** Its device is gone: what it holds or sent is cancelled, and it is deleted. */
  protected override dispose(): void {
    cancelAll(this.fx, this, true);
    this.targetState = WDF_IO_TARGET_STATE.Deleted;
  }

  /** The target device's StackSize: the stack locations an IRP needs to go down it. */
  get stackSize(): number {
    return this.targetDevice === 0 ? 0 : this.fx.k.as.u8(this.targetDevice + DEVICE_OBJECT.off.StackSize);
  }

  /** Remote targets: their file object (0 for a local target). */
  get fileObject(): number {
    return 0;
  }
}

/** What the framework keeps of a request being sent. */
export interface SendState {
  routine: number;
  context: number;
  /** Out at a target (sent or pended there), not back yet. */
  target: FxIoTarget | undefined;
  synchronous: boolean;
  /** The IRP came back: its IoStatus when it did. */
  done: boolean;
  status: number;
  information: number;
  /** The send's timeout, while it runs. */
  timer: FxKeTimer | undefined;
  timedOut: boolean;
  /** What the request was formatted as (WdfIoTargetFormatRequestFor*), for its completion parameters. */
  formatted: { major: number; code: number; input: number; output: number; length: number } | undefined;
  /** What the formatting set up for the IRP's way back: a METHOD_BUFFERED copy-out, an MDL to free (request-create.ts). */
  afterIo: ((information: number) => void) | undefined;
}

const sends = new WeakMap<FxRequest, SendState>();
/** The requests out at targets, by the context the framework's IRP completion routine gets. */
const outstanding = new Map<number, FxRequest>();

export function sendStateOf(request: FxRequest): SendState {
  let s = sends.get(request);
  if (!s) sends.set(request, (s = { routine: 0, context: 0, target: undefined, synchronous: false, done: false, status: 0, information: 0, timer: undefined, timedOut: false, formatted: undefined, afterIo: undefined }));
  return s;
}

/** IoSkipCurrentIrpStackLocation. */
function skip(fx: Framework, irp: number): void {
  const as = fx.k.as;
  as.setU8(irp + I.CurrentLocation, as.u8(irp + I.CurrentLocation) + 1);
  as.setU32(irp + I['Tail.CurrentStackLocation'], as.u32(irp + I['Tail.CurrentStackLocation']) + IO_STACK_LOCATION.size);
}

/** The request is back (or never went): its status, the driver's completion routine, the waiters. */
function finish(fx: Framework, request: FxRequest, status: number, information: number): void {
  const as = fx.k.as;
  const s = sendStateOf(request);
  const target = s.target!;
  s.target = undefined;
  request.sentTo = undefined;
  target.sent.delete(request);
  s.timer?.free();
  s.timer = undefined;
  if (s.timedOut && status === STATUS.CANCELLED) status = STATUS.IO_TIMEOUT;
  const after = s.afterIo;
  s.afterIo = undefined;
  if (after && NT_SUCCESS(status)) after(information >>> 0);
  else after?.(0);
  s.done = true;
  s.status = status >>> 0;
  s.information = information >>> 0;
  as.setU32(request.irp + I['IoStatus.Status'], s.status);
  as.setU32(request.irp + I['IoStatus.Information'], s.information);
  request.globals.record('FxRequestBase::CompleteSubmitted', `WDFREQUEST ${hex(request.handle)} back from WDFIOTARGET ${hex(target.handle)}: ${statusName(s.status)}`);
  if (!s.synchronous && s.routine) {
    // The driver's CompletionRoutine(Request, Target, Params, Context), with the parameters in a block of the framework's.
    const params = fx.allocate(WDF_REQUEST_COMPLETION_PARAMS.size, request.globals.tag);
    writeCompletionParams(fx, params, request, s);
    fx.invoke(s.routine, [request.handle, target.handle, params, s.context], ['FxRequestBase::CompletionRoutine']);
    fx.free(params, request.globals.tag);
  }
}

export function writeCompletionParams(fx: Framework, params: number, request: FxRequest, s: SendState): void {
  const as = fx.k.as;
  as.zero(params, WDF_REQUEST_COMPLETION_PARAMS.size);
  const f = s.formatted;
  const major = f?.major ?? request.major;
  as.setU32(params + CP.Size, WDF_REQUEST_COMPLETION_PARAMS.size);
  as.setU32(params + CP.Type, major);
  as.setU32(params + CP['IoStatus.Status'], s.status);
  as.setU32(params + CP['IoStatus.Information'], s.information);
  if (major === IRP_MJ.DEVICE_CONTROL || major === IRP_MJ.INTERNAL_DEVICE_CONTROL) {
    as.setU32(params + CP['Parameters.Ioctl.IoControlCode'], f?.code ?? request.parameters.code);
    if (f) {
      as.setU32(params + CP['Parameters.Ioctl.Input.Buffer'], f.input);
      as.setU32(params + CP['Parameters.Ioctl.Output.Buffer'], f.output);
      as.setU32(params + CP['Parameters.Ioctl.Output.Length'], s.information);
    }
  } else if (f && (major === IRP_MJ.READ || major === IRP_MJ.WRITE)) {
    // Read/Write{Buffer, Length, Offset}: the same words as Ioctl's first three.
    as.setU32(params + CP.Parameters, major === IRP_MJ.READ ? f.output : f.input);
    as.setU32(params + CP.Parameters + 4, s.information);
  }
}

/** The framework's completion routine for the IRPs it sends: the IRP stays the framework's. */
function irpCompletion(fx: Framework): number {
  return fxRoutine(fx, 'FxRequestBase::_IrpCompletionRoutine', (_device, irp, context) => {
    const request = outstanding.get(context);
    if (!request) return 0;
    outstanding.delete(context);
    finish(fx, request, fx.k.as.u32(irp + I['IoStatus.Status']), fx.k.as.u32(irp + I['IoStatus.Information']));
    return STATUS.MORE_PROCESSING_REQUIRED;
  });
}

/** Give a request's IRP to the target's device, the framework's completion routine in the next location (the driver formatted it). */
function goDown(fx: Framework, request: FxRequest, target: FxIoTarget): void {
  const as = fx.k.as;
  const irp = request.irp;
  const next = as.u32(irp + I['Tail.CurrentStackLocation']) - IO_STACK_LOCATION.size;
  const key = request.handle;
  as.setU32(next + S.CompletionRoutine, irpCompletion(fx));
  as.setU32(next + S.Context, key);
  as.setU8(next + S.Control, SL.INVOKE_ON_SUCCESS | SL.INVOKE_ON_ERROR | SL.INVOKE_ON_CANCEL);
  outstanding.set(key, request);
  target.sent.add(request);
  const s = sendStateOf(request);
  request.globals.record('FxIoTarget::Send', `WDFREQUEST ${hex(request.handle)} sent to WDFIOTARGET ${hex(target.handle)} !devobj ${hex(target.targetDevice)}${s.synchronous ? ', synchronously' : ''}`);
  fx.k.io.callDriver(target.targetDevice, irp);
}

/** Cancel a request out at a target: taken back if the target holds it (STATUS_CANCELLED), else IoCancelIrp's answer (a cancel routine ran). */
export function cancelSent(fx: Framework, request: FxRequest, status: number = STATUS.CANCELLED): boolean {
  const s = sendStateOf(request);
  const target = s.target;
  if (!target) return false;
  const i = target.pended.findIndex((p) => p.request === request);
  if (i >= 0) {
    target.pended.splice(i, 1);
    fx.frame('FxIoTarget::CancelPendedRequest', () => finish(fx, request, status, 0));
    return true;
  }
  return fx.k.ddi.IoCancelIrp(request.irp) !== 0;
}

/** Requests a stopped target held go down now that it started. */
export function sendPended(fx: Framework, target: FxIoTarget): void {
  for (const p of target.pended.splice(0)) fx.frame('FxIoTarget::SubmitPendedRequest', () => goDown(fx, p.request, target));
}

/** Cancel what a target holds (purge, close), and what it sent when `sentToo`. */
export function cancelAll(fx: Framework, target: FxIoTarget, sentToo: boolean): void {
  for (const p of [...target.pended]) cancelSent(fx, p.request);
  if (sentToo) for (const r of [...target.sent]) cancelSent(fx, r);
}

/** Wait (the dispatcher's wait) until everything the target sent is back. */
export function waitForSent(fx: Framework, g: FxDriverGlobals, target: FxIoTarget): void {
  fx.k.withFrames(['KeWaitForSingleObject'], () =>
    fx.k.dispatcher.waitUntil(() => target.sent.size === 0, () => `${g.name}.sys: WDFIOTARGET ${hex(target.handle)} waits for its ${target.sent.size} sent request(s), and nothing left to run completes them`),
  );
}

/** Stopped or purged: an open target whose gates IGNORE_TARGET_STATE and SEND_AND_FORGET pass. */
function gatesOnly(state: number): boolean {
  return state === WDF_IO_TARGET_STATE.Started || state === WDF_IO_TARGET_STATE.Stopped || state === WDF_IO_TARGET_STATE.Purged;
}

/** Send options as read from WDF_REQUEST_SEND_OPTIONS (NULL: none). */
export interface SendOptions {
  readonly flags: number;
  /** 100 ns units, negative relative, 0 none. */
  readonly timeout: bigint;
}

export function readSendOptions(fx: Framework, Options: number): SendOptions | number {
  if (Options === 0) return { flags: 0, timeout: 0n };
  const as = fx.k.as;
  if (as.u32(Options + O.Size) !== WDF_REQUEST_SEND_OPTIONS.size) return STATUS.INFO_LENGTH_MISMATCH;
  const flags = as.u32(Options + O.Flags);
  return { flags, timeout: flags & WDF_REQUEST_SEND_OPTION.Timeout ? BigInt.asIntN(64, as.u64(Options + O.Timeout)) : 0n };
}

/**
 * FxIoTarget::Send: the checks, then by the target's state down, pended or failed; a synchronous send
 * waits for the request to come back. Returns the status the send ended with (STATUS_PENDING for an
 * asynchronous send out at the target).
 */
export function submit(fx: Framework, g: FxDriverGlobals, request: FxRequest, target: FxIoTarget, options: SendOptions, synchronous: boolean): number {
  const k = fx.k;
  const as = k.as;
  const s = sendStateOf(request);
  if (s.target) fx.violation(g, WDF_BUGCHECK.REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR.REQUEST_ALREADY_SENT, request.handle);
  // No stack location left for the target's driver: the framework cannot format the IRP down.
  if (as.u8(request.irp + I.CurrentLocation) <= 1) fx.violation(g, WDF_BUGCHECK.REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR.NO_MORE_STACK_LOCATIONS, request.irp);
  if (synchronous && k.irql > PASSIVE_LEVEL) {
    g.record('FxRequest::Send', `Called at wrong IRQL; at level ${k.irql}, should be at level ${PASSIVE_LEVEL}`);
    verifierBreak(fx, g, 'FxRequest::Send', `WDFREQUEST ${hex(request.handle)}: a synchronous send above PASSIVE_LEVEL fails with STATUS_INVALID_DEVICE_REQUEST`);
    return STATUS.INVALID_DEVICE_REQUEST;
  }
  const ignoreState = (options.flags & WDF_REQUEST_SEND_OPTION.IgnoreTargetState) !== 0;
  const state = target.targetState;
  // Stopped: the in-gate is open (the request waits); purged: both gates shut; IGNORE_TARGET_STATE passes both.
  const through = state === WDF_IO_TARGET_STATE.Started || (ignoreState && gatesOnly(state));
  if (!through && state !== WDF_IO_TARGET_STATE.Stopped) {
    g.record('FxIoTarget::Send', `WDFIOTARGET ${hex(target.handle)} is in state ${state}: WDFREQUEST ${hex(request.handle)} fails with STATUS_INVALID_DEVICE_STATE`);
    return STATUS.INVALID_DEVICE_STATE;
  }
  Object.assign(s, { target, synchronous, done: false, timedOut: false, status: 0, information: 0 });
  request.sentTo = target;
  if (options.timeout !== 0n) {
    const timer = new FxKeTimer(fx, g.tag, () => {
      if (s.target !== target || s.done) return;
      s.timedOut = true;
      g.record('FxRequestBase::_TimerDPC', `WDFREQUEST ${hex(request.handle)} timed out at WDFIOTARGET ${hex(target.handle)}`);
      cancelSent(fx, request, STATUS.IO_TIMEOUT);
    });
    s.timer = timer;
    // A positive timeout is an absolute time; the framework passes it on to the timer as given.
    timer.set(options.timeout, 0);
  }
  if (!through) {
    g.record('FxIoTarget::Send', `WDFIOTARGET ${hex(target.handle)} is stopped: WDFREQUEST ${hex(request.handle)} waits for it to start`);
    target.pended.push({ request, flags: options.flags });
  } else {
    goDown(fx, request, target);
  }
  if (!synchronous) return STATUS.PENDING;
  k.withFrames(['KeWaitForSingleObject'], () => k.dispatcher.waitUntil(() => s.done, () => `${g.name}.sys: a synchronous send waits for WDFREQUEST ${hex(request.handle)}, and nothing left to run completes it`));
  return s.status;
}

export function ioTargetExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;
  const requestOf = (g: FxDriverGlobals, handle: number) => fx.object<FxRequest>(g, handle, FX_TYPE.Request);

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
      sendStateOf(request).formatted = undefined;
      request.formattedMajor = undefined;
    },

    WdfRequestSetCompletionRoutine(g, Request: number, CompletionRoutine: number, CompletionContext: number) {
      const s = sendStateOf(requestOf(g, Request));
      s.routine = CompletionRoutine >>> 0;
      s.context = CompletionContext >>> 0;
    },

    WdfRequestSend(g, Request: number, Target: number, Options: number) {
      const request = requestOf(g, Request);
      const target = fx.object<FxIoTarget>(g, Target, FX_TYPE.IoTarget);
      const s = sendStateOf(request);
      if (s.target) fx.violation(g, WDF_BUGCHECK.REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR.REQUEST_ALREADY_SENT, request.handle);
      const options = readSendOptions(fx, Options);
      if (typeof options === 'number') return failSend(request, options);
      const irp = request.irp;
      return fx.frame('FxIoTarget::Send', () => {
        if (options.flags & WDF_REQUEST_SEND_OPTION.SendAndForget) {
          // The request is no longer the driver's: off its queue, the object gone, the IRP the target's.
          if (options.flags !== WDF_REQUEST_SEND_OPTION.SendAndForget || s.routine || request.queue === undefined) return failSend(request, STATUS.INVALID_PARAMETER);
          if (!gatesOnly(target.targetState)) return failSend(request, STATUS.INVALID_DEVICE_STATE);
          const queue = request.queue;
          request.queue = undefined;
          request.completed = true;
          skip(fx, irp);
          k.io.callDriver(target.targetDevice, irp);
          queue?.requestCompleted(request);
          request.delete();
          return 1;
        }
        const synchronous = (options.flags & WDF_REQUEST_SEND_OPTION.Synchronous) !== 0;
        const status = submit(fx, g, request, target, options, synchronous);
        if (status === STATUS.PENDING) return 1;
        if (!s.target && !s.done) return failSend(request, status); // refused before it went anywhere
        return NT_SUCCESS(status) ? 1 : 0;
      });
    },

    WdfRequestGetCompletionParams(g, Request: number, Params: number) {
      const request = requestOf(g, Request);
      fx.require(g, Params);
      writeCompletionParams(fx, Params, request, sendStateOf(request));
    },
  };
}
