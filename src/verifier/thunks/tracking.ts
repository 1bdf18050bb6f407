/**
 * Thunks that remember where a driver set up what could outlive it: timers, DPCs, system work
 * items, system threads and lookaside lists. The unload check uses the records to blame the right
 * line (`FAULTING_SOURCE_LINE` of `!analyze -v` is the KeSetTimer call, not the kernel's unload path).
 *
 * Lookaside lists of a verified driver do not cache: every block they hand out is a checked and
 * tracked pool allocation (counted in 0xC4/0x62), and every block given back is freed at once, so
 * the pool checks see each one.
 */
import { GENERAL_LOOKASIDE } from '../../nt/layout.ts';
import { NT_SUCCESS } from '../../nt/status.ts';
import type { AnyFn, ThunkFactory, ThunkSet, VerifierContext } from '../context.ts';
import { thunkFrame, thunkRoutines } from './frames.ts';
import { verifiedAllocate, verifiedFree } from './pool.ts';

const L = GENERAL_LOOKASIDE.off;
type Fn = (...a: unknown[]) => unknown;

/** Note the driver's call site against the object the DDI's first argument names, then call it. */
const remembered = (): ThunkFactory => (next: AnyFn, vf: VerifierContext) => {
  const thunk = (...args: unknown[]): unknown => {
    vf.driver.origins.set((args[0] as number) >>> 0, vf.caller(thunk));
    return (next as Fn)(...args);
  };
  return thunk as AnyFn;
};

const initLookaside = (ddi: string): ThunkFactory => (next: AnyFn, vf: VerifierContext) => {
  const thunk = (...args: unknown[]): unknown => {
    const caller = vf.caller(thunk);
    const result = (next as Fn)(...args);
    const list = (args[0] as number) >>> 0;
    const d = vf.driver;
    const block = vf.k.pool.blockContaining(list);
    const container =
      list >= d.base && list < d.base + d.size ? { start: d.base, size: d.size } : block ? { start: block.address, size: block.size } : { start: list, size: GENERAL_LOOKASIDE.size };
    d.lookasides.set(list, { caller, ...container });
    return result;
  };
  return thunk as AnyFn;
};

const deleteLookaside = (): ThunkFactory => (next: AnyFn, vf: VerifierContext) =>
  ((list: number, ...rest: unknown[]) => {
    vf.driver.lookasides.delete(list >>> 0);
    return (next as Fn)(list, ...rest);
  }) as AnyFn;

const allocateFrom = (ddi: string): ThunkFactory => (next: AnyFn, vf: VerifierContext) => {
  const frames = [thunkFrame(vf, ddi)];
  const thunk = (list: number): number => {
    const as = vf.k.as;
    const l = list >>> 0;
    if (as.u32(l + L.Allocate) !== 0) return (next as Fn)(list) as number;
    as.setU32(l + L.TotalAllocates, as.u32(l + L.TotalAllocates) + 1);
    as.setU32(l + L.AllocateMisses, as.u32(l + L.AllocateMisses) + 1);
    const type = as.u32(l + L.Type);
    const size = as.u32(l + L.Size);
    const tag = as.u32(l + L.Tag);
    return verifiedAllocate(vf, type, size, tag, 'pool', frames, thunk, () => vf.k.pool.allocate(type, size, tag));
  };
  return thunk as AnyFn;
};

const freeTo = (ddi: string): ThunkFactory => (next: AnyFn, vf: VerifierContext) => {
  const frames = [thunkFrame(vf, ddi)];
  const thunk = (list: number, entry: number): void => {
    const as = vf.k.as;
    const l = list >>> 0;
    if (as.u32(l + L.Free) !== 0) {
      (next as Fn)(list, entry);
      return;
    }
    as.setU32(l + L.TotalFrees, as.u32(l + L.TotalFrees) + 1);
    as.setU32(l + L.FreeMisses, as.u32(l + L.FreeMisses) + 1);
    verifiedFree(vf, entry >>> 0, frames, thunk);
    vf.k.pool.free(entry >>> 0, 0);
  };
  return thunk as AnyFn;
};

export const trackingThunks: ThunkSet = {
  KeSetTimer: remembered(),
  KeSetTimerEx: remembered(),
  KeInsertQueueDpc: remembered(),
  ExQueueWorkItem: remembered(),
  PsCreateSystemThread: (next: AnyFn, vf: VerifierContext) => {
    const thunk = (...args: unknown[]): unknown => {
      const caller = vf.caller(thunk);
      const status = (next as Fn)(...args);
      // A failed call made no thread: the last one belongs to someone else.
      const thread = NT_SUCCESS(status as number) ? vf.k.threads[vf.k.threads.length - 1] : undefined;
      if (thread) vf.driver.origins.set(thread.address, caller);
      return status;
    };
    return thunk as AnyFn;
  },
  ExInitializeNPagedLookasideList: initLookaside('ExInitializeNPagedLookasideList'),
  ExInitializePagedLookasideList: initLookaside('ExInitializePagedLookasideList'),
  ExDeleteNPagedLookasideList: deleteLookaside(),
  ExDeletePagedLookasideList: deleteLookaside(),
  ExAllocateFromNPagedLookasideList: allocateFrom('ExAllocateFromNPagedLookasideList'),
  ExAllocateFromPagedLookasideList: allocateFrom('ExAllocateFromPagedLookasideList'),
  ExFreeToNPagedLookasideList: freeTo('ExFreeToNPagedLookasideList'),
  ExFreeToPagedLookasideList: freeTo('ExFreeToPagedLookasideList'),
};

/** Only the lookaside allocate and free thunks show frames of their own. */
export const TRACKING_THUNK_ROUTINES = thunkRoutines(trackingThunks).filter((n) => /Lookaside/.test(n) && /(AllocateFrom|FreeTo)/.test(n));
