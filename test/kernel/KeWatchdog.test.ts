/**
 * Runaway driver code, in every context, in both languages: a DPC that never returns is the DPC
 * watchdog's 0x133 (P1 = 0), code held at DISPATCH_LEVEL too long is 0x133 (P1 = 1), code below
 * DISPATCH_LEVEL that never yields and a machine kept busy forever are a hang (exit 4) with a
 * forced 0xE2 dump naming the loop; a loop that polls the clock ends as it would on Windows.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DebugTarget } from '../../src/debugger/target.ts';
import { execute } from '../../src/debugger/engine.ts';
import { parseDump } from '../../src/debugger/dump.ts';
import { DPC_TIMEOUT_TICKS, DPC_WATCHDOG_PERIOD_TICKS } from '../../src/kernel/ke/watchdog.ts';
import { runDriver, type RunOutcome } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { fixture, hex, ROOT } from '../helpers.ts';

const RUNAWAY = join(ROOT, 'test', 'fixtures', 'c', 'runaway', 'Runaway.wasm');
const SOURCE = 'test/fixtures/c/runaway/Runaway.c';
/** The line of Spin()'s `while (Forever)`, where every runaway loop of the C fixture spins. */
const SPIN_LINE = 30;
const ioctl = (code: number) => ({ code, input: new Uint8Array(0), outputLength: 0 });
/** Small enough to keep tests fast, far above anything a clean driver does between two waits. */
const limits = { runawayBackEdges: 2_000_000 };

const analyze = (r: RunOutcome) => [execute(new DebugTarget(r.dump), '!analyze -v')].flat().join('\n');

/** The innermost driver frame of the stop's stack (below KeBugCheckEx's frames, if any). */
const innermost = (r: RunOutcome) => {
  const t = new DebugTarget(r.dump);
  const pc = r.dump.context!.stack.find((a) => !t.symbol(a).startsWith('nt!'))!;
  return { symbol: t.symbol(pc), line: t.line(pc) };
};

test('a tight loop in a dispatch routine (C) is a hang naming the loop, with a forced 0xE2 dump', async () => {
  const r = await runDriver({ driver: RUNAWAY, verifierFlags: STANDARD_FLAGS, ioctls: [ioctl(0x222000)], limits });
  assert.equal(r.bugCheck, null);
  assert.match(r.hang!.reason, new RegExp(`^Runaway!Dispatch\\+0x[0-9a-f]+ \\(${SOURCE.replace(/[/.]/g, '\\$&')}\\(${SPIN_LINE}\\)\\) looped 2000000 times at PASSIVE_LEVEL`));
  assert.equal(hex(r.dump.bugCheck!.code), '0xe2');
  assert.deepEqual(r.dump.bugCheck!.params, [0, 0, 0, 0]);
  const top = innermost(r);
  assert.match(top.symbol, /^Runaway!Dispatch\+0x/);
  assert.equal(top.line?.line, SPIN_LINE);
  const analysis = analyze(r);
  assert.match(analysis, /^MANUALLY_INITIATED_CRASH \(e2\)$/m);
  assert.match(analysis, /^HANG_REASON:  Runaway!Dispatch\+0x[0-9a-f]+ .* looped 2000000 times/m);
  assert.match(analysis, new RegExp(`^FAULTING_SOURCE_LINE_NUMBER:  ${SPIN_LINE}$`, 'm'));
});

test('a loop that calls the kernel but never waits is a hang too', async () => {
  const r = await runDriver({ driver: RUNAWAY, verifierFlags: STANDARD_FLAGS, ioctls: [ioctl(0x222004)], limits: { runawayBackEdges: 200_000 } });
  assert.equal(r.bugCheck, null);
  assert.match(r.hang!.reason, /^Runaway!Dispatch\+0x[0-9a-f]+ \(test\/fixtures\/c\/runaway\/Runaway\.c\(63\)\) looped 200000 times/);
});

test('a DPC routine that never returns: 0x133 / 0, the DPC time over the 0x500-tick allotment (C)', async () => {
  const r = await runDriver({ driver: RUNAWAY, verifierFlags: STANDARD_FLAGS, ioctls: [ioctl(0x222008)] });
  assert.equal(r.hang, null);
  const [p1, p2, p3, p4] = r.bugCheck!.params;
  assert.equal(hex(r.bugCheck!.code), '0x133');
  assert.equal(p1, 0);
  assert.ok(p2! > DPC_TIMEOUT_TICKS && p2! < DPC_TIMEOUT_TICKS + 16, `P2 ${hex(p2!)} just past the allotment`);
  assert.equal(p3, DPC_TIMEOUT_TICKS);
  assert.equal(p4, 0);
  assert.equal(r.dump.context!.irql, 2);
  const top = innermost(r);
  assert.match(top.symbol, /^Runaway!SpinningDpc\+0x/);
  assert.equal(top.line?.line, SPIN_LINE);
  const analysis = analyze(r);
  assert.match(analysis, /^DPC_WATCHDOG_VIOLATION \(133\)$/m);
  assert.match(analysis, /^Arg1: 00000000, A single DPC or ISR exceeded its time allotment/m);
  assert.match(analysis, /^Arg3: 00000500, The DPC time allotment \(in ticks\)\.$/m);
  assert.match(analysis, /nt!KiExecuteAllDpcs/);
});

test('a DPC routine that never returns: 0x133 / 0 from a TypeScript driver too', async () => {
  const r = await runDriver({ driver: fixture('SpinsInDpc.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [] });
  assert.equal(hex(r.bugCheck!.code), '0x133');
  assert.equal(r.bugCheck!.params[0], 0);
  assert.equal(r.bugCheck!.params[2], DPC_TIMEOUT_TICKS);
  assert.match(innermost(r).symbol, /^SpinsInDpc!WaitForHardware\+0x/);
  assert.equal(innermost(r).line?.line, 16);
});

test('a loop holding a spin lock: 0x133 / 1, the cumulative watchdog period at DISPATCH_LEVEL', async () => {
  const r = await runDriver({ driver: RUNAWAY, verifierFlags: STANDARD_FLAGS, ioctls: [ioctl(0x22200c)] });
  assert.deepEqual(r.bugCheck!.params, [1, DPC_WATCHDOG_PERIOD_TICKS, 0, 0]);
  assert.equal(hex(r.bugCheck!.code), '0x133');
  assert.match(innermost(r).symbol, /^Runaway!Dispatch\+0x/);
  assert.match(analyze(r), /^Arg1: 00000001, The system cumulatively spent an extended period of time at$/m);
});

test('a loop that polls KeQueryInterruptTime for 50 ms ends: the clock moves with the work done', async () => {
  const r = await runDriver({ driver: RUNAWAY, verifierFlags: STANDARD_FLAGS, ioctls: [ioctl(0x222010)], limits });
  assert.equal(r.bugCheck, null);
  assert.equal(r.hang, null);
  assert.equal(r.requests[0]!.status, 0);
  assert.ok(r.dump.system.time >= 50 * 10_000, 'at least 50 ms of simulated time passed');
});

test('a DriverUnload that never returns is a hang naming the unload routine', async () => {
  const r = await runDriver({ driver: RUNAWAY, verifierFlags: STANDARD_FLAGS, ioctls: [ioctl(0x222014)], limits });
  assert.match(r.hang!.reason, /^Runaway!Unload\+0x[0-9a-f]+ \(test\/fixtures\/c\/runaway\/Runaway\.c\(30\)\) looped/);
  assert.equal(r.unloaded, false);
});

test('a system thread that never yields is a hang naming the thread routine', async () => {
  const r = await runDriver({ driver: RUNAWAY, verifierFlags: STANDARD_FLAGS, ioctls: [ioctl(0x222018)], limits });
  assert.match(r.hang!.reason, /^Runaway!SpinningThread\+0x[0-9a-f]+ \(test\/fixtures\/c\/runaway\/Runaway\.c\(30\)\) looped/);
  assert.notEqual(r.dump.context!.threadName, 'dvclient.exe main thread');
});

test('a DriverEntry that never returns is a hang, verified or not (C)', async () => {
  for (const verifierFlags of [STANDARD_FLAGS, undefined]) {
    const r = await runDriver({ driver: join(ROOT, 'test', 'fixtures', 'c', 'runaway', 'LoopInDriverEntry.wasm'), verifierFlags, ioctls: [], limits });
    assert.match(r.hang!.reason, /^LoopInDriverEntry!DriverEntry\+0x[0-9a-f]+ \(test\/fixtures\/c\/runaway\/LoopInDriverEntry\.c\(11\)\) looped 2000000 times/);
  }
});

test('a periodic timer feeding a wait that never ends stops at the simulated-time limit', async () => {
  const r = await runDriver({ driver: fixture('TimerFeedsEndlessWait.ts'), ioctls: [], limits: { simulatedTime: 10 * 1000 * 10_000 } });
  assert.equal(r.bugCheck, null);
  assert.equal(r.hang!.reason, 'the run reached its simulated-time limit (10.000 s) with work still going on');
  assert.match(new DebugTarget(r.dump).symbol(r.dump.context!.stack.find((pc) => new DebugTarget(r.dump).symbol(pc).startsWith('TimerFeedsEndlessWait!'))!), /^TimerFeedsEndlessWait!DriverEntry\+0x/);
});

test('the host-time limit ends a run that the other limits would let go on', async () => {
  const r = await runDriver({ driver: RUNAWAY, ioctls: [ioctl(0x222000)], limits: { runawayBackEdges: 1e12, hostTime: 1 } });
  assert.equal(r.hang!.reason, 'the run took longer than its host-time limit (0.001 s)');
});

test('dv run: a hang exits 4, writes the forced dump and says hang in the JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-hang-'));
  const dmp = join(dir, 'hang.dmp');
  const json = join(dir, 'hang.json');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', RUNAWAY, '--ioctl', '0x222000', '--dump', dmp, '--json', json], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, EXIT.HANG, r.stderr);
  assert.match(r.stdout, /^Runaway\.sys: hang: Runaway!Dispatch\+0x[0-9a-f]+ \(test\/fixtures\/c\/runaway\/Runaway\.c\(30\)\) looped 100000000 times/m);
  const out = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(out.bugcheck, null);
  assert.match(out.hang.reason, /looped 100000000 times at PASSIVE_LEVEL/);
  const dump = parseDump(readFileSync(dmp), dmp);
  assert.equal(dump.context!.hang!.reason, out.hang.reason);
});

test('dv run: --timeout and --sim-timeout take durations and refuse nonsense', () => {
  const dv = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', fixture('TimerFeedsEndlessWait.ts'), ...args], { encoding: 'utf8', cwd: ROOT });
  const r = dv('--sim-timeout', '2s');
  assert.equal(r.status, EXIT.HANG, r.stderr);
  assert.match(r.stdout, /hang: the run reached its simulated-time limit \(2\.000 s\)/);
  const bad = dv('--timeout', 'soon');
  assert.equal(bad.status, EXIT.USAGE);
  assert.match(bad.stderr, /'soon' is not a duration/);
});

test("a hang's stack has the looping routine's callers (the image's call sites are read before the capture)", async () => {
  const r = await runDriver({ driver: RUNAWAY, verifierFlags: STANDARD_FLAGS, ioctls: [ioctl(0x22201c)], limits });
  const t = new DebugTarget(r.dump);
  const frames = r.dump.context!.stack.map((a) => t.symbol(a)).filter((s) => s.startsWith('Runaway!'));
  assert.match(frames[0] ?? '', /^Runaway!SpinNested\+0x/, 'the loop is the innermost frame');
  assert.match(frames[1] ?? '', /^Runaway!Dispatch\+0x/, 'then the dispatch routine that called it');
});
