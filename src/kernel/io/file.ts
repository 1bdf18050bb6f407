/**
 * The user-mode request path: NtCreateFile on a device name makes a FILE_OBJECT and sends
 * IRP_MJ_CREATE; NtDeviceIoControlFile, NtReadFile and NtWriteFile build the IRP for the transfer
 * method (buffered, direct, neither) as the I/O manager does, send it and wait for its completion;
 * NtClose sends CLEANUP, and the file object's last reference CLOSE.
 */
import { DO, IO_TYPE, IRP_FLAG, IRP_MJ, METHOD_BUFFERED, METHOD_IN_DIRECT, METHOD_NEITHER, METHOD_OUT_DIRECT, MDL, ioctlMethod } from '../../nt/io.ts';
import { DEVICE_OBJECT, FILE_OBJECT, IO_STACK_LOCATION, IRP } from '../../nt/layout.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { SimulatorError } from '../errors.ts';
import { TAG } from '../tags.ts';
import type { IoResult } from './iomgr.ts';
import { waitForIrp } from './pending-wait.ts';

/** `IRP_MJ_READ`, by code. */
const majorName = (major: number) => `IRP_MJ_${Object.entries(IRP_MJ).find(([, v]) => v === major)?.[0] ?? major.toString(16)}`;
import { checkCallerBuffers, freeUserBuffer, placeUserBuffer, RacingWriter, type CallerBuffers, type UserBuffer } from './caller-buffers.ts';

const DEV = DEVICE_OBJECT.off;
const I = IRP.off;
const S = IO_STACK_LOCATION.off;
const F = FILE_OBJECT.off;

/** The system services' frames above IopSynchronousServiceTail (frozen: withFrames looks them up once). */
const DEVICE_IO_CONTROL_FRAMES = Object.freeze(['NtDeviceIoControlFile', 'IopXxxControlFile']);
const READ_FRAMES = Object.freeze(['NtReadFile']);
const WRITE_FRAMES = Object.freeze(['NtWriteFile']);
/** `frames` then IopSynchronousServiceTail, one frozen list per service (made once). */
const tails = new WeakMap<readonly string[], readonly string[]>();
function serviceTail(frames: readonly string[]): readonly string[] {
  let t = tails.get(frames);
  if (t === undefined) {
    t = [...frames, 'IopSynchronousServiceTail'];
    if (Object.isFrozen(frames)) tails.set(frames, (t = Object.freeze(t)));
  }
  return t;
}

/** No output bytes (shared: a caller never writes an IoResult's output). */
const NO_OUTPUT: Uint8Array = new Uint8Array(0);

/** A request the I/O manager could not build for want of pool. */
const INSUFFICIENT_RESOURCES: IoResult = Object.freeze({ status: STATUS.INSUFFICIENT_RESOURCES, information: 0, output: new Uint8Array(0) });

export class FileRequests {
  constructor(private readonly k: Kernel) {}


  /**
   * NtCreateFile on a device name: a FILE_OBJECT and IRP_MJ_CREATE, from user mode (1) or kernel mode
   * (0: IoGetDeviceObjectPointer). The file object's delete procedure sends IRP_MJ_CLOSE, when its
   * last reference goes (after NtClose, or the ObDereferenceObject of a kernel caller).
   */
  openDevice(name: string, requestorMode: 0 | 1 = 1): { status: number; file: number } {
    const { device, rest } = this.parseDeviceName(name);
    if (device === undefined) return { status: STATUS.OBJECT_NAME_NOT_FOUND, file: 0 };
    const target = this.k.io.topOfStack(device);
    const file = this.k.tryAllocateKernelObject(FILE_OBJECT.size, TAG.File);
    if (file === 0) return { status: STATUS.INSUFFICIENT_RESOURCES, file: 0 };
    const as = this.k.as;
    as.setU16(file + F.Type, IO_TYPE.FILE);
    as.setU16(file + F.Size, FILE_OBJECT.size);
    as.setU32(file + F.DeviceObject, device);
    // The name below the device (\\.\X\name.log): the FileName the driver's IRP_MJ_CREATE sees; empty for the device itself.
    const fileName = rest === '' ? 0 : this.k.tryAllocateKernelObject(2 * rest.length, TAG.File);
    if (rest !== '' && fileName === 0) {
      this.k.freeKernelObject(file);
      return { status: STATUS.INSUFFICIENT_RESOURCES, file: 0 };
    }
    if (fileName !== 0) as.writeUtf16(fileName, rest);
    as.setU16(file + F['FileName.Length'], fileName === 0 ? 0 : 2 * rest.length);
    as.setU16(file + F['FileName.MaximumLength'], fileName === 0 ? 0 : 2 * rest.length);
    as.setU32(file + F['FileName.Buffer'], fileName);
    this.k.ob.create(file, 'File', () => this.deleteFile(file));
    this.k.ob.reference(device);
    const r = this.sendSimple(target, file, IRP_MJ.CREATE, ['NtCreateFile', 'IopParseDevice'], requestorMode);
    if (!NT_SUCCESS(r.status)) {
      this.k.ob.dereference(file);
      return { status: r.status, file: 0 };
    }
    this.openFiles.set(file, requestorMode);
    return { status: r.status, file };
  }

  /** Files whose IRP_MJ_CREATE succeeded (they get IRP_MJ_CLOSE), with the mode that opened them. */
  private readonly openFiles = new Map<number, 0 | 1>();

  /** IopDeleteFile: IRP_MJ_CLOSE for a file that was opened, then the file object goes. */
  private deleteFile(file: number): void {
    const device = this.k.as.u32(file + F.DeviceObject);
    const mode = this.openFiles.get(file);
    if (mode !== undefined) {
      this.openFiles.delete(file);
      this.sendSimple(this.k.io.topOfStack(device), file, IRP_MJ.CLOSE, ['IopDeleteFile'], mode);
    }
    this.k.ob.dereference(device);
    const fileName = this.k.as.u32(file + F['FileName.Buffer']);
    if (fileName !== 0) this.k.freeKernelObject(fileName);
    this.k.freeKernelObject(file);
  }

  /**
   * IopParseDevice's split of a name: the device it names (through symbolic links), and the rest of the
   * name below it (`\\name.log`, '' for the device itself). No device: `device` undefined.
   */
  private parseDeviceName(name: string): { device: number | undefined; rest: string } {
    for (let end = name.length; end > 0; end = name.lastIndexOf('\\', end - 1)) {
      const device = this.k.ob.lookup(name.slice(0, end));
      if (device !== undefined) return { device: this.k.ob.kindOf(device) === 'Device' ? device : undefined, rest: name.slice(end) };
    }
    return { device: undefined, rest: '' };
  }

  /** NtClose on the last handle: IRP_MJ_CLEANUP, then the handle's reference goes (IRP_MJ_CLOSE if it was the last). */
  closeFile(file: number): void {
    this.k.withFrames(['NtClose'], () => {
      this.cleanupFile(file);
      this.k.ob.dereference(file);
    });
  }

  /** IRP_MJ_CLEANUP: the last handle to the file is closed (the object may stay referenced). */
  cleanupFile(file: number): void {
    const target = this.k.io.topOfStack(this.k.as.u32(file + F.DeviceObject));
    this.sendSimple(target, file, IRP_MJ.CLEANUP, ['IopCloseFile'], this.openFiles.get(file) ?? 1);
  }


  private sendSimple(device: number, file: number, major: number, frames: readonly string[], requestorMode: 0 | 1): IoResult {
    const irp = this.buildIrp(device, file, major, requestorMode);
    // Pool exhausted: the request fails before the driver sees it (a close is then never sent).
    if (irp === 0) return INSUFFICIENT_RESOURCES;
    this.send(device, irp, frames);
    return this.retire(irp, NO_OUTPUT);
  }

  private buildIrp(device: number, file: number, major: number, requestorMode: 0 | 1 = 1): number {
    const stackSize = this.k.as.u8(device + DEV.StackSize);
    const irp = this.k.io.allocateIrp(stackSize);
    if (irp === 0) return 0;
    const as = this.k.as;
    as.setU32(irp + I['Tail.Thread'], this.k.currentThread.address);
    as.setU32(irp + I['Tail.OriginalFileObject'], file);
    as.setU8(irp + I.RequestorMode, requestorMode);
    const sp = this.k.io.nextStackLocation(irp);
    as.setU8(sp + S.MajorFunction, major);
    as.setU32(sp + S.FileObject, file);
    return irp;
  }

  /**
   * Send an IRP down and wait for it (a synchronous request). Then the caller copies output back as
   * the I/O manager does for the method, and retires it. (Two steps, not a callback: no closure per request.)
   */
  private send(device: number, irp: number, frames: readonly string[]): void {
    const k = this.k;
    const depth = k.stacks.pushFrames(k.frameAddressesOf(serviceTail(frames)));
    let status: number;
    try {
      status = k.io.callDriver(device, irp);
    } finally {
      k.stacks.popFrames(depth);
    }
    if (!k.io.isCompleted(irp)) {
      if (status !== STATUS.PENDING) {
        throw new SimulatorError(`the driver returned 0x${status.toString(16)} without completing IRP ${irp.toString(16)} or returning STATUS_PENDING`);
      }
      this.waitForCompletion(irp);
    }
  }

  /** The request's result: its IoStatus with `output`; the IRP is freed and queued work runs. */
  private retire(irp: number, output: Uint8Array): IoResult {
    const as = this.k.as;
    const status = as.u32(irp + I['IoStatus.Status']);
    const information = as.u32(irp + I['IoStatus.Information']);
    this.k.io.freeIrp(irp);
    this.k.dispatcher.runUntilIdle();
    return { status, information, output };
  }

  private waitForCompletion(irp: number): void {
    waitForIrp(this.k, irp, majorName(this.k.as.u8(this.k.io.currentStackLocation(irp) + S.MajorFunction)));
  }

  /** NtDeviceIoControlFile: build the IRP for the code's transfer method, send it, copy results back. */
  /**
   * `outputInit` is what the caller's output buffer holds before the call: for METHOD_IN_DIRECT the
   * device reads that buffer (it is input despite its name). `caller` is what else the caller does:
   * lengths beyond its buffers, bad pointers, a racing writer (caller-buffers.ts).
   */
  deviceIoControl(file: number, code: number, input: Uint8Array, outputLength: number, outputInit?: Uint8Array, caller?: CallerBuffers): IoResult {
    const as = this.k.as;
    const method = ioctlMethod(code);
    // The caller's buffers live in user space.
    const userIn = placeUserBuffer(this.k, input.length, caller?.inputLength ?? input.length, caller?.inputPointer);
    if (userIn.base) as.write(userIn.va, input);
    const outputSize = caller?.outputSize ?? outputLength;
    const userOut = placeUserBuffer(this.k, outputSize, outputLength, caller?.outputPointer);
    if (userOut.base && outputInit) as.write(userOut.va, outputInit.subarray(0, Math.min(outputLength, outputSize)));
    // Well-formed buffers (no caller lies) pass the I/O manager's probes by construction.
    const lengths = caller ? checkCallerBuffers(this.k, method, userIn, caller.inputLength ?? input.length, userOut, outputLength) : { inputLength: input.length, outputLength, fault: false };
    // The I/O manager's probe or copy of the caller's buffers faulted: the service returns the exception's code.
    if (lengths.fault) {
      this.freeUserBuffers(userIn, userOut);
      return { status: STATUS.ACCESS_VIOLATION, information: 0, output: NO_OUTPUT };
    }
    const inLength = lengths.inputLength;
    outputLength = lengths.outputLength;
    const device = this.k.io.topOfStack(as.u32(file + F.DeviceObject));
    const irp = this.buildIrp(device, file, IRP_MJ.DEVICE_CONTROL);
    if (irp === 0) {
      this.freeUserBuffers(userIn, userOut);
      return INSUFFICIENT_RESOURCES;
    }
    const sp = this.k.io.nextStackLocation(irp);
    as.setU32(sp + S['Parameters.DeviceIoControl.OutputBufferLength'], outputLength);
    as.setU32(sp + S['Parameters.DeviceIoControl.InputBufferLength'], inLength);
    as.setU32(sp + S['Parameters.DeviceIoControl.IoControlCode'], code);

    let systemBuffer = 0;
    // The I/O manager's own buffers: without them the request fails as NtDeviceIoControlFile does.
    let ok = true;
    if (method === METHOD_BUFFERED) {
      const len = Math.max(inLength, outputLength);
      if (len > 0) {
        systemBuffer = this.k.tryAllocateKernelObject(len, TAG.SystemBuffer);
        ok = systemBuffer !== 0;
        if (ok && inLength > 0) as.copy(systemBuffer, userIn.va, inLength);
      }
      if (ok) as.setU32(irp + I['AssociatedIrp.SystemBuffer'], systemBuffer);
    } else if (method === METHOD_IN_DIRECT || method === METHOD_OUT_DIRECT) {
      if (inLength > 0) {
        systemBuffer = this.k.tryAllocateKernelObject(inLength, TAG.SystemBuffer);
        ok = systemBuffer !== 0;
        if (ok) {
          as.copy(systemBuffer, userIn.va, inLength);
          as.setU32(irp + I['AssociatedIrp.SystemBuffer'], systemBuffer);
        }
      }
      if (ok && outputLength > 0 && userOut.va !== 0) {
        const mdl = this.k.io.mdl.allocateMdl(userOut.va, outputLength, false, irp);
        ok = mdl !== 0;
        if (ok) this.k.io.mdl.probeAndLockPages(mdl, method === METHOD_OUT_DIRECT);
      }
    } else if (method === METHOD_NEITHER) {
      as.setU32(sp + S['Parameters.DeviceIoControl.Type3InputBuffer'], userIn.va);
      as.setU32(irp + I.UserBuffer, userOut.va);
    }
    if (!ok) {
      if (systemBuffer) this.k.freeKernelObject(systemBuffer);
      this.k.io.freeIrp(irp);
      this.freeUserBuffers(userIn, userOut);
      return INSUFFICIENT_RESOURCES;
    }
    // The caller's other thread, armed while the request runs.
    if (caller?.race && userIn.base) this.race = new RacingWriter(this.k, userIn, input.length, caller.race);
    try {
      this.send(device, irp, DEVICE_IO_CONTROL_FRAMES);
    } finally {
      this.race = undefined;
    }
    const n = Math.min(as.u32(irp + I['IoStatus.Information']), outputLength);
    let output: Uint8Array = NO_OUTPUT;
    if (method === METHOD_BUFFERED) {
      if (n > 0 && systemBuffer) output = as.read(systemBuffer, n);
    } else if (userOut.base && n > 0) {
      output = as.read(userOut.va, Math.min(n, outputSize));
    }
    this.k.io.mdl.freeIrpMdls(irp);
    if (systemBuffer) this.k.freeKernelObject(systemBuffer);
    const result = this.retire(irp, output);
    this.freeUserBuffers(userIn, userOut);
    return result;
  }

  /** The caller's racing writer while its request runs (the loader's import boundary tells it of each DDI call). */
  race: RacingWriter | undefined;

  /** The caller's two buffers go: the upper (output) first, so each goes straight back to the region's tail (the same pages either way). */
  private freeUserBuffers(input: UserBuffer, output: UserBuffer): void {
    freeUserBuffer(this.k, output);
    freeUserBuffer(this.k, input);
  }

  /**
   * NtReadFile / NtWriteFile from user mode: the caller's buffer is in user space, and the device's
   * Flags choose how the driver sees it: DO_BUFFERED_IO a system buffer (copied in for a write, out
   * for a read), DO_DIRECT_IO a locked MDL, neither flag the user address itself (Irp->UserBuffer).
   * A read's output is the Information bytes the caller's buffer holds afterwards.
   */
  readWrite(file: number, major: typeof IRP_MJ.READ | typeof IRP_MJ.WRITE, length: number, data?: Uint8Array): IoResult {
    const as = this.k.as;
    const device = this.k.io.topOfStack(as.u32(file + F.DeviceObject));
    const irp = this.buildIrp(device, file, major);
    if (irp === 0) return INSUFFICIENT_RESOURCES;
    const read = major === IRP_MJ.READ;
    const sp = this.k.io.nextStackLocation(irp);
    as.setU32(sp + S['Parameters.Read.Length'], length);
    as.setU64(sp + S['Parameters.Read.ByteOffset'], 0n);
    as.setU32(irp + I.Flags, read ? IRP_FLAG.READ_OPERATION : IRP_FLAG.WRITE_OPERATION);
    const user = length > 0 ? this.k.allocateUser(length) : 0;
    if (user && data) as.write(user, data.subarray(0, length));
    const flags = as.u32(device + DEV.Flags);
    let systemBuffer = 0;
    let ok = true;
    if (flags & DO.BUFFERED_IO) {
      if (length > 0) {
        systemBuffer = this.k.tryAllocateKernelObject(length, TAG.SystemBuffer);
        ok = systemBuffer !== 0;
        if (ok) {
          if (!read) as.copy(systemBuffer, user, length);
          as.setU32(irp + I['AssociatedIrp.SystemBuffer'], systemBuffer);
          as.setU32(irp + I.Flags, as.u32(irp + I.Flags) | IRP_FLAG.BUFFERED_IO | IRP_FLAG.DEALLOCATE_BUFFER | (read ? IRP_FLAG.INPUT_OPERATION : 0));
        }
      }
      if (ok) as.setU32(irp + I.UserBuffer, user);
    } else if (flags & DO.DIRECT_IO) {
      if (length > 0) {
        const mdl = this.k.io.mdl.allocateMdl(user, length, false, irp);
        ok = mdl !== 0;
        if (ok) this.k.io.mdl.probeAndLockPages(mdl, read);
      }
    } else {
      as.setU32(irp + I.UserBuffer, user);
    }
    if (!ok) {
      if (systemBuffer) this.k.freeKernelObject(systemBuffer);
      this.k.io.freeIrp(irp);
      if (user) this.k.freeUser(user, length);
      return INSUFFICIENT_RESOURCES;
    }
    this.send(device, irp, read ? READ_FRAMES : WRITE_FRAMES);
    const n = Math.min(as.u32(irp + I['IoStatus.Information']), length);
    if (read && systemBuffer && n > 0 && NT_SUCCESS(as.u32(irp + I['IoStatus.Status']))) as.copy(user, systemBuffer, n);
    this.k.io.mdl.freeIrpMdls(irp);
    if (systemBuffer) this.k.freeKernelObject(systemBuffer);
    const result = this.retire(irp, read && user && n > 0 ? as.read(user, n) : NO_OUTPUT);
    if (user) this.k.freeUser(user, length);
    return result;
  }
}
