/**
 * PagedPoolAtDispatch: IOCTL_RULE_SET_LIMIT { ULONG Channel; ULONG Limit; } sets a channel's limit.
 * The channel table is shared with the driver's DPC, so the lookup and the update are done under its
 * spin lock, as they should be; but DriverEntry put the table in paged pool, which may be paged out
 * when the lock holder touches it. On a machine with memory to spare the page is usually resident and
 * the bug hides; Force IRQL checking trims pageable memory whenever IRQL is raised, so it shows at once.
 * `dv run drivers/ts/rules/PagedPoolAtDispatch.ts --ioctl 0x222004:0200000040000000` sets channel 2.
 *
 * 0xD1 DRIVER_IRQL_NOT_LESS_OR_EQUAL: Parameter 1 = the paged address read (the first channel's
 * Number), 2 = the IRQL (2), 3 = 0 (a read), 4 = the address of the reading instruction.
 */
import {
  CTL_CODE,
  DRIVER_OBJECT,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  METHOD_BUFFERED,
  POOL_TYPE,
  STATUS,
  IoGetCurrentIrpStackLocation,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

export const IOCTL_RULE_SET_LIMIT = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
const TAG = poolTag('Rule');
// CHANNEL: { ULONG Number; ULONG Limit; }; SET_LIMIT_INPUT: { ULONG Channel; ULONG Limit; }.
const NUMBER = 0;
const LIMIT = 4;
const CHANNEL_SIZE = 8;
const NUMBERS = [1, 2, 3];
// The driver's context (nonpaged): the channel lock and the IRQL it saves. The channel table is apart.
const CTX_LOCK = 0;
const CTX_OLD_IRQL = 4;
const CTX_SIZE = 8;

let ddi: DriverApi;
let context = 0;
let channels = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  channels = ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, NUMBERS.length * CHANNEL_SIZE, TAG);
  if (channels === 0) {
    ddi.ExFreePoolWithTag(context, TAG);
    return STATUS.INSUFFICIENT_RESOURCES;
  }
  ddi.DbgPrint(ddi.str('PagedPoolAtDispatch: channels=%p\n'), channels);
  NUMBERS.forEach((number, i) => {
    ddi.mem.setU32(channels + i * CHANNEL_SIZE + NUMBER, number);
    ddi.mem.setU32(channels + i * CHANNEL_SIZE + LIMIT, 0x10);
  });
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\PagedPoolAtDispatch'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  const status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(channels, TAG);
    ddi.ExFreePoolWithTag(context, TAG);
    return status;
  }
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.DEVICE_CONTROL]) {
    ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  }
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function FindChannel(number: number): number {
  for (let i = 0; i < NUMBERS.length; i++) {
    const channel = channels + i * CHANNEL_SIZE;
    if (ddi.mem.u32(channel + NUMBER) === number) return channel; // VIOLATION: paged pool read under a spin lock
  }
  return 0;
}

function SetLimit(input: number): number {
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_OLD_IRQL);
  const channel = FindChannel(ddi.mem.u32(input + NUMBER));
  let status: number = STATUS.INVALID_PARAMETER;
  if (channel !== 0) {
    ddi.mem.setU32(channel + LIMIT, ddi.mem.u32(input + LIMIT));
    status = STATUS.SUCCESS;
  }
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL));
  return status;
}

function Dispatch(_DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  const P = IO_STACK_LOCATION.off;
  let status: number = STATUS.SUCCESS;
  if (ddi.mem.u8(sp + P.MajorFunction) === IRP_MJ.DEVICE_CONTROL) {
    if (ddi.mem.u32(sp + P['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_RULE_SET_LIMIT) status = STATUS.INVALID_DEVICE_REQUEST;
    else if (ddi.mem.u32(sp + P['Parameters.DeviceIoControl.InputBufferLength']) < CHANNEL_SIZE) status = STATUS.INVALID_PARAMETER;
    else status = SetLimit(ddi.mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']));
  }
  SetIoStatus(ddi.mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function DriverUnload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
  ddi.ExFreePoolWithTag(channels, TAG);
  ddi.ExFreePoolWithTag(context, TAG);
}
