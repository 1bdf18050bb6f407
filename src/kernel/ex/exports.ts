/** Executive DDIs: pool and system work items. One implementation per family (ExAllocatePool2's). */
import { basePoolType, POOL_FLAG, POOL_RAISE_IF_ALLOCATION_FAILURE, POOL_TYPE, TAG_NONE, type PoolType } from '../../nt/pool.ts';
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { WORK_QUEUE_ITEM } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

/** The pool type ExAllocatePool2's flags select. */
export function poolTypeOfFlags(flags: bigint): PoolType {
  if (flags & POOL_FLAG.SESSION) return flags & POOL_FLAG.PAGED ? POOL_TYPE.PagedPoolSession : POOL_TYPE.NonPagedPoolSession;
  if (flags & POOL_FLAG.PAGED) return POOL_TYPE.PagedPool;
  if (flags & POOL_FLAG.NON_PAGED_EXECUTE) return POOL_TYPE.NonPagedPool;
  return POOL_TYPE.NonPagedPoolNx;
}

export function exExports(k: Kernel) {
  const allocate = (type: PoolType, size: number, tag: number): number => {
    if (size === 0) {
      // BAD_POOL_CALLER 0x00: a zero-byte request (P2 = 0, P3 = pool type, P4 = tag).
      return k.bugCheck(BUGCHECK.BAD_POOL_CALLER, 0x00, 0, type, tag);
    }
    if (tag === 0) return k.bugCheck(BUGCHECK.BAD_POOL_CALLER, 0x9b, type, size, k.stacks.callerOf());
    const address = k.pool.allocate(basePoolType(type), size >>> 0, tag >>> 0);
    // PoolType | POOL_RAISE_IF_ALLOCATION_FAILURE: a failure raises instead of returning NULL.
    if (address === 0 && type & POOL_RAISE_IF_ALLOCATION_FAILURE) k.exceptions.raiseFromCaller(STATUS.INSUFFICIENT_RESOURCES);
    return address;
  };
  return {
    /** Allocate pool; IRQL <= DISPATCH_LEVEL (paged: <= APC_LEVEL). */
    ExAllocatePoolWithTag(PoolType: PoolType, NumberOfBytes: number, Tag: number): number {
      return allocate(PoolType, NumberOfBytes, Tag);
    },
    ExAllocatePool(PoolType: PoolType, NumberOfBytes: number): number {
      return allocate(PoolType, NumberOfBytes, TAG_NONE);
    },
    ExAllocatePoolWithTagPriority(PoolType: PoolType, NumberOfBytes: number, Tag: number, _Priority: number): number {
      return allocate(PoolType, NumberOfBytes, Tag);
    },
    ExAllocatePoolZero(PoolType: PoolType, NumberOfBytes: number, Tag: number): number {
      return allocate(PoolType, NumberOfBytes, Tag);
    },
    /**
     * Flags are POOL_FLAGS (64-bit). Memory is zeroed unless POOL_FLAG_UNINITIALIZED. With
     * POOL_FLAG_RAISE_ON_FAILURE a failure raises STATUS_INSUFFICIENT_RESOURCES instead of returning NULL.
     */
    ExAllocatePool2(Flags: bigint, NumberOfBytes: number, Tag: number): number {
      const flags = BigInt(Flags);
      const address = allocate(poolTypeOfFlags(flags), NumberOfBytes, Tag);
      if (address === 0 && flags & POOL_FLAG.RAISE_ON_FAILURE) k.exceptions.raiseFromCaller(STATUS.INSUFFICIENT_RESOURCES);
      return address;
    },
    ExFreePoolWithTag(P: number, Tag: number): void {
      k.pool.free(P >>> 0, Tag >>> 0);
    },
    ExFreePool(P: number): void {
      k.pool.free(P >>> 0, 0);
    },
    /** Queue a WORK_QUEUE_ITEM to a system worker thread. */
    ExQueueWorkItem(WorkItem: number, _QueueType: number): void {
      const routine = k.as.u32(WorkItem + WORK_QUEUE_ITEM.off.WorkerRoutine);
      const parameter = k.as.u32(WorkItem + WORK_QUEUE_ITEM.off.Parameter);
      k.dispatcher.workQueue.push({ routine, args: [parameter], frames: ['ExpWorkerThread'] });
    },
  };
}
