/**
 * UserHandleReferencedAsKernel (C twin drivers/c/rules/UserHandleReferencedAsKernel.c): IOCTL_RULE_QUERY reads the service key in the context of the
 * requesting process. The key is opened without OBJ_KERNEL_HANDLE, so the handle goes in that
 * process's handle table, where the user can close or replace it; the driver then references it
 * with KernelMode, which skips the access check.
 *
 * Driver Verifier (Miscellaneous checks): 0xC4 / 0xF6, Parameter 2 = the handle, 3 = the current
 * process, 4 = the address of the driver's call.
 */
import {
  CTL_CODE, DRIVER_OBJECT, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, IO_NO_INCREMENT, IO_STACK_LOCATION, IRP_MJ, InitializeObjectAttributes, METHOD_BUFFERED, OBJ, OBJECT_ATTRIBUTES,
  POOL_TYPE, STATUS, UNICODE_STRING, IoGetCurrentIrpStackLocation, SetIoStatus, poolTag, type DriverApi,
} from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const IOCTL_RULE_QUERY = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x804, METHOD_BUFFERED, FILE_ANY_ACCESS);
const KEY_READ = 0x20019;
const KernelMode = 0;
const S = IO_STACK_LOCATION.off;
/** The service path: a UNICODE_STRING and its 160-character buffer; then the key handle, the object and the attributes. */
const B = { ServicePath: 0, PathBuffer: 8, Key: 8 + 320, Object: 8 + 324, Attributes: 8 + 328, Size: 8 + 328 + OBJECT_ATTRIBUTES.size } as const;

let ddi: DriverApi;
let device = 0;
let block = 0;

function QueryServiceKey(): number {
  InitializeObjectAttributes(ddi.mem, block + B.Attributes, block + B.ServicePath, OBJ.CASE_INSENSITIVE, 0, 0);
  let status = ddi.ZwOpenKey(block + B.Key, KEY_READ, block + B.Attributes);
  if (status !== STATUS.SUCCESS) return status;
  const key = ddi.mem.u32(block + B.Key);
  ddi.DbgPrint(ddi.str('UserHandleReferencedAsKernel: key=%p process=%p\n'), key, ddi.PsGetCurrentProcess());
  status = ddi.ObReferenceObjectByHandle(key, KEY_READ, 0, KernelMode, block + B.Object, 0); // VIOLATION: a user-table handle as KernelMode
  if (status === STATUS.SUCCESS) ddi.ObfDereferenceObject(ddi.mem.u32(block + B.Object));
  ddi.ZwClose(key);
  return status;
}

function Dispatch(_DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  let status: number = STATUS.SUCCESS;
  if (ddi.mem.u8(sp + S.MajorFunction) === IRP_MJ.DEVICE_CONTROL) {
    status = ddi.mem.u32(sp + S['Parameters.DeviceIoControl.IoControlCode']) === IOCTL_RULE_QUERY ? QueryServiceKey() : STATUS.INVALID_DEVICE_REQUEST;
  }
  SetIoStatus(ddi.mem, Irp, status, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

export function DriverEntry(DriverObject: number, RegistryPath: number, api: DriverApi): number {
  ddi = api;
  block = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, B.Size, TAG);
  if (block === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU16(block + B.ServicePath + UNICODE_STRING.off.Length, 0);
  ddi.mem.setU16(block + B.ServicePath + UNICODE_STRING.off.MaximumLength, 320);
  ddi.mem.setU32(block + B.ServicePath + UNICODE_STRING.off.Buffer, block + B.PathBuffer);
  ddi.RtlCopyUnicodeString(block + B.ServicePath, RegistryPath);
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 12, TAG);
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\UserHandleReferencedAsKernel'));
  const status = ddi.IoCreateDevice(DriverObject, 0, name, FILE_DEVICE_UNKNOWN, 0, 0, name + 8);
  device = ddi.mem.u32(name + 8);
  ddi.ExFreePoolWithTag(name, TAG);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(block, TAG);
    return status;
  }
  for (const mj of [IRP_MJ.CREATE, IRP_MJ.CLOSE, IRP_MJ.CLEANUP, IRP_MJ.DEVICE_CONTROL]) ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(Dispatch));
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  ddi.IoDeleteDevice(device);
  ddi.ExFreePoolWithTag(block, TAG);
}
