/**
 * SpecialPoolUseAfterFree: DriverEntry opens an optional session with the version it was built for.
 * When the version does not match, the error path frees the session, and the trace at the common
 * exit then reads the freed session's state.
 *
 * Driver Verifier (special pool): 0xD5, Parameter 1 = the address read (the session + 4, its State),
 * 2 = 0 (a read), 3 = the address of the reading instruction, 4 = 0. Special pool keeps a freed
 * block's page out of use with no access, so the first touch after the free faults.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const SESSION_VERSION = 2;
const SESSION_OPEN = 1;
// SESSION: { ULONG Version; ULONG State; ULONG Requests; ULONG Reserved; }
const VERSION = 0;
const STATE = 4;
const SESSION_SIZE = 0x10;

let ddi: DriverApi;
let session = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  // The session is optional: the driver runs without one when it cannot open it.
  OpenSession(1);
  return STATUS.SUCCESS;
}

function OpenSession(version: number): number {
  const s = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, SESSION_SIZE, TAG);
  if (s === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.DbgPrint(ddi.str('SpecialPoolUseAfterFree: session=%p\n'), s);
  ddi.mem.fill(s, SESSION_SIZE, 0);
  ddi.mem.setU32(s + VERSION, version);
  ddi.mem.setU32(s + STATE, SESSION_OPEN);
  let status: number = STATUS.SUCCESS;
  if (version !== SESSION_VERSION) {
    ddi.ExFreePoolWithTag(s, TAG);
    status = STATUS.REVISION_MISMATCH;
  } else {
    session = s;
  }
  const state = ddi.mem.u32(s + STATE); // VIOLATION: the error path freed it
  ddi.DbgPrint(ddi.str('SpecialPoolUseAfterFree: session state %lu, status 0x%08lx\n'), state, status);
  return status;
}

function DriverUnload(_DriverObject: number): void {
  if (session !== 0) ddi.ExFreePoolWithTag(session, TAG);
}
