/**
 * The unload checks (automatic): right after DriverUnload returns, before anything else runs,
 * nothing of the driver may be left where the kernel will call or touch it. Timers and DPCs:
 * 0xC7 / 0, 1, 2 with the image range; lookaside lists: 0xC4 / 0xCC; threads and queued work: 0xCE.
 * Each stop blames the line that set the object up.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEVICE_OBJECT, NPAGED_LOOKASIDE_LIST } from '../../../src/nt/layout.ts';
import type { RunOutcome } from '../../../src/system/run.ts';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import { analyzeV, assertClean, assertStop, markedLine, reported, runViolating } from './support.ts';

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

async function unloadStop(rule: VerifierRule, params: (r: RunOutcome) => number[], symbol: string, check: string): Promise<RunOutcome> {
  const r = await runViolating(rule);
  const analysis = assertStop(r, rule, { params: params(r), symbol, line: markedLine(rule.sample!.violating) });
  assertUnloadStack(analysis, check);
  assert.equal(r.unloaded, false, 'the run stopped in the unload');
  await assertClean(rule);
  return r;
}

test('a timer in the image left set: 0xC7/0x0 with the timer and the image range', async () => {
  await unloadStop(RULES.TimerAtUnload, (r) => [reported(r, 'timer'), image(r).start, image(r).end], 'TimerAtUnload!StartStatistics', 'KeCheckForTimer');
});

test('a timer left set whose DPC object is in the image: 0xC7/0x1 with the DPC', async () => {
  await unloadStop(RULES.DpcAtUnload, (r) => [reported(r, 'dpc'), image(r).start, image(r).end], 'DpcAtUnload!ScheduleRetry', 'KeCheckForTimer');
});

test('a timer left set (in freed pool) whose DPC routine is in the image: 0xC7/0x2 with the routine', async () => {
  await unloadStop(RULES.DpcRoutineAtUnload, (r) => [reported(r, 'routine'), image(r).start, image(r).end], 'DpcRoutineAtUnload!StartPolling', 'KeCheckForTimer');
});

test('a lookaside list never deleted: 0xC4/0xCC with the list and the device allocation that held it', async () => {
  await unloadStop(
    RULES.LookasideListAtUnload,
    // IoCreateDevice allocates the device object and its extension (rounded up to 8 bytes) in one block.
    (r) => [reported(r, 'list'), reported(r, 'device'), DEVICE_OBJECT.size + ((NPAGED_LOOKASIDE_LIST.size + 7) & ~7)],
    'LookasideListAtUnload!InitializeContexts',
    'VfLookasideCheckForUnload',
  );
});

test('a system thread started by DriverUnload and not waited for: 0xCE at once, Parameter 1 the start routine', async () => {
  const r = await unloadStop(
    RULES.WorkerThreadAtUnload,
    (r) => [reported(r, 'routine'), 0, reported(r, 'routine'), 0],
    'WorkerThreadAtUnload!DriverUnload',
    'VfThreadCheckForUnload',
  );
  assert.match(analyzeV(r).join('\n'), /DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS \(ce\)/);
});

test('an ExQueueWorkItem item still queued: 0xCE at once, Parameter 1 the worker routine', async () => {
  await unloadStop(RULES.QueuedWorkAtUnload, (r) => [reported(r, 'routine'), 0, reported(r, 'routine'), 0], 'QueuedWorkAtUnload!DriverUnload', 'VfWorkItemCheckForUnload');
});

test('without the verifier the work item left queued runs after the image is gone: 0xCE then, from the worker thread', async () => {
  const r = await runViolating(RULES.QueuedWorkAtUnload, { verifierFlags: undefined });
  assert.equal(r.unloaded, true);
  assert.ok(r.bugCheck);
  assert.deepEqual(r.bugCheck.params.map((p) => p.toString(16)), [reported(r, 'routine'), 0, reported(r, 'routine'), 0].map((p) => p.toString(16)));
  assert.equal(r.bugCheck.code, 0xce);
  assert.match(analyzeV(r).join('\n'), /IMAGE_NAME:  QueuedWorkAtUnload\.sys/);
});
