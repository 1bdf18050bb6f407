/**
 * The DDI calls a fuzz sequence is made of. Each operation names a DDI family call, the objects it
 * works on (selectors: mostly an object an earlier call made, sometimes a wild value) and a few plain
 * numbers. The generator (sequence.ts) draws operations from this table and the harness runs them.
 */
import { VA_MAP } from '../../../src/kernel/mm/address-space.ts';
import { GENERAL_LOOKASIDE, KDPC, KEVENT, KTIMER, MDL_LAYOUT, UNICODE_STRING, WORK_QUEUE_ITEM } from '../../../src/nt/layout.ts';
import { POOL_TYPE, poolTag } from '../../../src/nt/pool.ts';

/** What a selector picks from: the objects of one kind the sequence made so far. */
export type Kind = 'pool' | 'lock' | 'event' | 'timer' | 'dpc' | 'fmutex' | 'mdl' | 'lookaside' | 'ustring' | 'ioworkitem' | 'exworkitem' | 'handle' | 'object' | 'place' | 'irql' | 'irp';

/**
 * An argument: the r-th object of its kind (plus a byte offset d, usually 0); a wild 32-bit value; or
 * (x) the x-th object of any kind: a timer passed as an event, a lock passed as a pool block.
 */
export type Sel = { readonly r: number; readonly d: number } | { readonly w: number } | { readonly x: number };

export interface Op {
  readonly op: OpName;
  readonly s: readonly Sel[];
  readonly n: readonly number[];
}

/** Tags: the right one, another driver-like one, 0 (BAD_POOL_CALLER 0x9b), a wild one. */
export const TAGS = [poolTag('Fuzz'), poolTag('Fuz2'), 0, 0xffffffff] as const;
export const POOL_TYPES = [POOL_TYPE.NonPagedPool, POOL_TYPE.PagedPool, POOL_TYPE.NonPagedPoolNx, POOL_TYPE.NonPagedPoolMustSucceed, POOL_TYPE.PagedPoolSession, 0x7f, 0xffffffff] as const;
export const SIZES = [1, 8, 0x20, 0x40, 0x100, 0xff8, 0x1000, 0x1008, 0x3000, 0, 0x7fffffff, 0xffffffff] as const;
export const IRQLS = [0, 1, 2, 5, 15, 31, 32, 0xff] as const;

/** Wild values: null, the top of the address space, unaligned, each region's start, inside nt. */
export const WILD = [
  0,
  0xffffffff,
  0xfffffffc,
  1,
  0x1000,
  0x7fff0000,
  VA_MAP.ntImage.start + 0x40,
  VA_MAP.nonPagedPool.start,
  VA_MAP.nonPagedPool.start + 0x13,
  VA_MAP.stacks.start,
  VA_MAP.session.start,
  VA_MAP.pagedPool.start + 8,
  VA_MAP.specialPool.start,
  VA_MAP.images.start,
  VA_MAP.images.end - 4,
] as const;

/** DbgPrint formats: each conversion, widths and precisions from the arguments, 64-bit sizes. */
export const FORMATS = ['%s', '%wZ', '%Z', '%ws', '%S', '%p %x %d', '%I64x %u', '%c%C', '%*d', '%.*s', '%*.*S', '%-10s|%08lx|%%', '%hhd %llu', '%'] as const;

/** Sizes of the structures a `place` selector must hold (storage comes from globals or pool). */
export const STRUCT_SIZE = {
  lock: 4,
  event: KEVENT.size,
  timer: KTIMER.size,
  dpc: KDPC.size,
  fmutex: 0x20,
  mdl: MDL_LAYOUT.size,
  lookaside: GENERAL_LOOKASIDE.size,
  ustring: UNICODE_STRING.size,
  exworkitem: WORK_QUEUE_ITEM.size,
} as const;

/** Each operation: the kinds of its selectors and how many plain numbers it takes (each in [0, 2^16)). */
export const OPS = {
  // pool
  ExAllocatePoolWithTag: { sels: [], nums: 3 },
  ExAllocatePool2: { sels: [], nums: 3 },
  ExFreePoolWithTag: { sels: ['pool'], nums: 1 },
  ExFreePool: { sels: ['pool'], nums: 0 },
  WritePool: { sels: ['pool'], nums: 2 },
  // IRQL
  KeRaiseIrql: { sels: ['irql'], nums: 1 },
  KeLowerIrql: { sels: [], nums: 1 },
  KeRaiseIrqlToDpcLevel: { sels: [], nums: 0 },
  LowerToSaved: { sels: [], nums: 0 },
  // spin locks
  KeInitializeSpinLock: { sels: ['place'], nums: 0 },
  KeAcquireSpinLock: { sels: ['lock', 'irql'], nums: 0 },
  KeReleaseSpinLock: { sels: ['lock'], nums: 0 },
  KeAcquireSpinLockAtDpcLevel: { sels: ['lock'], nums: 0 },
  KeReleaseSpinLockFromDpcLevel: { sels: ['lock'], nums: 0 },
  // fast mutexes
  ExInitializeFastMutex: { sels: ['place'], nums: 0 },
  ExAcquireFastMutex: { sels: ['fmutex'], nums: 0 },
  ExTryToAcquireFastMutex: { sels: ['fmutex'], nums: 0 },
  ExReleaseFastMutex: { sels: ['fmutex'], nums: 0 },
  // events and waits
  KeInitializeEvent: { sels: ['place'], nums: 2 },
  KeSetEvent: { sels: ['event'], nums: 0 },
  KeResetEvent: { sels: ['event'], nums: 0 },
  KeWaitForSingleObject: { sels: ['event'], nums: 1 },
  KeDelayExecutionThread: { sels: [], nums: 1 },
  // DPCs and timers
  KeInitializeDpc: { sels: ['place', 'event'], nums: 0 },
  KeInsertQueueDpc: { sels: ['dpc'], nums: 0 },
  KeRemoveQueueDpc: { sels: ['dpc'], nums: 0 },
  KeFlushQueuedDpcs: { sels: [], nums: 0 },
  KeInitializeTimerEx: { sels: ['place'], nums: 1 },
  KeSetTimerEx: { sels: ['timer', 'dpc'], nums: 3 },
  KeCancelTimer: { sels: ['timer'], nums: 0 },
  // work items and threads
  IoAllocateWorkItem: { sels: ['object'], nums: 0 },
  IoQueueWorkItem: { sels: ['ioworkitem', 'event'], nums: 0 },
  IoFreeWorkItem: { sels: ['ioworkitem'], nums: 0 },
  ExInitializeWorkItem: { sels: ['place', 'event'], nums: 0 },
  ExQueueWorkItem: { sels: ['exworkitem'], nums: 0 },
  PsCreateSystemThread: { sels: ['event'], nums: 0 },
  ZwClose: { sels: ['handle'], nums: 0 },
  ObReferenceObjectByHandle: { sels: ['handle'], nums: 0 },
  // objects
  IoCreateDevice: { sels: [], nums: 2 },
  IoDeleteDevice: { sels: ['object'], nums: 0 },
  ObReferenceObject: { sels: ['object'], nums: 0 },
  ObDereferenceObject: { sels: ['object'], nums: 0 },
  // MDLs
  IoAllocateMdl: { sels: ['pool'], nums: 1 },
  MmBuildMdlForNonPagedPool: { sels: ['mdl'], nums: 0 },
  MmProbeAndLockPages: { sels: ['mdl'], nums: 1 },
  MmUnlockPages: { sels: ['mdl'], nums: 0 },
  MmMapLockedPagesSpecifyCache: { sels: ['mdl'], nums: 1 },
  MmUnmapLockedPages: { sels: ['mdl'], nums: 0 },
  MmGetSystemAddressForMdlSafe: { sels: ['mdl'], nums: 0 },
  IoBuildPartialMdl: { sels: ['mdl', 'mdl'], nums: 2 },
  IoFreeMdl: { sels: ['mdl'], nums: 0 },
  // lookaside lists
  ExInitializeLookasideList: { sels: ['place'], nums: 3 },
  ExAllocateFromLookasideList: { sels: ['lookaside'], nums: 0 },
  ExFreeToLookasideList: { sels: ['lookaside', 'pool'], nums: 0 },
  ExDeleteLookasideList: { sels: ['lookaside'], nums: 0 },
  // unicode strings
  RtlInitUnicodeString: { sels: ['place', 'pool'], nums: 1 },
  RtlCopyUnicodeString: { sels: ['ustring', 'ustring'], nums: 0 },
  RtlCompareUnicodeString: { sels: ['ustring', 'ustring'], nums: 1 },
  RtlEqualUnicodeString: { sels: ['ustring', 'ustring'], nums: 1 },
  IoCreateSymbolicLink: { sels: ['ustring', 'ustring'], nums: 0 },
  IoDeleteSymbolicLink: { sels: ['ustring'], nums: 0 },
  // more of the same families
  KeInitializeMutex: { sels: ['place'], nums: 0 },
  KeReleaseMutex: { sels: ['event'], nums: 0 },
  KeWaitForMultipleObjects: { sels: ['event', 'event', 'event'], nums: 3 },
  IoAllocateIrp: { sels: [], nums: 1 },
  IoFreeIrp: { sels: ['irp'], nums: 0 },
  IoCallDriver: { sels: ['object', 'irp'], nums: 0 },
  IoCompleteRequest: { sels: ['irp'], nums: 0 },
  KeStallExecutionProcessor: { sels: [], nums: 1 },
  MmIsAddressValid: { sels: ['pool'], nums: 0 },
  KeQuerySystemTime: { sels: ['place'], nums: 0 },
  DbgPrint: { sels: ['pool', 'ustring'], nums: 2 },
} as const satisfies Record<string, { readonly sels: readonly Kind[]; readonly nums: number }>;

export type OpName = keyof typeof OPS;
export const OP_NAMES = Object.keys(OPS) as OpName[];

/** One operation as a line of a regression test: `ExFreePoolWithTag(pool#1+8, 2)`. */
export function describeOp(o: Op): string {
  const sel = (s: Sel, kind: Kind) =>
    'w' in s ? `0x${(s.w >>> 0).toString(16)}` : 'x' in s ? `any#${s.x}` : `${kind}#${s.r}${s.d ? (s.d > 0 ? `+${s.d}` : `${s.d}`) : ''}`;
  const kinds: readonly Kind[] = OPS[o.op].sels;
  return `${o.op}(${[...o.s.map((s, i) => sel(s, kinds[i]!)), ...o.n.map(String)].join(', ')})`;
}
