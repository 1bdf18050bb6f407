/**
 * The unload checks (automatic): right after DriverUnload returns, before anything else runs,
 * nothing of the driver may be left where the kernel will call or touch it. Timers and DPCs:
 * 0xC7 / 0, 1, 2 with the image range; lookaside lists: 0xC4 / 0xCC; threads and queued work: 0xCE.
 * Each stop blames the line that set the object up. Each rule runs on its TypeScript sample and on
 * its C twin (drivers/c/rules), and the clean twin in both.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEVICE_OBJECT, NPAGED_LOOKASIDE_LIST } from '../../../src/nt/layout.ts';
import type { RunOutcome } from '../../../src/system/run.ts';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import { analyzeV, assertClean, assertStop, languagesOf, markedLine, reported, runSample, runViolating } from './support.ts';

/** The unloading driver's image, [start, end), as the dump's module list has it at the stop. */
function image(r: RunOutcome): { start: number; end: number } {
  const m = r.dump.modules.find((x) => x.imageName === r.driver);
  assert.ok(m, 'the image is still mapped when the unload check runs');
  return { start: m.base, end: m.base + m.size };
}

function assertUnloadStack(analysis: readonly string[], check: string): void {
  const stack = analysis.slice(analysis.indexOf('STACK_TEXT:  ') + 2);
  const frames = stack.slice(0, 6).map((l) => l.split(' ')[1]!.replace(/\+0x[0-9a-f]+$/, ''));
  assert.deepEqual(frames, ['nt!KeBugCheck2', 'nt!KeBugCheckEx', 'nt!VerifierBugCheckIfAppropriate', `nt!${check}`, 'nt!MmUnloadSystemImage', 'nt!IopUnloadDriver']);
}

/**
 * The code address of a function pointer a sample reported: a C (wasm) function pointer is an index
 * in the function table, and the stop names the code it designates; a TypeScript one is the address.
 */
function routine(r: RunOutcome, key: string): number {
  return r.machine.kernel.routineAddress(reported(r, key));
}

/** The rule's violating sample in each language stops in the unload check; the clean twin in each does not. */
function unloadStop(title: string, rule: VerifierRule, params: (r: RunOutcome) => number[], symbol: string, check: string, more?: (r: RunOutcome) => void): void {
  const sample = rule.sample!;
  for (const lang of languagesOf(sample.violating)) {
    test(`${title} (${lang.lang})`, async () => {
      const r = await runSample(lang.run, sample.ioctls);
      const analysis = assertStop(r, rule, { params: params(r), symbol, line: markedLine(lang.source) });
      assertUnloadStack(analysis, check);
      assert.equal(r.unloaded, false, 'the run stopped in the unload');
      more?.(r);
    });
  }
  for (const lang of languagesOf(sample.clean)) {
    test(`${rule.name}Clean: unloads with no stop (${lang.lang})`, async () => {
      await assertClean({ ...rule, sample: { ...sample, clean: lang.run } });
    });
  }
}

unloadStop('a timer in the image left set: 0xC7/0x0 with the timer and the image range', RULES.TimerAtUnload, (r) => [reported(r, 'timer'), image(r).start, image(r).end], 'TimerAtUnload!StartStatistics', 'KeCheckForTimer');

unloadStop('a timer left set whose DPC object is in the image: 0xC7/0x1 with the DPC', RULES.DpcAtUnload, (r) => [reported(r, 'dpc'), image(r).start, image(r).end], 'DpcAtUnload!ScheduleRetry', 'KeCheckForTimer');

unloadStop(
  'a timer left set (in freed pool) whose DPC routine is in the image: 0xC7/0x2 with the routine',
  RULES.DpcRoutineAtUnload,
  (r) => [routine(r, 'routine'), image(r).start, image(r).end],
  'DpcRoutineAtUnload!StartPolling',
  'KeCheckForTimer',
);

unloadStop(
  'a lookaside list never deleted: 0xC4/0xCC with the list and the device allocation that held it',
  RULES.LookasideListAtUnload,
  // IoCreateDevice allocates the device object and its extension (rounded up to 8 bytes) in one block.
  (r) => [reported(r, 'list'), reported(r, 'device'), DEVICE_OBJECT.size + ((NPAGED_LOOKASIDE_LIST.size + 7) & ~7)],
  'LookasideListAtUnload!InitializeContexts',
  'VfLookasideCheckForUnload',
);

unloadStop(
  'a system thread started by DriverUnload and not waited for: 0xCE at once, Parameter 1 the start routine',
  RULES.WorkerThreadAtUnload,
  (r) => [routine(r, 'routine'), 0, routine(r, 'routine'), 0],
  'WorkerThreadAtUnload!DriverUnload',
  'VfThreadCheckForUnload',
  (r) => assert.match(analyzeV(r).join('\n'), /DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS \(ce\)/),
);

unloadStop('an ExQueueWorkItem item still queued: 0xCE at once, Parameter 1 the worker routine', RULES.QueuedWorkAtUnload, (r) => [routine(r, 'routine'), 0, routine(r, 'routine'), 0], 'QueuedWorkAtUnload!DriverUnload', 'VfWorkItemCheckForUnload');

// TypeScript only: a C (wasm) function pointer is a table index, so once the image's routines are gone the kernel cannot tell it was the unloaded driver's (it raises an access violation at index 2, not 0xCE).
test('without the verifier the work item left queued runs after the image is gone: 0xCE then, from the worker thread (ts)', async () => {
  const r = await runViolating(RULES.QueuedWorkAtUnload, { verifierFlags: undefined });
  assert.equal(r.unloaded, true);
  assert.ok(r.bugCheck);
  assert.deepEqual(r.bugCheck.params.map((p) => p.toString(16)), [reported(r, 'routine'), 0, reported(r, 'routine'), 0].map((p) => p.toString(16)));
  assert.equal(r.bugCheck.code, 0xce);
  assert.match(analyzeV(r).join('\n'), /IMAGE_NAME:  QueuedWorkAtUnload\.sys/);
});
