/**
 * PoolUseAfterFreeKasan: DriverEntry flushes its device with an IRP of its own (IoAllocateIrp, a
 * completion routine that keeps the IRP, IoCallDriver), frees the IRP when the call returns, and then
 * returns the status the freed IRP holds.
 *
 * The IRP is the I/O manager's allocation (ordinary nonpaged pool, not special pool), so Driver
 * Verifier's options do not see the read. The pool's redzones do: IoFreeIrp poisons the freed block
 * (shadow 0xFD), and the read gets what Windows' KASAN reports: 0x1F2, Parameter 1 = the address read
 * (the IRP + 0x18, IoStatus.Status), 2 = 4 (the size), 3 = the address of the reading instruction,
 * 4 = 0xFD.
 */
import {
  DEVICE_OBJECT,
  DRIVER_OBJECT,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  NT_SUCCESS,
  POOL_TYPE,
  STATUS,
  IoGetNextIrpStackLocation,
  IoSetCompletionRoutine,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** STATUS_MORE_PROCESSING_REQUIRED (ntstatus.h; not in the TypeScript STATUS table). */
const MORE_PROCESSING_REQUIRED = 0xc0000016;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\PoolUseAfterFreeKasan'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  let status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const device = ddi.mem.u32(out);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) return status;
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.FLUSH_BUFFERS]) {
    ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  }
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  status = FlushDevice(device);
  if (!NT_SUCCESS(status)) ddi.IoDeleteDevice(device);
  return status;
}

/** The IRP is the driver's own: it stays with the driver after completion. */
function FlushDone(_DeviceObject: number, _Irp: number, _Context: number): number {
  return MORE_PROCESSING_REQUIRED;
}

function FlushDevice(device: number): number {
  const irp = ddi.IoAllocateIrp(ddi.mem.u8(device + DEVICE_OBJECT.off.StackSize), 0);
  if (irp === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.DbgPrint(ddi.str('PoolUseAfterFreeKasan: irp=%p\n'), irp);
  ddi.mem.setU32(irp + IRP.off['IoStatus.Status'], STATUS.NOT_SUPPORTED);
  const next = IoGetNextIrpStackLocation(ddi.mem, irp);
  ddi.mem.setU8(next + IO_STACK_LOCATION.off.MajorFunction, IRP_MJ.FLUSH_BUFFERS);
  IoSetCompletionRoutine(ddi.mem, irp, ddi.addressOf(FlushDone), 0, true, true, true);
  ddi.IofCallDriver(device, irp);
  ddi.IoFreeIrp(irp);
  return ddi.mem.u32(irp + IRP.off['IoStatus.Status']); // VIOLATION: IoFreeIrp freed the IRP
}

function Dispatch(_DeviceObject: number, Irp: number): number {
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}

function DriverUnload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
}
