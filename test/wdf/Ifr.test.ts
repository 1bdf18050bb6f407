/**
 * The framework's in-flight recorder: per-driver circular logs in nonpaged pool, written at the
 * framework's events, read back (from the machine or from a dump's memory) newest-intact-first.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DebugTarget } from '../../src/debugger/target.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { WDF_IFR_HEADER, WDF_IFR_MAX_MESSAGE, WDF_IFR_RECORD, ifrLogPages, readIfrLog } from '../../src/nt/wdf-ifr.ts';
import { runDriver, type DeviceRequest } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import type { Framework } from '../../src/wdf/framework.ts';
import { FxIfrLog } from '../../src/wdf/ifr.ts';
import { ROOT } from '../helpers.ts';

const NONPNP = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfNonPnp', 'KmdfNonPnp.wasm');
const ioctl = (code: number, input: string, outputLength: number): DeviceRequest => ({ kind: 'ioctl', code, input: Buffer.from(input, 'hex'), outputLength });

/** The framework's allocation routines on a bare kernel: enough for a log. */
function bareFramework(): { fx: Framework; k: Kernel } {
  const k = new Kernel();
  const fx = {
    k,
    allocate: (size: number, tag: number) => k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, size, tag) >>> 0,
    free: (a: number, tag: number) => k.ddi.ExFreePoolWithTag(a, tag),
  } as unknown as Framework;
  return { fx, k };
}
const memoryOf = (k: Kernel) => ({ u16: (a: number) => k.as.u16(a), u32: (a: number) => k.as.u32(a), cstring: (a: number, max?: number) => k.as.cstring(a, max) });

test('the log is circular: once full, the newest records survive, in sequence, and the overwritten ones are gone', () => {
  const { fx, k } = bareFramework();
  const log = new FxIfrLog(fx, 'Circular', 1);
  assert.deepEqual(readIfrLog(memoryOf(k), log.address)?.records, []);
  for (let i = 1; i <= 500; i++) log.write(`FxTest::Write - message ${i}${'.'.repeat(i % 37)}`);
  const read = readIfrLog(memoryOf(k), log.address)!;
  assert.equal(read.driverName, 'Circular');
  const seqs = read.records.map((r) => r.sequence);
  assert.equal(seqs[seqs.length - 1], 500);
  assert.ok(seqs[0]! > 1 && seqs.length > 20, `kept ${seqs.length} records, from ${seqs[0]}`);
  seqs.forEach((s, i) => assert.equal(s, seqs[0]! + i));
  for (const r of read.records) assert.equal(r.text, `FxTest::Write - message ${r.sequence}${'.'.repeat(r.sequence % 37)}`);
  // What is kept fits in the page: each record's header and text.
  const bytes = read.records.reduce((n, r) => n + WDF_IFR_RECORD.size + r.text.length + 1, 0);
  assert.ok(bytes <= read.size);
  log.release();
});

test('a message longer than the recorder takes is cut to 256 bytes; LogPages follows Parameters\\Wdf rules', () => {
  const { fx, k } = bareFramework();
  const log = new FxIfrLog(fx, 'Long', 1);
  log.write(`FxTest::Long - ${'x'.repeat(1000)}`);
  assert.equal(readIfrLog(memoryOf(k), log.address)!.records[0]!.text.length, WDF_IFR_MAX_MESSAGE - 1);
  assert.deepEqual([ifrLogPages(undefined), ifrLogPages(0), ifrLogPages(4), ifrLogPages(16), ifrLogPages(17), ifrLogPages(17, true, true)], [1, 1, 4, 16, 1, 5]);
});

test('KmdfNonPnp: the framework records driver and device creation, each request and its completion; the dump holds the log', async () => {
  const r = await runDriver({ driver: NONPNP, verifierFlags: STANDARD_FLAGS, requests: [ioctl(0x222000, '41424344', 0), { kind: 'read', length: 4 }], unload: false, shutdown: false });
  assert.equal(r.bugCheck, null);
  const fx = (await r.machine.loader.loadedLibrary('Wdf01000')) as unknown as Framework;
  const g = [...fx.clients].find((c) => c.name === 'KmdfNonPnp')!;
  const lines = g.log;
  assert.match(lines[0]!, /^FxDriver::Initialize - WDFDRIVER 0x[0-9a-f]+ created for KmdfNonPnp\.sys$/);
  assert.ok(lines.some((l) => /^FxDevice::Initialize - WDFDEVICE 0x[0-9a-f]+ !devobj 0x[0-9a-f]+ \(control device\)$/.test(l)));
  assert.ok(lines.some((l) => /^FxIoQueue::Initialize - WDFQUEUE 0x[0-9a-f]+ created on WDFDEVICE 0x[0-9a-f]+ \(default queue\)$/.test(l)));
  assert.ok(lines.some((l) => /^FxDevice::DispatchWithLock - WDFDEVICE 0x[0-9a-f]+ !devobj 0x[0-9a-f]+, IRP_MJ_DEVICE_CONTROL, IRP 0x[0-9a-f]+$/.test(l)));
  assert.equal(lines.filter((l) => l.startsWith('FxIoQueue::QueueRequest - WDFREQUEST')).length, 2);
  assert.equal(lines.filter((l) => l.startsWith('FxRequest::Complete - WDFREQUEST')).length, 3, 'the create and the two requests');
  // The log is in nonpaged pool, so the dump's memory holds the same lines.
  const fromDump = readIfrLog(new DebugTarget(r.dump), g.ifr.address)!;
  assert.deepEqual(fromDump.records.map((x) => x.text), lines);
});

test('the log goes with the driver: no framework pool is left after unload', async () => {
  const r = await runDriver({ driver: NONPNP, verifierFlags: STANDARD_FLAGS, requests: [ioctl(0x222004, '', 1)] });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.leaks, []);
});

test('Parameters\\Wdf LogPages sizes the log (read in WdfDriverCreate, before its first record)', async () => {
  const wdfKey = '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\KmdfNonPnp\\Parameters\\Wdf';
  const pages = async (registry: { name: string; v: number }[]) => {
    const r = await runDriver({ driver: NONPNP, verifierFlags: STANDARD_FLAGS, unload: false, shutdown: false, registry: registry.map(({ name, v }) => ({ op: 'value' as const, path: wdfKey, name, type: 4, data: new Uint8Array([v, 0, 0, 0]), line: 1 })) });
    const fx = (await r.machine.loader.loadedLibrary('Wdf01000')) as unknown as Framework;
    const g = [...fx.clients][0]!;
    const log = readIfrLog(new DebugTarget(r.dump), g.ifr.address)!;
    assert.match(log.records[0]!.text, /^FxDriver::Initialize - /, 'the first record is in the resized log');
    return [g.ifr.pages, log.size + ((WDF_IFR_HEADER.size + 7) & ~7) === g.ifr.pages * 0x1000];
  };
  assert.deepEqual(await pages([]), [1, true]);
  assert.deepEqual(await pages([{ name: 'LogPages', v: 4 }]), [4, true]);
  assert.deepEqual(await pages([{ name: 'LogPages', v: 40 }]), [1, true]);
  assert.deepEqual(await pages([{ name: 'LogPages', v: 40 }, { name: 'VerboseOn', v: 1 }]), [5, true]);
});
