/**
 * IRPs the I/O manager builds for a driver that calls another device: IoBuildDeviceIoControlRequest,
 * IoBuildSynchronousFsdRequest and IoBuildAsynchronousFsdRequest. The buffers follow the transfer
 * method (the IOCTL code's for a device control, the target device's DO_BUFFERED_IO / DO_DIRECT_IO
 * flags for a read or write), as for a user-mode request, but the caller is kernel mode (RequestorMode
 * KernelMode) and its buffers are kernel addresses.
 *
 * Completion is the I/O manager's (IopCompleteRequest): once every completion routine has run, buffered
 * output goes back to the caller's buffer, the system buffer and the MDLs are released, the IoStatus is
 * copied to the caller's IO_STATUS_BLOCK, its event (synchronous requests) is set, and the IRP is freed.
 * A completion routine that returns STATUS_MORE_PROCESSING_REQUIRED keeps the IRP: the driver then
 * frees it (IoFreeIrp), as the DDI reference tells users of IoBuildAsynchronousFsdRequest to.
 */
import { DO, IRP_FLAG, IRP_MJ, METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_NEITHER, METHOD_OUT_DIRECT, ioctlMethod } from '../../nt/io.ts';
import { DEVICE_OBJECT, IO_STACK_LOCATION, IO_STATUS_BLOCK, IRP } from '../../nt/layout.ts';
import { NT_ERROR } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;
const IOSB = IO_STATUS_BLOCK.off;

/** The majors IoBuild(A)synchronousFsdRequest accepts (DDI reference). */
const FSD_MAJORS: ReadonlySet<number> = new Set([IRP_MJ.READ, IRP_MJ.WRITE, IRP_MJ.FLUSH_BUFFERS, IRP_MJ.SHUTDOWN, IRP_MJ.PNP]);

export function buildRequestExports(k: Kernel) {
  const as = k.as;
  const io = k.io;

  /** A kernel-mode IRP for `device`'s stack, with its first location set to `major`; 0 without pool. */
  const newIrp = (device: number, major: number, iosb: number, event: number, thread: boolean): number => {
    const irp = io.allocateIrp(as.u8(device + DEVICE_OBJECT.off.StackSize));
    if (irp === 0) return 0;
    as.setU8(irp + I.RequestorMode, 0);
    as.setU32(irp + I.UserIosb, iosb);
    as.setU32(irp + I.UserEvent, event);
    // A synchronous request belongs to the calling thread (it is on the thread's IRP list on Windows).
    if (thread) as.setU32(irp + I['Tail.Thread'], k.currentThread.address);
    as.setU8(io.nextStackLocation(irp) + S.MajorFunction, major);
    return irp;
  };

  /** A system buffer of `length` bytes (copied from `source` when given); false without pool. */
  const systemBuffer = (irp: number, length: number, source: number, output: boolean): boolean => {
    const buffer = k.tryAllocateKernelObject(length, TAG.SystemBuffer);
    if (buffer === 0) return false;
    if (source !== 0) as.copy(buffer, source, length);
    as.setU32(irp + I['AssociatedIrp.SystemBuffer'], buffer);
    as.setU32(irp + I.Flags, as.u32(irp + I.Flags) | IRP_FLAG.BUFFERED_IO | IRP_FLAG.DEALLOCATE_BUFFER | (output ? IRP_FLAG.INPUT_OPERATION : 0));
    return true;
  };

  /** An MDL for the caller's buffer, probed and locked; false if IoAllocateMdl refuses it. */
  const lockedMdl = (irp: number, buffer: number, length: number, write: boolean): boolean => {
    const mdl = io.mdl.allocateMdl(buffer, length, false, irp);
    if (mdl === 0) return false;
    io.mdl.probeAndLockPages(mdl, write);
    return true;
  };

  /** Undo what the I/O manager set up for the IRP and free it (completion, or a build that failed). */
  const release = (irp: number, copyBack: boolean): void => {
    const flags = as.u32(irp + I.Flags);
    const buffer = as.u32(irp + I['AssociatedIrp.SystemBuffer']);
    if (flags & IRP_FLAG.BUFFERED_IO && buffer !== 0) {
      const user = as.u32(irp + I.UserBuffer);
      const n = as.u32(irp + I['IoStatus.Information']);
      if (copyBack && flags & IRP_FLAG.INPUT_OPERATION && user !== 0 && n > 0) as.copy(user, buffer, n);
      if (flags & IRP_FLAG.DEALLOCATE_BUFFER) k.freeKernelObject(buffer);
    }
    io.mdl.freeIrpMdls(irp);
    as.setU32(irp + I.MdlAddress, 0);
    io.freeIrp(irp);
  };

  /** IopCompleteRequest for an IRP the I/O manager built, hooked to its completion. */
  const onCompletion = (irp: number): void => {
    io.completionHooks.set(irp, () => {
      const status = as.u32(irp + I['IoStatus.Status']);
      const information = as.u32(irp + I['IoStatus.Information']);
      const iosb = as.u32(irp + I.UserIosb);
      const event = as.u32(irp + I.UserEvent);
      release(irp, !NT_ERROR(status));
      if (iosb !== 0) {
        as.setU32(iosb + IOSB.Status, status);
        as.setU32(iosb + IOSB.Information, information);
      }
      if (event !== 0) k.dispatcher.setEvent(event);
    });
  };

  /** Read, write (buffers per the device's flags) or a request without data. */
  const fsdRequest = (major: number, device: number, buffer: number, length: number, offset: number, event: number, iosb: number, synchronous: boolean): number => {
    if (!FSD_MAJORS.has(major)) return 0;
    const irp = newIrp(device, major, iosb, event, synchronous);
    if (irp === 0) return 0;
    if (major === IRP_MJ.READ || major === IRP_MJ.WRITE) {
      const sp = io.nextStackLocation(irp);
      const read = major === IRP_MJ.READ;
      const flags = as.u32(device + DEVICE_OBJECT.off.Flags);
      let ok = true;
      if (flags & DO.BUFFERED_IO) {
        ok = length === 0 || systemBuffer(irp, length, read ? 0 : buffer, read);
        as.setU32(irp + I.UserBuffer, buffer);
      } else if (flags & DO.DIRECT_IO) {
        ok = length === 0 || lockedMdl(irp, buffer, length, read);
      } else {
        as.setU32(irp + I.UserBuffer, buffer);
      }
      if (!ok) {
        release(irp, false);
        return 0;
      }
      as.setU32(sp + S['Parameters.Read.Length'], length);
      if (offset !== 0) as.setU64(sp + S['Parameters.Read.ByteOffset'], as.u64(offset));
    }
    onCompletion(irp);
    return irp;
  };

  return {
    /**
     * An IRP_MJ_(INTERNAL_)DEVICE_CONTROL for DeviceObject, buffered by the code's transfer method.
     * NULL if the IRP or its buffers cannot be had. IRQL <= APC_LEVEL.
     */
    IoBuildDeviceIoControlRequest(
      IoControlCode: number,
      DeviceObject: number,
      InputBuffer: number,
      InputBufferLength: number,
      OutputBuffer: number,
      OutputBufferLength: number,
      InternalDeviceIoControl: number,
      Event: number,
      IoStatusBlock: number,
    ): number {
      const code = IoControlCode >>> 0;
      const major = InternalDeviceIoControl ? IRP_MJ.INTERNAL_DEVICE_CONTROL : IRP_MJ.DEVICE_CONTROL;
      const irp = newIrp(DeviceObject >>> 0, major, IoStatusBlock >>> 0, Event >>> 0, true);
      if (irp === 0) return 0;
      const sp = io.nextStackLocation(irp);
      as.setU32(sp + S['Parameters.DeviceIoControl.OutputBufferLength'], OutputBufferLength);
      as.setU32(sp + S['Parameters.DeviceIoControl.InputBufferLength'], InputBufferLength);
      as.setU32(sp + S['Parameters.DeviceIoControl.IoControlCode'], code);
      const method = ioctlMethod(code);
      let ok = true;
      if (method === METHOD_BUFFERED) {
        const length = Math.max(InputBufferLength >>> 0, OutputBufferLength >>> 0);
        if (length > 0) ok = systemBuffer(irp, length, 0, OutputBuffer !== 0);
        if (ok && InputBuffer !== 0 && InputBufferLength > 0) as.copy(as.u32(irp + I['AssociatedIrp.SystemBuffer']), InputBuffer, InputBufferLength);
        as.setU32(irp + I.UserBuffer, OutputBuffer);
      } else if (method === METHOD_IN_DIRECT || method === METHOD_OUT_DIRECT) {
        if (InputBuffer !== 0 && InputBufferLength > 0) ok = systemBuffer(irp, InputBufferLength, InputBuffer, false);
        if (ok && OutputBuffer !== 0 && OutputBufferLength > 0) ok = lockedMdl(irp, OutputBuffer >>> 0, OutputBufferLength >>> 0, method === METHOD_OUT_DIRECT);
      } else if (method === METHOD_NEITHER) {
        as.setU32(sp + S['Parameters.DeviceIoControl.Type3InputBuffer'], InputBuffer);
        as.setU32(irp + I.UserBuffer, OutputBuffer);
      }
      if (!ok) {
        release(irp, false);
        return 0;
      }
      onCompletion(irp);
      return irp;
    },
    /**
     * IRP_MJ_READ, WRITE, FLUSH_BUFFERS, SHUTDOWN or PNP for DeviceObject, owned by the calling thread;
     * its completion sets Event. NULL for another major or without pool. PASSIVE_LEVEL.
     */
    IoBuildSynchronousFsdRequest(MajorFunction: number, DeviceObject: number, Buffer: number, Length: number, StartingOffset: number, Event: number, IoStatusBlock: number): number {
      return fsdRequest(MajorFunction, DeviceObject >>> 0, Buffer >>> 0, Length >>> 0, StartingOffset >>> 0, Event >>> 0, IoStatusBlock >>> 0, true);
    },
    /** As the synchronous one without an event or a thread; the caller's completion routine usually frees it. IRQL <= DISPATCH_LEVEL. */
    IoBuildAsynchronousFsdRequest(MajorFunction: number, DeviceObject: number, Buffer: number, Length: number, StartingOffset: number, IoStatusBlock: number): number {
      return fsdRequest(MajorFunction, DeviceObject >>> 0, Buffer >>> 0, Length >>> 0, StartingOffset >>> 0, 0, IoStatusBlock >>> 0, false);
    },
  };
}
