/**
 * No false positives: EverythingRight uses every object class the verifier watches (pool, lookaside
 * list, MDLs and a partial MDL, fast mutex, KMUTEX, spin lock, timers, DPCs, events, a work item, a
 * system thread, shutdown notification), each correctly. Under /standard it serves its requests,
 * unloads and the machine shuts down with no stop; left loaded, it sees IRP_MJ_SHUTDOWN and the
 * machine shuts down clean too. Both the TypeScript sample and its C twin (drivers/c/rules).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { languagesOf, runSample } from './support.ts';

const SAMPLE = 'drivers/ts/rules/EverythingRight.ts';
const IOCTLS = ['0x222008:0102030405060708:8', '0x222008:0a0b:8'];

for (const lang of languagesOf(SAMPLE)) {
  test(`EverythingRight: requests served, unload and shutdown with no bug check and nothing left behind (${lang.lang})`, async () => {
    const r = await runSample(lang.run, IOCTLS);
    assert.equal(r.bugCheck, null, `no bug check (${r.bugCheck?.params.map((p) => p.toString(16)).join(' ')})`);
    assert.deepEqual(
      r.requests.map((q) => [q.status, Buffer.from(q.output).toString('hex')]),
      [
        [0, '0100000000000000'],
        [0, '0200000000000000'],
      ],
      'each request completed by the work item with the request count',
    );
    assert.deepEqual(r.leaks, []);
    assert.equal(r.unloaded, true);
    assert.equal(r.shutDown, true);
    const k = r.machine.kernel;
    assert.equal(k.dispatcher.setTimers().length, 0, 'no timer left set');
    assert.equal(k.lookasideLists.size, 0, 'no lookaside list left');
    assert.ok(k.threads.every((t) => t.state === 'terminated' || t.startRoutine === 0), 'no thread of the driver left');
    const stats = r.dump.verifier!.stats;
    assert.ok(stats.acquireSpinLocks >= 2 && stats.poolAllocationsSucceeded >= 10, 'the verifier saw the work');
    const entry = r.dump.verifier!.drivers.find((d) => d.name === 'EverythingRight')!;
    assert.equal(entry.paged.current + entry.nonPaged.current, 0);
    assert.ok(entry.paged.peak >= 1 && entry.nonPaged.peak >= 3, 'paged and nonpaged pool, MDLs and the work item were tracked');
  });

  test(`EverythingRight left loaded: its IRP_MJ_SHUTDOWN routine runs and the machine shuts down clean (${lang.lang})`, async () => {
    const r = await runSample(lang.run, IOCTLS, { unload: false });
    assert.equal(r.bugCheck, null);
    assert.equal(r.unloaded, false);
    assert.equal(r.shutDown, true);
    assert.ok(r.dump.debugLog.includes('EverythingRight: shutdown'), 'IRP_MJ_SHUTDOWN reached the driver');
  });
}
