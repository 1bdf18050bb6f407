/**
 * Miscellaneous checks (0x800): at ExFreePool the block must hold no live kernel object — a queued
 * work item (0xE4/0x0), an ERESOURCE (0xC4/0xD2), a lookaside list (0xC4/0xCC), a set timer or a
 * queued DPC (0xC7/0x0, 0x1) — a UserMode wait must not be on a kernel-stack object (0xC4/0x123),
 * and a handle of the user's table must not be referenced as KernelMode (0xC4/0xF6).
 * Force IRQL checking (0x2): KeEnter/LeaveCriticalRegion above APC_LEVEL (0xC4/0x11A, 0x11B), a wait
 * above DISPATCH_LEVEL (0x120), or at it with no time-out (0x121) or a non-zero one (0x122). Each
 * violating sample (TypeScript and its C twin; UserModeWaitOnStackObject in C only: a TypeScript driver
 * has no locals on the kernel stack) stops with its code and four parameters; its clean twin runs clean; with the
 * option off the violating sample runs on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DISPATCH_LEVEL } from '../../../src/nt/irql.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import type { RunOutcome } from '../../../src/system/run.ts';
import { LANGS, analyzeV, assertClean, assertStop, hex, markedLine, reported, runViolating, samplesIn, type Extra, WITHOUT_DDI_RULES } from './support.ts';

const source = (rule: VerifierRule) => rule.sample!.violating.replace(/\.wasm$/, '.c');

/** A rule's samples by language: the TypeScript sample and its C twin, or the C sample alone. */
function languages(rule: VerifierRule) {
  if (rule.sample!.violating.endsWith('.ts')) return LANGS.map((lang) => ({ lang, ...samplesIn(rule, lang) }));
  return [{ lang: 'c' as const, run: (extra: Extra = {}) => runViolating(rule, extra), line: () => markedLine(source(rule)), rule }];
}

/** The frames under KeBugCheckEx of `!analyze -v`, without offsets. */
function stackNames(analysis: readonly string[], n: number): string[] {
  const stack = analysis.slice(analysis.indexOf('STACK_TEXT:  ') + 2);
  return stack.slice(0, n).map((l) => l.split(' ')[1]!.replace(/\+0x[0-9a-f]+$/, ''));
}

interface FreeCase {
  readonly title: string;
  readonly rule: VerifierRule;
  /** The key the sample reports the object under. */
  readonly object: string;
  readonly symbol: string;
  /** Parameters 2-4 from the object, the block and its size. */
  readonly params: (object: number, block: number, size: number) => number[];
  /** The nt check frames above VerifierExFreePoolWithTag, innermost first. */
  readonly checks: readonly string[];
}

const FREE_CASES: FreeCase[] = [
  {
    title: 'a work item still queued in the freed block: 0xE4/0x0 with the item, the block and its size',
    rule: RULES.FreeWithQueuedWorkItem,
    object: 'item',
    symbol: 'FreeWithQueuedWorkItem!CancelRequest',
    params: (o, b, s) => [o, b, s],
    checks: ['ExpCheckForWorker', 'ExFreePoolSanityChecks'],
  },
  {
    title: 'an ERESOURCE not deleted in the freed block: 0xC4/0xD2 with the resource, the block and its size',
    rule: RULES.FreeWithActiveResource,
    object: 'resource',
    symbol: 'FreeWithActiveResource!FreeContext',
    params: (o, b, s) => [o, b, s],
    checks: ['VerifierBugCheckIfAppropriate', 'VfCheckForResource', 'ExFreePoolSanityChecks'],
  },
  {
    title: 'a lookaside list not deleted in the freed block: 0xC4/0xCC with the list, the block and its size',
    rule: RULES.FreeWithActiveLookaside,
    object: 'list',
    symbol: 'FreeWithActiveLookaside!CloseChannel',
    params: (o, b, s) => [o, b, s],
    checks: ['VerifierBugCheckIfAppropriate', 'VfCheckForLookasideList', 'ExFreePoolSanityChecks'],
  },
  {
    title: 'a timer still set in the freed block: 0xC7/0x0 with the timer and the block [start, end)',
    rule: RULES.FreeWithSetTimer,
    object: 'timer',
    symbol: 'FreeWithSetTimer!StopPoller',
    params: (o, b, s) => [o, b, b + s],
    checks: ['KeCheckForTimer', 'ExFreePoolSanityChecks'],
  },
  {
    title: 'a DPC still queued in the freed block: 0xC7/0x1 with the DPC and the block [start, end)',
    rule: RULES.FreeWithQueuedDpc,
    object: 'dpc',
    symbol: 'FreeWithQueuedDpc!AbortCompletion',
    params: (o, b, s) => [o, b, b + s],
    checks: ['KeCheckForTimer', 'ExFreePoolSanityChecks'],
  },
];

/** The size of the block the sample freed, as the pool had it at the stop. */
function blockSize(r: RunOutcome, block: number): number {
  const b = r.machine.kernel.pool.block(block);
  assert.ok(b, 'the block is still allocated at the stop: the check runs before the free');
  return b.size;
}

for (const c of FREE_CASES) {
  for (const s of languages(c.rule)) {
    test(`${c.title} (${s.lang})`, async () => {
      const r = await s.run();
      const block = reported(r, 'block');
      const size = blockSize(r, block);
      const analysis = assertStop(r, c.rule, { params: c.params(reported(r, c.object), block, size), symbol: c.symbol, line: s.line() });
      assert.deepEqual(stackNames(analysis, 3 + c.checks.length), ['nt!KeBugCheck2', 'nt!KeBugCheckEx', ...c.checks.map((n) => `nt!${n}`), 'nt!VerifierExFreePoolWithTag']);
      assert.equal(r.bugCheck!.code, c.rule.code);
    });
    test(`${c.rule.name}Clean: the object is deleted, cancelled or run before the free; no stop (${s.lang})`, async () => {
      await assertClean(s.rule);
    });
  }
}

test('a UserMode wait on a KEVENT on the kernel stack: 0xC4/0x123 with the event', async () => {
  const rule = RULES.UserModeWaitOnStackObject;
  const r = await runViolating(rule);
  const event = reported(r, 'event');
  const t = r.machine.kernel.currentThread;
  assert.ok(event >= t.stackLimit && event < t.stackBase, 'the event is on the current thread stack');
  assertStop(r, rule, { params: [event, 0, 0], symbol: 'UserModeWaitOnStackObject!WaitForHardware', line: markedLine(source(rule)), ntFrame: 'VerifierKeWaitForSingleObject' });
  await assertClean(rule);
});

for (const s of languages(RULES.UserHandleReferencedAsKernel)) {
  test(`a handle opened in the user's process without OBJ_KERNEL_HANDLE, referenced as KernelMode: 0xC4/0xF6 with the handle, the process and the call (${s.lang})`, async () => {
    const rule = RULES.UserHandleReferencedAsKernel;
    const r = await s.run();
    const process = reported(r, 'process');
    assert.notEqual(process, r.machine.kernel.systemProcess.address, 'the IOCTL runs in the user process');
    const stack = analyzeV(r);
    const call = Number.parseInt(stack.find((l) => l.includes(' nt!VerifierObReferenceObjectByHandle+'))!.split(' ')[0]!, 16);
    assertStop(r, rule, { params: [reported(r, 'key'), process, call], symbol: 'UserHandleReferencedAsKernel!QueryServiceKey', line: s.line(), ntFrame: 'VerifierObReferenceObjectByHandle' });
    const clean = await assertClean(s.rule);
    assert.deepEqual(clean.requests.map((q) => q.status), [0], 'the clean twin reads the key with a kernel handle');
  });
}

for (const s of languages(RULES.CriticalRegionAboveApc)) {
  test(`KeEnterCriticalRegion under a spin lock: 0xC4/0x11A with IRQL 2 (${s.lang})`, async () => {
    const rule = RULES.CriticalRegionAboveApc;
    // Under /standard the DDI rule IrqlKeApcLte2 (0xC4/0x20010) covers the call and is reported first.
    const r = await s.run(WITHOUT_DDI_RULES);
    assertStop(r, rule, { params: [DISPATCH_LEVEL, 0, 0], symbol: 'CriticalRegionAboveApc!UpdateTable', line: s.line(), ntFrame: 'VerifierKeEnterCriticalRegion' });
    await assertClean(s.rule);
  });
}

for (const s of languages(RULES.WaitTimeoutAtDispatch)) {
  test(`a wait with a 10 ms time-out under a spin lock: 0xC4/0x122 with IRQL 2, the event and the time-out (${s.lang})`, async () => {
    const rule = RULES.WaitTimeoutAtDispatch;
    const r = await s.run();
    const analysis = assertStop(r, rule, {
      params: [DISPATCH_LEVEL, reported(r, 'event'), reported(r, 'timeout')],
      symbol: 'WaitTimeoutAtDispatch!PollDevice',
      line: s.line(),
      ntFrame: 'VerifierKeWaitForSingleObject',
    });
    assert.ok(analysis.some((l) => l.includes('only a zero time-out is allowed at DISPATCH_LEVEL.')), 'the second line of Arg1 prints');
    await assertClean(s.rule);
  });
}

for (const s of languages(RULES.CriticalRegionLeaveAboveApc)) {
  test(`KeLeaveCriticalRegion with the spin lock still held: 0xC4/0x11B with IRQL 2 (${s.lang})`, async () => {
    const rule = RULES.CriticalRegionLeaveAboveApc;
    // Under /standard the DDI rule IrqlKeApcLte2 (0xC4/0x20010) covers the call and is reported first.
    const r = await s.run(WITHOUT_DDI_RULES);
    assertStop(r, rule, { params: [DISPATCH_LEVEL, 0, 0], symbol: 'CriticalRegionLeaveAboveApc!UpdateTable', line: s.line(), ntFrame: 'VerifierKeLeaveCriticalRegion' });
    await assertClean(s.rule);
  });
}

for (const s of languages(RULES.WaitInfiniteAtDispatch)) {
  test(`a wait with no time-out under a spin lock: 0xC4/0x121 with IRQL 2, the event and 0 (${s.lang})`, async () => {
    const rule = RULES.WaitInfiniteAtDispatch;
    const r = await s.run();
    assertStop(r, rule, { params: [DISPATCH_LEVEL, reported(r, 'event'), 0], symbol: 'WaitInfiniteAtDispatch!PollDevice', line: s.line(), ntFrame: 'VerifierKeWaitForSingleObject' });
    await assertClean(s.rule);
  });
}

for (const s of languages(RULES.WaitAboveDispatch)) {
  test(`a zero time-out wait at device IRQL: 0xC4/0x120 with IRQL 5, the event and the time-out (${s.lang})`, async () => {
    const rule = RULES.WaitAboveDispatch;
    const r = await s.run();
    assertStop(r, rule, { params: [5, reported(r, 'event'), reported(r, 'timeout')], symbol: 'WaitAboveDispatch!PollDevice', line: s.line(), ntFrame: 'VerifierKeWaitForSingleObject' });
    await assertClean(s.rule);
  });
}

test('with its option off each check lets the driver run on, as Windows does without it', async () => {
  // [rule, its option, what stops the run then: nothing, the unload check that finds the list the free
  // left, or special pool catching the worker that runs on the freed block (0xD5, Parameter 1 its address)]
  const offs: Array<[VerifierRule, number, VerifierRule | undefined]> = [
    [RULES.FreeWithActiveResource, VF.MISCELLANEOUS_CHECKS, undefined],
    [RULES.FreeWithActiveLookaside, VF.MISCELLANEOUS_CHECKS, RULES.LookasideListAtUnload],
    [RULES.FreeWithQueuedWorkItem, VF.MISCELLANEOUS_CHECKS, RULES.SpecialPoolUseAfterFree],
    [RULES.UserModeWaitOnStackObject, VF.MISCELLANEOUS_CHECKS, undefined],
    [RULES.UserHandleReferencedAsKernel, VF.MISCELLANEOUS_CHECKS, undefined],
    [RULES.CriticalRegionAboveApc, VF.FORCE_IRQL_CHECKING, undefined],
    [RULES.WaitTimeoutAtDispatch, VF.FORCE_IRQL_CHECKING, undefined],
    [RULES.CriticalRegionLeaveAboveApc, VF.FORCE_IRQL_CHECKING, undefined],
    [RULES.WaitInfiniteAtDispatch, VF.FORCE_IRQL_CHECKING, undefined],
    [RULES.WaitAboveDispatch, VF.FORCE_IRQL_CHECKING, undefined],
  ];
  for (const [rule, flag, then] of offs) {
    for (const s of languages(rule)) {
      // DDI compliance off as well: its IrqlKeApcLte2 would stop the critical region samples on its own.
      const r = await s.run({ verifierFlags: STANDARD_FLAGS & ~flag & ~VF.DDI_COMPLIANCE });
      const stop = r.bugCheck ? `${hex(r.bugCheck.code)}/${hex(then?.p1 === undefined ? 0 : r.bugCheck.params[0]!)}` : 'none';
      const expected = then ? `${hex(then.code)}/${hex(then.p1 ?? 0)}` : 'none';
      assert.equal(stop, expected, `${rule.name} (${s.lang}) with the option off`);
      if (!then) assert.ok(r.shutDown, `${rule.name} (${s.lang}) with the option off: the machine shut down`);
    }
  }
});
