/** DbgBreakPoint / DbgBreakPointWithStatus: the debugger's break when one is attached, else the unhandled breakpoint's bug check. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel, type BreakContext } from '../../src/kernel/kernel.ts';
import { STATUS } from '../../src/nt/status.ts';
import { expectBugCheck, routine, scratch } from './support.ts';

test('without a debugger: KMODE_EXCEPTION_NOT_HANDLED, STATUS_BREAKPOINT at the routine\'s int 3', () => {
  const k = new Kernel();
  expectBugCheck(() => k.ddi.DbgBreakPoint(), 0x1e, [0x80000003, k.nt.address('DbgBreakPoint'), 0, 0]);
  const k2 = new Kernel();
  expectBugCheck(() => k2.ddi.DbgBreakPointWithStatus(3), 0x1e, [0x80000003, k2.nt.address('DbgBreakPointWithStatus'), 0, 0]);
});

test('without a debugger, in a system thread: SYSTEM_THREAD_EXCEPTION_NOT_HANDLED (0x7E)', () => {
  const k = new Kernel();
  const handle = scratch(k, 4);
  assert.equal(k.ddi.PsCreateSystemThread(handle, 0, 0, 0, 0, routine(k, 1, () => k.ddi.DbgBreakPoint()), 0), STATUS.SUCCESS);
  expectBugCheck(() => k.dispatcher.runUntilIdle(), 0x7e, [0x80000003, k.nt.address('DbgBreakPoint'), 0, 0]);
});

test('with a debugger: the debugger gets the break (the status named), and the call returns when it continues', () => {
  const k = new Kernel();
  const seen: BreakContext[] = [];
  k.debugger = (context) => void seen.push(context);
  k.ddi.DbgBreakPointWithStatus(3);
  assert.equal(k.halted, false);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.reason.breakpoint, 'DbgBreakPointWithStatus');
  assert.deepEqual(seen[0]!.reason.params, [0x80000003, k.nt.address('DbgBreakPointWithStatus'), 0, 0]);
  assert.match(seen[0]!.reason.message[0]!, /^Breakpoint: DbgBreakPointWithStatus\(0x00000003\)/);
  assert.equal(seen[0]!.stack[0], k.nt.address('DbgBreakPointWithStatus'), 'the break is innermost');
});
