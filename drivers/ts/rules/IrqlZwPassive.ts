/**
 * IrqlZwPassive: the driver keeps its service key open while it is loaded and guards the handle
 * with a fast mutex. CloseServiceKey() closes the handle while it holds the mutex, at APC_LEVEL;
 * ZwClose, like the Zw registry routines, may be called at PASSIVE_LEVEL only.
 *
 * Driver Verifier (DDI compliance checking): 0xC4 / 0x2001F, Parameter 2 = the text of the
 * violated condition, 3 and 4 = 0.
 */
import { DRIVER_OBJECT, FAST_MUTEX, InitializeObjectAttributes, OBJ, OBJECT_ATTRIBUTES, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const KEY_READ = 0x20019;
const CTX_MUTEX = 0;
const CTX_KEY = FAST_MUTEX.size;
const CTX_ATTRIBUTES = CTX_KEY + 4;
const CTX_SIZE = CTX_ATTRIBUTES + OBJECT_ATTRIBUTES.size;

let ddi: DriverApi;
let context = 0;

export function DriverEntry(DriverObject: number, RegistryPath: number, api: DriverApi): number {
  ddi = api;
  context = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CTX_SIZE, TAG);
  if (context === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.ExInitializeFastMutex(context + CTX_MUTEX);
  InitializeObjectAttributes(ddi.mem, context + CTX_ATTRIBUTES, RegistryPath, OBJ.CASE_INSENSITIVE | OBJ.KERNEL_HANDLE, 0, 0);
  const status = ddi.ZwOpenKey(context + CTX_KEY, KEY_READ, context + CTX_ATTRIBUTES);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(context, TAG);
    return status;
  }
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.DbgPrint(ddi.str('IrqlZwPassive: key=%p\n'), ddi.mem.u32(context + CTX_KEY));
  return STATUS.SUCCESS;
}

function CloseServiceKey(): void {
  ddi.ExAcquireFastMutex(context + CTX_MUTEX);
  const key = ddi.mem.u32(context + CTX_KEY);
  if (key !== 0) {
    ddi.ZwClose(key); // VIOLATION: at APC_LEVEL, under the fast mutex
    ddi.mem.setU32(context + CTX_KEY, 0);
  }
  ddi.ExReleaseFastMutex(context + CTX_MUTEX);
}

function DriverUnload(_DriverObject: number): void {
  CloseServiceKey();
  ddi.ExFreePoolWithTag(context, TAG);
}
