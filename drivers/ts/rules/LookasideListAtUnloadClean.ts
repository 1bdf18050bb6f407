/** LookasideListAtUnloadClean: the lookaside list is deleted before the device that holds it. */
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
  InitializeContexts(ext);
  const context = ddi.ExAllocateFromNPagedLookasideList(ext + EXT_LOOKASIDE);
  if (context !== 0) ddi.ExFreeToNPagedLookasideList(ext + EXT_LOOKASIDE, context);
  return STATUS.SUCCESS;
}

function InitializeContexts(ext: number): void {
  ddi.ExInitializeNPagedLookasideList(ext + EXT_LOOKASIDE, 0, 0, 0, CONTEXT_SIZE, TAG, 0);
}

function DriverUnload(DriverObject: number): void {
  const device = ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject);
  ddi.ExDeleteNPagedLookasideList(ddi.mem.u32(device + DEVICE_OBJECT.off.DeviceExtension) + EXT_LOOKASIDE);
  ddi.IoDeleteDevice(device);
}
