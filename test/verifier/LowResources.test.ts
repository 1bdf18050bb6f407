/**
 * Low resources simulation: randomized (0x4) from a seed after a grace period, systematic (0x40000)
 * once per stack, and --faults exhaustive's one-failure runs, on the AllocChecked/AllocUnchecked pair
 * and SampleIo (whose MDL mappings and page locking fail too).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { poolTag } from '../../src/nt/pool.ts';
import { STATUS } from '../../src/nt/status.ts';
import { runExhaustive } from '../../src/system/exhaustive.ts';
import { runDriver, type RunOptions } from '../../src/system/run.ts';
import { TICKS_PER_MS } from '../../src/kernel/ke/clock.ts';
import { FAULT_DEFAULTS, Prng } from '../../src/verifier/faults.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { assertGolden, ROOT } from '../helpers.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { execute } from '../../src/debugger/engine.ts';

const CHECKED = join(ROOT, 'drivers', 'c', 'faults', 'AllocChecked.wasm');
const UNCHECKED = join(ROOT, 'drivers', 'c', 'faults', 'AllocUnchecked.wasm');
const SAMPLE_IO = join(ROOT, 'drivers', 'c', 'SampleIo', 'SampleIo.wasm');
const RECORD = { kind: 'ioctl' as const, code: 0x222000, input: Buffer.from('hello'), outputLength: 0 };
const STORE = { kind: 'ioctl' as const, code: 0x22a405, input: Buffer.alloc(0), outputLength: 5, outputInit: Buffer.from('0102030405', 'hex') };
const run = (driver: string, flags: number, extra: Partial<RunOptions> = {}) => runDriver({ driver, verifierFlags: flags, requests: [RECORD, RECORD, RECORD], ...extra });
const keys = (o: Awaited<ReturnType<typeof run>>) => o.faults!.injected.map((f) => f.key);

test('the PRNG is a function of its seed', () => {
  const draw = (seed: number) => Array.from({ length: 8 }, ((p) => () => p.next())(new Prng(seed)));
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
});

test('randomized: nothing fails inside the grace period after boot (8 minutes of simulated time by default)', async () => {
  const o = await run(CHECKED, STANDARD_FLAGS | VF.RANDOMIZED_LOW_RESOURCES, { faults: { probability: 10_000 } });
  assert.equal(FAULT_DEFAULTS.delay, 8 * 60 * 1000 * TICKS_PER_MS);
  assert.ok(o.machine.kernel.clock.now < FAULT_DEFAULTS.delay);
  assert.equal(o.faults!.injected.length, 0);
  assert.equal(o.faults!.points.size, 4, 'the points are still seen');
  assert.deepEqual(o.requests.map((r) => r.status), [0, 0, 0]);
});

test('randomized: past the grace period every call fails at 100%, and a run replays from its seed', async () => {
  const all = await run(CHECKED, STANDARD_FLAGS | VF.RANDOMIZED_LOW_RESOURCES, { faults: { probability: 10_000, delay: 0 } });
  assert.equal(all.driverEntryStatus, STATUS.INSUFFICIENT_RESOURCES, 'DriverEntry refused: its first allocation failed');
  assert.equal(all.bugCheck, null);
  const half = (seed: number) => run(CHECKED, STANDARD_FLAGS | VF.RANDOMIZED_LOW_RESOURCES, { faults: { probability: 5000, delay: 0, seed } });
  const a = await half(3);
  const b = await half(3);
  assert.deepEqual(keys(a), keys(b));
  assert.deepEqual(a.requests.map((r) => r.status), b.requests.map((r) => r.status));
  const seeds = await Promise.all([1, 2, 4, 5, 6].map(half));
  assert.ok(seeds.some((o) => keys(o).join() !== keys(a).join()), 'another seed fails other calls');
  // Each injected failure of a request answered STATUS_INSUFFICIENT_RESOURCES (AllocChecked checks them all).
  for (const o of [a, ...seeds]) assert.equal(o.bugCheck, null);
});

test('randomized: --fault-tags limits failures to pool allocations with those tags', async () => {
  const other = await run(CHECKED, STANDARD_FLAGS | VF.RANDOMIZED_LOW_RESOURCES, { faults: { probability: 10_000, delay: 0, tags: [poolTag('Othr')] } });
  assert.equal(other.faults!.injected.length, 0);
  assert.deepEqual(other.requests.map((r) => r.status), [0, 0, 0]);
  const mine = await run(CHECKED, STANDARD_FLAGS | VF.RANDOMIZED_LOW_RESOURCES, { faults: { probability: 10_000, delay: 0, tags: [poolTag('Allc')] } });
  assert.deepEqual([...new Set(mine.faults!.injected.map((f) => f.ddi))], ['ExAllocatePoolWithTag']);
});

test('systematic: the first call of each stack fails, later calls from the same stack succeed', async () => {
  const o = await runDriver({ driver: SAMPLE_IO, verifierFlags: STANDARD_FLAGS | VF.SYSTEMATIC_LOW_RESOURCES, requests: [STORE, STORE, STORE] });
  assert.equal(o.bugCheck, null);
  assert.deepEqual(o.requests.map((r) => r.status), [STATUS.INSUFFICIENT_RESOURCES, 0, 0]);
  const [f] = o.faults!.injected;
  assert.equal(o.faults!.injected.length, 1);
  assert.equal(f!.ddi, 'MmGetSystemAddressForMdlSafe');
  assert.match(f!.callerSymbol, /^SampleIo!SampleIoDeviceControl\+0x[0-9a-f]+$/);
  assert.match(f!.symbols[0]!, /^nt!VerifierMmGetSystemAddressForMdlSafe\+0x/);
});

test('systematic: DriverEntry refusing after its failed allocation is a clean end, not an error', async () => {
  const o = await run(CHECKED, STANDARD_FLAGS | VF.SYSTEMATIC_LOW_RESOURCES);
  assert.equal(o.driverEntryStatus, STATUS.INSUFFICIENT_RESOURCES);
  assert.equal(o.bugCheck, null);
  assert.equal(o.requests.length, 0);
  assert.ok(o.shutDown);
  assert.equal(o.faults!.injected[0]!.callerSymbol, 'AllocChecked!DriverEntry+0x2d');
  assert.equal(o.machine.verifier!.stats.poolAllocationsFailed, 1, "counted in !verifier's Pool Allocations Failed");
});

test('--faults exhaustive: one run per failure point; the unchecked allocation is the 0x1E write through NULL', async () => {
  const r = await runExhaustive({ driver: UNCHECKED, verifierFlags: STANDARD_FLAGS, requests: [RECORD] });
  assert.deepEqual(r.baseline, { kind: 'clean' });
  assert.deepEqual(r.runs.map((x) => [x.point.ddi, x.reached, x.verdict.kind]), [
    ['ExAllocatePoolWithTag', true, 'refused'],
    ['ExAllocatePoolWithTag', true, 'bugcheck'],
    ['IoAllocateMdl', true, 'clean'],
    ['IoAllocateWorkItem', true, 'clean'],
  ]);
  const v = r.runs[1]!.verdict;
  assert.ok(v.kind === 'bugcheck');
  // KMODE_EXCEPTION_NOT_HANDLED: an access violation, writing (1) at 8, RECORD.Length's offset in a NULL record.
  assert.equal(v.code, 0x1e);
  assert.equal(v.params[0], STATUS.ACCESS_VIOLATION);
  assert.deepEqual(v.params.slice(2), [1, 8]);
  assert.equal(r.runs[1]!.point.callerSymbol, 'AllocUnchecked!AllocDeviceControl+0x43');
  assert.match(r.runs[1]!.stack[0]!, /^nt!VerifierExAllocatePoolWithTag\+0x/);
});

test('--faults exhaustive: the checked twin is clean whichever call fails', async () => {
  const r = await runExhaustive({ driver: CHECKED, verifierFlags: STANDARD_FLAGS | VF.SYSTEMATIC_LOW_RESOURCES, requests: [RECORD] });
  assert.equal(r.runs.length, 4);
  assert.ok(r.runs.every((x) => x.reached && (x.verdict.kind === 'clean' || x.verdict.kind === 'refused')), JSON.stringify(r.runs.map((x) => x.verdict)));
});

test('--faults exhaustive on SampleIo: MDL mappings, IoAllocateMdl and MmProbeAndLockPages (raised) are all handled', async () => {
  const io = (code: number, input: string, outputLength: number, init?: string) => ({ kind: 'ioctl' as const, code, input: Buffer.from(input, 'hex'), outputLength, outputInit: init ? Buffer.from(init, 'hex') : undefined });
  const r = await runExhaustive({
    driver: SAMPLE_IO,
    verifierFlags: STANDARD_FLAGS,
    requests: [io(0x222400, '68656c6c6f', 4), io(0x22a405, '', 5, '0102030405'), io(0x22640a, '', 8), io(0x22240f, 'ffffffff', 4)],
  });
  assert.deepEqual(
    r.runs.map((x) => x.point.ddi),
    ['MmGetSystemAddressForMdlSafe', 'MmGetSystemAddressForMdlSafe', 'IoAllocateMdl', 'MmProbeAndLockPages', 'MmGetSystemAddressForMdlSafe'],
  );
  assert.ok(r.runs.every((x) => x.reached && x.verdict.kind === 'clean'));
});

test('--faults exhaustive: EverythingRight (C and TypeScript) checks every allocation, so every failure path is clean', async () => {
  const requests = ['0102030405060708', '0a0b'].map((hex) => ({ kind: 'ioctl' as const, code: 0x222008, input: Buffer.from(hex, 'hex'), outputLength: 8 }));
  for (const driver of [join(ROOT, 'drivers', 'c', 'rules', 'EverythingRight.wasm'), join(ROOT, 'drivers', 'ts', 'rules', 'EverythingRight.ts')]) {
    const r = await runExhaustive({ driver, verifierFlags: STANDARD_FLAGS | VF.SYSTEMATIC_LOW_RESOURCES, requests });
    assert.ok(r.runs.length >= 10, `${driver}: ${r.runs.length} failure points`);
    const bad = r.runs.filter((x) => !x.reached || (x.verdict.kind !== 'clean' && x.verdict.kind !== 'refused'));
    assert.deepEqual(bad.map((x) => [x.point.ddi, x.point.callerSymbol, x.verdict]), [], driver);
  }
});

test('!verifier 4: the most recent injected failures from the tracker, newest first, in the layout of the docs', async () => {
  const o = await run(CHECKED, STANDARD_FLAGS | VF.RANDOMIZED_LOW_RESOURCES, { faults: { probability: 5000, delay: 0, seed: 3 }, requests: Array(6).fill(RECORD), unload: false });
  assert.equal(o.bugCheck, null);
  const t = new DebugTarget(o.dump);
  const text = execute(t, '!verifier 4').join('\n');
  assertGolden('verifier-4.txt', text + '\n');
  const injected = o.faults!.injected.length;
  assert.ok(injected > 4, `${injected} failures`);
  assert.match(text, new RegExp(`^Tracker @ [0-9A-F]{8} \\(# entries: ${injected}, size: 80, depth: 8\\)$`, 'm'));
  assert.equal(text.match(/^Entry @ /gm)!.length, 4, 'four by default');
  assert.equal(execute(t, '!verifier 4 2').join('\n').match(/^Entry @ /gm)!.length, 2);
  // The newest entry is the last failure, its thunk frame first.
  const newest = o.faults!.injected[injected - 1]!;
  assert.match(text, new RegExp(`^Entry @ [0-9A-F]{8} \\(index ${injected - 1}\\)\\n {4}Thread: ${newest.thread.toString(16).toUpperCase().padStart(8, '0')}\\n {4}[0-9A-F]{8} ${newest.symbols[0]!.replace(/[+]/g, '\\+')}$`, 'm'));
  const off = await run(CHECKED, STANDARD_FLAGS);
  assert.deepEqual(execute(new DebugTarget(off.dump), '!verifier 4'), ['Low resources simulation is not enabled (neither 0x4 nor 0x40000 is set).']);
});

test('a failed quota allocation raises STATUS_INSUFFICIENT_RESOURCES, as the DDI does when pool is short', async () => {
  const lines: string[] = [];
  const driver = join(ROOT, 'test', 'fixtures', 'drivers', 'QuotaRaise.ts');
  const failed = await runDriver({ driver, verifierFlags: STANDARD_FLAGS | VF.SYSTEMATIC_LOW_RESOURCES, onDebugPrint: (l) => lines.push(l) });
  assert.equal(failed.bugCheck, null);
  assert.deepEqual(failed.faults!.injected.map((f) => f.ddi), ['ExAllocatePoolWithQuotaTag']);
  const plain = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, onDebugPrint: (l) => lines.push(l) });
  assert.equal(plain.faults, null);
  assert.deepEqual(lines, ['quota=c000009a', 'quota=00000000']);
});
