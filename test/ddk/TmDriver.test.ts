/**
 * A C driver over the KTM and registry callbacks (test/fixtures/c/registry/TransactedFilter.c):
 * enlisting from a registry callback, commit and rollback notifications, transacted keys kept or
 * undone, under /standard: no leak, no bug check.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';
import { NEEDS_CLANG } from './support.ts';

test('TransactedFilter.c: a callback enlists in each transacted create; the commit keeps its key, the rollback undoes it', { skip: NEEDS_CLANG }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-tm-'));
  try {
    const driver = join(dir, 'TransactedFilter.wasm');
    const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'registry', 'TransactedFilter.c')], output: driver });
    assert.ok(built.ok, built.diagnostics);
    const prints: string[] = [];
    const r = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, ioctls: [], onDebugPrint: (l) => prints.push(l) });
    assert.equal(r.bugCheck, null);
    assert.deepEqual(prints, [
      'TransactedFilter: enlisted 00000000 (version 1, previous mode 0)',
      'TransactedFilter: created \\REGISTRY\\MACHINE\\SOFTWARE\\TxKept',
      'TransactedFilter: enlistment 0 told commit',
      'TransactedFilter: commit 00000000',
      'TransactedFilter: enlisted 00000000 (version 1, previous mode 0)',
      'TransactedFilter: created \\REGISTRY\\MACHINE\\SOFTWARE\\TxGone',
      'TransactedFilter: enlistment 1 told rollback',
      'TransactedFilter: rollback 00000000',
      'TransactedFilter: TxKept 00000000, TxGone c0000034',
    ]);
    const hive = r.machine.kernel.cm.hive;
    assert.ok(hive.lookup('\\Registry\\Machine\\Software\\TxKept'));
    assert.equal(hive.lookup('\\Registry\\Machine\\Software\\TxGone'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
