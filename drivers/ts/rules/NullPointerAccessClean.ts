/**
 * NullPointerAccessClean: the same settings request; an unknown key fails it with
 * STATUS_INVALID_PARAMETER instead of being written through.
 */
import {
  CTL_CODE,
  DRIVER_OBJECT,
  EXCEPTION_EXECUTE_HANDLER,
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

export const IOCTL_RULE_SET_VALUE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);
export const IOCTL_RULE_SET_VALUE_GUARDED = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS);
const TAG = poolTag('Rule');
// SETTING: { ULONG Key; ULONG Value; }; SET_VALUE_INPUT the same.
const KEY = 0;
const VALUE = 4;
const SETTING_SIZE = 8;
const KEYS = [1, 2, 3];

let ddi: DriverApi;
let settings = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  settings = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, KEYS.length * SETTING_SIZE, TAG);
  if (settings === 0) return STATUS.INSUFFICIENT_RESOURCES;
  KEYS.forEach((key, i) => {
    ddi.mem.setU32(settings + i * SETTING_SIZE + KEY, key);
    ddi.mem.setU32(settings + i * SETTING_SIZE + VALUE, 0);
  });
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\NullPointerAccessClean'));
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  const status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(settings, TAG);
    return status;
  }
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.DEVICE_CONTROL]) {
    ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  }
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function FindSetting(key: number): number {
  for (let i = 0; i < KEYS.length; i++) {
    if (ddi.mem.u32(settings + i * SETTING_SIZE + KEY) === key) return settings + i * SETTING_SIZE;
  }
  return 0;
}

function SetValue(input: number): number {
  const setting = FindSetting(ddi.mem.u32(input + KEY));
  if (setting === 0) return STATUS.INVALID_PARAMETER;
  ddi.mem.setU32(setting + VALUE, ddi.mem.u32(input + VALUE));
  return STATUS.SUCCESS;
}

/** The same write inside __try (nothing to take here: the NULL is checked). */
function SetValueGuarded(input: number): number {
  return ddi.__try(() => SetValue(input), { except: EXCEPTION_EXECUTE_HANDLER, handler: (code) => code });
}

function Dispatch(_DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  const P = IO_STACK_LOCATION.off;
  let status: number = STATUS.SUCCESS;
  if (ddi.mem.u8(sp + P.MajorFunction) === IRP_MJ.DEVICE_CONTROL) {
    const code = ddi.mem.u32(sp + P['Parameters.DeviceIoControl.IoControlCode']);
    const input = ddi.mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']);
    if (code !== IOCTL_RULE_SET_VALUE && code !== IOCTL_RULE_SET_VALUE_GUARDED) status = STATUS.INVALID_DEVICE_REQUEST;
    else if (ddi.mem.u32(sp + P['Parameters.DeviceIoControl.InputBufferLength']) < SETTING_SIZE) status = STATUS.INVALID_PARAMETER;
    else status = code === IOCTL_RULE_SET_VALUE ? SetValue(input) : SetValueGuarded(input);
  }
  SetIoStatus(ddi.mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function DriverUnload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
  ddi.ExFreePoolWithTag(settings, TAG);
}
