/**
 * MustSucceedAllocation: the driver asks for NonPagedPoolMustSucceed "so it never has to handle a
 * failure". Such requests are never allowed.
 *
 * Driver Verifier: 0xC4 / 0x03, Parameter 2 = the IRQL (0), 3 = the pool type (2,
 * NonPagedPoolMustSucceed), 4 = the size (0x40).
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const STATE_SIZE = 0x40;

let ddi: DriverApi;
let state = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  state = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolMustSucceed, STATE_SIZE, TAG); // VIOLATION: must-succeed pool
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {
  if (state !== 0) ddi.ExFreePoolWithTag(state, TAG);
}
