/** POOL_TYPE values (wdm.h), pool flags of ExAllocatePool2, and pool tag conversion. */
export const POOL_TYPE = {
  NonPagedPool: 0,
  PagedPool: 1,
  NonPagedPoolMustSucceed: 2,
  DontUseThisType: 3,
  NonPagedPoolCacheAligned: 4,
  PagedPoolCacheAligned: 5,
  NonPagedPoolCacheAlignedMustS: 6,
  NonPagedPoolSession: 32,
  PagedPoolSession: 33,
  NonPagedPoolNx: 0x200,
} as const;

export type PoolType = number;

/** Bits a POOL_TYPE argument may carry on top of the type (wdm.h): not pool types of their own. */
export const POOL_QUOTA_FAIL_INSTEAD_OF_RAISE = 8;
export const POOL_RAISE_IF_ALLOCATION_FAILURE = 16;
/** A hint only (pages likely to be paged out soon): no effect here. */
export const POOL_COLD_ALLOCATION = 256;
/** The pool type without those bits. */
export const basePoolType = (type: PoolType): PoolType => type & ~(POOL_QUOTA_FAIL_INSTEAD_OF_RAISE | POOL_RAISE_IF_ALLOCATION_FAILURE | POOL_COLD_ALLOCATION);

/** The base pool a POOL_TYPE draws from. Bit 0 selects paged; bit 5 selects session space. */
export type PoolKind = 'nonpaged' | 'paged' | 'session';

export function poolKind(type: PoolType): PoolKind {
  if (type & 32) return 'session';
  return (type & 1) === 1 ? 'paged' : 'nonpaged';
}

export function isPagedPool(type: PoolType): boolean {
  return (type & 1) === 1;
}

export function isMustSucceed(type: PoolType): boolean {
  // The base type's low three bits (bit 0 paged), whatever flags (8, 16) and session or Nx bits ride along.
  const base = type & 0x7 & ~1;
  return base === 2 || base === 6;
}

/** POOL_FLAG_* for ExAllocatePool2 (the 64-bit flag argument). */
export const POOL_FLAG = {
  USE_QUOTA: 0x1n,
  UNINITIALIZED: 0x2n,
  SESSION: 0x4n,
  CACHE_ALIGNED: 0x8n,
  RAISE_ON_FAILURE: 0x20n,
  NON_PAGED: 0x40n,
  NON_PAGED_EXECUTE: 0x80n,
  PAGED: 0x100n,
} as const;

/** Pool tags are stored little-endian: the first character is the lowest byte ('mdrv' -> 0x7672646d). */
export function poolTag(text: string): number {
  if (text.length !== 4) throw new RangeError(`a pool tag has 4 characters, got '${text}'`);
  let v = 0;
  for (let i = 3; i >= 0; i--) v = (v << 8) | (text.charCodeAt(i) & 0xff);
  return v >>> 0;
}

/** The four characters of a tag as pool tools print it; unprintable bytes show as '?'. */
export function formatTag(tag: number): string {
  let s = '';
  for (let i = 0; i < 4; i++) {
    const c = (tag >>> (8 * i)) & 0xff;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}

/** Tag stored for allocations made through the untagged ExAllocatePool. */
export const TAG_NONE = poolTag('None');
