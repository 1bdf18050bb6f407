/**
 * WDFREQUEST: the framework's object over an IRP it received. It is presented to the driver by a
 * queue (or EvtDeviceFileCreate, EvtIoInCallerContext), and the driver completes it once
 * (WdfRequestComplete*), which completes the IRP and, unless the driver holds a reference, deletes
 * the request. Buffers are handed out by the device's I/O type and the IOCTL's transfer method
 * (the reference's table): buffered and direct I/O from SystemBuffer or the mapped MDL; neither
 * I/O only to kernel-mode requestors, or through the unsafe user-buffer routines.
 */
import { DEVICE_OBJECT, IO_STACK_LOCATION, IRP } from '../nt/layout.ts';
import { IRP_MJ, METHOD_BUFFERED, METHOD_NEITHER, ioctlMethod } from '../nt/io.ts';
import { NT_SUCCESS, STATUS, statusName } from '../nt/status.ts';
import { NtException } from '../kernel/ke/except.ts';
import { FX_OBJECT_STATE, FX_TYPE, WDF_BUGCHECK, WDF_DEVICE_IO_TYPE, WDF_REQUEST_FATAL_ERROR, WDF_REQUEST_PARAMETERS } from '../nt/wdf.ts';
import { verifierBreak } from './verifier.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { FxFileObject } from './file.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxMemory } from './memory.ts';
import { FxObject, NO_ATTRIBUTES, type FxAttributes } from './object.ts';
import type { FxIoQueue } from './queue.ts';

const I = IRP.off;
const hex = (n: number) => (n >>> 0).toString(16);
const S = IO_STACK_LOCATION.off;
const P = WDF_REQUEST_PARAMETERS.off;
/** KernelMode in IRP.RequestorMode. */
const KERNEL_MODE = 0;

export class FxRequest extends FxObject {
  /** The queue that holds it or presented it. */
  queue: FxIoQueue | undefined;
  completed = false;
  /** EvtRequestCancel while it is cancelable (WdfRequestMarkCancelable). */
  cancelRoutine = 0;
  /** Inside EvtIoInCallerContext: the unsafe user-buffer routines may be called. */
  inCallerContext = false;
  /** MDLs WdfRequestProbeAndLockUserBufferFor* locked: unlocked and freed with the request. */
  readonly lockedMdls: number[] = [];
  /** The WDFMEMORY objects over its buffers, once retrieved. */
  inputMemory: FxMemory | undefined;
  outputMemory: FxMemory | undefined;
  /** The stack location the framework received it at. */
  readonly location: number;
  /** The I/O target it is out at (io-target.ts), and the major it was formatted with for one: what a dump shows. */
  sentTo: FxObject | undefined;
  formattedMajor: number | undefined;
  readonly major: number;

  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    readonly device: FxDevice,
    readonly irp: number,
    readonly fileObject: FxFileObject | undefined,
    /** A driver-created request's own attributes and parent (WdfRequestCreate); else the device's request attributes. */
    attributes: FxAttributes = device.requestAttributes,
    parent: FxObject | undefined = undefined,
  ) {
    super(fx, g, attributes, parent, FX_TYPE.Request);
    this.location = fx.k.as.u32(irp + I['Tail.CurrentStackLocation']);
    this.major = fx.k.as.u8(this.location + S.MajorFunction);
    fx.requestsByIrp.set(irp, this);
  }

  protected override dispose(): void {
    this.fx.requestsByIrp.delete(this.irp);
    for (const mdl of this.lockedMdls.splice(0)) {
      this.fx.k.ddi.MmUnlockPages(mdl);
      this.fx.k.ddi.IoFreeMdl(mdl);
    }
  }

  /** The driver owns it: presented by a queue (or retrieved from a manual one), and not completed. */
  get ownedByDriver(): boolean {
    return !this.completed && this.queue !== undefined && this.queue.presented.has(this);
  }

  /** WdfRequestCreate made it (request-create.ts). */
  get createdByDriver(): boolean {
    return false;
  }

  /** Requests the framework made for IRPs are deleted by completing them, not by WdfObjectDelete. */
  override get driverMayDelete(): boolean {
    return false;
  }

  get requestorMode(): number {
    return this.fx.k.as.u8(this.irp + I.RequestorMode);
  }

  get information(): number {
    return this.fx.k.as.u32(this.irp + I['IoStatus.Information']);
  }

  set information(v: number) {
    this.fx.k.as.setU32(this.irp + I['IoStatus.Information'], v >>> 0);
  }

  get status(): number {
    return this.fx.k.as.u32(this.irp + I['IoStatus.Status']);
  }

  /**
   * WdfRequestComplete*: the framework verifier's checks first (a request still cancelable; its
   * buffers still referenced: 0x10D/0x3; more Information than the buffer holds: 0x10D/0x6/0x4), then
   * the IRP is completed with `status` (Information as set), the queue goes on and the object goes.
   */
  complete(status: number, boost: number): void {
    const fx = this.fx;
    const g = this.globals;
    if (g.verifierOn) this.verifyCompletion(status);
    this.completed = true;
    this.cancelRoutine = 0;
    fx.k.as.setU32(this.irp + I.CancelRoutine, 0);
    fx.k.as.setU32(this.irp + I['IoStatus.Status'], status >>> 0);
    fx.frame('FxRequest::Complete', () => {
      this.globals.record('FxRequest::Complete', `WDFREQUEST 0x${this.handle.toString(16)}, PIRP 0x${this.irp.toString(16)}, Major 0x${this.major.toString(16)}, completed with 0x${(status >>> 0).toString(16).padStart(8, '0')}`);
      fx.k.ddi.IofCompleteRequest(this.irp, boost);
      const queue = this.queue;
      this.queue = undefined;
      queue?.requestCompleted(this);
    });
    // Under the framework's verifier a completed request stays known, so a second completion is named as one.
    if (g.verifierOn) fx.completedRequests.add(this.handle);
    // A failed create leaves no file object behind.
    if (this.major === IRP_MJ.CREATE && !NT_SUCCESS(status)) this.fileObject?.delete();
    this.delete();
  }

  private verifyCompletion(status: number): void {
    const fx = this.fx;
    const g = this.globals;
    if (this.cancelRoutine !== 0) {
      verifierBreak(fx, g, 'FxRequest::Complete', `WDFREQUEST 0x${hex(this.handle)} is completed while it is still cancelable (WdfRequestMarkCancelable without WdfRequestUnmarkCancelable): its cancel routine can run on a completed request`);
    }
    const references = [this.inputMemory, this.outputMemory].reduce((n, m) => n + (m && m.state === FX_OBJECT_STATE.Created ? m.referenceCount - 1 : 0), 0);
    if (references > 0) fx.violation(g, WDF_BUGCHECK.VERIFIER_FATAL_ERROR, this.handle, references);
    // Success with more Information than the caller's buffer: the I/O manager would copy past it.
    if (NT_SUCCESS(status)) {
      const p = this.parameters;
      const user = this.major === IRP_MJ.DEVICE_CONTROL && this.requestorMode !== KERNEL_MODE;
      const length = this.major === IRP_MJ.READ || this.major === IRP_MJ.WRITE ? p.length : user ? p.outputLength : undefined;
      if (length !== undefined && this.information > length) {
        const record = fx.allocate(5 * 4, g.tag);
        for (const [i, v] of [this.handle, this.irp, length, this.information, this.major].entries()) fx.k.as.setU32(record + 4 * i, v);
        g.record('FxRequest::Complete', `WDFREQUEST 0x${hex(this.handle)}, IRP 0x${hex(this.irp)}: Information 0x${hex(this.information)} is more than the buffer's 0x${hex(length)} bytes`);
        fx.violation(g, WDF_BUGCHECK.REQUEST_FATAL_ERROR, WDF_REQUEST_FATAL_ERROR.INFORMATION_LENGTH_MISMATCH, record);
      }
    }
  }

  /** The stack location's Parameters, as the union of WDF_REQUEST_PARAMETERS reads them. */
  get parameters() {
    const as = this.fx.k.as;
    const sp = this.location;
    return {
      length: as.u32(sp + S['Parameters.Read.Length']),
      outputLength: as.u32(sp + S['Parameters.DeviceIoControl.OutputBufferLength']),
      inputLength: as.u32(sp + S['Parameters.DeviceIoControl.InputBufferLength']),
      code: as.u32(sp + S['Parameters.DeviceIoControl.IoControlCode']),
      type3InputBuffer: as.u32(sp + S['Parameters.DeviceIoControl.Type3InputBuffer']),
    };
  }

  /** The mapped address of the IRP's MDL (direct I/O), 0 if it has none. */
  private mdlAddress(): number {
    const mdl = this.fx.k.as.u32(this.irp + I.MdlAddress);
    return mdl === 0 ? 0 : this.fx.k.ddi.MmGetSystemAddressForMdlSafe(mdl, 0) >>> 0;
  }

  /**
   * The input or output buffer and its length, by I/O type and transfer method; a status when the
   * request has none the driver may touch this way.
   */
  buffer(output: boolean): { address: number; length: number } | number {
    const as = this.fx.k.as;
    const p = this.parameters;
    const system = as.u32(this.irp + I['AssociatedIrp.SystemBuffer']);
    const kernelCaller = this.requestorMode === KERNEL_MODE;
    switch (this.major) {
      case IRP_MJ.READ:
      case IRP_MJ.WRITE: {
        // A read has only an output buffer, a write only an input buffer.
        if (output !== (this.major === IRP_MJ.READ)) return STATUS.INVALID_DEVICE_REQUEST;
        const io = this.device.ioType;
        if (io === WDF_DEVICE_IO_TYPE.Buffered) return { address: system, length: p.length };
        if (io === WDF_DEVICE_IO_TYPE.Direct) return { address: this.mdlAddress(), length: p.length };
        return STATUS.INVALID_DEVICE_REQUEST;
      }
      case IRP_MJ.DEVICE_CONTROL:
      case IRP_MJ.INTERNAL_DEVICE_CONTROL: {
        const method = ioctlMethod(p.code);
        const internal = this.major === IRP_MJ.INTERNAL_DEVICE_CONTROL;
        if (method === METHOD_NEITHER) {
          if (!kernelCaller && !internal) return STATUS.INVALID_DEVICE_REQUEST;
          return output ? { address: as.u32(this.irp + I.UserBuffer), length: p.outputLength } : { address: p.type3InputBuffer, length: p.inputLength };
        }
        if (!output) return { address: system, length: p.inputLength };
        return method === METHOD_BUFFERED ? { address: system, length: p.outputLength } : { address: this.mdlAddress(), length: p.outputLength };
      }
      default:
        return STATUS.INVALID_DEVICE_REQUEST;
    }
  }
}

/** The priority boost WdfRequestComplete gives, by the device's type (the framework's table). */
const BOOST_BY_DEVICE_TYPE: ReadonlyMap<number, number> = new Map([
  [0x07 /* FILE_DEVICE_DISK */, 1 /* IO_DISK_INCREMENT */],
  [0x0b /* FILE_DEVICE_KEYBOARD */, 6 /* IO_KEYBOARD_INCREMENT */],
  [0x0f /* FILE_DEVICE_MOUSE */, 6 /* IO_MOUSE_INCREMENT */],
  [0x1b /* FILE_DEVICE_SERIAL_PORT */, 2 /* IO_SERIAL_INCREMENT */],
  [0x1d /* FILE_DEVICE_SOUND */, 8 /* IO_SOUND_INCREMENT */],
]);

function defaultBoost(fx: Framework, handle: number): number {
  const r = fx.handles.get(handle >>> 0) as FxRequest | undefined;
  const type = r ? fx.k.as.u32(r.device.deviceObject + DEVICE_OBJECT.off.DeviceType) : 0;
  return BOOST_BY_DEVICE_TYPE.get(type) ?? 0;
}

/**
 * Make a request cancelable: EvtRequestCancel runs if the IRP is cancelled. An IRP cancelled already:
 * WdfRequestMarkCancelable calls the routine now, WdfRequestMarkCancelableEx returns STATUS_CANCELLED.
 */
function markCancelable(fx: Framework, r: FxRequest, routine: number, callNow: boolean): number {
  const as = fx.k.as;
  if (as.u8(r.irp + I.Cancel) !== 0) {
    if (callNow) fx.invoke(routine, [r.handle], ['FxRequest::Complete']);
    return STATUS.CANCELLED;
  }
  r.cancelRoutine = routine;
  as.setU32(r.irp + I.CancelRoutine, fx.routines.cancel);
  return STATUS.SUCCESS;
}

export function requestExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const request = (g: FxDriverGlobals, handle: number) => fx.object<FxRequest>(g, handle, FX_TYPE.Request);
  /**
   * The request a completion names. Under the framework's verifier a request completed before is
   * named as such (IFR + verifier break) and the call does nothing; otherwise it is a stale handle.
   */
  const toComplete = (g: FxDriverGlobals, handle: number): FxRequest | undefined => {
    if (g.verifierOn && !fx.handles.has(handle >>> 0) && fx.completedRequests.has(handle >>> 0)) {
      verifierBreak(fx, g, 'FxRequest::Complete', `WDFREQUEST 0x${hex(handle)} is already completed`);
      return undefined;
    }
    return request(g, handle);
  };

  /** WdfRequestRetrieve{Input,Output}Buffer. */
  const retrieve = (output: boolean) => (g: FxDriverGlobals, Request: number, MinimumRequiredLength: number, Buffer: number, Length: number) => {
    const r = request(g, Request);
    fx.require(g, Buffer);
    as.setU32(Buffer, 0);
    if (Length) as.setU32(Length, 0);
    if (r.completed) return STATUS.INTERNAL_ERROR;
    const b = r.buffer(output);
    if (typeof b === 'number') return b;
    if (b.length === 0 || b.address === 0 || b.length < MinimumRequiredLength) return STATUS.BUFFER_TOO_SMALL;
    as.setU32(Buffer, b.address);
    if (Length) as.setU32(Length, b.length);
    return STATUS.SUCCESS;
  };

  /**
   * WdfRequestRetrieve{Input,Output}Memory: the buffer as a WDFMEMORY the request owns (one per
   * direction, made on first use, deleted with the request).
   */
  const retrieveMemory = (output: boolean) => (g: FxDriverGlobals, Request: number, Memory: number) => {
    const r = request(g, Request);
    fx.require(g, Memory);
    as.setU32(Memory, 0);
    if (r.completed) return STATUS.INTERNAL_ERROR;
    const b = r.buffer(output);
    if (typeof b === 'number') return b;
    if (b.length === 0 || b.address === 0) return STATUS.BUFFER_TOO_SMALL;
    const m = (output ? r.outputMemory : r.inputMemory) ?? new FxMemory(fx, g, NO_ATTRIBUTES, r, b.address, b.length, undefined, true);
    if (output) r.outputMemory = m;
    else r.inputMemory = m;
    as.setU32(Memory, m.handle);
    return STATUS.SUCCESS;
  };

  /** WdfRequestRetrieve{Input,Output}WdmMdl: the IRP's MDL, for direct I/O (and the direct IOCTL methods' output). */
  const retrieveMdl = (output: boolean) => (g: FxDriverGlobals, Request: number, Mdl: number) => {
    const r = request(g, Request);
    fx.require(g, Mdl);
    as.setU32(Mdl, 0);
    if (r.completed) return STATUS.INTERNAL_ERROR;
    const mdl = as.u32(r.irp + I.MdlAddress);
    const p = r.parameters;
    let usable: boolean;
    if (r.major === IRP_MJ.READ || r.major === IRP_MJ.WRITE) usable = output === (r.major === IRP_MJ.READ) && r.device.ioType === WDF_DEVICE_IO_TYPE.Direct;
    else if (r.major === IRP_MJ.DEVICE_CONTROL || r.major === IRP_MJ.INTERNAL_DEVICE_CONTROL) usable = output && (ioctlMethod(p.code) === 1 || ioctlMethod(p.code) === 2);
    else usable = false;
    if (!usable) return STATUS.INVALID_DEVICE_REQUEST;
    if (mdl === 0) return STATUS.BUFFER_TOO_SMALL;
    as.setU32(Mdl, mdl);
    return STATUS.SUCCESS;
  };

  /**
   * WdfRequestRetrieveUnsafeUser{Input,Output}Buffer: the caller's own buffer of a neither-I/O
   * request, only inside EvtIoInCallerContext (the caller's process context) and never probed.
   */
  const unsafe = (output: boolean) => (g: FxDriverGlobals, Request: number, MinimumRequiredLength: number, Buffer: number, Length: number) => {
    const r = request(g, Request);
    fx.require(g, Buffer);
    as.setU32(Buffer, 0);
    if (Length) as.setU32(Length, 0);
    if (!r.inCallerContext) {
      verifierBreak(fx, g, 'FxRequest::GetDeviceControlOutputMemoryObject', `WDFREQUEST 0x${hex(Request)}: the unsafe user buffer is only available in EvtIoInCallerContext`);
      return STATUS.INVALID_DEVICE_REQUEST;
    }
    const p = r.parameters;
    let b: { address: number; length: number } | undefined;
    if ((r.major === IRP_MJ.DEVICE_CONTROL || r.major === IRP_MJ.INTERNAL_DEVICE_CONTROL) && ioctlMethod(p.code) === METHOD_NEITHER) {
      b = output ? { address: as.u32(r.irp + I.UserBuffer), length: p.outputLength } : { address: p.type3InputBuffer, length: p.inputLength };
    } else if (r.device.ioType === WDF_DEVICE_IO_TYPE.Neither && output === (r.major === IRP_MJ.READ) && (r.major === IRP_MJ.READ || r.major === IRP_MJ.WRITE)) {
      b = { address: as.u32(r.irp + I.UserBuffer), length: p.length };
    }
    if (!b) return STATUS.INVALID_DEVICE_REQUEST;
    if (b.length === 0 || b.length < MinimumRequiredLength) return STATUS.BUFFER_TOO_SMALL;
    as.setU32(Buffer, b.address);
    if (Length) as.setU32(Length, b.length);
    return STATUS.SUCCESS;
  };

  /**
   * WdfRequestProbeAndLockUserBufferFor{Read,Write}: probe and lock the caller's buffer (an MDL of the
   * kernel's), give it to the driver as a WDFMEMORY the request owns; a bad buffer is the probe's status.
   */
  const probeAndLock = (write: boolean) => (g: FxDriverGlobals, Request: number, Buffer: number, Length: number, MemoryObject: number) => {
    const r = request(g, Request);
    fx.require(g, MemoryObject);
    as.setU32(MemoryObject, 0);
    if (!r.inCallerContext) return STATUS.INVALID_DEVICE_REQUEST;
    if (Length === 0) return STATUS.INVALID_USER_BUFFER;
    const mdl = fx.k.ddi.IoAllocateMdl(Buffer, Length, 0, 0, 0) >>> 0;
    if (mdl === 0) return STATUS.INSUFFICIENT_RESOURCES;
    try {
      // IoWriteAccess (1) for a buffer the driver writes, IoReadAccess (0) for one it reads.
      fx.k.ddi.MmProbeAndLockPages(mdl, r.requestorMode, write ? 1 : 0);
    } catch (e) {
      fx.k.ddi.IoFreeMdl(mdl);
      if (e instanceof NtException) return e.code;
      throw e;
    }
    r.lockedMdls.push(mdl);
    const address = fx.k.ddi.MmGetSystemAddressForMdlSafe(mdl, 0) >>> 0;
    const m = new FxMemory(fx, g, NO_ATTRIBUTES, r, address, Length, undefined, true);
    as.setU32(MemoryObject, m.handle);
    return STATUS.SUCCESS;
  };

  return {
    WdfRequestComplete(g, Request: number, Status: number) {
      toComplete(g, Request)?.complete(Status, defaultBoost(fx, Request));
    },

    WdfRequestCompleteWithInformation(g, Request: number, Status: number, Information: number) {
      const r = toComplete(g, Request);
      if (!r) return;
      r.information = Information;
      r.complete(Status, defaultBoost(fx, Request));
    },

    WdfRequestCompleteWithPriorityBoost(g, Request: number, Status: number, PriorityBoost: number) {
      toComplete(g, Request)?.complete(Status, (PriorityBoost << 24) >> 24);
    },

    WdfRequestSetInformation(g, Request: number, Information: number) {
      request(g, Request).information = Information;
    },

    WdfRequestGetInformation(g, Request: number) {
      return request(g, Request).information;
    },

    WdfRequestGetStatus(g, Request: number) {
      return request(g, Request).status;
    },

    WdfRequestGetIoQueue(g, Request: number) {
      return request(g, Request).queue?.handle ?? 0;
    },

    WdfRequestGetFileObject(g, Request: number) {
      return request(g, Request).fileObject?.handle ?? 0;
    },

    WdfRequestGetRequestorMode(g, Request: number) {
      return request(g, Request).requestorMode;
    },

    WdfRequestWdmGetIrp(g, Request: number) {
      return request(g, Request).irp;
    },

    WdfRequestGetParameters(g, Request: number, Parameters: number) {
      const r = request(g, Request);
      fx.require(g, Parameters);
      const size = as.u16(Parameters + P.Size);
      as.zero(Parameters, WDF_REQUEST_PARAMETERS.size);
      as.setU16(Parameters + P.Size, size);
      as.setU8(Parameters + P.MinorFunction, as.u8(r.location + S.MinorFunction));
      as.setU32(Parameters + P.Type, r.major);
      // The union is the stack location's Parameters, member for member (four pointer-sized words).
      const sp = r.location + S.Parameters;
      const p = Parameters + P.Parameters;
      if (r.major === IRP_MJ.READ || r.major === IRP_MJ.WRITE) {
        as.setU32(p + 0, as.u32(sp + 0));
        as.setU32(p + 4, as.u32(sp + 4));
        as.setU64(p + 8, as.u64(sp + 8));
      } else {
        for (let i = 0; i < 16; i += 4) as.setU32(p + i, as.u32(sp + i));
        // The verifier hides a user-mode METHOD_NEITHER input pointer: only the unsafe routines hand it out, in the caller's context.
        const io = r.major === IRP_MJ.DEVICE_CONTROL || r.major === IRP_MJ.INTERNAL_DEVICE_CONTROL;
        if (g.verifierOn && io && ioctlMethod(r.parameters.code) === METHOD_NEITHER && r.requestorMode !== KERNEL_MODE) {
          as.setU32(Parameters + P['Parameters.DeviceIoControl.Type3InputBuffer'], 0);
        }
      }
    },

    WdfRequestRetrieveInputBuffer: retrieve(false),
    WdfRequestRetrieveOutputBuffer: retrieve(true),
    WdfRequestRetrieveInputMemory: retrieveMemory(false),
    WdfRequestRetrieveOutputMemory: retrieveMemory(true),
    WdfRequestRetrieveInputWdmMdl: retrieveMdl(false),
    WdfRequestRetrieveOutputWdmMdl: retrieveMdl(true),

    WdfRequestMarkCancelable(g, Request: number, EvtRequestCancel: number) {
      const r = request(g, Request);
      fx.require(g, EvtRequestCancel);
      if (!r.ownedByDriver || r.cancelRoutine !== 0) {
        verifierBreak(fx, g, 'FxRequest::MarkCancelable', `WDFREQUEST 0x${hex(Request)} ${r.cancelRoutine ? 'is already cancelable' : 'is not owned by the driver'}`);
        return;
      }
      markCancelable(fx, r, EvtRequestCancel, true);
    },

    WdfRequestMarkCancelableEx(g, Request: number, EvtRequestCancel: number) {
      const r = request(g, Request);
      fx.require(g, EvtRequestCancel);
      if (!r.ownedByDriver || r.cancelRoutine !== 0) return STATUS.INVALID_DEVICE_REQUEST;
      return markCancelable(fx, r, EvtRequestCancel, false);
    },

    WdfRequestUnmarkCancelable(g, Request: number) {
      const r = request(g, Request);
      if (r.cancelRoutine === 0) {
        verifierBreak(fx, g, 'FxRequest::UnmarkCancelable', `WDFREQUEST 0x${hex(Request)} is not cancelable`);
        return STATUS.INVALID_DEVICE_REQUEST;
      }
      // The I/O manager took the cancel routine: EvtRequestCancel runs (or ran) and completes it.
      if (as.u32(r.irp + I.CancelRoutine) === 0) return STATUS.CANCELLED;
      as.setU32(r.irp + I.CancelRoutine, 0);
      r.cancelRoutine = 0;
      return STATUS.SUCCESS;
    },

    WdfRequestForwardToIoQueue(g, Request: number, DestinationQueue: number) {
      const r = request(g, Request);
      const to = fx.object<FxIoQueue>(g, DestinationQueue, FX_TYPE.Queue);
      const from = r.queue;
      const refused = !from ? 'was not delivered by a queue' : from === to ? 'is already in that queue' : from.device !== to.device ? 'belongs to another device' : !r.ownedByDriver ? 'is not owned by the driver' : r.cancelRoutine ? 'is cancelable (unmark it first)' : undefined;
      if (refused) {
        g.record('FxRequest::ForwardToIoQueue', `WDFREQUEST 0x${hex(Request)} ${refused}, ${statusName(STATUS.INVALID_DEVICE_REQUEST)}`);
        return STATUS.INVALID_DEVICE_REQUEST;
      }
      from!.release(r);
      to.enqueue(r);
      from!.dispatchEvents();
      return STATUS.SUCCESS;
    },

    WdfRequestRequeue(g, Request: number) {
      const r = request(g, Request);
      const queue = r.queue;
      if (!queue || !r.ownedByDriver || r.cancelRoutine) return STATUS.INVALID_DEVICE_REQUEST;
      queue.release(r);
      queue.enqueue(r, true);
      return STATUS.SUCCESS;
    },

    WdfRequestRetrieveUnsafeUserInputBuffer: unsafe(false),
    WdfRequestRetrieveUnsafeUserOutputBuffer: unsafe(true),
    WdfRequestProbeAndLockUserBufferForRead: probeAndLock(false),
    WdfRequestProbeAndLockUserBufferForWrite: probeAndLock(true),

    WdfRequestIsCanceled(g, Request: number) {
      return as.u8(request(g, Request).irp + I.Cancel) !== 0 ? 1 : 0;
    },
  };
}
