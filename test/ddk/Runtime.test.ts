/**
 * The driver runtime and the inline parts of wdm.h, run inside a built image (RuntimeProbe.c) with
 * a stub kernel: printf formats, bounded copies, mem* (called by the compiler too), lists,
 * Interlocked, __try/__finally, and how DDI arguments cross into the host.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { DRIVER_OBJECT } from '../../src/nt/layout.ts';
import { poolTag } from '../../src/nt/pool.ts';
import { ROOT } from '../helpers.ts';
import { instantiateImage, KERNEL_AREA } from './stub-kernel.ts';
import { NEEDS_CLANG, withTempDir } from './support.ts';

const probe = join(ROOT, 'test', 'fixtures', 'c', 'RuntimeProbe.c');

let built: Uint8Array<ArrayBuffer> | undefined;
function probeImage(): Uint8Array<ArrayBuffer> {
  built ??= withTempDir((dir) => {
    const output = join(dir, 'probe.wasm');
    const result = buildDriver({ sources: [probe], output });
    assert.ok(result.ok, result.diagnostics);
    return readFileSync(output);
  });
  return built;
}

function runProbe(mode: number) {
  const lines: string[] = [];
  const calls: Record<string, unknown[]> = {};
  const image = instantiateImage(probeImage(), {
    // The variable arguments arrive as one pointer to their buffer.
    DbgPrint: ((format: number, va: number) => {
      assert.equal(image.cstring(format), '%s');
      lines.push(image.cstring(image.u32(va)));
      return 0;
    }) as never,
    DbgPrintEx: ((component: number, level: number, format: number, va: number) => {
      // "%s %I64d %u": a 4-byte pointer, then the 8-byte value at the next multiple of 8, then 4 bytes.
      const s = image.cstring(image.u32(va));
      const wide = (va + 4 + 7) & ~7;
      calls.DbgPrintEx = [component, level, image.cstring(format), s, BigInt.asIntN(64, image.u64(wide)), image.u32(wide + 8)];
      return 0;
    }) as never,
    KeSetTimer: ((timer: number, dueTime: number, dpc: number) => {
      calls.KeSetTimer = [typeof timer, BigInt.asIntN(64, image.u64(dueTime >>> 0)), dpc];
      return 0;
    }) as never,
    ExAllocatePool2: ((flags: bigint, size: number, tag: number) => {
      calls.ExAllocatePool2 = [flags, size, tag >>> 0];
      return KERNEL_AREA + 0x1000;
    }) as never,
    ExFreePoolWithTag: ((p: number, tag: number) => {
      calls.ExFreePoolWithTag = [p >>> 0, tag >>> 0];
    }) as never,
    KeBugCheckEx: ((code: number, p1: number, p2: number) => {
      throw Object.assign(new Error('bug check'), { bugCheck: [code >>> 0, p1 >>> 0, p2 >>> 0] });
    }) as never,
  });
  const driverObject = KERNEL_AREA;
  new DataView(image.memory.buffer).setUint32(driverObject + DRIVER_OBJECT.off.Flags, mode, true);
  let status: number | undefined;
  let bugCheck: number[] | undefined;
  try {
    status = (image.exports.DriverEntry as (d: number, r: number) => number)(driverObject, 0) >>> 0;
  } catch (e) {
    bugCheck = (e as { bugCheck?: number[] }).bugCheck;
    if (!bugCheck) throw e;
  }
  return { lines, calls, status, bugCheck };
}

test('the runtime formats, copies and moves memory as ntstrsafe.h and string.h say', { skip: NEEDS_CLANG }, () => {
  const { lines, status } = runProbe(0);
  assert.equal(status, 0);
  assert.deepEqual(lines, [
    '[   42|-7  |ff|0000002A|narrow|wide|\\Device\\Probe|z|%|123456789abcdef|00001234|abc]',
    'printf status 00000000',
    'small [truncat] status 80000005',
    'copy [hello] 80000005 [abc] 00000000 C000000D len 6 wcslen 2',
    'memory [0101234789] copy 1 zero 1 equal 1 cmp 1',
    'lists 1 3 1 1 interlocked 6 10',
    'try 1234 134',
  ]);
});

test('DDI arguments cross as the ABI table says: i64 flags, LARGE_INTEGER by pointer, varargs by buffer', { skip: NEEDS_CLANG }, () => {
  const { calls } = runProbe(0);
  assert.deepEqual(calls.KeSetTimer, ['number', -1234567890123n, 0]);
  // 'borP' in C is the tag the kernel prints as "Prob" (first character in the lowest byte).
  assert.deepEqual(calls.ExAllocatePool2, [0x42n, 24, poolTag('Prob')]);
  assert.deepEqual(calls.ExFreePoolWithTag, [KERNEL_AREA + 0x1000, poolTag('Prob')]);
  assert.deepEqual(calls.DbgPrintEx, [77, 0, '%s %I64d %u', 'varargs', -5n, 7]);
});

test('a corrupted list entry stops the machine with 0x139/3 at the operation', { skip: NEEDS_CLANG }, () => {
  const { bugCheck, lines } = runProbe(1);
  assert.deepEqual(bugCheck?.slice(0, 2), [0x139, 3]);
  assert.deepEqual(lines, []);
});
