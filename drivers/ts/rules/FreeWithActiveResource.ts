/**
 * FreeWithActiveResource (C twin drivers/c/rules/FreeWithActiveResource.c): a context block carries the ERESOURCE that guards it. The teardown frees
 * the block without deleting the resource first, so the kernel's list of resources keeps a pointer
 * into freed pool.
 *
 * Driver Verifier (Miscellaneous checks), at the free: 0xC4 / 0xD2, Parameter 2 = the ERESOURCE,
 * 3 = the pool block, 4 = its size.
 */
import { DRIVER_OBJECT, ERESOURCE, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
/** CONTEXT_BLOCK: the Generation, then the ERESOURCE. */
const C = { Generation: 0, Lock: 8, Size: 8 + ERESOURCE.size } as const;

let ddi: DriverApi;

function FreeContext(ctx: number): void {
  ddi.ExFreePoolWithTag(ctx, TAG); // VIOLATION: the ERESOURCE in it was never deleted
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  const ctx = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, C.Size, TAG);
  if (ctx === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.ExInitializeResourceLite(ctx + C.Lock);
  ddi.DbgPrint(ddi.str('FreeWithActiveResource: block=%p resource=%p\n'), ctx, ctx + C.Lock);
  ddi.KeEnterCriticalRegion();
  ddi.ExAcquireResourceExclusiveLite(ctx + C.Lock, 1);
  ddi.mem.setU32(ctx + C.Generation, ddi.mem.u32(ctx + C.Generation) + 1);
  ddi.ExReleaseResourceLite(ctx + C.Lock);
  ddi.KeLeaveCriticalRegion();
  FreeContext(ctx);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}
