/** IoGetInitialStack, IoGetStackLimits, IoGetRemainingStackSize: the stack the calling code runs on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { TAG } from './support.ts';

test("a thread's initial stack is its base; its limits are [limit, base); a TypeScript caller has all of it left", () => {
  const k = new Kernel();
  const t = k.systemThread;
  k.runInThread(t, () => {
    assert.equal(k.ddi.IoGetInitialStack(), t.stackBase);
    const out = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 8, TAG);
    k.ddi.IoGetStackLimits(out, out + 4);
    assert.deepEqual([k.as.u32(out), k.as.u32(out + 4)], [t.stackLimit, t.stackBase]);
    assert.equal(k.ddi.IoGetRemainingStackSize(), t.stackBase - t.stackLimit);
    k.driverStackPointer = t.stackBase - 0x100;
    assert.equal(k.ddi.IoGetRemainingStackSize(), t.stackBase - 0x100 - t.stackLimit, "a C driver's stack pointer is known at its DDI calls");
    k.driverStackPointer = 0;
  });
});
