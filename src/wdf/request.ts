/**
 * WDFREQUEST: the framework's object over an IRP it received. It is presented to the driver by a
 * queue (or EvtDeviceFileCreate, EvtIoInCallerContext), and the driver completes it once
 * (WdfRequestComplete*), which completes the IRP and, unless the driver holds a reference, deletes
 * the request. Buffers are handed out by the device's I/O type and the IOCTL's transfer method
 * (the reference's table): buffered and direct I/O from SystemBuffer or the mapped MDL; neither
 * I/O only to kernel-mode requestors, or through the unsafe user-buffer routines.
 */
import { IO_STACK_LOCATION, IRP } from '../nt/layout.ts';
import { IRP_MJ, METHOD_BUFFERED, METHOD_NEITHER, ioctlMethod } from '../nt/io.ts';
import { NT_SUCCESS, STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_DEVICE_IO_TYPE, WDF_REQUEST_PARAMETERS } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { FxFileObject } from './file.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxMemory } from './memory.ts';
import { FxObject, NO_ATTRIBUTES } from './object.ts';
import type { FxIoQueue } from './queue.ts';

const I = IRP.off;
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
  /** The WDFMEMORY objects over its buffers, once retrieved. */
  inputMemory: FxMemory | undefined;
  outputMemory: FxMemory | undefined;
  /** The stack location the framework received it at. */
  readonly location: number;
  readonly major: number;

  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    readonly device: FxDevice,
    readonly irp: number,
    readonly fileObject: FxFileObject | undefined,
  ) {
    super(fx, g, device.requestAttributes, undefined, FX_TYPE.Request);
    this.location = fx.k.as.u32(irp + I['Tail.CurrentStackLocation']);
    this.major = fx.k.as.u8(this.location + S.MajorFunction);
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

  /** Complete the IRP with `status` (Information as set), then let the queue go on and the object go. */
  complete(status: number, boost: number): void {
    const fx = this.fx;
    this.completed = true;
    this.cancelRoutine = 0;
    fx.k.as.setU32(this.irp + I['IoStatus.Status'], status >>> 0);
    fx.frame('FxRequest::Complete', () => {
      this.globals.record('FxRequest::Complete', `WDFREQUEST 0x${this.handle.toString(16)}, PIRP 0x${this.irp.toString(16)}, Major 0x${this.major.toString(16)}, completed with 0x${(status >>> 0).toString(16).padStart(8, '0')}`);
      fx.k.ddi.IofCompleteRequest(this.irp, boost);
      const queue = this.queue;
      this.queue = undefined;
      queue?.requestCompleted(this);
    });
    // A failed create leaves no file object behind.
    if (this.major === IRP_MJ.CREATE && !NT_SUCCESS(status)) this.fileObject?.delete();
    this.delete();
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

export function requestExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const request = (g: FxDriverGlobals, handle: number) => fx.object<FxRequest>(g, handle, FX_TYPE.Request);

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

  return {
    WdfRequestComplete(g, Request: number, Status: number) {
      request(g, Request).complete(Status, 0);
    },

    WdfRequestCompleteWithInformation(g, Request: number, Status: number, Information: number) {
      const r = request(g, Request);
      r.information = Information;
      r.complete(Status, 0);
    },

    WdfRequestCompleteWithPriorityBoost(g, Request: number, Status: number, PriorityBoost: number) {
      request(g, Request).complete(Status, PriorityBoost << 24 >> 24);
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
      }
    },

    WdfRequestRetrieveInputBuffer: retrieve(false),
    WdfRequestRetrieveOutputBuffer: retrieve(true),
    WdfRequestRetrieveInputMemory: retrieveMemory(false),
    WdfRequestRetrieveOutputMemory: retrieveMemory(true),
    WdfRequestRetrieveInputWdmMdl: retrieveMdl(false),
    WdfRequestRetrieveOutputWdmMdl: retrieveMdl(true),

    WdfRequestIsCanceled(g, Request: number) {
      return as.u8(request(g, Request).irp + I.Cancel) !== 0 ? 1 : 0;
    },
  };
}
