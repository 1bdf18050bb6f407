/**
 * Wasm images that used to end in raw host errors: a function table of 10^7 slots, data larger
 * than all of image space, a static constructor that traps, and `dv build` of a huge array.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { findToolchain } from '../../src/build/toolchain.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { SimulatorError } from '../../src/kernel/errors.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';
import { uleb as leb } from '../../src/loader/wasm/leb.ts';

const tmp = mkdtempSync(join(tmpdir(), 'dv-wasm-errors-'));
const toolchain = findToolchain();

/** A minimal relocatable driver (one function, DriverEntry returning 0) whose dylink.0 declares these sizes. */
function driverModule(memorySize: number, tableSize: number): Buffer {
  const str = (s: string) => [s.length, ...Buffer.from(s)];
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
  const memInfo = [...leb(memorySize), 0, ...leb(tableSize), 0];
  const dylink = [...str('dylink.0'), 1, ...leb(memInfo.length), ...memInfo];
  const type = [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]; // (i32, i32) -> i32
  const imports = [1, ...str('env'), ...str('memory'), 2, 0, 1];
  const funcs = [1, 0];
  const exports = [1, ...str('DriverEntry'), 0, 0];
  const code = [1, 4, 0, 0x41, 0, 0x0b];
  return Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(0, dylink), ...section(1, type), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code)]);
}

function write(name: string, bytes: Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

test('the minimal module loads when its sizes are sane (the control for the two below)', async () => {
  const r = await runDriver({ driver: write('Sane.wasm', driverModule(16, 0)), ioctls: [] });
  assert.equal(r.bugCheck, null);
});

test('a dylink.0 table of 10^7 slots is a clear load error, exit 2', async () => {
  await assert.rejects(runDriver({ driver: write('HugeTable.wasm', driverModule(16, 10_000_000)), ioctls: [] }), (e: unknown) => {
    assert.ok(e instanceof SimulatorError);
    assert.match(e.message, /HugeTable\.wasm: dylink\.0 asks for 10000000 function table slots, but the module defines only 1 functions$/);
    return true;
  });
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), 'run', join(tmp, 'HugeTable.wasm')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, EXIT.USAGE);
  assert.match(r.stderr, /^dv: .*10000000 function table slots/);
});

test('data larger than driver image space: "driver image space exhausted" with the sizes', async () => {
  await assert.rejects(runDriver({ driver: write('HugeData.wasm', driverModule(0x7fff0000, 0)), ioctls: [] }), (e: unknown) => {
    assert.ok(e instanceof SimulatorError);
    assert.match(e.message, /^cannot load .*HugeData\.wasm: driver image space exhausted: the image needs 0x80000000 bytes, the largest free run is 0x1c50000 \(0x1c50000 free in all\) of the 0x1c50000-byte DriverImages region$/);
    return true;
  });
});

test('a C static constructor that traps is the driver\'s bug check at load, at the constructor\'s line', async () => {
  const r = await runDriver({ driver: join(ROOT, 'test', 'fixtures', 'c', 'traps', 'CtorTrap.wasm'), verifierFlags: STANDARD_FLAGS, ioctls: [] });
  assert.equal(hex(r.bugCheck!.code), '0x1e');
  assert.equal(hex(r.bugCheck!.params[0]!), '0xc0000094');
  const t = new DebugTarget(r.dump);
  assert.match(t.symbol(r.bugCheck!.params[1]!), /^CtorTrap!InitRatio\+0x[0-9a-f]+$/);
  const analysis = execute(t, '!analyze -v').join('\n');
  assert.match(analysis, /FAULTING_SOURCE_LINE:  test\/fixtures\/c\/traps\/CtorTrap\.c\(14\)/);
  assert.match(analysis, /nt!IopLoadDriver\+0x3b2/);
});

test('dv build of a global array larger than image space is a build error (exit 2), not a raw trace', { skip: toolchain.ok ? false : 'clang-16 not installed: apt-get install clang-16 lld-16' }, () => {
  // The repro has 3.75 GB (clang writes it all, ~45 s); 64 MB is over the limit all the same.
  const source = join(tmp, 'BigArray.c');
  writeFileSync(source, '#include <ntddk.h>\nchar Big[64u << 20];\nNTSTATUS DriverEntry(PDRIVER_OBJECT d, PUNICODE_STRING r) { Big[(ULONG_PTR)r] = 1; return (NTSTATUS)(ULONG_PTR)d * 0; }\n');
  const output = join(tmp, 'BigArray.wasm');
  const r = buildDriver({ sources: [source], output });
  assert.equal(r.ok, false);
  assert.equal(r.exitCode, EXIT.USAGE);
  assert.match(r.diagnostics, /dv build: the object file of .*BigArray\.c is 64\.\d MB, more than the 28\.3 MB of driver image space the kernel has: shrink its data \(a large global array\?\)\n$/);
  assert.ok(!existsSync(output));
});
