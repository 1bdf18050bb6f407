/**
 * Deadlock Detection (option 0x20): the lock graph's stops 0xC4/0x1000-0x100B, each from a sample in
 * TypeScript and C, with all four parameters, the `!analyze -v` text, the blamed line and the stack
 * (KeBugCheckEx, Deadlock Detection's routine, the thunk, the driver); the one clean twin with the
 * same requests; `!deadlock` on a crash dump (golden) and at a live break (a debugger attached, as on
 * Windows 8.1: a prompt, g goes on); and nothing checked with the option off.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execute } from '../../../src/debugger/engine.ts';
import { DumpError, parseDump, serializeDump, type CrashDump } from '../../../src/debugger/dump.ts';
import { DebugTarget } from '../../../src/debugger/target.ts';
import type { DebuggerIo } from '../../../src/system/kd-session.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import { assertGolden } from '../../helpers.ts';
import { assertClean, assertStop, LANGS, markedLine, pick, reported, runSample, samplesIn, WITHOUT_DDI_RULES, type Lang } from './support.ts';
import type { RunOutcome } from '../../../src/system/run.ts';

interface Case {
  readonly rule: VerifierRule;
  /** Parameters 2-4 from the run. */
  readonly params: (r: RunOutcome) => number[];
  /** The function the stop blames, and the nt routines above it (Deadlock Detection's, then the thunk). */
  readonly symbol: string;
  readonly nt: readonly [string, string];
}

const thread = (r: RunOutcome) => r.dump.context!.thread;

const CASES: readonly Case[] = [
  { rule: RULES.DeadlockLockOrder, params: (r) => [reported(r, 'lockA'), 0, 0], symbol: 'DeadlockLockOrder!StatsReset', nt: ['VfDeadlockAcquireResource', 'VerifierKeAcquireSpinLockAtDpcLevel'] },
  { rule: RULES.DeadlockSelf, params: (r) => [reported(r, 'lock'), 0, 0], symbol: 'DeadlockSelf!AddSample', nt: ['VfDeadlockAcquireResource', 'VerifierKeAcquireSpinLockAtDpcLevel'] },
  { rule: RULES.DeadlockUninitialized, params: (r) => [reported(r, 'mutex'), 0, 0], symbol: 'DeadlockUninitialized!LoadSettings', nt: ['VfDeadlockAcquireResource', 'VerifierExAcquireFastMutex'] },
  { rule: RULES.DeadlockOutOfOrderRelease, params: (r) => [reported(r, 'source'), reported(r, 'target'), 0], symbol: 'DeadlockOutOfOrderRelease!Transfer', nt: ['VfDeadlockReleaseResource', 'VerifierKeReleaseSpinLock'] },
  { rule: RULES.DeadlockWrongThreadRelease, params: (r) => [reported(r, 'mutex'), reported(r, 'owner'), thread(r)], symbol: 'DeadlockWrongThreadRelease!FinishSetup', nt: ['VfDeadlockReleaseResource', 'VerifierKeReleaseMutex'] },
  { rule: RULES.DeadlockMultipleInitialization, params: (r) => [reported(r, 'lock'), 0, 0], symbol: 'DeadlockMultipleInitialization!ResetQueue', nt: ['VfDeadlockInitializeResource', 'VerifierKeInitializeSpinLock'] },
  { rule: RULES.DeadlockUnacquiredRelease, params: (r) => [reported(r, 'lock'), 0, 0], symbol: 'DeadlockUnacquiredRelease!RecordRead', nt: ['VfDeadlockReleaseResource', 'VerifierKeReleaseSpinLock'] },
  { rule: RULES.DeadlockAcquireMismatch, params: (r) => [reported(r, 'lock'), 0, 0], symbol: 'DeadlockAcquireMismatch!SwitchToPassiveMode', nt: ['VfDeadlockAcquireResource', 'VerifierExAcquireFastMutex'] },
  { rule: RULES.DeadlockReleaseMismatch, params: (r) => [reported(r, 'mutex'), 0, 0], symbol: 'DeadlockReleaseMismatch!SaveSettings', nt: ['VfDeadlockReleaseResource', 'VerifierExReleaseFastMutexUnsafe'] },
  { rule: RULES.DeadlockThreadHoldsLocks, params: (r) => [reported(r, 'thread'), 0, 0], symbol: 'DeadlockThreadHoldsLocks!RefreshThread', nt: ['VfDeadlockCheckThreadTermination', 'VerifierPsTerminateSystemThread'] },
  { rule: RULES.DeadlockDeletedLockOwned, params: (r) => [reported(r, 'lock'), thread(r), 0], symbol: 'DeadlockDeletedLockOwned!Teardown', nt: ['VfDeadlockDeleteMemoryRange', 'VerifierExFreePoolWithTag'] },
];

/** STACK_TEXT under KeBugCheckEx: Deadlock Detection's routine, the thunk, then the driver. */
function assertStack(analysis: readonly string[], c: Case): void {
  const stack = analysis.slice(analysis.indexOf('STACK_TEXT:  ') + 2);
  assert.match(stack[1] ?? '', / nt!KeBugCheckEx\+/);
  assert.match(stack[2] ?? '', new RegExp(` nt!${c.nt[0]}\\+0x`), `${c.rule.name}: Deadlock Detection's routine under KeBugCheckEx`);
  assert.match(stack[3] ?? '', new RegExp(` nt!${c.nt[1]}\\+0x`), `${c.rule.name}: then the thunk`);
  assert.match(stack[4] ?? '', new RegExp(` ${c.symbol.replace(/[!$]/g, '\\$&')}\\+0x`), `${c.rule.name}: then the driver's call site`);
}

for (const lang of LANGS) {
  for (const c of CASES) {
    test(`${c.rule.name}: 0xC4/0x${c.rule.p1!.toString(16)} ${c.rule.check} (${lang})`, async () => {
      assert.equal(c.rule.flag, VF.DEADLOCK_DETECTION);
      const s = samplesIn(c.rule, lang);
      // A spin lock released that nobody holds is also the DDI rule SpinLock, which /standard reports first.
      const r = await s.run(c.rule === RULES.DeadlockUnacquiredRelease ? WITHOUT_DDI_RULES : {});
      const analysis = assertStop(r, c.rule, { params: c.params(r), symbol: c.symbol, line: s.line() });
      assertStack(analysis, c);
      assert.match(analysis.join('\n'), /Type !deadlock for more information\./);
    });
  }

  test(`DeadlockAcquireMismatch, Microsoft's example: one KSPIN_LOCK taken as an in-stack queued lock and as an ordinary one, 0xC4/0x1008 (${lang})`, async () => {
    const rule = RULES.DeadlockAcquireMismatch;
    const variant = rule.variants!.find((v) => v.violating.endsWith('/DeadlockQueuedMismatch.ts'))!;
    const files = pick(variant.violating, lang);
    const r = await runSample(files.run, variant.ioctls);
    const analysis = assertStop(r, rule, { params: [reported(r, 'lock'), 0, 0], symbol: 'DeadlockQueuedMismatch!CountRequests', line: markedLine(files.source) });
    assertStack(analysis, { rule, params: () => [], symbol: 'DeadlockQueuedMismatch!CountRequests', nt: ['VfDeadlockAcquireResource', 'VerifierKeAcquireSpinLock'] });
    const summary = execute(new DebugTarget(r.dump), '!deadlock');
    assert.ok(summary.some((l) => /^Lock A = {3}[0-9a-f]{8} - Type 'Queued Spinlock'\.$/.test(l)), summary.join('\n'));
  });

  test(`under /standard the release of a spin lock nobody holds is the DDI rule SpinLock (0xC4/0x40009), reported before Deadlock Detection (${lang})`, async () => {
    const r = await samplesIn(RULES.DeadlockUnacquiredRelease, lang).run();
    assert.deepEqual([r.bugCheck?.code, r.bugCheck?.params[0]], [0xc4, RULES.SpinLock.p1]);
  });

  test(`the clean twin takes the same locks right: no stop, with the lock-order IOCTLs and without (${lang})`, async () => {
    for (const rule of [RULES.DeadlockLockOrder, RULES.DeadlockSelf]) await assertClean(samplesIn(rule, lang).rule);
  });

  test(`with Deadlock Detection off the lock-order sample runs clean, as Windows lets it (${lang})`, async () => {
    const s = samplesIn(RULES.DeadlockLockOrder, lang);
    const r = await s.run({ verifierFlags: STANDARD_FLAGS & ~VF.DEADLOCK_DETECTION });
    assert.equal(r.bugCheck, null);
    assert.equal(new DebugTarget(r.dump).dump.verifier?.deadlock, undefined);
  });
}

/** `kd> cmd` and its output, for each command. */
const transcript = (t: DebugTarget, cmds: readonly string[]) => cmds.map((c) => [`kd> ${c}`, ...execute(t, c)].join('\n')).join('\n') + '\n';

test('!deadlock and !deadlock 1 on the C lock-order dump: the cycle, its threads, each acquisition with its stack (golden)', async () => {
  const r = await samplesIn(RULES.DeadlockLockOrder, 'c').run();
  const text = transcript(new DebugTarget(r.dump), ['!deadlock', '!deadlock 1']);
  assertGolden('deadlock.lock-order.out', text);
  // The dump file carries all of it: the same text after a write and a read.
  const reread = new DebugTarget(parseDump(serializeDump(r.dump), 'test.dmp'));
  assert.equal(transcript(reread, ['!deadlock', '!deadlock 1']), text);
});

test('!deadlock names the two orders in TypeScript too: lock A closes the cycle, the current acquisition has no stack yet', async () => {
  const r = await samplesIn(RULES.DeadlockLockOrder, 'ts').run();
  const t = new DebugTarget(r.dump);
  const lockA = reported(r, 'lockA').toString(16).padStart(8, '0');
  const lockB = reported(r, 'lockB').toString(16).padStart(8, '0');
  const summary = execute(t, '!deadlock');
  assert.equal(summary[0], `issue: 00001001 ${lockA} 00000000 00000000 `);
  assert.ok(summary.includes('Deadlock detected (2 locks in 2 threads):'));
  assert.ok(summary.includes('Thread 0: A B.') && summary.includes('Thread 1: B A.'));
  assert.ok(summary.includes(`Lock A =   ${lockA} - Type 'Spinlock'.`) && summary.includes(`Lock B =   ${lockB} - Type 'Spinlock'.`));
  const stacks = execute(t, '!deadlock 1').join('\n');
  assert.match(stacks, /Lock A =     [0-9a-f]{8} - Type 'Spinlock'\.\n\n    Stack:   [0-9a-f]{8} DeadlockLockOrder!QueuePush\+0x[0-9a-f]{8} \n/);
  assert.match(stacks, /Lock A =     [0-9a-f]{8} - Type 'Spinlock'\.\n\n    Stack:   << Current stack trace - use kb to display it >>/);
  assert.deepEqual(execute(t, '!deadlock 7'), ['Usage: !deadlock [1]']);
});

test('!deadlock on another issue describes it: 0x1000 with the thread holding the lock it asks for again', async () => {
  const r = await samplesIn(RULES.DeadlockSelf, 'c').run();
  const out = execute(new DebugTarget(r.dump), '!deadlock');
  assert.match(out[2]!, /^Self-deadlock: the current thread is acquiring again a lock it already owns\./);
  assert.ok(out.includes('Thread 0: A A.'), out.join('\n'));
});

test('!deadlock with no issue: says so, and whether the option was on', async () => {
  const r = await runSample('drivers/ts/rules/DeadlockClean.ts');
  assert.deepEqual(execute(new DebugTarget(r.dump), '!deadlock'), ['No deadlock issue was found by Driver Verifier.']);
  const off = await runSample('drivers/ts/rules/DeadlockClean.ts', [], { verifierFlags: STANDARD_FLAGS & ~VF.DEADLOCK_DETECTION });
  assert.match(execute(new DebugTarget(off.dump), '!deadlock')[0]!, /Deadlock Detection \(0x20\) is not enabled/);
});

/** A debugger that types `commands` and records what it prints. */
function scripted(commands: string[]): DebuggerIo & { transcript: string[] } {
  const lines: string[] = [];
  return {
    transcript: lines,
    readLine(prompt) {
      const line = commands.shift();
      lines.push(`${prompt}${line ?? ''}`);
      return line;
    },
    write(out) {
      lines.push(...out);
    },
  };
}

for (const lang of LANGS satisfies readonly Lang[]) {
  test(`a debugger attached: the Potential Deadlock break instead of the stop, !deadlock at the prompt, g lets the acquisition go on (${lang})`, async () => {
    const s = samplesIn(RULES.DeadlockLockOrder, lang);
    const io = scripted(['!deadlock', 'g']);
    const r = await s.run({ debugger: io });
    assert.equal(r.bugCheck, null);
    assert.equal(r.breaks.length, 1);
    assert.deepEqual(r.breaks[0], { code: 0xc4, params: [0x1001, reported(r, 'lockA'), 0, 0], continued: true });
    assert.equal(r.shutDown, true);
    const text = io.transcript.join('\n');
    assert.match(text, /^\*\*\*\*\*\*\*\*\*\*\*\* Verifier Detected a Potential Deadlock \*\*\*\*\*\*\*\*\*\*\*\*\*$/m);
    assert.match(text, /^\*\* Type !deadlock in the debugger for more information\.$/m);
    assert.match(text, /kd> !deadlock\nissue: 00001001 [0-9a-f]{8} 00000000 00000000 \n\nDeadlock detected \(2 locks in 2 threads\):\n\nThread 0: A B\.\nThread 1: B A\./);
  });
}

test("a dump's deadlock report is read with care: a lock index past the locks is a damaged dump naming the field; a thread gone by the dump is TERMINATED", async () => {
  const r = await samplesIn(RULES.DeadlockLockOrder, 'ts').run();
  const json = JSON.parse(JSON.stringify(r.dump)) as { verifier: { deadlock: { threads: Array<{ terminated: boolean; acquisitions: Array<{ lock: number; stack: number[] | null }> }> } } };
  json.verifier.deadlock.threads[0]!.acquisitions[1]!.lock = 2;
  assert.throws(
    () => parseDump(serializeDump(json as unknown as CrashDump), 'bad.dmp'),
    (e: unknown) => e instanceof DumpError && /verifier\.deadlock\.threads\[0\]\.acquisitions\[1\]\.lock is not an index into the 2 locks/.test(e.message),
  );
  json.verifier.deadlock.threads[0]!.acquisitions[1]!.lock = 1;
  json.verifier.deadlock.threads[0]!.terminated = true;
  json.verifier.deadlock.threads[0]!.acquisitions[0]!.stack = [];
  const t = new DebugTarget(parseDump(serializeDump(json as unknown as CrashDump), 'odd.dmp'));
  assert.ok(execute(t, '!deadlock').includes('Thread 0 = TERMINATED.'));
  const stacks = execute(t, '!deadlock 1');
  assert.ok(stacks.includes('Thread 0: TERMINATED took locks in the following order:'));
  assert.ok(stacks.includes('    Stack:   << no stack: capture was off >>'));
});
