/** Shared helpers for the kernel conformance tests (not a test file itself). */
import assert from 'node:assert/strict';
import { BugCheck } from '../../src/kernel/errors.ts';
import { Kernel, type Routine } from '../../src/kernel/kernel.ts';
import { FILE_DEVICE_UNKNOWN } from '../../src/nt/io.ts';
import { DEVICE_OBJECT, DRIVER_OBJECT } from '../../src/nt/layout.ts';
import { POOL_TYPE, poolTag } from '../../src/nt/pool.ts';
import { STATUS } from '../../src/nt/status.ts';

export const TAG = poolTag('mdrv');

export const hex = (n: number | bigint): string => '0x' + (typeof n === 'bigint' ? n : n >>> 0).toString(16);

/** Assert `body` stops the machine with exactly this bug check code and these four parameters. */
export function expectBugCheck(body: () => unknown, code: number, params: readonly [number, number, number, number]): BugCheck {
  let caught: unknown;
  try {
    body();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof BugCheck, `expected bug check ${hex(code)}, got ${caught === undefined ? 'no exception' : String(caught)}`);
  assert.equal(hex(caught.code), hex(code), 'bug check code');
  assert.deepEqual(caught.params.map(hex), params.map(hex), 'bug check parameters');
  return caught;
}

/** Scratch nonpaged memory for structures a driver would embed in its extension. */
export function scratch(k: Kernel, size: number): number {
  const a = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, size, TAG);
  assert.notEqual(a, 0, 'scratch allocation');
  return a;
}

/** Register driver code; returns its code address (0x9b000000 + n*0x10). */
export function routine(k: Kernel, n: number, fn: (...args: number[]) => unknown): number {
  const address = 0x9b000000 + n * 0x10;
  k.registerRoutine(address, fn as unknown as Routine, 'TestDriver');
  return address;
}

/** A NUL-terminated UTF-16 string in nonpaged pool. */
export function wideString(k: Kernel, text: string): number {
  const a = scratch(k, 2 * text.length + 2);
  k.as.writeUtf16(a, text);
  k.as.setU16(a + 2 * text.length, 0);
  return a;
}

/** A NUL-terminated 8-bit string in nonpaged pool. */
export function ansiString(k: Kernel, text: string): number {
  const a = scratch(k, text.length + 1);
  k.as.write(a, new TextEncoder().encode(text + '\0'));
  return a;
}

/** A LARGE_INTEGER in memory (for Timeout / Interval pointers). */
export function largeInteger(k: Kernel, value: bigint): number {
  const a = scratch(k, 8);
  k.as.setU64(a, value);
  return a;
}

/** NT relative time: `ms` milliseconds from now, in 100 ns units (negative). */
export const relativeMs = (ms: number): bigint => BigInt(-ms * 10_000);

/**
 * A driver object (as the loader creates it) and one unnamed device created through IoCreateDevice.
 * `dispatch` maps major function codes to driver routines.
 */
export function createDevice(k: Kernel, name: string, stackSize: number, dispatch: Record<number, number> = {}): { driver: number; device: number } {
  const driver = k.io.createDriverObject(name, 0x9b000000, 0x100000);
  for (const [major, address] of Object.entries(dispatch)) k.as.setU32(driver + DRIVER_OBJECT.off.MajorFunction + 4 * Number(major), address);
  const out = scratch(k, 4);
  assert.equal(k.ddi.IoCreateDevice(driver, 0, 0, FILE_DEVICE_UNKNOWN, 0, 0, out), STATUS.SUCCESS);
  const device = k.as.u32(out);
  k.as.setU8(device + DEVICE_OBJECT.off.StackSize, stackSize);
  return { driver, device };
}
