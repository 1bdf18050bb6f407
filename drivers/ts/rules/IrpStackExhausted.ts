/**
 * IrpStackExhausted: the upper device serves each request by sending the lower device an internal device control
 * on an IRP of its own, and keeps a stack location of that IRP for itself (IoSetNextIrpStackLocation)
 * to hold the original request. It allocates only as many locations as the lower device's stack needs,
 * so the location it takes leaves none for the lower device.
 * `dv run drivers/ts/rules/IrpStackExhausted.ts --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x208, Parameter 2 = the call site of IoCallDriver,
 * 3 = the IRP, 4 = 0. Without the option: 0x35 NO_MORE_IRP_STACK_LOCATIONS.
 * The frame (devices, create/close, unload) is the one every I/O verification sample has
 * (drivers/c/rules/IoRule.h in C); Control is the dispatch routine of device controls.
 */
import { CTL_CODE, DEVICE_OBJECT, DRIVER_OBJECT, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STACK_LOCATION, IRP, IRP_MJ, KEVENT, METHOD_BUFFERED, POOL_TYPE, STATUS, IoGetCurrentIrpStackLocation, IoGetNextIrpStackLocation, IoSetCompletionRoutine, SetIoStatus, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** The spin lock, an OldIrql byte and scratch, in one nonpaged block. */
const CTX = { Lock: 0, OldIrql: 8, Scratch: 0x10, Size: 0x40 } as const;

let ddi: DriverApi;
/** The named device; with a stack, the device attached above it (0 otherwise). */
let Lower = 0;
let Upper = 0;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX.Size, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.KeInitializeSpinLock(context + CTX.Lock);
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\Device\IrpStackExhausted'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  let status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  Lower = ddi.mem.u32(out);
  if (status === STATUS.SUCCESS) {
    status = ddi.IoCreateDevice(DriverObject, 0, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
    if (status === STATUS.SUCCESS) {
      Upper = ddi.mem.u32(out);
      ddi.IoAttachDeviceToDeviceStack(Upper, Lower);
    } else {
      ddi.IoDeleteDevice(Lower);
    }
  }
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(context, TAG);
    return status;
  }
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP]) ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(CompleteOther));
  for (const mj of [IRP_MJ.DEVICE_CONTROL, IRP_MJ.INTERNAL_DEVICE_CONTROL]) ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Control));
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function CompleteOther(_DeviceObject: number, Irp: number): number {
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  if (Upper !== 0) {
    ddi.IoDetachDevice(Lower);
    ddi.IoDeleteDevice(Upper);
  }
  ddi.IoDeleteDevice(Lower);
  ddi.ExFreePoolWithTag(context, TAG);
}

/** The lower device serves a request at once. */
function Serve(Irp: number): number {
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}


const IOCTL_RULE_SUBMIT = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);

/** IoSetNextIrpStackLocation (wdm.h): the caller takes the next location as its own. */
function SetNextIrpStackLocation(Irp: number): void {
  const mem = ddi.mem;
  mem.setU8(Irp + IRP.off.CurrentLocation, mem.u8(Irp + IRP.off.CurrentLocation) - 1);
  mem.setU32(Irp + IRP.off['Tail.CurrentStackLocation'], IoGetNextIrpStackLocation(mem, Irp));
}

/** The request is ours: signal the waiter and keep it (it is freed after the wait). */
function Done(_DeviceObject: number, _Irp: number, Context: number): number {
  ddi.KeSetEvent(Context, IO_NO_INCREMENT, 0);
  return STATUS.MORE_PROCESSING_REQUIRED;
}

function Control(DeviceObject: number, Irp: number): number {
  if (DeviceObject === Lower) return Serve(Irp);
  const mem = ddi.mem;
  const S = IO_STACK_LOCATION.off;
  let status: number = STATUS.INSUFFICIENT_RESOURCES;
  const request = ddi.IoAllocateIrp(mem.u8(Lower + DEVICE_OBJECT.off.StackSize), 0);
  const event = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, KEVENT.size, TAG);
  if (request !== 0 && event !== 0) {
    ddi.KeInitializeEvent(event, 0, 0);
    // A location of its own, holding the original request.
    SetNextIrpStackLocation(request);
    mem.setU32(IoGetCurrentIrpStackLocation(mem, request) + S['Parameters.Others.Argument1'], Irp);
    SetIoStatus(mem, request, STATUS.NOT_SUPPORTED, 0);
    const next = IoGetNextIrpStackLocation(mem, request);
    mem.setU8(next + S.MajorFunction, IRP_MJ.INTERNAL_DEVICE_CONTROL);
    mem.setU32(next + S['Parameters.DeviceIoControl.IoControlCode'], IOCTL_RULE_SUBMIT);
    mem.setU32(next + S['Parameters.DeviceIoControl.InputBufferLength'], 0);
    mem.setU32(next + S['Parameters.DeviceIoControl.OutputBufferLength'], 0);
    IoSetCompletionRoutine(mem, request, ddi.addressOf(Done), event, true, true, true);
    ddi.DbgPrint(ddi.str('IrpStackExhausted: irp=%p\n'), request);
    if (ddi.IofCallDriver(Lower, request) === STATUS.PENDING) ddi.KeWaitForSingleObject(event, 0, 0, 0, 0); // VIOLATION: no location left for the lower device
    status = mem.u32(request + IRP.off['IoStatus.Status']);
  }
  if (request !== 0) ddi.IoFreeIrp(request);
  if (event !== 0) ddi.ExFreePoolWithTag(event, TAG);
  SetIoStatus(mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}
