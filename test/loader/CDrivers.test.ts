/**
 * C drivers compiled to wasm: the seed scenario from MyDriver.c, its clean twin, a realistic driver
 * exercising every IOCTL transfer method, traps as bug checks, and refused images. The committed
 * .wasm images must match what dv build makes of their sources.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { formatTag } from '../../src/nt/pool.ts';
import { buildDriver } from '../../src/build/build.ts';
import { committedImages } from '../../src/build/committed-images.ts';
import { findToolchain } from '../../src/build/toolchain.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver } from '../../src/system/run.ts';
import { DEMO_IOCTLS } from '../../src/cli/demo.ts';
import { UnresolvedImportError } from '../../src/kernel/errors.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const sample = (name: string) => join(ROOT, 'drivers', 'c', name, `${name}.wasm`);
const toolchain = findToolchain();

test('MyDriver.c leaks its buffer, MDL and work item: 0xC4/0x62, Arg4 = 3, callers in handleioctl.c', async () => {
  const r = await runDriver({ driver: sample('MyDriver'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
  assert.deepEqual([hex(r.bugCheck!.code), hex(r.bugCheck!.params[0]!), r.bugCheck!.params[3]], ['0xc4', '0x62', 3]);
  const t = new DebugTarget(r.dump);
  assert.deepEqual(r.leaks.map((a) => `${formatTag(a.tag)} ${hex(a.size)}`).sort(), ['VMdl 0x20', 'Vfwi 0x30', 'mdrv 0x1008']);
  for (const a of r.leaks) {
    // -O2 inlines GetNecessaryObjects into its caller: the work item's caller is DeviceControlDispatch too.
    assert.equal(t.functionName(a.caller), 'MyDriver!DeviceControlDispatch');
    assert.match(execute(t, `ln ${a.caller.toString(16)}`)[0]!, /^drivers\/c\/MyDriver\/handleioctl\.c\(\d+\)\+0x[0-9a-f]+$/);
  }
  assert.match(execute(t, '!verifier 3 MyDriver.sys').join('\n'), /0x00001008  mdrv  0x[0-9a-f]{8}  MyDriver!DeviceControlDispatch/);
});

test('MyDriverClean.c frees everything: no bug check', async () => {
  const r = await runDriver({ driver: sample('MyDriverClean'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.requests.map((q) => Buffer.from(q.output).toString()), ['MyDriver', 'MyDriver', 'MyDriver', '']);
});

test('SampleIo runs every IOCTL transfer method, its queue, timer, DPC and thread, and unloads clean under /standard', async () => {
  const io = (code: number, input: string, outputLength: number, outputInit?: string) => ({
    code,
    input: Buffer.from(input, 'hex'),
    outputLength,
    outputInit: outputInit === undefined ? undefined : Buffer.from(outputInit, 'hex'),
  });
  const r = await runDriver({
    driver: sample('SampleIo'),
    verifierFlags: STANDARD_FLAGS,
    ioctls: [
      io(0x222400, Buffer.from('hello').toString('hex'), 4), // METHOD_BUFFERED: CRC-32
      io(0x22a405, '', 5, '0102030405'), // METHOD_IN_DIRECT: store the second buffer
      io(0x22640a, '', 8), // METHOD_OUT_DIRECT: fetch it back
      io(0x22240f, 'ffffffff', 4), // METHOD_NEITHER: XOR through an MDL the driver locks itself
      io(0x222410, '', 4), // pends in the cancel-safe queue until the timer's DPC
      io(0x222410, '', 4),
    ],
  });
  assert.equal(r.bugCheck, null);
  const out = r.requests.map((q) => [hex(q.status), Buffer.from(q.output).toString('hex')]);
  assert.deepEqual(out, [
    ['0x0', '86a61036'], // CRC-32("hello") = 0x3610a686
    ['0x0', '0102030405'],
    ['0x0', '0102030405'],
    ['0x0', 'fefdfcfb'],
    ['0x0', '01000000'],
    ['0x0', '02000000'],
  ]);
});

test('C code waits on the scheduler: WaitAll in a system thread, WaitAny in a dispatch routine, a timer in a work item', async () => {
  const r = await runDriver({
    driver: join(ROOT, 'test', 'fixtures', 'c', 'waits', 'Waits.wasm'),
    verifierFlags: STANDARD_FLAGS,
    ioctls: [0, 1].map(() => ({ code: 0x222000, input: Buffer.alloc(0), outputLength: 8 })),
  });
  assert.equal(r.bugCheck, null);
  // [WaitAny result (STATUS_WAIT_0 + index), the thread's WaitAll result]: odd requests set Left (0), even Right (1).
  assert.deepEqual(r.requests.map((q) => Buffer.from(q.output).toString('hex')), ['0000000000000000', '0100000000000000']);
  assert.ok(r.machine.kernel.clock.now >= 2 * 20 * 10_000, 'the work items waited 20 ms of simulated time each');
});

test('a divide by zero in a C driver is KMODE_EXCEPTION_NOT_HANDLED with STATUS_INTEGER_DIVIDE_BY_ZERO at its source line', async () => {
  const input = Buffer.alloc(20); // Count = 0
  const r = await runDriver({ driver: join(ROOT, 'test', 'fixtures', 'c', 'traps', 'DivideByZero.wasm'), verifierFlags: STANDARD_FLAGS, ioctls: [{ code: 0x222000, input, outputLength: 4 }] });
  assert.equal(hex(r.bugCheck!.code), '0x1e');
  assert.equal(hex(r.bugCheck!.params[0]!), '0xc0000094');
  const t = new DebugTarget(r.dump);
  assert.match(t.symbol(r.bugCheck!.params[1]!), /^DivideByZero!(Average|Dispatch)\+0x[0-9a-f]+$/);
  const analysis = execute(t, '!analyze -v').join('\n');
  assert.match(analysis, /FAULTING_SOURCE_FILE:  test\/fixtures\/c\/traps\/DivideByZero\.c/);
  assert.match(analysis, /FAULTING_SOURCE_LINE_NUMBER:  19\n/);
});

test('a wasm image importing a routine the kernel lacks fails to load, naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-wasm-'));
  const path = join(dir, 'Frob.wasm');
  (await import('node:fs')).writeFileSync(path, moduleImporting('IoFrobnicateDevice'));
  await assert.rejects(runDriver({ driver: path, ioctls: [] }), (e: unknown) => e instanceof UnresolvedImportError && /Frob\.sys imports IoFrobnicateDevice/.test(e.message));
});

test('a file that is not a wasm module is a clear load error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-wasm-'));
  const path = join(dir, 'Junk.wasm');
  (await import('node:fs')).writeFileSync(path, 'MZ this is not wasm');
  await assert.rejects(runDriver({ driver: path, ioctls: [] }), /Junk\.wasm is not a valid driver module: wasm module: not a wasm module: bad magic/);
});

const committed = committedImages();
for (const { wasm, sources } of committed) {
  test(`the committed ${basename(wasm)} is what dv build makes of its sources`, { skip: toolchain.ok ? false : 'clang-16 not installed: apt-get install clang-16 lld-16' }, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dv-rebuild-')), basename(wasm));
    const relative = sources.map((s) => s.slice(ROOT.length + 1));
    const r = buildDriver({ sources: relative, output: out });
    assert.ok(r.ok, r.diagnostics);
    assert.ok(readFileSync(out).equals(readFileSync(wasm)), `${wasm.slice(ROOT.length + 1)} is stale: rebuild it with dv build ${relative.join(' ')} -o ${wasm.slice(ROOT.length + 1)}, or all of them with npm run build:committed`);
  });
}

/** A minimal relocatable module (dylink.0) that imports env.memory and ntoskrnl.<name>, exporting DriverEntry. */
function moduleImporting(name: string): Buffer {
  const str = (s: string) => [s.length, ...Buffer.from(s)];
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  const dylink = [...str('dylink.0'), 1, 4, 0, 0, 0, 0]; // WASM_DYLINK_MEM_INFO: all zero
  const type = [1, 0x60, 0, 1, 0x7f]; // () -> i32
  const imports = [2, ...str('env'), ...str('memory'), 2, 0, 1, ...str('ntoskrnl'), ...str(name), 0, 0];
  const funcs = [1, 0];
  const exports = [1, ...str('DriverEntry'), 0, 1];
  const code = [1, 4, 0, 0x41, 0, 0x0b];
  return Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(0, dylink), ...section(1, type), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code)]);
}
