/**
 * NullPointerAccess: IOCTL_RULE_SET_VALUE { ULONG Key; ULONG Value; } stores a value in the setting
 * the key names. The lookup returns NULL for a key the driver does not know, and the driver writes
 * through the pointer without checking it.
 * `dv run drivers/ts/rules/NullPointerAccess.ts --ioctl 0x222004:0700000055000000` sends key 7.
 *
 * The write at NULL + 4 (SETTING.Value) is an access violation: STATUS_ACCESS_VIOLATION, which a
 * __try/__except around it would take (IOCTL_RULE_SET_VALUE_GUARDED does: the request fails with
 * 0xC0000005). Unhandled, in the requesting thread: 0x1E KMODE_EXCEPTION_NOT_HANDLED, Parameter 1 =
 * 0xC0000005, 2 = the address of the writing instruction, 3 = 1 (a write), 4 = the address written (4).
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
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\NullPointerAccess'));
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
  ddi.DbgPrint(ddi.str('NullPointerAccess: setting=%p\n'), setting);
  ddi.mem.setU32(setting + VALUE, ddi.mem.u32(input + VALUE)); // VIOLATION: the lookup failed and returned NULL
  return STATUS.SUCCESS;
}

/** The same unchecked write inside __try: the access violation fails the request. */
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
