/**
 * PnpResources: a WDM function driver for a device with hardware resources (`dv run --resources
 * mem:BASE:LEN,irq:N[,port:BASE:LEN]`). START is forwarded to the bus first; on the way back up the
 * driver walks the translated CM_RESOURCE_LIST, maps its register block (MmMapIoSpace), notes its
 * port and connects its interrupt line-based on the PDO (IoConnectInterruptEx). Its one IOCTL rings
 * the device's doorbell (a nonzero write to register 0 of the simulated device raises its line); the
 * ISR acknowledges the device at DIRQL and queues the DPC, which runs at DISPATCH_LEVEL; the IOCTL
 * returns the two counts and the two IRQLs. REMOVE disconnects, unmaps, detaches and deletes.
 */
import {
  CM_FULL_RESOURCE_DESCRIPTOR,
  CM_PARTIAL_RESOURCE_DESCRIPTOR,
  CM_PARTIAL_RESOURCE_LIST,
  CM_RESOURCE_LIST,
  CM_RESOURCE_TYPE,
  CONNECT_VERSION,
  CTL_CODE,
  DEVICE_OBJECT,
  DO,
  DRIVER_EXTENSION,
  DRIVER_OBJECT,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  IO_CONNECT_INTERRUPT_PARAMETERS,
  IO_DISCONNECT_INTERRUPT_PARAMETERS,
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  IRP_MN_PNP,
  METHOD_BUFFERED,
  NT_SUCCESS,
  POOL_TYPE,
  STATUS,
  IoGetCurrentIrpStackLocation,
  IoSkipCurrentIrpStackLocation,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

export const IOCTL_PNPRESOURCES_RING = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS);

const TAG = poolTag('PnpR');
const D = CM_PARTIAL_RESOURCE_DESCRIPTOR.off;

/** Device extension: the stack, what START found, and what the ISR and DPC saw. */
const EXT = { LOWER: 0, PDO: 4, REGS: 8, REGS_LENGTH: 12, PORT: 16, INTERRUPT: 20, ISRS: 24, DPCS: 28, ISR_IRQL: 32, DPC_IRQL: 36 } as const;
const EXT_SIZE = 40;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const mem = ddi.mem;
  mem.setU32(mem.u32(DriverObject + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, ddi.addressOf(AddDevice));
  const mj = (major: number, fn: (d: number, i: number) => number) => mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * major, ddi.addressOf(fn));
  mj(IRP_MJ.CREATE, DispatchCreateClose);
  mj(IRP_MJ.CLOSE, DispatchCreateClose);
  mj(IRP_MJ.DEVICE_CONTROL, DispatchDeviceControl);
  mj(IRP_MJ.PNP, DispatchPnp);
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}

function AddDevice(DriverObject: number, PhysicalDeviceObject: number): number {
  const mem = ddi.mem;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8 + 4, TAG);
  if (name === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\PnpResources'));
  const status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, name, FILE_DEVICE_UNKNOWN, 0, 0, name + 8);
  const fdo = mem.u32(name + 8);
  ddi.ExFreePoolWithTag(name, TAG);
  if (!NT_SUCCESS(status)) return status;
  const ext = mem.u32(fdo + DEVICE_OBJECT.off.DeviceExtension);
  mem.fill(ext, EXT_SIZE, 0);
  const lower = ddi.IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (lower === 0) {
    ddi.IoDeleteDevice(fdo);
    return STATUS.NO_SUCH_DEVICE;
  }
  mem.setU32(ext + EXT.LOWER, lower);
  mem.setU32(ext + EXT.PDO, PhysicalDeviceObject);
  ddi.KeInitializeDpc(fdo + DEVICE_OBJECT.off.Dpc!, ddi.addressOf(DpcForIsr), fdo);
  mem.setU32(fdo + DEVICE_OBJECT.off.Flags, (mem.u32(fdo + DEVICE_OBJECT.off.Flags) | DO.BUFFERED_IO) & ~DO.DEVICE_INITIALIZING);
  return STATUS.SUCCESS;
}

function Complete(Irp: number, status: number, information: number): number {
  SetIoStatus(ddi.mem, Irp, status, information);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** The translated resources: map the registers, note the port, connect the interrupt on the PDO. */
function StartHardware(DeviceObject: number, ext: number, translated: number): number {
  const mem = ddi.mem;
  if (translated === 0 || mem.u32(translated + CM_RESOURCE_LIST.off.Count!) === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const partial = translated + CM_RESOURCE_LIST.off.List! + CM_FULL_RESOURCE_DESCRIPTOR.off.PartialResourceList!;
  let interrupt = false;
  for (let i = 0; i < mem.u32(partial + CM_PARTIAL_RESOURCE_LIST.off.Count!); i++) {
    const d = partial + CM_PARTIAL_RESOURCE_LIST.off.PartialDescriptors! + i * CM_PARTIAL_RESOURCE_DESCRIPTOR.size;
    const type = mem.u8(d + D.Type!);
    if (type === CM_RESOURCE_TYPE.CmResourceTypeMemory && mem.u32(ext + EXT.REGS) === 0) {
      const length = mem.u32(d + D['u.Memory.Length']!);
      const start = (BigInt(mem.u32(d + D['u.Memory.Start.HighPart']!)) << 32n) | BigInt(mem.u32(d + D['u.Memory.Start.LowPart']!));
      const va = ddi.MmMapIoSpace(start, length, 0);
      if (va === 0) return STATUS.INSUFFICIENT_RESOURCES;
      mem.setU32(ext + EXT.REGS, va);
      mem.setU32(ext + EXT.REGS_LENGTH, length);
    } else if (type === CM_RESOURCE_TYPE.CmResourceTypePort) {
      mem.setU32(ext + EXT.PORT, mem.u32(d + D['u.Port.Start.LowPart']!));
    } else if (type === CM_RESOURCE_TYPE.CmResourceTypeInterrupt) {
      interrupt = true;
    }
  }
  if (mem.u32(ext + EXT.REGS) === 0 || !interrupt) return STATUS.INSUFFICIENT_RESOURCES;
  const P = IO_CONNECT_INTERRUPT_PARAMETERS.off;
  const p = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, IO_CONNECT_INTERRUPT_PARAMETERS.size, TAG);
  if (p === 0) return STATUS.INSUFFICIENT_RESOURCES;
  mem.fill(p, IO_CONNECT_INTERRUPT_PARAMETERS.size, 0);
  mem.setU32(p + P.Version!, CONNECT_VERSION.LINE_BASED);
  mem.setU32(p + P['LineBased.PhysicalDeviceObject']!, mem.u32(ext + EXT.PDO));
  mem.setU32(p + P['LineBased.InterruptObject']!, ext + EXT.INTERRUPT);
  mem.setU32(p + P['LineBased.ServiceRoutine']!, ddi.addressOf(Isr));
  mem.setU32(p + P['LineBased.ServiceContext']!, DeviceObject);
  const status = ddi.IoConnectInterruptEx(p);
  ddi.ExFreePoolWithTag(p, TAG);
  return status;
}

function StopHardware(ext: number): void {
  const mem = ddi.mem;
  if (mem.u32(ext + EXT.INTERRUPT) !== 0) {
    const p = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, IO_DISCONNECT_INTERRUPT_PARAMETERS.size, TAG);
    if (p !== 0) {
      mem.setU32(p + IO_DISCONNECT_INTERRUPT_PARAMETERS.off.Version!, CONNECT_VERSION.LINE_BASED);
      mem.setU32(p + IO_DISCONNECT_INTERRUPT_PARAMETERS.off.ConnectionContext!, mem.u32(ext + EXT.INTERRUPT));
      ddi.IoDisconnectInterruptEx(p);
      ddi.ExFreePoolWithTag(p, TAG);
      mem.setU32(ext + EXT.INTERRUPT, 0);
    }
  }
  if (mem.u32(ext + EXT.REGS) !== 0) {
    ddi.MmUnmapIoSpace(mem.u32(ext + EXT.REGS), mem.u32(ext + EXT.REGS_LENGTH));
    mem.setU32(ext + EXT.REGS, 0);
  }
}

function Isr(_Interrupt: number, DeviceObject: number): number {
  const mem = ddi.mem;
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  const regs = mem.u32(ext + EXT.REGS);
  // Not ours unless the doorbell is set (the line may be shared): acknowledge it, the rest at DISPATCH_LEVEL.
  if (ddi.READ_REGISTER_ULONG(regs) === 0) return 0;
  ddi.WRITE_REGISTER_ULONG(regs, 0);
  mem.setU32(ext + EXT.ISRS, mem.u32(ext + EXT.ISRS) + 1);
  mem.setU32(ext + EXT.ISR_IRQL, ddi.KeGetCurrentIrql());
  ddi.KeInsertQueueDpc(DeviceObject + DEVICE_OBJECT.off.Dpc!, 0, 0);
  return 1;
}

function DpcForIsr(_Dpc: number, DeviceObject: number): void {
  const mem = ddi.mem;
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  mem.setU32(ext + EXT.DPCS, mem.u32(ext + EXT.DPCS) + 1);
  mem.setU32(ext + EXT.DPC_IRQL, ddi.KeGetCurrentIrql());
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  const lower = mem.u32(ext + EXT.LOWER);
  switch (mem.u8(sp + IO_STACK_LOCATION.off.MinorFunction)) {
    case IRP_MN_PNP.START_DEVICE: {
      // The bus starts the device first; the function driver starts on the way back up.
      ddi.IoForwardIrpSynchronously(lower, Irp);
      let status = mem.u32(Irp + IRP.off['IoStatus.Status']);
      if (NT_SUCCESS(status) && mem.u32(ext + EXT.INTERRUPT) === 0) {
        status = StartHardware(DeviceObject, ext, mem.u32(sp + IO_STACK_LOCATION.off['Parameters.StartDevice.AllocatedResourcesTranslated']));
        if (!NT_SUCCESS(status)) StopHardware(ext);
      }
      return Complete(Irp, status, 0);
    }
    case IRP_MN_PNP.REMOVE_DEVICE: {
      StopHardware(ext);
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      IoSkipCurrentIrpStackLocation(mem, Irp);
      const status = ddi.IofCallDriver(lower, Irp);
      ddi.IoDetachDevice(lower);
      ddi.IoDeleteDevice(DeviceObject);
      return status;
    }
    case IRP_MN_PNP.QUERY_REMOVE_DEVICE:
    case IRP_MN_PNP.QUERY_STOP_DEVICE:
    case IRP_MN_PNP.STOP_DEVICE:
    case IRP_MN_PNP.CANCEL_STOP_DEVICE:
    case IRP_MN_PNP.CANCEL_REMOVE_DEVICE:
    case IRP_MN_PNP.SURPRISE_REMOVAL:
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      break;
  }
  IoSkipCurrentIrpStackLocation(mem, Irp);
  return ddi.IofCallDriver(lower, Irp);
}

function DispatchCreateClose(_DeviceObject: number, Irp: number): number {
  return Complete(Irp, STATUS.SUCCESS, 0);
}

/** IOCTL_PNPRESOURCES_RING: ring the doorbell; out: ISR count, DPC count, ISR IRQL, DPC IRQL (ULONGs). */
function DispatchDeviceControl(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  const P = IO_STACK_LOCATION.off;
  if (mem.u32(sp + P['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_PNPRESOURCES_RING) return Complete(Irp, STATUS.INVALID_DEVICE_REQUEST, 0);
  if (mem.u32(sp + P['Parameters.DeviceIoControl.OutputBufferLength']) < 16) return Complete(Irp, STATUS.BUFFER_TOO_SMALL, 0);
  if (mem.u32(ext + EXT.INTERRUPT) === 0) return Complete(Irp, STATUS.DEVICE_NOT_READY, 0);
  ddi.WRITE_REGISTER_ULONG(mem.u32(ext + EXT.REGS), 1);
  const out = mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']);
  [EXT.ISRS, EXT.DPCS, EXT.ISR_IRQL, EXT.DPC_IRQL].forEach((at, i) => mem.setU32(out + 4 * i, mem.u32(ext + at)));
  return Complete(Irp, STATUS.SUCCESS, 16);
}
