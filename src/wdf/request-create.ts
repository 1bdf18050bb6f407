/**
 * Driver-created requests and formatting them for a target. WdfRequestCreate makes a WDFREQUEST with an
 * IRP of its own (IoAllocateIrp: the target's stack size, plus a location of the framework's own so the
 * request has a current location, as a received one has); the driver deletes it (WdfObjectDelete), it
 * never completes it. WdfIoTargetFormatRequestFor{Read,Write,Ioctl,InternalIoctl} write the next stack
 * location for the target and hand the buffers over as the target's device expects them: its buffered
 * or direct I/O for reads and writes, the control code's transfer method for IOCTLs (METHOD_BUFFERED: a
 * system buffer of the framework's, copied back on the way up; the direct methods: an MDL for the
 * output; METHOD_NEITHER: the buffers as they are). WdfIoTargetSend*Synchronously format and send in one
 * call (PASSIVE_LEVEL; the request may be NULL: the framework makes one for the call). WdfRequestReuse
 * makes a request ready for another send; WdfRequestCancelSentRequest cancels one out at a target.
 */
import { DEVICE_OBJECT, IO_STACK_LOCATION, IRP } from '../nt/layout.ts';
import { DO, IRP_MJ, METHOD_BUFFERED, METHOD_NEITHER, ioctlMethod } from '../nt/io.ts';
import { NT_SUCCESS, STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_MEMORY_DESCRIPTOR, WDF_MEMORY_DESCRIPTOR_TYPE, WDFMEMORY_OFFSET } from '../nt/wdf.ts';
import { WDF_REQUEST_SEND_OPTION } from '../nt/wdf-pnp.ts';
import { WDF_REQUEST_REUSE, WDF_REQUEST_REUSE_PARAMS } from '../nt/wdf-target.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxIoTarget, cancelSent, readSendOptions, sendStateOf, submit } from './io-target.ts';
import type { FxMemory } from './memory.ts';
import { readAttributes, type FxAttributes, type FxObject } from './object.ts';
import { FxRequest } from './request.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;
const MD = WDF_MEMORY_DESCRIPTOR.off;
const MO = WDFMEMORY_OFFSET.off;
const RP = WDF_REQUEST_REUSE_PARAMS.off;
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

/** A request the driver made: its IRP is the framework's, freed with it; the driver deletes it. */
export class FxCreatedRequest extends FxRequest {
  /** The WDFMEMORY objects the last formatting referenced (released when it is formatted again, reused or deleted). */
  formattedMemory: FxMemory[] = [];

  constructor(fx: Framework, g: FxDriverGlobals, device: FxDevice, irp: number, attributes: FxAttributes, parent: FxObject | undefined) {
    super(fx, g, device, irp, undefined, attributes, parent);
  }

  override get driverMayDelete(): boolean {
    return true;
  }

  override get createdByDriver(): boolean {
    return true;
  }

  releaseMemory(): void {
    for (const m of this.formattedMemory.splice(0)) m.dereference();
  }

  protected override dispose(): void {
    // A request deleted while out at a target is taken back first (its IRP must come back before it is freed).
    if (sendStateOf(this).target) cancelSent(this.fx, this);
    this.releaseMemory();
    super.dispose();
  }

  protected override destroyed(): void {
    this.fx.k.ddi.IoFreeIrp(this.irp);
  }
}

/** A buffer as a format or a synchronous send gives it: where, how long, and its MDL if it came as one. */
interface Buffer {
  readonly address: number;
  readonly length: number;
  readonly mdl: number;
  readonly memory: FxMemory | undefined;
}

export function requestCreateExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;
  const targetOf = (g: FxDriverGlobals, h: number) => fx.object<FxIoTarget>(g, h, FX_TYPE.IoTarget);
  const requestOf = (g: FxDriverGlobals, h: number) => fx.object<FxRequest>(g, h, FX_TYPE.Request);

  /** A new request with an IRP deep enough for `stackSize` locations below its own. */
  const create = (g: FxDriverGlobals, device: FxDevice, stackSize: number, attributes: FxAttributes, parent: FxObject | undefined): FxCreatedRequest | undefined => {
    const irp = k.ddi.IoAllocateIrp(stackSize + 1, 0) >>> 0;
    if (irp === 0) return undefined;
    // IoSetNextIrpStackLocation: the framework's own location is the current one.
    as.setU8(irp + I.CurrentLocation, as.u8(irp + I.CurrentLocation) - 1);
    as.setU32(irp + I['Tail.CurrentStackLocation'], as.u32(irp + I['Tail.CurrentStackLocation']) - IO_STACK_LOCATION.size);
    const r = fx.frame('FxRequest::_Create', () => new FxCreatedRequest(fx, g, device, irp, attributes, parent));
    g.record('FxRequest::_Create', `WDFREQUEST ${hex(r.handle)} created by the driver, PIRP ${hex(irp)} of ${stackSize + 1} stack locations`);
    return r;
  };

  /** Enough stack locations below the request's current one for the target's stack? */
  const fits = (request: FxRequest, target: FxIoTarget) => as.u8(request.irp + I.CurrentLocation) - 1 >= target.stackSize;

  /** A WDFMEMORY and its optional WDFMEMORY_OFFSET as a buffer (NULL memory: none); a status if the offsets do not fit. */
  const memoryBuffer = (g: FxDriverGlobals, Memory: number, Offsets: number): Buffer | number | undefined => {
    if (Memory === 0) return undefined;
    const m = fx.object<FxMemory>(g, Memory, FX_TYPE.Memory);
    let offset = 0;
    let length = m.length;
    if (Offsets !== 0) {
      offset = as.u32(Offsets + MO.BufferOffset);
      const l = as.u32(Offsets + MO.BufferLength);
      if (offset > m.length || (l !== 0 && offset + l > m.length)) return STATUS.INVALID_PARAMETER;
      length = l !== 0 ? l : m.length - offset;
    }
    return { address: m.buffer + offset, length, mdl: 0, memory: m };
  };

  /** A WDF_MEMORY_DESCRIPTOR (buffer, MDL or handle) as a buffer (NULL: none). */
  const descriptorBuffer = (g: FxDriverGlobals, Descriptor: number): Buffer | number | undefined => {
    if (Descriptor === 0) return undefined;
    switch (as.u32(Descriptor + MD.Type)) {
      case WDF_MEMORY_DESCRIPTOR_TYPE.Buffer:
        return { address: as.u32(Descriptor + MD['u.BufferType.Buffer']), length: as.u32(Descriptor + MD['u.BufferType.Length']), mdl: 0, memory: undefined };
      case WDF_MEMORY_DESCRIPTOR_TYPE.Mdl: {
        const mdl = as.u32(Descriptor + MD['u.MdlType.Mdl']);
        if (mdl === 0) return STATUS.INVALID_PARAMETER;
        return { address: k.ddi.MmGetSystemAddressForMdlSafe(mdl, 0) >>> 0, length: as.u32(Descriptor + MD['u.MdlType.BufferLength']), mdl, memory: undefined };
      }
      case WDF_MEMORY_DESCRIPTOR_TYPE.Handle:
        return memoryBuffer(g, as.u32(Descriptor + MD['u.HandleType.Memory']), as.u32(Descriptor + MD['u.HandleType.Offsets']));
      default:
        return STATUS.INVALID_PARAMETER;
    }
  };

  /** An MDL over a nonpaged buffer (its own when it came as one); the MDLs the framework built are freed on the way back. */
  const mdlFor = (b: Buffer, built: number[]): number => {
    if (b.mdl) return b.mdl;
    const mdl = k.ddi.IoAllocateMdl(b.address, b.length, 0, 0, 0) >>> 0;
    if (mdl !== 0) {
      k.ddi.MmBuildMdlForNonPagedPool(mdl);
      built.push(mdl);
    }
    return mdl;
  };

  /**
   * Format the request's next stack location for `target`: major, the buffers, the offset or control
   * code. A status (the request unchanged) when it cannot be sent there.
   */
  const format = (g: FxDriverGlobals, target: FxIoTarget, request: FxRequest, major: number, code: number, input: Buffer | undefined, output: Buffer | undefined, deviceOffset: number): number => {
    const s = sendStateOf(request);
    if (s.target) return STATUS.INVALID_DEVICE_STATE; // out at a target: not the driver's to format
    if (!fits(request, target)) return STATUS.REQUEST_NOT_ACCEPTED;
    if (target.targetDevice === 0) return STATUS.INVALID_DEVICE_STATE;
    const irp = request.irp;
    const next = as.u32(irp + I['Tail.CurrentStackLocation']) - IO_STACK_LOCATION.size;
    as.zero(next, IO_STACK_LOCATION.size);
    as.setU8(next + S.MajorFunction, major);
    as.setU32(next + S.FileObject, target.fileObject);
    as.setU32(irp + I['IoStatus.Status'], 0);
    as.setU32(irp + I['IoStatus.Information'], 0);
    as.setU32(irp + I.MdlAddress, 0);
    as.setU32(irp + I['AssociatedIrp.SystemBuffer'], 0);
    as.setU32(irp + I.UserBuffer, 0);
    const built: number[] = [];
    let bounce = 0;
    let copyBack: Buffer | undefined;
    if (major === IRP_MJ.READ || major === IRP_MJ.WRITE) {
      const b = major === IRP_MJ.READ ? output : input;
      as.setU32(next + S['Parameters.Read.Length'], b?.length ?? 0);
      if (deviceOffset !== 0) as.setU64(next + S['Parameters.Read.ByteOffset'], as.u64(deviceOffset));
      if (b) {
        const flags = as.u32(target.targetDevice + DEVICE_OBJECT.off.Flags);
        if (flags & DO.BUFFERED_IO) as.setU32(irp + I['AssociatedIrp.SystemBuffer'], b.address);
        else if (flags & DO.DIRECT_IO) as.setU32(irp + I.MdlAddress, mdlFor(b, built));
        else as.setU32(irp + I.UserBuffer, b.address);
      }
    } else {
      as.setU32(next + S['Parameters.DeviceIoControl.IoControlCode'], code);
      as.setU32(next + S['Parameters.DeviceIoControl.InputBufferLength'], input?.length ?? 0);
      as.setU32(next + S['Parameters.DeviceIoControl.OutputBufferLength'], output?.length ?? 0);
      const method = ioctlMethod(code);
      if (method === METHOD_BUFFERED) {
        const size = Math.max(input?.length ?? 0, output?.length ?? 0);
        if (size > 0) {
          bounce = fx.tryAllocate(size, g.tag);
          if (bounce === 0) return STATUS.INSUFFICIENT_RESOURCES;
          as.zero(bounce, size);
          if (input) as.copy(bounce, input.address, input.length);
          as.setU32(irp + I['AssociatedIrp.SystemBuffer'], bounce);
          copyBack = output;
        }
      } else if (method === METHOD_NEITHER) {
        as.setU32(next + S['Parameters.DeviceIoControl.Type3InputBuffer'], input?.address ?? 0);
        as.setU32(irp + I.UserBuffer, output?.address ?? 0);
      } else {
        as.setU32(irp + I['AssociatedIrp.SystemBuffer'], input?.address ?? 0);
        if (output) as.setU32(irp + I.MdlAddress, mdlFor(output, built));
      }
    }
    // The memory objects stay referenced while the request is formatted with them.
    if (request instanceof FxCreatedRequest) {
      request.releaseMemory();
      for (const b of [input, output]) if (b?.memory) {
        b.memory.reference();
        request.formattedMemory.push(b.memory);
      }
    }
    s.formatted = { major, code, input: input?.memory?.handle ?? 0, output: output?.memory?.handle ?? 0, length: 0 };
    request.formattedMajor = major;
    s.afterIo = (information) => {
      if (copyBack && bounce) as.copy(copyBack.address, bounce, Math.min(information, copyBack.length));
      if (bounce) fx.free(bounce, g.tag);
      for (const mdl of built) k.ddi.IoFreeMdl(mdl);
      as.setU32(irp + I.MdlAddress, 0);
    };
    g.record('FxIoTarget::FormatIoctlRequest', `WDFREQUEST ${hex(request.handle)} formatted for WDFIOTARGET ${hex(target.handle)}: major 0x${major.toString(16)}${code ? `, IOCTL 0x${code.toString(16)}` : ''}`);
    return STATUS.SUCCESS;
  };

  const formatReadWrite = (major: number) => (g: FxDriverGlobals, IoTarget: number, Request: number, Memory: number, Offsets: number, DeviceOffset: number) => {
    const target = targetOf(g, IoTarget);
    const request = requestOf(g, Request);
    const b = memoryBuffer(g, Memory, Offsets);
    if (typeof b === 'number') return b;
    return format(g, target, request, major, 0, major === IRP_MJ.WRITE ? b : undefined, major === IRP_MJ.READ ? b : undefined, DeviceOffset);
  };

  const formatIoctl = (major: number) => (g: FxDriverGlobals, IoTarget: number, Request: number, IoctlCode: number, InputMemory: number, InputOffsets: number, OutputMemory: number, OutputOffsets: number) => {
    const target = targetOf(g, IoTarget);
    const request = requestOf(g, Request);
    const input = memoryBuffer(g, InputMemory, InputOffsets);
    if (typeof input === 'number') return input;
    const output = memoryBuffer(g, OutputMemory, OutputOffsets);
    if (typeof output === 'number') return output;
    return format(g, target, request, major, IoctlCode >>> 0, input, output, 0);
  };

  /**
   * Format and send synchronously: the driver's request, or one of the framework's for the call. The
   * request's status; *Bytes the Information.
   */
  const sendSynchronously = (g: FxDriverGlobals, target: FxIoTarget, Request: number, major: number, code: number, input: Buffer | undefined, output: Buffer | undefined, deviceOffset: number, Options: number, Bytes: number): number =>
    fx.frame('FxIoTarget::SubmitSync', () => {
      if (Bytes) as.setU32(Bytes, 0);
      const options = readSendOptions(fx, Options);
      if (typeof options === 'number') return options;
      let request: FxRequest;
      let own: FxCreatedRequest | undefined;
      if (Request !== 0) {
        request = requestOf(g, Request);
      } else {
        own = create(g, target.device, target.stackSize, { ...attributesNone }, undefined);
        if (!own) return STATUS.INSUFFICIENT_RESOURCES;
        request = own;
      }
      try {
        const formatted = format(g, target, request, major, code, input, output, deviceOffset);
        if (!NT_SUCCESS(formatted)) return formatted;
        const status = submit(fx, g, request, target, { flags: options.flags | WDF_REQUEST_SEND_OPTION.Synchronous, timeout: options.timeout }, true);
        if (Bytes) as.setU32(Bytes, sendStateOf(request).information);
        return status;
      } finally {
        own?.delete();
      }
    });

  const attributesNone = readAttributes(fx, 0) as FxAttributes;

  const syncReadWrite = (major: number) => (g: FxDriverGlobals, IoTarget: number, Request: number, Descriptor: number, DeviceOffset: number, Options: number, Bytes: number) => {
    const target = targetOf(g, IoTarget);
    const b = descriptorBuffer(g, Descriptor);
    if (typeof b === 'number') return b;
    return sendSynchronously(g, target, Request, major, 0, major === IRP_MJ.WRITE ? b : undefined, major === IRP_MJ.READ ? b : undefined, DeviceOffset, Options, Bytes);
  };

  const syncIoctl = (major: number) => (g: FxDriverGlobals, IoTarget: number, Request: number, IoctlCode: number, InputDescriptor: number, OutputDescriptor: number, Options: number, Bytes: number) => {
    const target = targetOf(g, IoTarget);
    const input = descriptorBuffer(g, InputDescriptor);
    if (typeof input === 'number') return input;
    const output = descriptorBuffer(g, OutputDescriptor);
    if (typeof output === 'number') return output;
    return sendSynchronously(g, target, Request, major, IoctlCode >>> 0, input, output, 0, Options, Bytes);
  };

  return {
    WdfRequestCreate(g, RequestAttributes: number, IoTarget: number, Request: number) {
      fx.require(g, Request);
      as.setU32(Request, 0);
      const attributes = readAttributes(fx, RequestAttributes);
      if (typeof attributes === 'number') return attributes;
      const parent = attributes.parent ? fx.object<FxObject>(g, attributes.parent) : undefined;
      const target = IoTarget ? targetOf(g, IoTarget) : undefined;
      // The device the request is for: its target's, else the parent's device (a request needs one for its I/O type).
      let device = target?.device;
      for (let o: FxObject | undefined = parent; !device && o; o = o.parent) if (o.type === FX_TYPE.Device) device = o as FxDevice;
      if (!device) return STATUS.INVALID_PARAMETER;
      const r = create(g, device, target ? target.stackSize : 1, attributes, parent ?? g.driver);
      if (!r) return STATUS.INSUFFICIENT_RESOURCES;
      as.setU32(Request, r.handle);
      return STATUS.SUCCESS;
    },

    WdfRequestReuse(g, Request: number, ReuseParams: number) {
      const request = requestOf(g, Request);
      fx.require(g, ReuseParams);
      if (as.u32(ReuseParams + RP.Size) !== WDF_REQUEST_REUSE_PARAMS.size) return STATUS.INVALID_PARAMETER;
      // A new IRP is only for requests made from one (WdfRequestCreateFromIrp, not provided).
      if (as.u32(ReuseParams + RP.Flags) & WDF_REQUEST_REUSE.SetNewIrp) return STATUS.INVALID_PARAMETER;
      const s = sendStateOf(request);
      if (s.target) return STATUS.INVALID_DEVICE_STATE; // still out at a target: it is not back to reuse
      const irp = request.irp;
      // IoReuseIrp: the status given, the cancel state cleared, the stack back at the request's own location.
      as.setU32(irp + I['IoStatus.Status'], as.u32(ReuseParams + RP.Status));
      as.setU32(irp + I['IoStatus.Information'], 0);
      as.setU8(irp + I.Cancel, 0);
      as.setU32(irp + I.CancelRoutine, 0);
      as.setU8(irp + I.PendingReturned, 0);
      const own = request.location;
      as.setU32(irp + I['Tail.CurrentStackLocation'], own);
      as.setU8(irp + I.CurrentLocation, (own - (irp + IRP.size)) / IO_STACK_LOCATION.size + 1);
      Object.assign(s, { routine: 0, context: 0, done: false, formatted: undefined, timedOut: false });
      request.formattedMajor = undefined;
      if (request instanceof FxCreatedRequest) request.releaseMemory();
      return STATUS.SUCCESS;
    },

    WdfRequestChangeTarget(g, Request: number, IoTarget: number) {
      return fits(requestOf(g, Request), targetOf(g, IoTarget)) ? STATUS.SUCCESS : STATUS.REQUEST_NOT_ACCEPTED;
    },

    WdfRequestCancelSentRequest(g, Request: number) {
      const request = requestOf(g, Request);
      g.record('FxRequest::Cancel', `WDFREQUEST ${hex(request.handle)} cancel requested`);
      return cancelSent(fx, request) ? 1 : 0;
    },

    WdfIoTargetFormatRequestForRead: formatReadWrite(IRP_MJ.READ),
    WdfIoTargetFormatRequestForWrite: formatReadWrite(IRP_MJ.WRITE),
    WdfIoTargetFormatRequestForIoctl: formatIoctl(IRP_MJ.DEVICE_CONTROL),
    WdfIoTargetFormatRequestForInternalIoctl: formatIoctl(IRP_MJ.INTERNAL_DEVICE_CONTROL),
    WdfIoTargetSendReadSynchronously: syncReadWrite(IRP_MJ.READ),
    WdfIoTargetSendWriteSynchronously: syncReadWrite(IRP_MJ.WRITE),
    WdfIoTargetSendIoctlSynchronously: syncIoctl(IRP_MJ.DEVICE_CONTROL),
    WdfIoTargetSendInternalIoctlSynchronously: syncIoctl(IRP_MJ.INTERNAL_DEVICE_CONTROL),
  };
}
