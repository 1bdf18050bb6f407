/**
 * Synchronization scopes, execution levels and the callback locks (src/wdf/callback-lock.ts):
 * - KmdfSync (device scope at DISPATCH_LEVEL) and KmdfSyncPassive (the same at PASSIVE_LEVEL) run
 *   their requests clean under /standard: queue callbacks and the serialized timer run under the
 *   device's lock at the lock's IRQL; the work item takes it with WdfObjectAcquireLock.
 * - KmdfSyncBugs, one misuse per IOCTL inside EvtIoDeviceControl (under the device's spin lock): a
 *   wait with a time-out at DISPATCH_LEVEL (Driver Verifier's 0xC4/0x122), WdfObjectAcquireLock on
 *   the device whose lock the framework holds (0x10D/0x2), on a timer (0x10D/0xB).
 * - SyncRules (a fixture built here): each object's ExecutionLevel/SynchronizationScope rules and
 *   their statuses, a passive queue fed at DISPATCH_LEVEL running at PASSIVE_LEVEL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { C4_MISC } from '../../src/nt/bugcheck-misc.ts';
import { STATUS } from '../../src/nt/status.ts';
import { FX_TYPE } from '../../src/nt/wdf.ts';
import { runDriver, type DeviceRequest, type RunOutcome } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import type { Framework } from '../../src/wdf/framework.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT, hex } from '../helpers.ts';

const KMDF = join(ROOT, 'drivers', 'c', 'kmdf');
const sample = (name: string) => join(KMDF, name, `${name}.wasm`);
const TICK = 0x222000;
const WORK = 0x222004;
const IRQL = 0x222008;
const BUG_WAIT = 0x222040;
const BUG_RECURSIVE_LOCK = 0x222044;
const BUG_TIMER_LOCK = 0x222048;
const BUG_PASSIVE_DDI = 0x22204c;
const ioctl = (code: number): DeviceRequest => ({ kind: 'ioctl', code, input: Buffer.alloc(0), outputLength: 4 });
const u32 = (n: number) => Buffer.from(Uint32Array.of(n).buffer).toString('hex');

async function run(driver: string, requests: DeviceRequest[], verifierFlags = STANDARD_FLAGS) {
  const prints: string[] = [];
  const r = await runDriver({ driver, verifierFlags, requests, onDebugPrint: (l) => prints.push(l.trim()) });
  return { r, prints };
}

const results = (r: RunOutcome) => r.requests.map((q) => [hex(q.status), q.information, Buffer.from(q.output).toString('hex')]);

for (const [name, level] of [['KmdfSync', 2], ['KmdfSyncPassive', 0]] as const) {
  test(`${name}: device-scope callbacks, its serialized timer and the work item share the device context; clean under /standard (callbacks at IRQL ${level})`, async () => {
    const { r, prints } = await run(sample(name), [ioctl(TICK), ioctl(WORK), ioctl(IRQL), { kind: 'read', length: 4 }, ioctl(TICK)]);
    assert.equal(r.bugCheck, null);
    // One tick, the work item's hundred, the IRQL the queue's callback ran at, the count read, a second tick.
    assert.deepEqual(results(r), [
      ['0x0', 4, u32(1)],
      ['0x0', 4, u32(101)],
      ['0x0', 4, u32(level)],
      ['0x0', 4, u32(101)],
      ['0x0', 4, u32(102)],
    ]);
    // The timer under the device's lock: a spin lock at DISPATCH_LEVEL, a passive timer's fast mutex at PASSIVE_LEVEL.
    // The dispatch-level work item holds the lock it took (DISPATCH_LEVEL); the passive one is serialized for it.
    assert.deepEqual(prints.filter((l) => l.startsWith('KmdfSync: ')), [`KmdfSync: tick 1 at IRQL ${level}`, `KmdfSync: work item at IRQL ${level}`, `KmdfSync: tick 102 at IRQL ${level}`, 'KmdfSync: unloading']);
    assert.deepEqual(prints.filter((l) => l.startsWith('WDF detected')), []);
    assert.deepEqual(r.leaks, []);
    assert.equal(r.unloaded, true);
  });
}

test('KmdfSync: the completion inside the timer callback (device lock held) defers the queue\'s next dispatch to a DPC (IFR)', async () => {
  const r = await runDriver({ driver: sample('KmdfSync'), verifierFlags: STANDARD_FLAGS, requests: [ioctl(TICK), ioctl(IRQL)], unload: false, shutdown: false });
  assert.equal(r.bugCheck, null);
  const fx = (await r.machine.loader.loadedLibrary('Wdf01000')) as unknown as Framework;
  const g = [...fx.clients].find((c) => c.name === 'KmdfSync')!;
  assert.ok(g.log.some((l) => /^FxIoQueue::CanThreadDispatchEventsLocked - Presentation lock for WDFQUEUE 0x[0-9a-f]+ is already held, deferring to dpc or workitem$/.test(l)), g.log.join('\n'));
});

const bugs = (code: number) => run(sample('KmdfSyncBugs'), [ioctl(TICK), ioctl(code)]);

test('KmdfSyncBugs: KeWaitForSingleObject with a time-out in a device-scope callback (DISPATCH_LEVEL): Driver Verifier 0xC4/0x122', async () => {
  const { r } = await bugs(BUG_WAIT);
  assert.deepEqual([hex(r.bugCheck?.code ?? 0), hex(r.bugCheck?.params[0] ?? 0), hex(r.bugCheck?.params[1] ?? 0)], ['0xc4', hex(C4_MISC.WAIT_TIMEOUT_AT_DISPATCH), '0x2']);
  // The tick before it ran clean.
  assert.deepEqual(results(r)[0], ['0x0', 4, u32(1)]);
  // Blamed on the queue callback the framework called under the device's lock.
  const analyze = execute(new DebugTarget(r.dump), '!analyze -v').join('\n');
  assert.match(analyze, /nt!VerifierKeWaitForSingleObject\+0x[0-9a-f]+\n[0-9a-f]{8} KmdfSyncBugs!KmdfSyncEvtIoDeviceControl\+0x[0-9a-f]+\n[0-9a-f]{8} Wdf01000!FxIoQueueIoDeviceControl::Invoke\+0x3c\n/);
  assert.match(analyze, /SYMBOL_NAME: {2}KmdfSyncBugs!KmdfSyncEvtIoDeviceControl\+0x/);
});

test('KmdfSyncBugs: WdfObjectAcquireLock on the device inside its own serialized callback: 0x10D/0x2 RECURSIVE_LOCK, P2 the callback lock', async () => {
  const { r } = await bugs(BUG_RECURSIVE_LOCK);
  const [code, p1, p2, p3, p4] = r.bugCheck ? [r.bugCheck.code, ...r.bugCheck.params] : [];
  assert.deepEqual([hex(code ?? 0), hex(p1 ?? 0), hex(p3 ?? 1)], ['0x10d', '0x2', '0x0']);
  const fx = (await r.machine.loader.loadedLibrary('Wdf01000')) as unknown as Framework;
  const g = [...fx.clients].find((c) => c.name === 'KmdfSyncBugs')!;
  assert.equal(p4, g.address);
  // P2 is the lock: a nonpaged block with the driver's tag, named in the IFR.
  assert.ok(g.log.includes(`FxCallbackLock::Lock - Recursive acquire of callback lock! 0x${(p2 ?? 0).toString(16)}`), g.log.join('\n'));
  const analyze = execute(new DebugTarget(r.dump), '!analyze -v').join('\n');
  assert.match(analyze, /^WDF_VIOLATION \(10d\)$/m);
  assert.match(analyze, /Wdf01000!imp_WdfObjectAcquireLock\+0x3c/);
});

test('KmdfSyncBugs: WdfObjectAcquireLock on a WDFTIMER (no callback lock): 0x10D/0xB INVALID_LOCK_OPERATION, P2 the handle, P3 0', async () => {
  const { r } = await bugs(BUG_TIMER_LOCK);
  const [code, p1, p2, p3] = r.bugCheck ? [r.bugCheck.code, ...r.bugCheck.params] : [];
  assert.deepEqual([hex(code ?? 0), hex(p1 ?? 0), hex(p3 ?? 1)], ['0x10d', '0xb', '0x0']);
  const fx = (await r.machine.loader.loadedLibrary('Wdf01000')) as unknown as Framework;
  assert.equal(fx.handles.get(p2 ?? 0)?.type, FX_TYPE.Timer);
});

test('KmdfSyncBugs: WdfStringCreate (PASSIVE_LEVEL) in a device-scope callback: "Called at wrong IRQL" and the framework verifier\'s break (0x1E)', async () => {
  const { r, prints } = await bugs(BUG_PASSIVE_DDI);
  assert.deepEqual([hex(r.bugCheck?.code ?? 0), hex(r.bugCheck?.params[0] ?? 0)], ['0x1e', hex(STATUS.BREAKPOINT)]);
  assert.ok(prints.includes('WDF detected potentially invalid operation by KmdfSyncBugs.sys. Dump the driver log (!wdflogdump KmdfSyncBugs.sys) for more information.'), prints.join('\n'));
  const fx = (await r.machine.loader.loadedLibrary('Wdf01000')) as unknown as Framework;
  const g = [...fx.clients].find((c) => c.name === 'KmdfSyncBugs')!;
  assert.ok(g.log.includes('WdfStringCreate - Called at wrong IRQL; at level 2, should be at level 0'), g.log.join('\n'));
});

test('KmdfSyncBugs: the clean IOCTLs stay clean (the twin differs only where it misuses)', async () => {
  const { r } = await run(sample('KmdfSyncBugs'), [ioctl(TICK), ioctl(IRQL), { kind: 'read', length: 4 }]);
  assert.equal(r.bugCheck, null);
  assert.deepEqual(results(r), [['0x0', 4, u32(1)], ['0x0', 4, u32(2)], ['0x0', 4, u32(1)]]);
});

async function syncRules(verifierFlags: number) {
  const driver = join(mkdtempSync(join(tmpdir(), 'dv-kmdf-sync-')), 'SyncRules.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'SyncRules.c')], output: driver });
  assert.ok(built.ok, built.diagnostics);
  return run(driver, [ioctl(0x222000), { kind: 'read', length: 4 }], verifierFlags);
}

const s = (n: number) => `0x${(n >>> 0).toString(16)}`;

test('SyncRules: which objects take an execution level or a scope, and the combinations the framework refuses', { skip: NEEDS_CLANG }, async () => {
  const { r, prints } = await syncRules(0);
  assert.equal(r.bugCheck, null);
  assert.deepEqual(prints.filter((l) => l.startsWith('SyncRules: ')).map((l) => l.slice('SyncRules: '.length)), [
    // File object callbacks under a dispatch-level device's lock: refused (scope inherited or Queue); scope None is fine.
    `device scope, file object scope 1 ${s(STATUS.INVALID_DEVICE_REQUEST)}`,
    'device scope, file object scope 4 0x0',
    `device scope, file object scope 3 ${s(STATUS.INVALID_DEVICE_REQUEST)}`,
    // FxValidateObjectAttributes: a spin lock takes neither (scope None is always allowed); a general object a level only.
    `spin lock, passive ${s(STATUS.WDF_EXECUTION_LEVEL_INVALID)}`,
    `spin lock, device scope ${s(STATUS.WDF_SYNCHRONIZATION_SCOPE_INVALID)}`,
    'spin lock, no scope 0x0',
    'object, passive 0x0',
    `object, queue scope ${s(STATUS.WDF_SYNCHRONIZATION_SCOPE_INVALID)}`,
    // A queue inheriting the device's scope must have its level.
    `passive queue, device scope ${s(STATUS.INVALID_PARAMETER)}`,
    'passive queue, queue scope 0x0',
    // A work item's callback is passive: it serializes only with a passive parent.
    `work item, serialized ${s(STATUS.WDF_INCOMPATIBLE_EXECUTION_LEVEL)}`,
    'work item, not serialized 0x0',
    'work item under the passive queue, serialized 0x0',
    `passive periodic timer ${s(STATUS.NOT_SUPPORTED)}`,
    `passive timer, serialized ${s(STATUS.WDF_INCOMPATIBLE_EXECUTION_LEVEL)}`,
    `timer, queue scope ${s(STATUS.WDF_SYNCHRONIZATION_SCOPE_INVALID)}`,
    'timer, serialized 0x0',
    'dpc, serialized 0x0',
    `dpc, dispatch ${s(STATUS.WDF_EXECUTION_LEVEL_INVALID)}`,
    // WdfObjectAcquireLock: a spin lock returns at DISPATCH_LEVEL, a fast mutex at the caller's IRQL.
    'device lock at 2',
    'passive queue lock at 0',
    'released at 0',
    // The IOCTL under the device's spin lock, forwarded to the passive queue: a work item presents it at PASSIVE_LEVEL.
    'EvtIoDeviceControl at 2',
    'EvtIoDefault at 0',
    // A queue with no scope calls back unlocked, and still has a lock of its own.
    'EvtIoRead at 0, its queue\'s lock at 2',
  ]);
  assert.deepEqual(r.requests.map((q) => [hex(q.status), q.information]), [['0x0', 0], ['0x0', 0]]);
});

test('SyncRules under /standard: the incompatible work item is also a framework verifier break (0x1E without a debugger)', { skip: NEEDS_CLANG }, async () => {
  const { r, prints } = await syncRules(STANDARD_FLAGS);
  assert.deepEqual([hex(r.bugCheck?.code ?? 0), hex(r.bugCheck?.params[0] ?? 0)], ['0x1e', hex(STATUS.BREAKPOINT)]);
  assert.ok(prints.includes('WDF detected potentially invalid operation by SyncRules.sys. Dump the driver log (!wdflogdump SyncRules.sys) for more information.'), prints.join('\n'));
  assert.equal(prints.at(-2), 'SyncRules: passive queue, queue scope 0x0');
});

async function syncInterrupt(code: number) {
  const driver = join(mkdtempSync(join(tmpdir(), 'dv-kmdf-sync-')), 'SyncInterrupt.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'SyncInterrupt.c')], output: driver });
  assert.ok(built.ok, built.diagnostics);
  return runDriver({ driver, verifierFlags: STANDARD_FLAGS, resources: [{ kind: 'mem', base: 0xfe000000, length: 0x1000 }, { kind: 'irq', irq: 5, latched: false }], requests: [ioctl(0x222000), ioctl(code)] });
}

test('SyncInterrupt: with AutomaticSerialization, EvtInterruptDpc runs under the device\'s lock (clean; taking the lock again there is 0x10D/0x2)', { skip: NEEDS_CLANG }, async () => {
  const clean = await syncInterrupt(0x222000);
  assert.equal(clean.bugCheck, null);
  assert.deepEqual(clean.requests.map((q) => hex(q.status)), ['0x0', '0x0']);
  const r = await syncInterrupt(0x222004);
  assert.deepEqual([hex(r.bugCheck?.code ?? 0), hex(r.bugCheck?.params[0] ?? 0)], ['0x10d', '0x2']);
  assert.match(execute(new DebugTarget(r.dump), '!analyze -v').join('\n'), /Wdf01000!imp_WdfObjectAcquireLock\+0x3c\n[0-9a-f]{8} SyncInterrupt!SyncInterruptEvtDpc\+0x[0-9a-f]+\n[0-9a-f]{8} Wdf01000!FxInterrupt::_InterruptDpcThunk\+0x3c\n/);
});
