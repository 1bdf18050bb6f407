/**
 * `dv run` with KMDF drivers: `--wdf-verifier` turns the framework's verifier on where Driver
 * Verifier alone (here 0x8, not /standard) leaves it off, and its break stops the run (exit 1).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { ROOT } from '../helpers.ts';

const BUGS = join('drivers', 'c', 'kmdf', 'KmdfNonPnpBugs', 'KmdfNonPnpBugs.wasm');

function dv(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('dv run --wdf-verifier: deleting the framework-owned queue breaks (0x1E STATUS_BREAKPOINT, exit 1); without it the run is clean', () => {
  const on = dv(['run', BUGS, '--verifier', '0x8', '--wdf-verifier', '--ioctl', '222108::4']);
  assert.equal(on.code, EXIT.BUGCHECK, on.err);
  assert.match(on.out, /^WDF detected potentially invalid operation by KmdfNonPnpBugs\.sys\. Dump the driver log \(!wdflogdump KmdfNonPnpBugs\.sys\) for more information\.$/m);
  assert.match(on.out, /^KmdfNonPnpBugs\.sys: bug check 0x1e KMODE_EXCEPTION_NOT_HANDLED/m);
  const off = dv(['run', BUGS, '--verifier', '0x8', '--ioctl', '222108::4']);
  assert.equal(off.code, EXIT.CLEAN, off.err);
  assert.match(off.out, /^IOCTL 0x00222108 -> STATUS_SUCCESS, 0 bytes$/m);
});

test("dv build counts a KMDF driver's framework imports apart from its DDI imports", () => {
  const out = join(ROOT, 'test', 'wdf', 'tmp-KmdfNonPnp.wasm');
  try {
    const r = dv(['build', 'drivers/c/kmdf/KmdfNonPnp/driver.c', 'drivers/c/kmdf/KmdfNonPnp/queue.c', '-o', out]);
    assert.equal(r.code, EXIT.CLEAN, r.err);
    assert.match(r.out, /^dv build: wrote .*tmp-KmdfNonPnp\.wasm \(1 DDI import, \d+ framework DDI imports from Wdf01000\)$/m);
  } finally {
    rmSync(out, { force: true });
  }
});
