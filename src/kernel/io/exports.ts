/** I/O manager DDIs. */
import { IO_WORKITEM } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

export function ioExports(k: Kernel) {
  const io = k.io;
  const completeRequest = (Irp: number, _PriorityBoost: number): void => io.completeRequest(Irp >>> 0);
  const callDriver = (DeviceObject: number, Irp: number): number => io.callDriver(DeviceObject >>> 0, Irp >>> 0);
  return {
    /** IoCreateDevice; *DeviceObject receives the new device. PASSIVE_LEVEL. */
    IoCreateDevice(DriverObject: number, DeviceExtensionSize: number, DeviceName: number, DeviceType: number, DeviceCharacteristics: number, _Exclusive: number, DeviceObject: number): number {
      const name = DeviceName === 0 ? undefined : io.readUnicodeString(DeviceName);
      const [status, device] = io.createDevice(DriverObject, DeviceExtensionSize, name, DeviceType, DeviceCharacteristics);
      k.as.setU32(DeviceObject, device);
      return status;
    },
    IoDeleteDevice(DeviceObject: number): void {
      io.deleteDevice(DeviceObject >>> 0);
    },
    IoCreateSymbolicLink(SymbolicLinkName: number, DeviceName: number): number {
      const ok = k.ob.createLink(io.readUnicodeString(SymbolicLinkName), io.readUnicodeString(DeviceName));
      return ok ? STATUS.SUCCESS : STATUS.OBJECT_NAME_COLLISION;
    },
    IoDeleteSymbolicLink(SymbolicLinkName: number): number {
      return k.ob.removeName(io.readUnicodeString(SymbolicLinkName)) ? STATUS.SUCCESS : STATUS.OBJECT_NAME_NOT_FOUND;
    },
    IofCompleteRequest: completeRequest,
    IoCompleteRequest: completeRequest,
    IofCallDriver: callDriver,
    IoCallDriver: callDriver,
    IoAllocateIrp(StackSize: number, _ChargeQuota: number): number {
      return io.allocateIrp(StackSize);
    },
    IoFreeIrp(Irp: number): void {
      io.freeIrp(Irp >>> 0);
    },
    IoSizeOfIrp(StackSize: number): number {
      return io.irpSize(StackSize);
    },
    IoInitializeIrp(Irp: number, PacketSize: number, StackSize: number): void {
      io.initializeIrp(Irp >>> 0, PacketSize, StackSize);
    },
    IoAllocateMdl(VirtualAddress: number, Length: number, SecondaryBuffer: number, _ChargeQuota: number, Irp: number): number {
      return io.mdl.allocateMdl(VirtualAddress >>> 0, Length >>> 0, SecondaryBuffer !== 0, Irp >>> 0);
    },
    IoFreeMdl(Mdl: number): void {
      io.mdl.releaseMdl(Mdl >>> 0);
      k.pool.free(Mdl >>> 0, 0);
    },
    /** Describe part of SourceMdl's buffer in TargetMdl (Length 0: from VirtualAddress to its end). */
    IoBuildPartialMdl(SourceMdl: number, TargetMdl: number, VirtualAddress: number, Length: number): void {
      io.mdl.buildPartialMdl(SourceMdl >>> 0, TargetMdl >>> 0, VirtualAddress >>> 0, Length >>> 0);
    },
    /** The device gets IRP_MJ_SHUTDOWN when the system shuts down (it is referenced until unregistered). */
    IoRegisterShutdownNotification(DeviceObject: number): number {
      io.registerShutdownNotification(DeviceObject >>> 0);
      return STATUS.SUCCESS;
    },
    IoUnregisterShutdownNotification(DeviceObject: number): void {
      io.unregisterShutdownNotification(DeviceObject >>> 0);
    },
    IoAllocateWorkItem(DeviceObject: number): number {
      return io.allocateWorkItem(DeviceObject >>> 0);
    },
    IoFreeWorkItem(IoWorkItem: number): void {
      k.pool.free(IoWorkItem >>> 0, 0);
    },
    IoSizeofWorkItem(): number {
      return IO_WORKITEM.size;
    },
    IoInitializeWorkItem(IoObject: number, IoWorkItem: number): void {
      io.initializeWorkItem(IoObject >>> 0, IoWorkItem >>> 0);
    },
    IoUninitializeWorkItem(_IoWorkItem: number): void {},
    IoQueueWorkItem(IoWorkItem: number, WorkerRoutine: number, _QueueType: number, Context: number): void {
      io.queueWorkItem(IoWorkItem >>> 0, WorkerRoutine >>> 0, Context >>> 0);
    },
    IoGetCurrentProcess(): number {
      return k.currentThread.process.address;
    },
  };
}
