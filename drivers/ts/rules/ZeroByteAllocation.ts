/**
 * ZeroByteAllocation: the driver sizes a buffer from a count of records it was given (here, none)
 * and allocates it without checking for zero.
 *
 * Driver Verifier: 0xC4 / 0x00, Parameter 2 = the IRQL (0), 3 = the pool type (0x200,
 * NonPagedPoolNx), 4 = the size (0).
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const RECORD_SIZE = 0x18;

let ddi: DriverApi;
let table = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return LoadTable(0);
}

function LoadTable(records: number): number {
  table = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, records * RECORD_SIZE, TAG); // VIOLATION: zero bytes
  return table === 0 ? STATUS.INSUFFICIENT_RESOURCES : STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  if (table !== 0) ddi.ExFreePoolWithTag(table, TAG);
}
