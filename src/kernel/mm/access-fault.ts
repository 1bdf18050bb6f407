/**
 * MmAccessFault: what a driver's bad memory access gets, decided in one place for every kind of
 * driver (a checked wasm image's inline check, a TypeScript driver's DriverMemory, a --kasan image's
 * sanitizer runtime). The order is Windows' own:
 *
 * 1. The byte is in a mapped page but the shadow poisons it (a pool header, the slack after a block,
 *    a freed block, a stack or global redzone): what no Windows option catches, reported as Windows'
 *    KASAN reports it, 0x1F2 KASAN_ILLEGAL_ACCESS (P1 address, P2 size, P3 caller, P4 shadow code).
 * 2. Special pool: the guard page after a block, 0xD6; a freed special pool page, 0xD5.
 * 3. A kernel stack's guard page: the stack overflowed, 0x7F with EXCEPTION_DOUBLE_FAULT.
 * 4. The image of a driver that has unloaded: 0xCE.
 * 5. At DISPATCH_LEVEL or above no page fault can be taken: 0xD1 (the faulting code is a driver's).
 *    Under Force IRQL checking pageable memory is trimmed at that IRQL, so paged pool is such a fault too
 *    (checked first: the page is mapped, but not while IRQL is raised).
 * 6. A user-space address (the NULL page included): an access violation, STATUS_ACCESS_VIOLATION,
 *    that the driver's __try/__except can take; unhandled, 0x1E (0x7E in a system thread).
 * 7. Any other system address: 0x50 PAGE_FAULT_IN_NONPAGED_AREA, which try/except cannot take.
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { DISPATCH_LEVEL } from '../../nt/irql.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { isAccessible, isPageable, PageKind, VA_MAP } from './address-space.ts';
import { MM_SYSTEM_RANGE_START } from '../exported-data.ts';
import { poolBlockAround } from '../ex/pool-walk.ts';

export interface BadAccess {
  /** Where the access starts (P1 of 0x1F2). */
  readonly address: number;
  /** Bytes it touches. */
  readonly size: number;
  readonly write: boolean;
  /** The code address of the instruction (or the sanitizer call) that made it. */
  readonly pc: number;
}

/** What the crash context records of the access, for `!analyze -v` (one definition: dump-schema reads it). */
export interface MemoryAccessRecord {
  readonly address: number;
  readonly size: number;
  readonly write: boolean;
  /** The first byte that may not be touched. */
  readonly bad: number;
  /** Its shadow code (shadow.ts), or 0 for a page fault. */
  readonly shadow: number;
  /** The pool block the byte lies in or runs off the end of, when it is pool. */
  readonly block?: { readonly address: number; readonly size: number; readonly tag: number; readonly freed: boolean };
}

const inRange = (a: number, r: { start: number; end: number }) => a >= r.start && a < r.end;

export interface FaultOptions {
  /**
   * Run with the faulting instruction as the innermost frame (a wasm image's check, which has no frame
   * of its own on the kernel's stacks), so the crash stack and `!analyze -v` start at its source line.
   */
  readonly pushFrame?: boolean;
  /**
   * An access violation is deferred to the driver's next call (ExceptionDispatcher.defer), and the
   * fault returns the address the suppressed access uses instead: scratch memory, zeroed.
   */
  readonly deferViolation?: boolean;
}

/** The stop (or exception) for an access whose byte `bad` may not be touched; returns only a deferred violation's scratch address. */
export function mmAccessFault(k: Kernel, access: BadAccess, bad: number, opts: FaultOptions = {}): number {
  return opts.pushFrame ? k.stacks.frame(access.pc >>> 0, () => decide(k, access, bad >>> 0, opts)) : decide(k, access, bad >>> 0, opts);
}

function decide(k: Kernel, access: BadAccess, bad: number, opts: FaultOptions): number {
  const rw = access.write ? 1 : 0;
  const pc = access.pc >>> 0;
  const kind = k.as.pageKind(bad);
  const record = (shadow: number): MemoryAccessRecord => {
    const around = poolBlockAround(k.pool, k.as, bad);
    const block = around && { address: around.block.address, size: around.block.size, tag: around.block.tag, freed: around.freed };
    return { address: access.address >>> 0, size: access.size, write: access.write, bad, shadow, ...(block ? { block } : {}) };
  };
  const stop = (code: number, p1: number, p2: number, p3: number, p4: number) => k.bugCheck(code, p1, p2, p3, p4, undefined, undefined, record(0));
  // Pageable memory trimmed while the IRQL is raised (Force IRQL checking): the page fault cannot be taken.
  if (isPageable(kind) && k.as.shadow.trimmed) return stop(BUGCHECK.DRIVER_IRQL_NOT_LESS_OR_EQUAL, bad, k.prcb.irql, rw, pc);
  if (isAccessible(kind)) return kasanStop(k, access, record(k.as.shadow.codeOf(bad)));
  if (kind === PageKind.Guard && inRange(bad, VA_MAP.specialPool)) return stop(BUGCHECK.DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION, bad, rw, pc, 0);
  if (kind === PageKind.Freed) return stop(BUGCHECK.DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL, bad, rw, pc, 0);
  if (kind === PageKind.Guard && inRange(bad, VA_MAP.stacks)) return stop(BUGCHECK.UNEXPECTED_KERNEL_MODE_TRAP, 8, 0, 0, 0);
  const unloaded = inRange(bad, VA_MAP.images) ? k.io.unloadedDriverAt(bad) : undefined;
  if (unloaded) {
    return k.bugCheck(BUGCHECK.DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS, bad, rw, pc, 0, undefined, { module: unloaded.name }, record(0));
  }
  if (k.prcb.irql >= DISPATCH_LEVEL) return stop(BUGCHECK.DRIVER_IRQL_NOT_LESS_OR_EQUAL, bad, k.prcb.irql, rw, pc);
  if (bad < MM_SYSTEM_RANGE_START) {
    if (!opts.deferViolation) return k.exceptions.raise(STATUS.ACCESS_VIOLATION, pc, [rw, bad]);
    k.exceptions.defer(STATUS.ACCESS_VIOLATION, pc, [rw, bad]);
    k.as.zero(VA_MAP.accessScratch.start, 16);
    return VA_MAP.accessScratch.start;
  }
  return stop(BUGCHECK.PAGE_FAULT_IN_NONPAGED_AREA, bad, rw, pc, 0);
}

/** 0x1F2 KASAN_ILLEGAL_ACCESS: P1 the access's address, P2 its size, P3 the code that made it, P4 the shadow code. */
function kasanStop(k: Kernel, access: BadAccess, record: MemoryAccessRecord): never {
  return k.bugCheck(BUGCHECK.KASAN_ILLEGAL_ACCESS, access.address >>> 0, access.size, access.pc >>> 0, record.shadow, undefined, undefined, record);
}

/**
 * A sanitizer's finding where the shadow already names the kind (a --kasan image's stack or global
 * redzone, whose shadow is clang's own): 0x1F2 with that code.
 */
export function kasanIllegalAccess(k: Kernel, access: BadAccess, shadowCode: number): never {
  const a = access.address >>> 0;
  const record = { address: a, size: access.size, write: access.write, bad: a, shadow: shadowCode & 0xff };
  return k.stacks.frame(access.pc >>> 0, () => kasanStop(k, access, record));
}
