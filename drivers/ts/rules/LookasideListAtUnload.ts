/**
 * LookasideListAtUnload: request contexts come from a nonpaged lookaside list in the device
 * extension. DriverUnload deletes the device (the extension's memory goes with it) but never
 * deletes the list, which stays on the kernel's list of lookaside lists, in freed memory.
 *
 * Driver Verifier, right after DriverUnload: 0xC4 / 0xCC, Parameter 2 = the lookaside list,
 * 3 = the memory that held it (the device object's allocation), 4 = that memory's size.
 */
import { DEVICE_OBJECT, DRIVER_OBJECT, FILE_DEVICE_UNKNOWN, NPAGED_LOOKASIDE_LIST, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const CONTEXT_SIZE = 0x30;
const EXT_LOOKASIDE = 0;
const EXT_SIZE = NPAGED_LOOKASIDE_LIST.size;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  const status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const device = ddi.mem.u32(out);
  ddi.ExFreePoolWithTag(out, TAG);
  if (status !== STATUS.SUCCESS) return status;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  const ext = ddi.mem.u32(device + DEVICE_OBJECT.off.DeviceExtension);
  ddi.DbgPrint(ddi.str('LookasideListAtUnload: device=%p list=%p\n'), device, ext + EXT_LOOKASIDE);
  InitializeContexts(ext);
  const context = ddi.ExAllocateFromNPagedLookasideList(ext + EXT_LOOKASIDE);
  if (context !== 0) ddi.ExFreeToNPagedLookasideList(ext + EXT_LOOKASIDE, context);
  return STATUS.SUCCESS;
}

function InitializeContexts(ext: number): void {
  ddi.ExInitializeNPagedLookasideList(ext + EXT_LOOKASIDE, 0, 0, 0, CONTEXT_SIZE, TAG, 0); // VIOLATION: never deleted
}

function DriverUnload(DriverObject: number): void {
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
}
