/**
 * The `!wdfkd` commands and `!analyze -v` on 0x10D, on dumps of the non-PnP KMDF sample and of its
 * violating twin (drivers/c/kmdf), written to a dump file and read back (so the dump's `wdf`
 * section passes the schema). Layouts follow the extension's documented output; `!wdfrequest` has
 * no documented sample ([NOT FOUND] in the reference), so its layout follows `!wdfqueue`'s.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { complete } from '../../src/debugger/complete.ts';
import { parseDump, serializeDump, type CrashDump } from '../../src/debugger/dump.ts';
import { execute, interpret } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver, type DeviceRequest } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, assertGolden, driver } from '../helpers.ts';
import { commandLines, dumpFile, type Json } from './dump-mutations.ts';

const NONPNP = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfNonPnp', 'KmdfNonPnp.wasm');
const BUGS = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfNonPnpBugs', 'KmdfNonPnpBugs.wasm');
const bug = (n: number) => 0x222100 + 4 * n;
const ioctl = (code: number, input: string, outputLength: number): DeviceRequest => ({ kind: 'ioctl', code, input: Buffer.from(input, 'hex'), outputLength });

const reread = (dump: CrashDump) => new DebugTarget(parseDump(serializeDump(dump), 'wdf.dmp'));
const session = (t: DebugTarget, lines: string[]) => lines.map((l) => [`kd> ${l}`, ...execute(t, l)].join('\n')).join('\n') + '\n';
const x = (n: number) => n.toString(16);

async function nonPnpTarget(): Promise<DebugTarget> {
  // Stopped mid-run (no unload): the driver's tree is alive, the log has the requests.
  const r = await runDriver({ driver: NONPNP, verifierFlags: STANDARD_FLAGS, requests: [ioctl(0x222000, '41424344', 0), ioctl(0x222004, '', 8), { kind: 'write', data: Buffer.from('0102', 'hex') }], unload: false, shutdown: false });
  assert.equal(r.bugCheck, null);
  return reread(r.dump);
}

async function bugTarget(n: number): Promise<DebugTarget> {
  const r = await runDriver({ driver: BUGS, verifierFlags: STANDARD_FLAGS, ioctls: [{ code: 0x222000, input: Buffer.from('41', 'hex'), outputLength: 0 }, { code: bug(n), input: new Uint8Array(0), outputLength: 4 }] });
  assert.equal(r.bugCheck?.code, 0x10d);
  return reread(r.dump);
}

test('the non-PnP sample: !wdfldr, !wdfdriverinfo, !wdfdevice, !wdfqueue, !wdfhandle, !wdfobject and !wdflogdump', async () => {
  const t = await nonPnpTarget();
  const c = t.dump.wdf!.clients[0]!;
  const device = c.devices[0]!;
  const queue = c.queues[0]!;
  const driverObject = c.objects.find((o) => o.handle === c.driver)!;
  assertGolden(
    'kd.wdf.nonpnp.out',
    session(t, ['!wdfkd.wdfldr', '!wdfkd.wdfdriverinfo', '!wdfdriverinfo KmdfNonPnp.sys 0x211', `!wdfkd.wdfdevice ${x(device.handle)} 0x10`, `!wdfkd.wdfqueue ${x(queue.handle)}`, `!wdfkd.wdfhandle ${x(c.driver)} 0x10`, `!wdfkd.wdfobject ${x(driverObject.address)}`, '!wdfkd.wdflogdump KmdfNonPnp.sys']),
  );
});

test('the twin stopped with 0x10D/0x4: !analyze -v names the driver, ln P3, the log, and its tail; the request in flight', async () => {
  const t = await bugTarget(5);
  const c = t.dump.wdf!.clients[0]!;
  const request = c.requests.find((r) => !r.completed)!;
  assert.ok(request, 'the request the driver was handling is in the dump');
  assertGolden('kd.wdf.twin.out', session(t, ['!analyze -v', `!wdfkd.wdfrequest ${x(request.handle)}`, `!wdfkd.wdfqueue ${x(request.queue)}`, '!wdflogdump']));
  const analyze = execute(t, '!analyze -v').join('\n');
  const p3 = t.dump.bugCheck!.params[2]!;
  assert.match(analyze, new RegExp(`^WDF_HINT: {2}ln 0x${x(p3)} `, 'm'));
  assert.match(analyze, /^WDF_DRIVER: {2}KmdfNonPnpBugs\.sys /m);
  // The tail is the log's newest entries, the framework's 0x10D record last.
  assert.match(analyze, /^ {4}\d+: FxVerifierBugCheckWorker - WDF_VIOLATION 0x4, 0x0, 0x[0-9a-f]+, WdfDriverGlobals 0x[0-9a-f]+\n\n/m);
  // ln on the hint's address names the driver's caller.
  assert.match(execute(t, `ln ${x(p3)}`).join('\n'), /KmdfNonPnpBugs!/);
});

test('0x10D/0x7: !analyze -v points at !wdfkd.wdfhandle P2, which is the handle of an object still in the dump', async () => {
  const t = await bugTarget(3);
  const p2 = t.dump.bugCheck!.params[1]!;
  assert.match(execute(t, '!analyze -v').join('\n'), new RegExp(`^WDF_HINT: {2}!wdfkd\\.wdfhandle 0x${x(p2)} `, 'm'));
  const handle = execute(t, `!wdfkd.wdfhandle ${x(p2)}`).join('\n');
  assert.match(handle, new RegExp(`^handle 0x${x(p2)}, type is WDFOBJECT$`, 'm'));
  assert.match(handle, /^Refcount: 0$/m);
});

test('a 0x10D that is not 0x4 or 0x7 gives only the log hint; other stops get none of the WDF lines', async () => {
  const t = await bugTarget(1);
  const analyze = execute(t, '!analyze -v').join('\n');
  assert.deepEqual(analyze.match(/^WDF_HINT:.*$/gm), ['WDF_HINT:  !wdfkd.wdflogdump KmdfNonPnpBugs.sys (the framework\'s log of what the driver did)']);
  const { dump } = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [] });
  assert.doesNotMatch(execute(new DebugTarget(dump), '!analyze -v').join('\n'), /WDF_/);
});

test('the commands explain what they cannot show: no KMDF driver, an unknown driver, a handle of another type, a stale handle', async () => {
  const { dump } = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [] });
  const wdm = new DebugTarget(dump);
  assert.equal(dump.wdf, undefined, 'a run of WDM drivers has no wdf section');
  assert.deepEqual(interpret(wdm, '!wdflogdump'), { output: ['No KMDF driver is loaded in this dump (Wdf01000 has no clients).'], status: 'error' });
  assert.deepEqual(interpret(wdm, '!wdfkd.wdfldr').output, ['Wdf01000 is not loaded in this dump (no KMDF driver ran)']);
  const t = await nonPnpTarget();
  const c = t.dump.wdf!.clients[0]!;
  assert.deepEqual(execute(t, '!wdfdriverinfo Ghost.sys'), ['Could not find a KMDF driver named Ghost.sys (its clients: KmdfNonPnp.sys)']);
  assert.deepEqual(execute(t, `!wdfqueue ${x(c.driver)}`), [`0x${x(c.driver)} is a WDFDRIVER handle, not a WDFQUEUE`]);
  assert.deepEqual(execute(t, '!wdfrequest 1234'), ['0x1234 is not a handle of a live KMDF object in this dump']);
  assert.match(execute(t, '!wdfhandle 1234')[0]!, /^handle 0x1234 is not a live KMDF object in this dump/);
  assert.deepEqual(execute(t, '!wdflogdump -a 1000'), ['No in-flight recorder log at 0x1000 (its header is not in the dump, or not a log\'s)']);
  assert.deepEqual(execute(t, '!wdflogdump -f x.etl'), ['Unknown option -f: only -a Address is supported (the -d and -f options read logs saved on Windows)']);
  // -a reads the same log as the driver's name.
  assert.deepEqual(execute(t, `!wdflogdump -a ${x(c.ifr)}`), execute(t, '!wdflogdump KmdfNonPnp'));
});

test('tab completion offers the KMDF commands and, after !wdflogdump, the KMDF drivers', async () => {
  const t = await nonPnpTarget();
  assert.deepEqual(complete(t, '!wdfkd.wdfl')[0], ['!wdfkd.wdfldr', '!wdfkd.wdflogdump']);
  assert.deepEqual(complete(t, '!wdflogdump Kmd'), [['KmdfNonPnp.sys'], 'Kmd']);
  assert.deepEqual(execute(t, '.help !wdflogdump')[0], '!wdfkd.wdflogdump [Driver] [-a Address]');
});

test("the dump's wdf section: optional (a dump without it loads), and a wrong field in it is named", async () => {
  const r = await runDriver({ driver: NONPNP, verifierFlags: STANDARD_FLAGS, requests: [ioctl(0x222004, '', 1)], unload: false, shutdown: false });
  const json = JSON.parse(JSON.stringify(r.dump)) as Record<string, unknown> & { wdf: { clients: Record<string, unknown>[] } };
  const { wdf, ...older } = json;
  assert.ok(wdf.clients.length === 1);
  const t = new DebugTarget(parseDump(dumpFile(older), 'older.dmp'));
  assert.deepEqual(execute(t, '!wdflogdump'), ['No KMDF driver is loaded in this dump (Wdf01000 has no clients).']);
  json.wdf.clients[0]!.globals = -1;
  assert.throws(() => parseDump(dumpFile(json), 'bad.dmp'), /^DumpError: damaged dump: wdf\.clients\[0\]\.globals is not a u32 \(bad\.dmp\)$/);
});

test("every command of the dump-property list answers with text on a KMDF dump, and on one whose object tree is a cycle", async () => {
  const r = await runDriver({ driver: NONPNP, verifierFlags: STANDARD_FLAGS, requests: [ioctl(0x222004, '', 1)], unload: false, shutdown: false });
  const json = JSON.parse(JSON.stringify(r.dump)) as Json;
  const lines = commandLines(json);
  assert.ok(lines.includes(`!wdfkd.wdfqueue ${x(r.dump.wdf!.clients[0]!.queues[0]!.handle)}`));
  for (const dump of [json, cyclic(json)]) {
    const t = new DebugTarget(parseDump(dumpFile(dump), 'kmdf.dmp'));
    for (const l of [...lines, '!wdfdriverinfo KmdfNonPnp 0x210']) assert.ok(Array.isArray(interpret(t, l).output), l);
  }
});

/** The driver object made its own device's child: a loop in the parent links. */
function cyclic(json: Json): Json {
  const copy = structuredClone(json) as { wdf: { clients: { driver: number; devices: { handle: number }[]; objects: { handle: number; parent: number }[] }[] } };
  const c = copy.wdf.clients[0]!;
  c.objects.find((o) => o.handle === c.driver)!.parent = c.devices[0]!.handle;
  return copy as unknown as Json;
}

test('a framework verifier break without a debugger (0x1E) blames the driver: !analyze -v shows its log, the finding last', async () => {
  // Completing a request twice: the verifier's IFR line, then DbgBreakOnError's breakpoint nobody takes.
  const r = await runDriver({ driver: BUGS, verifierFlags: STANDARD_FLAGS, ioctls: [{ code: bug(0), input: new Uint8Array(0), outputLength: 4 }] });
  assert.equal(r.bugCheck?.code, 0x1e);
  const analyze = execute(reread(r.dump), '!analyze -v').join('\n');
  assert.match(analyze, /^WDF_DRIVER: {2}KmdfNonPnpBugs\.sys /m);
  assert.doesNotMatch(analyze, /WDF_HINT: {2}ln /);
  const tail = /^WDF_IFR_LOG:.*\n((?: {4}.*\n)+)/m.exec(analyze)![1]!.trimEnd().split('\n');
  assert.match(tail[tail.length - 1]!, /^ {4}\d+: FxRequest::Complete - WDFREQUEST 0x[0-9a-f]+ is already completed$/);
});
