/** ZeroByteAllocationClean: an empty table needs no buffer; the driver allocates only for one or more records. */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const RECORD_SIZE = 0x18;

let ddi: DriverApi;
let table = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  const status = LoadTable(0);
  return status === STATUS.SUCCESS ? LoadTable(3) : status;
}

function LoadTable(records: number): number {
  if (table !== 0) ddi.ExFreePoolWithTag(table, TAG);
  table = 0;
  if (records === 0) return STATUS.SUCCESS;
  table = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, records * RECORD_SIZE, TAG);
  return table === 0 ? STATUS.INSUFFICIENT_RESOURCES : STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  if (table !== 0) ddi.ExFreePoolWithTag(table, TAG);
}
