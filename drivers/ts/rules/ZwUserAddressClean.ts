/**
 * ZwUserAddressClean (C twin drivers/c/rules/ZwUserAddressClean.c): the clean twin of ZwUserAddress.
 * The handler probes the caller's buffer and copies it into pool (inside __try), and hands
 * ZwSetValueKey the copy.
 */
import {
  CTL_CODE, DRIVER_OBJECT, EXCEPTION_EXECUTE_HANDLER, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STACK_LOCATION, IRP_MJ, InitializeObjectAttributes, METHOD_NEITHER, OBJ,
  OBJECT_ATTRIBUTES, POOL_TYPE, STATUS, IoGetCurrentIrpStackLocation, SetIoStatus, poolTag, type DriverApi,
} from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const IOCTL_RULE_SAVE = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_NEITHER, FILE_ANY_ACCESS);
const KEY_READ = 0x20019;
const KEY_SET_VALUE = 0x2;
const REG_BINARY = 3;
const S = IO_STACK_LOCATION.off;

let ddi: DriverApi;
let device = 0;
/** The service key's handle, in nonpaged pool (ZwOpenKey writes it there). */
let serviceKey = 0;
/** L"Settings" as a UNICODE_STRING. */
let settingsName = 0;

function SaveSettings(sp: number): number {
  const input = ddi.mem.u32(sp + S['Parameters.DeviceIoControl.Type3InputBuffer']);
  const length = ddi.mem.u32(sp + S['Parameters.DeviceIoControl.InputBufferLength']);
  ddi.DbgPrint(ddi.str('ZwUserAddress: input=%p\n'), input);
  if (length === 0) return STATUS.INVALID_PARAMETER;
  const copy = ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, length, TAG);
  if (copy === 0) return STATUS.INSUFFICIENT_RESOURCES;
  let status = ddi.__try(
    (): number => {
      ddi.ProbeForRead(input, length, 1);
      for (let i = 0; i < length; i++) ddi.mem.setU8(copy + i, ddi.mem.u8(input + i));
      return STATUS.SUCCESS;
    },
    { except: EXCEPTION_EXECUTE_HANDLER, handler: (code) => code },
  );
  if (status === STATUS.SUCCESS) status = ddi.ZwSetValueKey(ddi.mem.u32(serviceKey), settingsName, 0, REG_BINARY, copy, length);
  ddi.ExFreePoolWithTag(copy, TAG);
  return status;
}

function Dispatch(_DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  let status: number = STATUS.SUCCESS;
  if (ddi.mem.u8(sp + S.MajorFunction) === IRP_MJ.DEVICE_CONTROL) {
    status = ddi.mem.u32(sp + S['Parameters.DeviceIoControl.IoControlCode']) === IOCTL_RULE_SAVE ? SaveSettings(sp) : STATUS.INVALID_DEVICE_REQUEST;
  }
  SetIoStatus(ddi.mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

export function DriverEntry(DriverObject: number, RegistryPath: number, api: DriverApi): number {
  ddi = api;
  // The key handle, the value's name, the device's name, the attributes and the device pointer, in one block.
  const block = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 0x40 + OBJECT_ATTRIBUTES.size, TAG);
  if (block === 0) return STATUS.INSUFFICIENT_RESOURCES;
  serviceKey = block;
  settingsName = block + 0x08;
  const deviceName = block + 0x10;
  const out = block + 0x18;
  const attributes = block + 0x40;
  ddi.RtlInitUnicodeString(settingsName, ddi.wstr('Settings'));
  ddi.RtlInitUnicodeString(deviceName, ddi.wstr('\\Device\\ZwUserAddressClean'));
  InitializeObjectAttributes(ddi.mem, attributes, RegistryPath, OBJ.CASE_INSENSITIVE | OBJ.KERNEL_HANDLE, 0, 0);
  let status = ddi.ZwOpenKey(serviceKey, KEY_READ | KEY_SET_VALUE, attributes);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(block, TAG);
    return status;
  }
  status = ddi.IoCreateDevice(DriverObject, 0, deviceName, FILE_DEVICE_UNKNOWN, 0, 0, out);
  device = ddi.mem.u32(out);
  if (status !== STATUS.SUCCESS) {
    ddi.ZwClose(ddi.mem.u32(serviceKey));
    ddi.ExFreePoolWithTag(block, TAG);
    return status;
  }
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.DEVICE_CONTROL]) ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.IoDeleteDevice(device);
  ddi.ZwClose(ddi.mem.u32(serviceKey));
  ddi.ExFreePoolWithTag(serviceKey, TAG);
}
