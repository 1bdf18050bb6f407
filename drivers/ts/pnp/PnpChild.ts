/**
 * PnpChild: the function driver of PnpBus's children (dv run PnpBus.ts --child-driver
 * PnpBus\PnpChild=PnpChild.ts). AddDevice attaches an unnamed FDO above the child's PDO. On
 * START_DEVICE, once the bus has started the child, it asks its PDO for the bus interface
 * (IRP_MN_QUERY_INTERFACE, an IRP of its own: the bus-interface pattern) and learns its child index
 * through it; REMOVE_DEVICE dereferences the interface, passes the IRP down, detaches and deletes the
 * FDO. Every other PnP IRP goes down untouched. DbgPrint names each IRP, so a run shows the order.
 */
import {
  DEVICE_OBJECT,
  DO,
  DRIVER_EXTENSION,
  DRIVER_OBJECT,
  FILE_DEVICE_UNKNOWN,
  INTERFACE,
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  IRP_MN_PNP,
  KEVENT,
  NT_SUCCESS,
  POOL_TYPE,
  STATUS,
  IoGetCurrentIrpStackLocation,
  IoGetNextIrpStackLocation,
  IoSetCompletionRoutine,
  IoSkipCurrentIrpStackLocation,
  SetIoStatus,
  pnpMinorName,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';
import { GUID_PNPBUS_INTERFACE, PNPBUS_INTERFACE_SIZE, PNPBUS_INTERFACE_VERSION } from './PnpBusInterface.ts';

const TAG = poolTag('PChd');

// The FDO's extension: the device below, the bus interface (PNPBUS_INTERFACE_SIZE bytes) once START got it.
const EXT_LOWER = 0;
const EXT_HAS_INTERFACE = 4;
const EXT_INTERFACE = 8;
const EXT_SIZE = EXT_INTERFACE + PNPBUS_INTERFACE_SIZE;

/** What the child index is before the interface told it. */
const UNKNOWN = 0xffffffff;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const mem = ddi.mem;
  mem.setU32(mem.u32(DriverObject + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, ddi.addressOf(AddDevice));
  mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * IRP_MJ.PNP, ddi.addressOf(DispatchPnp));
  mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * IRP_MJ.POWER, ddi.addressOf(DispatchPower));
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.DbgPrint(ddi.str('PnpChild: DriverEntry\n'));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.DbgPrint(ddi.str('PnpChild: DriverUnload\n'));
}

const extOf = (device: number) => ddi.mem.u32(device + DEVICE_OBJECT.off.DeviceExtension);

function AddDevice(DriverObject: number, PhysicalDeviceObject: number): number {
  const mem = ddi.mem;
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  if (out === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const fdo = mem.u32(out);
  ddi.ExFreePoolWithTag(out, TAG);
  if (!NT_SUCCESS(status)) return status;
  const ext = extOf(fdo);
  for (let i = 0; i < EXT_SIZE; i += 4) mem.setU32(ext + i, 0);
  const lower = ddi.IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (lower === 0) {
    ddi.IoDeleteDevice(fdo);
    return STATUS.NO_SUCH_DEVICE;
  }
  mem.setU32(ext + EXT_LOWER, lower);
  mem.setU32(fdo + DEVICE_OBJECT.off.Flags, mem.u32(fdo + DEVICE_OBJECT.off.Flags) & ~DO.DEVICE_INITIALIZING);
  ddi.DbgPrint(ddi.str('PnpChild: AddDevice\n'));
  return STATUS.SUCCESS;
}

/** The child's index, through the bus interface (GetChildIndex follows the INTERFACE header). */
function ChildIndex(ext: number): number {
  const mem = ddi.mem;
  if (!mem.u32(ext + EXT_HAS_INTERFACE)) return UNKNOWN;
  const get = ddi.routine(mem.u32(ext + EXT_INTERFACE + INTERFACE.size));
  return (get(mem.u32(ext + EXT_INTERFACE + INTERFACE.off.Context)) as number) >>> 0;
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = extOf(DeviceObject);
  const minor = mem.u8(IoGetCurrentIrpStackLocation(mem, Irp) + IO_STACK_LOCATION.off.MinorFunction);
  const index = ChildIndex(ext);
  ddi.DbgPrint(ddi.str(`PnpChild${index === UNKNOWN ? '' : ` ${index}`}: ${pnpMinorName(minor)}\n`));
  const lower = mem.u32(ext + EXT_LOWER);
  switch (minor) {
    case IRP_MN_PNP.START_DEVICE: {
      ddi.IoForwardIrpSynchronously(lower, Irp);
      const status = mem.u32(Irp + IRP.off['IoStatus.Status']);
      if (NT_SUCCESS(status) && !mem.u32(ext + EXT_HAS_INTERFACE)) QueryBusInterface(ext, lower);
      SetIoStatus(mem, Irp, status, 0);
      ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
      return status;
    }
    case IRP_MN_PNP.REMOVE_DEVICE: {
      if (mem.u32(ext + EXT_HAS_INTERFACE)) {
        ddi.routine(mem.u32(ext + EXT_INTERFACE + INTERFACE.off.InterfaceDereference))(mem.u32(ext + EXT_INTERFACE + INTERFACE.off.Context));
        mem.setU32(ext + EXT_HAS_INTERFACE, 0);
      }
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      IoSkipCurrentIrpStackLocation(mem, Irp);
      const result = ddi.IofCallDriver(lower, Irp);
      ddi.IoDetachDevice(lower);
      ddi.IoDeleteDevice(DeviceObject);
      return result;
    }
    case IRP_MN_PNP.QUERY_REMOVE_DEVICE:
    case IRP_MN_PNP.CANCEL_REMOVE_DEVICE:
    case IRP_MN_PNP.SURPRISE_REMOVAL:
    case IRP_MN_PNP.QUERY_STOP_DEVICE:
    case IRP_MN_PNP.STOP_DEVICE:
    case IRP_MN_PNP.CANCEL_STOP_DEVICE:
      SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
      break;
    default:
      break;
  }
  IoSkipCurrentIrpStackLocation(mem, Irp);
  return ddi.IofCallDriver(lower, Irp);
}

/** IRP_MN_QUERY_INTERFACE for the bus interface, sent to the PDO and waited for. */
function QueryBusInterface(ext: number, lower: number): void {
  const mem = ddi.mem;
  const irp = ddi.IoAllocateIrp(mem.u8(lower + DEVICE_OBJECT.off.StackSize), 0);
  const block = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, KEVENT.size + 16, TAG);
  if (irp === 0 || block === 0) {
    if (irp !== 0) ddi.IoFreeIrp(irp);
    if (block !== 0) ddi.ExFreePoolWithTag(block, TAG);
    return;
  }
  const event = block;
  const guid = block + KEVENT.size;
  GUID_PNPBUS_INTERFACE.forEach((b, i) => mem.setU8(guid + i, b));
  ddi.KeInitializeEvent(event, 0, 0);
  // Whoever sends a PnP IRP starts it STATUS_NOT_SUPPORTED.
  SetIoStatus(mem, irp, STATUS.NOT_SUPPORTED, 0);
  const sp = IoGetNextIrpStackLocation(mem, irp);
  const P = IO_STACK_LOCATION.off;
  mem.setU8(sp + P.MajorFunction, IRP_MJ.PNP);
  mem.setU8(sp + P.MinorFunction, IRP_MN_PNP.QUERY_INTERFACE);
  mem.setU32(sp + P['Parameters.QueryInterface.InterfaceType'], guid);
  mem.setU16(sp + P['Parameters.QueryInterface.Size'], PNPBUS_INTERFACE_SIZE);
  mem.setU16(sp + P['Parameters.QueryInterface.Version'], PNPBUS_INTERFACE_VERSION);
  mem.setU32(sp + P['Parameters.QueryInterface.Interface'], ext + EXT_INTERFACE);
  mem.setU32(sp + P['Parameters.QueryInterface.InterfaceSpecificData'], 0);
  IoSetCompletionRoutine(mem, irp, ddi.addressOf(QueryInterfaceDone), event, true, true, true);
  if (ddi.IofCallDriver(lower, irp) === STATUS.PENDING) ddi.KeWaitForSingleObject(event, 0, 0, 0, 0);
  if (NT_SUCCESS(mem.u32(irp + IRP.off['IoStatus.Status']))) mem.setU32(ext + EXT_HAS_INTERFACE, 1);
  ddi.IoFreeIrp(irp);
  ddi.ExFreePoolWithTag(block, TAG);
}

/** The IRP is ours: signal the waiter and keep it (it is freed after the wait). */
function QueryInterfaceDone(_DeviceObject: number, _Irp: number, Context: number): number {
  ddi.KeSetEvent(Context, 0, 0);
  return STATUS.MORE_PROCESSING_REQUIRED;
}

function DispatchPower(DeviceObject: number, Irp: number): number {
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.IofCallDriver(ddi.mem.u32(extOf(DeviceObject) + EXT_LOWER), Irp);
}
