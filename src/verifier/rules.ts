/**
 * The rules Driver Verifier enforces, in one table: what each checks, the bug check it raises and its
 * Parameter 1, and the sample driver that breaks it. The thunks raise violations through this table;
 * the tests and docs/checks.md read it. The meaning of each parameter is the bug check table's
 * (src/nt/bugcheck.ts).
 */
import { BUGCHECK, C4 } from '../nt/bugcheck.ts';

export interface VerifierRule {
  /** Stable name; the violating sample is drivers/ts/rules/<name>.ts, its clean twin <name>Clean.ts. */
  readonly name: string;
  /** The rule in words. */
  readonly check: string;
  readonly code: number;
  /** Parameter 1 (the 0xC4 and 0xC7 sub-code). */
  readonly p1: number;
  /** The verifier option the rule belongs to (0 = automatic checks, always on). */
  readonly flag: number;
}

const rule = (name: string, check: string, p1: number, flag = 0, code: number = BUGCHECK.DRIVER_VERIFIER_DETECTED_VIOLATION): VerifierRule => ({ name, check, code, p1, flag });

/** Pool Tracking (0x8): the leak check at unload. */
const POOL_TRACKING = 0x8;

export const RULES = {
  ZeroByteAllocation: rule('ZeroByteAllocation', 'a pool allocation of zero bytes', C4.ZERO_BYTE_ALLOCATION),
  PagedAllocAboveApc: rule('PagedAllocAboveApc', 'paged pool allocated above APC_LEVEL', C4.PAGED_ALLOC_ABOVE_APC),
  NonPagedAllocAboveDispatch: rule('NonPagedAllocAboveDispatch', 'nonpaged pool allocated above DISPATCH_LEVEL', C4.NONPAGED_ALLOC_ABOVE_DISPATCH),
  MustSucceedAllocation: rule('MustSucceedAllocation', 'a pool allocation marked MUST_SUCCEED', C4.MUST_SUCCEED_ALLOCATION),
  FreeOfUnallocatedAddress: rule('FreeOfUnallocatedAddress', 'a free of an address no allocation returned', C4.FREE_OF_UNALLOCATED_ADDRESS),
  PagedFreeAboveApc: rule('PagedFreeAboveApc', 'paged pool freed above APC_LEVEL', C4.PAGED_FREE_ABOVE_APC),
  NonPagedFreeAboveDispatch: rule('NonPagedFreeAboveDispatch', 'nonpaged pool freed above DISPATCH_LEVEL', C4.NONPAGED_FREE_ABOVE_DISPATCH),
  DoubleFree: rule('DoubleFree', 'a free of a block that was already freed', C4.DOUBLE_FREE),
  RaiseIrqlLowers: rule('RaiseIrqlLowers', 'KeRaiseIrql used to lower IRQL, or to raise it above HIGH_LEVEL', C4.RAISE_IRQL_LOWERS),
  LowerIrqlRaises: rule('LowerIrqlRaises', 'KeLowerIrql used to raise IRQL, or to lower it to a level above HIGH_LEVEL', C4.LOWER_IRQL_RAISES),
  SpinLockReleaseBadIrql: rule('SpinLockReleaseBadIrql', 'a spin lock released at an IRQL other than DISPATCH_LEVEL (typically released twice)', C4.SPIN_LOCK_RELEASE_BAD_IRQL),
  SpinLockDpcAcquireLowIrql: rule('SpinLockDpcAcquireLowIrql', 'KeAcquireSpinLockAtDpcLevel below DISPATCH_LEVEL', C4.SPIN_LOCK_DPC_ACQUIRE_LOW_IRQL),
  SpinLockDpcReleaseLowIrql: rule('SpinLockDpcReleaseLowIrql', 'KeReleaseSpinLockFromDpcLevel below DISPATCH_LEVEL', C4.SPIN_LOCK_DPC_RELEASE_LOW_IRQL),
  SpinLockAcquireAboveDispatch: rule('SpinLockAcquireAboveDispatch', 'KeAcquireSpinLock above DISPATCH_LEVEL', C4.SPIN_LOCK_ACQUIRE_ABOVE_DISPATCH),
  PoolLeakAtUnload: rule('PoolLeakAtUnload', 'a driver unloads without freeing its pool, MDLs and work items', C4.POOL_LEAK_AT_UNLOAD, POOL_TRACKING),
} as const satisfies Record<string, VerifierRule>;

export type RuleName = keyof typeof RULES;

export const ALL_RULES: readonly VerifierRule[] = Object.values(RULES);
