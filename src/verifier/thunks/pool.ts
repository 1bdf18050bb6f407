/**
 * Pool thunks: the automatic pool checks (zero size, IRQL, must-succeed, bad and double frees),
 * special pool placement, and pool tracking with the allocation log.
 */
import { APC_LEVEL, DISPATCH_LEVEL } from '../../nt/irql.ts';
import { RULES } from '../rules.ts';
import { countAllocation, countFree } from '../stats.ts';
import { isMustSucceed, isPagedPool, poolKind, TAG_NONE, type PoolType } from '../../nt/pool.ts';
import { PAGE_SIZE } from '../../kernel/mm/address-space.ts';
import { poolTypeOfFlags } from '../../kernel/ex/exports.ts';
import { POOL_HEADER_SIZE } from '../../kernel/ex/pool.ts';
import { quotaPoolType } from '../../kernel/ex/quota.ts';
import { VF } from '../flags.ts';
import { resolveSymbol } from '../../kernel/symbols.ts';
import type { AnyFn, ThunkSet, VerifierContext } from '../context.ts';
import type { AllocationKind } from '../driver-entry.ts';

/** Check, place and track one allocation; returns the block or 0. */
export function verifiedAllocate(
  vf: VerifierContext,
  type: PoolType,
  size: number,
  tag: number,
  kind: AllocationKind,
  frames: readonly number[],
  skip: Function,
  allocate: () => number,
): number {
  const k = vf.k;
  const irql = k.irql;
  vf.stats.poolAllocationsAttempted++;
  if (size === 0) vf.violation(RULES.ZeroByteAllocation, irql, type, size, frames);
  if (isPagedPool(type) && irql > APC_LEVEL) vf.violation(RULES.PagedAllocAboveApc, irql, type, size, frames);
  if (!isPagedPool(type) && irql > DISPATCH_LEVEL) vf.violation(RULES.NonPagedAllocAboveDispatch, irql, type, size, frames);
  if (isMustSucceed(type)) vf.violation(RULES.MustSucceedAllocation, irql, type, size, frames);
  if (tag === 0 || tag === TAG_NONE) vf.stats.poolAllocationsWithNoTag++;
  if (vf.faults.active && vf.faults.shouldFail({ ddi: thunkDdi(k, frames), base: vf.driver.base, size: vf.driver.size, tag, frames })) {
    // Low resources simulation: the DDI runs against a pool that refuses, so it fails as it would
    // (NULL, or STATUS_INSUFFICIENT_RESOURCES raised by the quota and RAISE_ON_FAILURE forms).
    vf.stats.poolAllocationsFailed++;
    k.pool.refusals = 1;
    try {
      allocate();
    } finally {
      k.pool.refusals = 0;
    }
    return 0;
  }

  let address = 0;
  let special = false;
  // Session pool stays in session space (special pool here is global): a session address must stay one.
  if (vf.flags & VF.SPECIAL_POOL && poolKind(type) !== 'session') {
    address = k.pool.allocateSpecial(type, size, tag);
    special = address !== 0;
  }
  if (address === 0) address = allocate();
  if (address === 0) {
    vf.stats.poolAllocationsFailed++;
    return 0;
  }
  vf.stats.poolAllocationsSucceeded++;
  if (special) vf.stats.poolAllocationsSucceededSpecialPool++;
  if (vf.flags & VF.POOL_TRACKING) {
    // The stack is interned once, for the record and the log: no array or record object per allocation.
    const stack = vf.captureStackId(frames, skip);
    const caller = vf.stacks.get(stack)[frames.length] ?? 0;
    const thread = k.currentThread.address;
    vf.driver.trackInterned(address, size, tag, type, kind, caller, thread, stack);
    vf.log.addInterned('alloc', address, size, thread, stack);
    countAllocation(isPagedPool(type) ? vf.stats.paged : vf.stats.nonPaged, size);
  }
  return address;
}

/** The DDI a thunk wraps, from its outermost nt frame (`nt!VerifierExAllocatePoolWithTag`). */
function thunkDdi(k: VerifierContext['k'], frames: readonly number[]): string {
  const fn = resolveSymbol(k.modules, frames[frames.length - 1] ?? 0)?.fn;
  return fn ? fn.name.replace(/^Verifier/, '') : '?';
}

/** Check and untrack one free; the caller then frees the block. */
export function verifiedFree(vf: VerifierContext, address: number, frames: readonly number[], skip: Function): void {
  const k = vf.k;
  const irql = k.irql;
  const block = k.pool.block(address);
  if (!block) {
    const freed = vf.wasFreed(address) ? k.pool.recentlyFreedBlock(address) : undefined;
    if (freed) {
      // The header in front of a small block (PoolType 0 now: free), or the header special pool keeps
      // at the start of the block's page; a whole-page block has none.
      if (k.pool.hasPoolHeader(freed)) {
        const header = (address - POOL_HEADER_SIZE) >>> 0;
        vf.violation(RULES.DoubleFree, 0, header, k.as.u32(header), frames);
      }
      if (freed.special) {
        const header = (address & ~(PAGE_SIZE - 1)) >>> 0;
        vf.violation(RULES.DoubleFree, 0, header, k.as.u32(header), frames);
      }
      vf.violation(RULES.DoubleFreeWholePage, 0, address, 0, frames);
    }
    if (!k.pool.isPoolAddress(address)) vf.violation(RULES.FreeBadAddress, 0, address, 0, frames);
    vf.violation(RULES.FreeOfUnallocatedAddress, address, 0, 0, frames);
  }
  if (isPagedPool(block.type) && irql > APC_LEVEL) vf.violation(RULES.PagedFreeAboveApc, irql, block.type, address, frames);
  if (!isPagedPool(block.type) && irql > DISPATCH_LEVEL) vf.violation(RULES.NonPagedFreeAboveDispatch, irql, block.type, address, frames);
  // Deadlock Detection: an owned lock in the block is 0xC4/0x100B; the others leave the lock graph.
  if (vf.flags & VF.DEADLOCK_DETECTION) vf.deadlock.deleteRange(vf, frames, address, address + Math.max(block.size, 1));
  const owner = vf.owner(address);
  if (owner) {
    const slot = owner.untrackSlot(address);
    vf.rememberFreed(address);
    if (slot >= 0) {
      const size = owner.allocations.sizeAt(slot);
      countFree(isPagedPool(owner.allocations.poolTypeAt(slot)) ? vf.stats.paged : vf.stats.nonPaged, size);
      vf.log.addInterned('free', address, size, k.currentThread.address, vf.captureStackId(frames, skip));
    }
  }
}

function allocThunk(routine: string, offset: number, args: (a: unknown[]) => { type: PoolType; size: number; tag: number }): (next: AnyFn, vf: VerifierContext) => AnyFn {
  return (next, vf) => {
    const frames = [vf.ntFrame(routine, offset)];
    const thunk = (...a: unknown[]): number => {
      const { type, size, tag } = args(a);
      return verifiedAllocate(vf, type, size >>> 0, tag >>> 0, 'pool', frames, thunk, () => (next as (...x: unknown[]) => number)(...a));
    };
    return thunk as AnyFn;
  };
}

function freeThunk(routine: string, offset: number): (next: AnyFn, vf: VerifierContext) => AnyFn {
  return (next, vf) => {
    const frames = [vf.ntFrame(routine, offset)];
    const thunk = (...a: unknown[]): void => {
      verifiedFree(vf, (a[0] as number) >>> 0, frames, thunk);
      (next as (...x: unknown[]) => void)(...a);
    };
    return thunk as AnyFn;
  };
}

export const poolThunks: ThunkSet = {
  ExAllocatePoolWithTag: allocThunk('VerifierExAllocatePoolWithTag', 0x24, (a) => ({ type: a[0] as number, size: a[1] as number, tag: a[2] as number })),
  ExAllocatePool: allocThunk('VerifierExAllocatePool', 0x1e, (a) => ({ type: a[0] as number, size: a[1] as number, tag: TAG_NONE })),
  ExAllocatePoolWithTagPriority: allocThunk('VerifierExAllocatePoolWithTagPriority', 0x2b, (a) => ({ type: a[0] as number, size: a[1] as number, tag: a[2] as number })),
  ExAllocatePoolZero: allocThunk('VerifierExAllocatePoolZero', 0x24, (a) => ({ type: a[0] as number, size: a[1] as number, tag: a[2] as number })),
  ExAllocatePool2: allocThunk('VerifierExAllocatePool2', 0x31, (a) => ({ type: poolTypeOfFlags(BigInt(a[0] as bigint)), size: a[1] as number, tag: a[2] as number })),
  // Quota allocations are checked with their pool type less the quota bits (POOL_QUOTA_FAIL_INSTEAD_OF_RAISE...).
  ExAllocatePoolWithQuotaTag: allocThunk('VerifierExAllocatePoolWithQuotaTag', 0x2a, (a) => ({ type: quotaPoolType(a[0] as number), size: a[1] as number, tag: a[2] as number })),
  ExAllocatePoolWithQuota: allocThunk('VerifierExAllocatePoolWithQuota', 0x22, (a) => ({ type: quotaPoolType(a[0] as number), size: a[1] as number, tag: TAG_NONE })),
  ExAllocatePoolQuotaZero: allocThunk('VerifierExAllocatePoolQuotaZero', 0x2a, (a) => ({ type: quotaPoolType(a[0] as number), size: a[1] as number, tag: a[2] as number })),
  ExAllocatePoolQuotaUninitialized: allocThunk('VerifierExAllocatePoolQuotaUninitialized', 0x2a, (a) => ({ type: quotaPoolType(a[0] as number), size: a[1] as number, tag: a[2] as number })),
  ExAllocatePoolUninitialized: allocThunk('VerifierExAllocatePoolUninitialized', 0x24, (a) => ({ type: a[0] as number, size: a[1] as number, tag: a[2] as number })),
  ExAllocatePoolPriorityZero: allocThunk('VerifierExAllocatePoolPriorityZero', 0x2b, (a) => ({ type: a[0] as number, size: a[1] as number, tag: a[2] as number })),
  ExAllocatePoolPriorityUninitialized: allocThunk('VerifierExAllocatePoolPriorityUninitialized', 0x2b, (a) => ({ type: a[0] as number, size: a[1] as number, tag: a[2] as number })),
  ExAllocatePool3: allocThunk('VerifierExAllocatePool3', 0x35, (a) => ({ type: poolTypeOfFlags(BigInt(a[0] as bigint)), size: a[1] as number, tag: a[2] as number })),
  ExFreePoolWithTag: freeThunk('VerifierExFreePoolWithTag', 0x1d),
  ExFreePool: freeThunk('VerifierExFreePool', 0x10),
};

/** nt routines the pool thunks show in stacks (Verifier<Ddi> for the lookaside thunks comes from tracking.ts). */
export const POOL_THUNK_ROUTINES = [
  'VerifierExAllocatePoolWithTag',
  'VerifierExAllocatePool',
  'VerifierExAllocatePoolWithTagPriority',
  'VerifierExAllocatePoolZero',
  'VerifierExAllocatePool2',
  'VerifierExAllocatePoolWithQuotaTag',
  'VerifierExAllocatePoolWithQuota',
  'VerifierExAllocatePool3',
  'VerifierExAllocatePoolQuotaZero',
  'VerifierExAllocatePoolQuotaUninitialized',
  'VerifierExAllocatePoolUninitialized',
  'VerifierExAllocatePoolPriorityZero',
  'VerifierExAllocatePoolPriorityUninitialized',
  'VerifierExFreePoolWithTag',
  'VerifierExFreePool',
];
