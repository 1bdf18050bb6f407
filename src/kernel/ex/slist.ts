/**
 * Interlocked singly linked lists (S-lists). SLIST_HEADER (x86) holds the first entry, the depth and
 * a sequence number that every push and pop bumps (what makes the 8-byte compare-exchange of the
 * real routines safe from ABA). One processor here: each routine is one uninterrupted update.
 * The Ex* forms take a spin lock that x86 ignores; ExInterlockedFlushSList empties the list and
 * returns the chain.
 */
import { SLIST_HEADER, SINGLE_LIST_ENTRY } from '../../nt/layout.ts';
import type { Kernel } from '../kernel.ts';

const SH = SLIST_HEADER.off;
const E = SINGLE_LIST_ENTRY.off;

export function slistExports(k: Kernel) {
  const as = k.as;
  const bump = (head: number, depth: number, next: number): void => {
    as.setU32(head + SH.Next, next);
    as.setU16(head + SH.Depth, depth);
    as.setU16(head + SH.Sequence, (as.u16(head + SH.Sequence) + 1) & 0xffff);
  };
  /** Returns the previous first entry (NULL if the list was empty). */
  const push = (ListHead: number, ListEntry: number): number => {
    const head = ListHead >>> 0;
    const first = as.u32(head + SH.Next);
    as.setU32((ListEntry >>> 0) + E.Next, first);
    bump(head, (as.u16(head + SH.Depth) + 1) & 0xffff, ListEntry >>> 0);
    return first;
  };
  /** Returns the first entry, unlinked, or NULL for an empty list. */
  const pop = (ListHead: number): number => {
    const head = ListHead >>> 0;
    const first = as.u32(head + SH.Next);
    if (first === 0) return 0;
    bump(head, (as.u16(head + SH.Depth) - 1) & 0xffff, as.u32(first + E.Next));
    return first;
  };
  const flush = (ListHead: number): number => {
    const head = ListHead >>> 0;
    const first = as.u32(head + SH.Next);
    if (first !== 0) bump(head, 0, 0);
    return first;
  };
  return {
    /** An empty list: no entries, depth and sequence 0. */
    InitializeSListHead(SListHead: number): void {
      as.zero(SListHead >>> 0, SLIST_HEADER.size);
    },
    InterlockedPushEntrySList: push,
    InterlockedPopEntrySList: pop,
    InterlockedFlushSList: flush,
    ExInterlockedPushEntrySList(ListHead: number, ListEntry: number, _Lock: number): number {
      return push(ListHead, ListEntry);
    },
    ExInterlockedPopEntrySList(ListHead: number, _Lock: number): number {
      return pop(ListHead);
    },
    ExInterlockedFlushSList: flush,
    /** The number of entries (the header's Depth). */
    ExQueryDepthSList(SListHead: number): number {
      return as.u16((SListHead >>> 0) + SH.Depth);
    },
  };
}
