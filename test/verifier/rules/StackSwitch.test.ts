/** A C driver calling the kernel from a stack of its own (automatic check): 0xC4 / 0x90. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RULES } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, markedLine, reported, runViolating } from './support.ts';

test('a DDI called with the stack pointer in driver-owned memory: 0xC4/0x90 with that pointer and the thread stack bounds', async () => {
  const rule = RULES.StackSwitch;
  const r = await runViolating(rule);
  const thread = r.machine.kernel.systemThread; // DriverEntry runs in the System thread
  const top = reported(r, 'stack');
  const image = r.dump.modules.find((m) => m.name === 'StackSwitch')!;
  assert.ok(top >= image.base && top < image.base + image.size, 'the private stack is static storage in the image');
  assertStop(r, rule, { params: [top, thread.stackLimit, thread.stackBase], symbol: 'StackSwitch!RunOnPrivateStack', line: markedLine('drivers/c/rules/StackSwitch.c') });
  await assertClean(rule);
});
