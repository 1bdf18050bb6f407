/**
 * Memory as driver code touches it. Every access is checked against the page table, as the MMU would:
 * a touch of a no-access page is a page fault the kernel cannot satisfy, and the bug check names
 * what kind of page it was (special pool guard, freed special pool, or just invalid).
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { AddressSpace, PAGE_SHIFT, PageKind } from './address-space.ts';

export type PageFaultHandler = (address: number, write: boolean, kind: PageKind) => never;

export class DriverMemory {
  constructor(private readonly as: AddressSpace, private readonly fault: PageFaultHandler) {}

  private check(va: number, length: number, write: boolean): number {
    const a = va >>> 0;
    const first = a >>> PAGE_SHIFT;
    const last = (a + Math.max(length, 1) - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      const kind = this.as.pages[p]! as PageKind;
      if (kind === PageKind.NoAccess || kind === PageKind.Guard || kind === PageKind.Freed) {
        this.fault(p === first ? a : p << PAGE_SHIFT, write, kind);
      }
    }
    return a;
  }

  u8(va: number): number {
    return this.as.u8(this.check(va, 1, false));
  }
  u16(va: number): number {
    return this.as.u16(this.check(va, 2, false));
  }
  u32(va: number): number {
    return this.as.u32(this.check(va, 4, false));
  }
  i32(va: number): number {
    return this.as.i32(this.check(va, 4, false));
  }
  u64(va: number): bigint {
    return this.as.u64(this.check(va, 8, false));
  }
  setU8(va: number, v: number): void {
    this.as.setU8(this.check(va, 1, true), v);
  }
  setU16(va: number, v: number): void {
    this.as.setU16(this.check(va, 2, true), v);
  }
  setU32(va: number, v: number): void {
    this.as.setU32(this.check(va, 4, true), v);
  }
  setU64(va: number, v: bigint): void {
    this.as.setU64(this.check(va, 8, true), v);
  }
  read(va: number, length: number): Uint8Array {
    return this.as.read(this.check(va, length, false), length);
  }
  write(va: number, data: Uint8Array): void {
    this.as.write(this.check(va, data.length, true), data);
  }
  fill(va: number, length: number, value: number): void {
    if (length > 0) this.as.fill(this.check(va, length, true), length, value);
  }
  /** RtlCopyMemory / memcpy. */
  copy(dst: number, src: number, length: number): void {
    if (length <= 0) return;
    this.check(src, length, false);
    this.as.copy(this.check(dst, length, true), src, length);
  }
  utf16(va: number, chars: number): string {
    this.check(va, chars * 2, false);
    return this.as.utf16(va, chars);
  }
}

/** Which bug check a driver's page fault raises, by the kind of page it touched. */
export function pageFaultBugCheck(kind: PageKind): number {
  switch (kind) {
    case PageKind.Guard:
      return BUGCHECK.DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION;
    case PageKind.Freed:
      return BUGCHECK.DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL;
    default:
      return BUGCHECK.PAGE_FAULT_IN_NONPAGED_AREA;
  }
}
