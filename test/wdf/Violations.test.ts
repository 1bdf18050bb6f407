/**
 * The violating twin of the non-PnP sample (drivers/c/kmdf/KmdfNonPnpBugs: one IOCTL per misuse).
 * What stops with 0x10D does so with the reference's Parameter 1 and parameters; what Windows only
 * breaks on (the framework verifier's findings) is an IFR line, the framework's message and its
 * breakpoint: 0x1E with STATUS_BREAKPOINT without a kernel debugger. Each as `!analyze -v` shows it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver, type RunOutcome } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import type { Framework } from '../../src/wdf/framework.ts';
import { ROOT, hex } from '../helpers.ts';

const BUGS = join(ROOT, 'drivers', 'c', 'kmdf', 'KmdfNonPnpBugs', 'KmdfNonPnpBugs.wasm');
const bug = (n: number) => 0x222100 + 4 * n;

async function run(n: number, verifierFlags = STANDARD_FLAGS): Promise<{ r: RunOutcome; analyze: string; prints: string[]; log: string[]; globals: number }> {
  const prints: string[] = [];
  const r = await runDriver({ driver: BUGS, verifierFlags, ioctls: [{ code: bug(n), input: new Uint8Array(0), outputLength: 4 }], onDebugPrint: (l) => prints.push(l) });
  const fx = (await r.machine.loader.loadedLibrary('Wdf01000')) as unknown as Framework;
  const g = [...fx.clients].find((c) => c.name === 'KmdfNonPnpBugs');
  return { r, analyze: r.bugCheck ? execute(new DebugTarget(r.dump), '!analyze -v').join('\n') : '', prints, log: g?.log ?? [], globals: g?.address ?? 0 };
}

const params = (r: RunOutcome) => [hex(r.bugCheck!.code), ...r.bugCheck!.params.map(hex)];
const WDF_MESSAGE = 'WDF detected potentially invalid operation by KmdfNonPnpBugs.sys. Dump the driver log (!wdflogdump KmdfNonPnpBugs.sys) for more information.';

/** A verifier break without a debugger: the int 3 at nt!DbgBreakPoint under Wdf01000!FxVerifierDbgBreakPoint, blamed on the driver. */
function assertVerifierBreak(x: Awaited<ReturnType<typeof run>>, ifr: RegExp, caller: string): void {
  const nt = x.r.machine.kernel.nt.address('DbgBreakPoint');
  assert.deepEqual(params(x.r), ['0x1e', '0x80000003', hex(nt), '0x0', '0x0']);
  assert.ok(x.log.some((l) => ifr.test(l)), x.log.join('\n'));
  assert.ok(x.prints.includes(WDF_MESSAGE), x.prints.join('\n'));
  assert.match(x.analyze, /IMAGE_NAME: {2}KmdfNonPnpBugs\.sys/);
  assert.match(x.analyze, /Wdf01000!FxVerifierDbgBreakPoint\+0x3c\n[0-9a-f]{8} Wdf01000!imp_WdfRequestComplete\+0x3c\n/);
  assert.match(x.analyze, new RegExp(`SYMBOL_NAME: {2}KmdfNonPnpBugs!${caller}\\+0x`));
}

test('completing a request twice: "already completed" in the IFR and the verifier break (0x1E, STATUS_BREAKPOINT)', async () => {
  const x = await run(0);
  assertVerifierBreak(x, /^FxRequest::Complete - WDFREQUEST 0x[0-9a-f]+ is already completed$/, 'KmdfNonPnpBug');
});

test('without the framework verifier a second completion uses a deleted handle: 0x10D/0x5', async () => {
  const x = await run(0, 0);
  assert.equal(x.r.bugCheck?.code, 0x10d);
  assert.deepEqual([x.r.bugCheck!.params[0], x.r.bugCheck!.params[2], x.r.bugCheck!.params[3]], [5, 0x1008, x.globals]);
});

test('a WDFMEMORY used after WdfObjectDelete: 0x10D/0x5, P2 the handle, P3 the WDFMEMORY type, P4 the driver globals', async () => {
  const x = await run(1);
  const [code, p1, p2, p3, p4] = params(x.r);
  assert.deepEqual([code, p1, p3, p4], ['0x10d', '0x5', '0x100a', hex(x.globals)]);
  // The handle is a pool address with the low bits flipped: its object was freed.
  assert.equal((Number(p2) ^ 0xfffffff8) >>> 0 & 7, 0);
  assert.match(x.analyze, /^WDF_VIOLATION \(10d\)$/m);
  assert.match(x.analyze, /^Arg1: 00000005, A framework routine was called with a NULL handle, a deleted one,$/m);
  assert.match(x.analyze, /^Arg3: 0000100a, the type code of the object the routine expected$/m);
  assert.match(x.analyze, /^BUGCHECK_STR: {2}0x10d_5$/m);
  assert.match(x.analyze, /^IMAGE_NAME: {2}KmdfNonPnpBugs\.sys$/m);
  assert.match(x.analyze, /Wdf01000!imp_WdfMemoryGetBuffer\+0x3c\n[0-9a-f]{8} KmdfNonPnpBugs!KmdfNonPnpBug\+0x/);
});

test('deleting the framework-owned default queue: ignored, named in the IFR, and the verifier break', async () => {
  const x = await run(2);
  const nt = x.r.machine.kernel.nt.address('DbgBreakPoint');
  assert.deepEqual(params(x.r), ['0x1e', '0x80000003', hex(nt), '0x0', '0x0']);
  assert.ok(x.log.some((l) => /^FxObject::DeleteObject - Attempt to Delete an Object Which does not allow WdfDeleteObject Handle 0x[0-9a-f]+, WDFQUEUE, STATUS_CANNOT_DELETE$/.test(l)), x.log.join('\n'));
  assert.match(x.analyze, /Wdf01000!FxVerifierDbgBreakPoint\+0x3c\n[0-9a-f]{8} Wdf01000!imp_WdfObjectDelete\+0x3c\n/);
});

test('without the framework verifier, deleting the default queue is only ignored: the run ends clean', async () => {
  const x = await run(2, 0);
  assert.equal(x.r.bugCheck, null);
  assert.deepEqual(x.r.requests.map((q) => hex(q.status)), ['0x0']);
});

test('dereferencing an object never deleted to zero: 0x10D/0x7, P2 the handle, P3 the object', async () => {
  const x = await run(3);
  const [code, p1, p2, p3, p4] = params(x.r);
  assert.deepEqual([code, p1, p4], ['0x10d', '0x7', hex(x.globals)]);
  assert.equal((Number(p2) ^ 0xfffffff8) >>> 0, Number(p3), 'handle = object address ^ ~7');
  assert.match(x.analyze, /^Arg2: [0-9a-f]{8}, the object's handle \(!wdfkd\.wdfhandle\)$/m);
  assert.match(x.analyze, /Wdf01000!imp_WdfObjectDereferenceActual\+0x3c\n/);
});

test('more Information than the output buffer holds: 0x10D/0x6/0x4 with the request, IRP, length, Information and major', async () => {
  const x = await run(4);
  const [code, p1, p2, , p4] = params(x.r);
  assert.deepEqual([code, p1, p2, p4], ['0x10d', '0x6', '0x4', hex(x.globals)]);
  const as = x.r.machine.kernel.as;
  const record = x.r.bugCheck!.params[2]!;
  // {Request, Irp, OutputBufferLength, Information, MajorFunction}
  assert.deepEqual([2, 3, 4].map((i) => as.u32(record + 4 * i)), [4, 0x1000, 0xe]);
  assert.ok(as.u32(record) !== 0 && as.u32(record + 4) !== 0);
  assert.match(x.analyze, /^Arg2: 00000004, the error's sub-code$/m);
});

test('a NULL required parameter: 0x10D/0x4, P3 the return address in the driver', async () => {
  const x = await run(5);
  assert.deepEqual(params(x.r).slice(0, 3), ['0x10d', '0x4', '0x0']);
  assert.equal(x.r.bugCheck!.params[3], x.globals);
  const t = new DebugTarget(x.r.dump);
  assert.equal(t.functionName(x.r.bugCheck!.params[2]!), 'KmdfNonPnpBugs!KmdfNonPnpBug');
  assert.match(execute(t, `ln ${x.r.bugCheck!.params[2]!.toString(16)}`)[0]!, /^drivers\/c\/kmdf\/KmdfNonPnpBugs\/bugs\.c\(\d+\)\+0x[0-9a-f]+$/);
});

test('completing a request still marked cancelable: the race in the IFR and the verifier break', async () => {
  const x = await run(6);
  assertVerifierBreak(x, /^FxRequest::Complete - WDFREQUEST 0x[0-9a-f]+ is completed while it is still cancelable/, 'KmdfNonPnpBug');
});

test('a PASSIVE_LEVEL framework DDI called at DISPATCH_LEVEL: refused with the IFR line and the verifier break', async () => {
  const x = await run(7);
  const nt = x.r.machine.kernel.nt.address('DbgBreakPoint');
  assert.deepEqual(params(x.r), ['0x1e', '0x80000003', hex(nt), '0x0', '0x0']);
  assert.ok(x.log.includes('WdfStringCreate - Called at wrong IRQL; at level 2, should be at level 0'), x.log.join('\n'));
  assert.match(x.analyze, /Wdf01000!FxVerifierDbgBreakPoint\+0x3c\n[0-9a-f]{8} Wdf01000!imp_WdfStringCreate\+0x3c\n/);
  assert.match(x.analyze, /^CURRENT_IRQL: {2}2 \(DISPATCH_LEVEL\)$/m);
});

test('without the framework verifier the same call goes ahead: the run ends clean', async () => {
  const x = await run(7, 0);
  assert.equal(x.r.bugCheck, null);
  assert.deepEqual(x.r.requests.map((q) => hex(q.status)), ['0x0']);
});

test('with a kernel debugger attached the verifier break stops at kd> and g goes on: the run then ends clean', async () => {
  const shown: string[] = [];
  const r = await runDriver({
    driver: BUGS,
    verifierFlags: STANDARD_FLAGS,
    ioctls: [{ code: bug(2), input: new Uint8Array(0), outputLength: 4 }],
    debugger: { readLine: () => 'g', write: (lines) => shown.push(...lines) },
  });
  assert.equal(r.bugCheck, null);
  assert.equal(r.breaks.length, 1);
  assert.deepEqual(r.requests.map((q) => hex(q.status)), ['0x0'], 'WdfObjectDelete returned, the request was completed');
  assert.ok(shown.some((l) => l.includes('Breakpoint: DbgBreakPoint called from Wdf01000!FxVerifierDbgBreakPoint')), shown.join('\n'));
});
