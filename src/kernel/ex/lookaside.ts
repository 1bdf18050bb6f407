/**
 * Lookaside lists: a driver's cache of fixed-size blocks. Free blocks wait on the list's singly
 * linked head (the link in each block's first ULONG) up to the list's depth; beyond it, or when the
 * list is empty, blocks come from and go back to pool, or to the driver's own Allocate and Free
 * routines when it gave them. Every initialized list is on the kernel's list of lookaside lists
 * (ExNPagedLookasideListHead / ExPagedLookasideListHead) until it is deleted.
 */
import { GENERAL_LOOKASIDE } from '../../nt/layout.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import type { Kernel } from '../kernel.ts';

const L = GENERAL_LOOKASIDE.off;
/** MINIMUM_LOOKASIDE_DEPTH and the largest depth the kernel lets a list grow to. */
const MINIMUM_DEPTH = 4;
const MAXIMUM_DEPTH = 256;

export interface LookasideRecord {
  readonly paged: boolean;
}

export function lookasideExports(k: Kernel) {
  const as = k.as;
  const initialize = (list: number, allocate: number, free: number, size: number, tag: number, type: number, paged: boolean): void => {
    as.zero(list, GENERAL_LOOKASIDE.size);
    as.setU16(list + L.Depth, MINIMUM_DEPTH);
    as.setU16(list + L.MaximumDepth, MAXIMUM_DEPTH);
    as.setU32(list + L.Type, type);
    as.setU32(list + L.Tag, tag);
    as.setU32(list + L.Size, size);
    as.setU32(list + L.Allocate, allocate);
    as.setU32(list + L.Free, free);
    as.setU32(list + L['ListEntry.Flink'], list + L.ListEntry);
    as.setU32(list + L['ListEntry.Blink'], list + L.ListEntry);
    k.lookasideLists.set(list, { paged });
  };
  const release = (list: number, entry: number): void => {
    const free = as.u32(list + L.Free);
    if (free !== 0) k.callRoutine(free, [entry]);
    else k.pool.free(entry, 0);
  };
  const remove = (list: number): void => {
    for (let e = as.u32(list + L['ListHead.Next']); e !== 0; ) {
      const next = as.u32(e);
      release(list, e);
      e = next;
    }
    as.setU32(list + L['ListHead.Next'], 0);
    as.setU16(list + L['ListHead.Depth'], 0);
    k.lookasideLists.delete(list);
  };
  const allocateFrom = (list: number): number => {
    as.setU32(list + L.TotalAllocates, as.u32(list + L.TotalAllocates) + 1);
    const e = as.u32(list + L['ListHead.Next']);
    if (e !== 0) {
      as.setU32(list + L['ListHead.Next'], as.u32(e));
      as.setU16(list + L['ListHead.Depth'], as.u16(list + L['ListHead.Depth']) - 1);
      return e;
    }
    as.setU32(list + L.AllocateMisses, as.u32(list + L.AllocateMisses) + 1);
    const type = as.u32(list + L.Type);
    const size = as.u32(list + L.Size);
    const tag = as.u32(list + L.Tag);
    const allocate = as.u32(list + L.Allocate);
    if (allocate !== 0) return (k.callRoutine(allocate, [type, size, tag]) as number) >>> 0;
    return k.pool.allocate(type, size, tag);
  };
  const freeTo = (list: number, entry: number): void => {
    as.setU32(list + L.TotalFrees, as.u32(list + L.TotalFrees) + 1);
    if (as.u16(list + L['ListHead.Depth']) >= as.u16(list + L.Depth)) {
      as.setU32(list + L.FreeMisses, as.u32(list + L.FreeMisses) + 1);
      release(list, entry);
      return;
    }
    as.setU32(entry, as.u32(list + L['ListHead.Next']));
    as.setU32(list + L['ListHead.Next'], entry);
    as.setU16(list + L['ListHead.Depth'], as.u16(list + L['ListHead.Depth']) + 1);
  };
  return {
    /** Allocate/Free 0: blocks come from nonpaged pool (NonPagedPoolNx unless Flags say otherwise). */
    ExInitializeNPagedLookasideList(Lookaside: number, Allocate: number, Free: number, Flags: number, Size: number, Tag: number, _Depth: number): void {
      initialize(Lookaside >>> 0, Allocate >>> 0, Free >>> 0, Size >>> 0, Tag >>> 0, POOL_TYPE.NonPagedPoolNx | (Flags & 0x0f), false);
    },
    ExDeleteNPagedLookasideList(Lookaside: number): void {
      remove(Lookaside >>> 0);
    },
    ExAllocateFromNPagedLookasideList(Lookaside: number): number {
      return allocateFrom(Lookaside >>> 0);
    },
    ExFreeToNPagedLookasideList(Lookaside: number, Entry: number): void {
      freeTo(Lookaside >>> 0, Entry >>> 0);
    },
    ExInitializePagedLookasideList(Lookaside: number, Allocate: number, Free: number, Flags: number, Size: number, Tag: number, _Depth: number): void {
      initialize(Lookaside >>> 0, Allocate >>> 0, Free >>> 0, Size >>> 0, Tag >>> 0, POOL_TYPE.PagedPool | (Flags & 0x0e), true);
    },
    ExDeletePagedLookasideList(Lookaside: number): void {
      remove(Lookaside >>> 0);
    },
    ExAllocateFromPagedLookasideList(Lookaside: number): number {
      return allocateFrom(Lookaside >>> 0);
    },
    ExFreeToPagedLookasideList(Lookaside: number, Entry: number): void {
      freeTo(Lookaside >>> 0, Entry >>> 0);
    },
  };
}
