/**
 * BadAccessAtDispatch: IOCTL_RULE_SET_LIMIT { ULONG Channel; ULONG Limit; } sets a channel's limit.
 * The channel table is shared with the driver's DPC, so the lookup and the update are done under its
 * spin lock, as they should be; but the lookup returns NULL for a channel the driver does not have,
 * and the driver writes through it unchecked.
 * `dv run drivers/ts/rules/BadAccessAtDispatch.ts --ioctl 0x222004:0900000040000000` sends channel 9.
 *
 * At DISPATCH_LEVEL no page fault can be taken, so the bad write is not an access violation but
 * 0xD1 DRIVER_IRQL_NOT_LESS_OR_EQUAL: Parameter 1 = the address written (NULL + 4, CHANNEL.Limit),
 * 2 = the IRQL (2), 3 = 1 (a write), 4 = the address of the writing instruction.
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
// The driver's context: the channel lock, the IRQL it saves, then the channel table.
const CTX_LOCK = 0;
const CTX_OLD_IRQL = 4;
const CTX_CHANNELS = 8;
const CTX_SIZE = CTX_CHANNELS + NUMBERS.length * CHANNEL_SIZE;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.KeInitializeSpinLock(context + CTX_LOCK);
  NUMBERS.forEach((number, i) => {
    ddi.mem.setU32(context + CTX_CHANNELS + i * CHANNEL_SIZE + NUMBER, number);
    ddi.mem.setU32(context + CTX_CHANNELS + i * CHANNEL_SIZE + LIMIT, 0x10);
  });
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\BadAccessAtDispatch'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  const status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) {
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
    const channel = context + CTX_CHANNELS + i * CHANNEL_SIZE;
    if (ddi.mem.u32(channel + NUMBER) === number) return channel;
  }
  return 0;
}

function SetLimit(input: number): number {
  ddi.KeAcquireSpinLock(context + CTX_LOCK, context + CTX_OLD_IRQL);
  const channel = FindChannel(ddi.mem.u32(input + NUMBER));
  ddi.DbgPrint(ddi.str('BadAccessAtDispatch: channel=%p\n'), channel);
  ddi.mem.setU32(channel + LIMIT, ddi.mem.u32(input + LIMIT)); // VIOLATION: no such channel: NULL, written at DISPATCH_LEVEL
  ddi.KeReleaseSpinLock(context + CTX_LOCK, ddi.mem.u8(context + CTX_OLD_IRQL));
  return STATUS.SUCCESS;
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
  ddi.ExFreePoolWithTag(context, TAG);
}
