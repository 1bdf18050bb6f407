/**
 * The other ways into pool: quota-charged allocations, ExAllocatePool3 with extended parameters,
 * and the driver runtime's opt-in to no-execute pool. Each draws on the same pool as
 * ExAllocatePool2, with the same zero-size and zero-tag checks, so the verifier tracks and counts
 * the blocks as it does any other.
 *
 * Quota: a block allocated with quota is charged to the process current at the allocation (in
 * which the thread runs), until it is freed. There is no quota limit here: the charge is booked,
 * never refused.
 */
import { POOL_FLAG, POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, POOL_RAISE_IF_ALLOCATION_FAILURE, TAG_NONE, type PoolType } from '../../nt/pool.ts';
import { STATUS } from '../../nt/status.ts';
import { findModule } from '../symbols.ts';
import type { Kernel } from '../kernel.ts';
import type { PoolBlock } from './pool.ts';
import { poolTypeOfFlags } from './exports.ts';

/** Bits a quota allocation's POOL_TYPE may carry on top of the type (defined with the pool types). */
export { POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, POOL_RAISE_IF_ALLOCATION_FAILURE };
/** The pool type without the quota bits. */
export const quotaPoolType = (type: PoolType): PoolType => type & ~(POOL_QUOTA_FAIL_INSTEAD_OF_RAISE | POOL_RAISE_IF_ALLOCATION_FAILURE);

/** POOL_EXTENDED_PARAMETER_TYPE */
export const POOL_EXTENDED_PARAMETER_TYPE = { Invalid: 0, Priority: 1, SecurePool: 2, NumaNode: 3 } as const;
/** sizeof(POOL_EXTENDED_PARAMETER): a 64-bit header (Type:8, Optional:1) and a 64-bit value. */
export const POOL_EXTENDED_PARAMETER_SIZE = 16;
/** ExInitializeDriverRuntime's DrvRtPoolNxOptIn. */
export const DrvRtPoolNxOptIn = 1;

interface QuotaCharge {
  readonly process: number;
  readonly size: number;
  readonly block: PoolBlock;
}

const charges = new WeakMap<Kernel, Map<number, QuotaCharge>>();
const runtimeFlags = new WeakMap<Kernel, Map<string, number>>();

/** Bytes of pool charged to `process` (an EPROCESS address) by blocks still allocated. */
export function poolQuotaCharged(k: Kernel, process: number): number {
  let total = 0;
  for (const [address, c] of charges.get(k) ?? []) {
    // A charge lasts as long as its block: freed (or reused for another size, tag or type) means
    // returned. A free then a reuse with the very same size, tag and type between two queries is not
    // told apart (Windows keeps the billed process in the pool header instead).
    const b = k.pool.block(address);
    if (!b || b.size !== c.block.size || b.tag !== c.block.tag || b.type !== c.block.type) charges.get(k)!.delete(address);
    else if (c.process === process) total += c.size;
  }
  return total;
}

/** The RuntimeFlags each driver passed to ExInitializeDriverRuntime, by module name. */
export function driverRuntimeFlags(k: Kernel): ReadonlyMap<string, number> {
  return runtimeFlags.get(k) ?? new Map();
}

export function quotaExports(k: Kernel) {
  const book = charges.get(k) ?? new Map<number, QuotaCharge>();
  charges.set(k, book);
  const charge = (address: number, size: number): number => {
    const block = address === 0 ? undefined : k.pool.block(address);
    if (block) book.set(address, { process: k.currentThread.process.address, size, block });
    return address;
  };
  /** A failed quota allocation raises STATUS_INSUFFICIENT_RESOURCES unless the type asks for NULL. */
  const withQuota = (PoolType: PoolType, NumberOfBytes: number, Tag: number): number => {
    const address = charge(k.ddi.ExAllocatePoolWithTag(quotaPoolType(PoolType), NumberOfBytes, Tag), NumberOfBytes >>> 0);
    if (address === 0 && !(PoolType & POOL_QUOTA_FAIL_INSTEAD_OF_RAISE)) k.exceptions.raiseFromCaller(STATUS.INSUFFICIENT_RESOURCES);
    return address;
  };
  return {
    /** IRQL <= APC_LEVEL (quota is charged to the current process). */
    ExAllocatePoolWithQuotaTag(PoolType: PoolType, NumberOfBytes: number, Tag: number): number {
      return withQuota(PoolType, NumberOfBytes, Tag);
    },
    ExAllocatePoolWithQuota(PoolType: PoolType, NumberOfBytes: number): number {
      return withQuota(PoolType, NumberOfBytes, TAG_NONE);
    },
    /**
     * The WDK's zeroing and uninitialized wrappers (inline there, DDIs here as ExAllocatePoolZero is).
     * The simulated pool zeroes every block, so "uninitialized" memory reads as zero too.
     */
    ExAllocatePoolQuotaZero(PoolType: PoolType, NumberOfBytes: number, Tag: number): number {
      return withQuota(PoolType, NumberOfBytes, Tag);
    },
    ExAllocatePoolQuotaUninitialized(PoolType: PoolType, NumberOfBytes: number, Tag: number): number {
      return withQuota(PoolType, NumberOfBytes, Tag);
    },
    ExAllocatePoolUninitialized(PoolType: PoolType, NumberOfBytes: number, Tag: number): number {
      return k.ddi.ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);
    },
    ExAllocatePoolPriorityZero(PoolType: PoolType, NumberOfBytes: number, Tag: number, Priority: number): number {
      return k.ddi.ExAllocatePoolWithTagPriority(PoolType, NumberOfBytes, Tag, Priority);
    },
    ExAllocatePoolPriorityUninitialized(PoolType: PoolType, NumberOfBytes: number, Tag: number, Priority: number): number {
      return k.ddi.ExAllocatePoolWithTagPriority(PoolType, NumberOfBytes, Tag, Priority);
    },
    /**
     * ExAllocatePool2 with extended parameters: a priority (accepted: the pool here has no
     * low-resource state to ration) or a preferred NUMA node (one node). Secure pool is not
     * supported, and an invalid type or a NULL array with a count is refused: NULL.
     * POOL_FLAG_RAISE_ON_FAILURE raises STATUS_INSUFFICIENT_RESOURCES instead of returning NULL.
     */
    ExAllocatePool3(Flags: bigint, NumberOfBytes: number, Tag: number, ExtendedParameters: number, ExtendedParametersCount: number): number {
      const count = ExtendedParametersCount >>> 0;
      if (count > 0 && ExtendedParameters === 0) return 0;
      for (let i = 0; i < count; i++) {
        const type = k.as.u8((ExtendedParameters >>> 0) + i * POOL_EXTENDED_PARAMETER_SIZE);
        if (type !== POOL_EXTENDED_PARAMETER_TYPE.Priority && type !== POOL_EXTENDED_PARAMETER_TYPE.NumaNode) return 0;
      }
      const flags = BigInt(Flags);
      const address = k.ddi.ExAllocatePoolWithTag(poolTypeOfFlags(flags), NumberOfBytes, Tag);
      if (address === 0 && flags & POOL_FLAG.RAISE_ON_FAILURE) k.exceptions.raiseFromCaller(STATUS.INSUFFICIENT_RESOURCES);
      return flags & POOL_FLAG.USE_QUOTA ? charge(address, NumberOfBytes >>> 0) : address;
    },
    /** Records the flags (DrvRtPoolNxOptIn) by calling driver; no effect: the simulated pool does not model execute protection. */
    ExInitializeDriverRuntime(RuntimeFlags: number): void {
      const module = findModule(k.modules, k.stacks.callerOf())?.name ?? '?';
      let map = runtimeFlags.get(k);
      if (!map) runtimeFlags.set(k, (map = new Map()));
      map.set(module, (map.get(module) ?? 0) | (RuntimeFlags >>> 0));
    },
  };
}
