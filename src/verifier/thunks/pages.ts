/**
 * Pool tracking of the pages a driver takes from the memory manager: MmAllocatePagesForMdl(Ex) (the
 * MDL, which the driver frees with ExFreePool, and its pages, which MmFreePagesFromMdl gives back),
 * MmAllocateContiguousMemory(SpecifyCache) and MmAllocateNonCachedMemory. Each is a tracked
 * allocation of the driver (Windows Vista and later track them), so one left at unload counts in
 * 0xC4/0x62 with the driver's pool, and `!verifier 3` lists it with the call that made it.
 */
import { MDL_LAYOUT } from '../../nt/layout.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { TAG } from '../../kernel/tags.ts';
import { countAllocation } from '../stats.ts';
import { VF } from '../flags.ts';
import type { AnyFn, ThunkFactory, ThunkSet, VerifierContext } from '../context.ts';
import type { AllocationKind } from '../driver-entry.ts';
import { thunkFrame, thunkRoutines } from './frames.ts';
import { verifiedFree } from './pool.ts';

type Fn = (...a: unknown[]) => unknown;

/** Record one block the kernel handed the driver (the tracking half of pool.ts's verifiedAllocate). */
function track(vf: VerifierContext, address: number, size: number, tag: number, kind: AllocationKind, frames: readonly number[], skip: Function): void {
  if (!(vf.flags & VF.POOL_TRACKING)) return;
  const stack = vf.captureStack(frames, skip);
  const thread = vf.k.currentThread.address;
  vf.driver.track({ address, size, tag, poolType: POOL_TYPE.NonPagedPool, kind, caller: stack[frames.length] ?? 0, thread, stack });
  vf.log.add('alloc', address, size, thread, stack);
  countAllocation(vf.stats.nonPaged, size);
}

/** The block of `address` as the pool holds it: its size for the records. */
const blockSize = (vf: VerifierContext, address: number): number => vf.k.pool.block(address)?.size ?? 0;

const allocatePagesForMdl = (ddi: string): ThunkFactory => (next: AnyFn, vf: VerifierContext) => {
  const frames = [thunkFrame(vf, ddi)];
  const thunk = (...args: unknown[]): number => {
    const mdl = (next as Fn)(...args) as number;
    if (mdl === 0) return 0;
    const run = vf.k.driverPages.runOfMdl(mdl);
    track(vf, mdl, blockSize(vf, mdl), TAG.Mdl, 'mdl', frames, thunk);
    if (run) track(vf, run.address, blockSize(vf, run.address), TAG.MdlPages, 'pool', frames, thunk);
    return mdl;
  };
  return thunk as AnyFn;
};

const allocateMapped = (ddi: string): ThunkFactory => (next: AnyFn, vf: VerifierContext) => {
  const frames = [thunkFrame(vf, ddi)];
  const thunk = (...args: unknown[]): number => {
    const address = (next as Fn)(...args) as number;
    if (address !== 0) track(vf, address, blockSize(vf, address), TAG.MdlPages, 'pool', frames, thunk);
    return address;
  };
  return thunk as AnyFn;
};

/** Untrack (and check, as a pool free) the pages at the address `at(args)` names, then free them. */
const freePages = (ddi: string, at: (vf: VerifierContext, args: unknown[]) => number): ThunkFactory => (next: AnyFn, vf: VerifierContext) => {
  const frames = [thunkFrame(vf, ddi)];
  const thunk = (...args: unknown[]): unknown => {
    const address = at(vf, args);
    // Only what the memory manager handed out is the verifier's to check; the rest is the kernel's to refuse.
    if (vf.k.driverPages.runs.has(address)) verifiedFree(vf, address, frames, thunk);
    return (next as Fn)(...args);
  };
  return thunk as AnyFn;
};

const first = (_vf: VerifierContext, args: unknown[]): number => (args[0] as number) >>> 0;

export const pageThunks: ThunkSet = {
  MmAllocatePagesForMdl: allocatePagesForMdl('MmAllocatePagesForMdl'),
  MmAllocatePagesForMdlEx: allocatePagesForMdl('MmAllocatePagesForMdlEx'),
  MmFreePagesFromMdl: freePages('MmFreePagesFromMdl', (vf, args) => vf.k.as.u32(((args[0] as number) >>> 0) + MDL_LAYOUT.off.StartVa!)),
  MmAllocateContiguousMemory: allocateMapped('MmAllocateContiguousMemory'),
  MmAllocateContiguousMemorySpecifyCache: allocateMapped('MmAllocateContiguousMemorySpecifyCache'),
  MmFreeContiguousMemory: freePages('MmFreeContiguousMemory', first),
  MmFreeContiguousMemorySpecifyCache: freePages('MmFreeContiguousMemorySpecifyCache', first),
  MmAllocateNonCachedMemory: allocateMapped('MmAllocateNonCachedMemory'),
  MmFreeNonCachedMemory: freePages('MmFreeNonCachedMemory', first),
};

export const PAGE_THUNK_ROUTINES = thunkRoutines(pageThunks);
