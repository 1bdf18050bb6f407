/**
 * WDFLOOKASIDE and WdfMemoryAssignBuffer (src/wdf/lookaside.ts), driven by a fixture driver
 * (test/fixtures/c/kmdf/LookasideCalls.c) that prints what each call returned: buffers from the
 * kernel's lookaside lists (a freed block comes back), a list deleted with a buffer out, memory kept
 * until unload; the blocks are the kernel's pool with the list's tag, and nothing leaks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT } from '../helpers.ts';

test('LookasideCalls: lookaside memory and assigned buffers answer as the DDI reference says; nothing leaks', { skip: NEEDS_CLANG }, async () => {
  const driver = join(mkdtempSync(join(tmpdir(), 'dv-kmdf-lookaside-')), 'LookasideCalls.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'LookasideCalls.c')], output: driver });
  assert.ok(built.ok, built.diagnostics);
  const run = async (unload: boolean) => {
    const printed: string[] = [];
    const r = await runDriver({ driver, verifierFlags: STANDARD_FLAGS, unload, shutdown: unload, onDebugPrint: (l) => printed.push(l.replace(/^LookasideCalls: /, '').trim()) });
    const kept = Number.parseInt(printed.find((l) => l.startsWith('kept '))?.slice(5) ?? '', 16);
    return { r, kept, printed: printed.filter((l) => !l.startsWith('kept ')) };
  };
  const { r, printed } = await run(true);
  assert.equal(r.bugCheck, null);
  assert.deepEqual(printed, [
    'create 0x0',
    // A zero BufferSize: STATUS_INVALID_PARAMETER.
    'create empty 0xc000000d',
    'two buffers size 100 distinct 1',
    'block reused 1',
    // Not preallocated memory: STATUS_INVALID_DEVICE_REQUEST.
    'assign to lookaside memory 0xc0000010',
    'paged 0x0',
    'paged buffer 32',
    'assign 0x0',
    'assigned 1 16',
    'assign empty 0xc000000d',
  ]);
  assert.deepEqual(r.leaks, []);
  // Every list went with its object: the kernel has none left.
  assert.equal(r.machine.kernel.lookasideLists.size, 0);
  // While the driver is loaded, the buffer it kept is the paged list's block: kernel pool with the list's tag.
  const loaded = await run(false);
  const block = loaded.r.machine.kernel.pool.blockContaining(loaded.kept);
  assert.ok(block, `0x${loaded.kept.toString(16)} is pool`);
  assert.equal(block.tag, 0x67506b4c);
  assert.equal(loaded.r.machine.kernel.lookasideLists.size, 1);
});
