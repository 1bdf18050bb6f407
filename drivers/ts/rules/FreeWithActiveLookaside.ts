/**
 * FreeWithActiveLookaside (C twin drivers/c/rules/FreeWithActiveLookaside.c): a channel block carries the lookaside list its request contexts come
 * from. Closing the channel frees the block without deleting the list, which stays on the kernel's
 * list of lookaside lists, in freed pool.
 *
 * Driver Verifier (Miscellaneous checks), at the free: 0xC4 / 0xCC, Parameter 2 = the lookaside
 * list, 3 = the pool block, 4 = its size.
 */
import { DRIVER_OBJECT, NPAGED_LOOKASIDE_LIST, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const CONTEXT_SIZE = 0x30;
/** CHANNEL: the Requests count, then the lookaside list (8-byte aligned). */
const CH = { Requests: 0, Contexts: 8, Size: 8 + NPAGED_LOOKASIDE_LIST.size } as const;

let ddi: DriverApi;

function CloseChannel(channel: number): void {
  ddi.ExFreePoolWithTag(channel, TAG); // VIOLATION: its lookaside list was never deleted
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  const channel = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, CH.Size, TAG);
  if (channel === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.mem.setU32(channel + CH.Requests, 0);
  ddi.ExInitializeNPagedLookasideList(channel + CH.Contexts, 0, 0, 0, CONTEXT_SIZE, TAG, 0);
  ddi.DbgPrint(ddi.str('FreeWithActiveLookaside: block=%p list=%p\n'), channel, channel + CH.Contexts);
  const context = ddi.ExAllocateFromNPagedLookasideList(channel + CH.Contexts);
  if (context !== 0) {
    ddi.mem.setU32(channel + CH.Requests, ddi.mem.u32(channel + CH.Requests) + 1);
    ddi.ExFreeToNPagedLookasideList(channel + CH.Contexts, context);
  }
  CloseChannel(channel);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}
