/**
 * Memory as a TypeScript driver touches it. Every access is checked against mm's shadow (shadow.ts),
 * the same bytes a checked wasm driver's inline check reads: a byte that may not be touched (a page
 * not mapped, a special pool guard, a pool header or freed block) is handed to the kernel's fault
 * policy (access-fault.ts), which raises the stop Windows gives for it.
 */
import { AddressSpace } from './address-space.ts';

/** `bad`: the first byte of the access that may not be touched. Must not return normally. */
export type DriverFaultHandler = (address: number, length: number, write: boolean, bad: number) => never;

export class DriverMemory {
  constructor(private readonly as: AddressSpace, private readonly fault: DriverFaultHandler) {}

  private check(va: number, length: number, write: boolean): number {
    const a = va >>> 0;
    if (this.as.shadow.isClean(a, length)) return a;
    const bad = this.as.shadow.firstBad(a, length);
    if (bad >= 0) this.fault(a, Math.max(length, 1), write, bad);
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
