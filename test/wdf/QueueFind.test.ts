/**
 * A manual queue's search, found-request retrieval, state and ready notification (src/wdf/queue-find.ts),
 * driven by a fixture driver (test/fixtures/c/kmdf/QueueFind.c) that forwards each IOCTL to its manual
 * queue and prints what each call returned.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { STATUS } from '../../src/nt/status.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT } from '../helpers.ts';

const IOCTL = (n: number) => ((0x22 << 16) | ((0x800 + n) << 2)) >>> 0;

test('QueueFind: find, retrieve found, state and ready notification answer as the DDI reference says', { skip: NEEDS_CLANG }, async () => {
  const driver = join(mkdtempSync(join(tmpdir(), 'dv-kmdf-find-')), 'QueueFind.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'QueueFind.c')], output: driver });
  assert.ok(built.ok, built.diagnostics);
  const printed: string[] = [];
  const r = await runDriver({
    driver,
    verifierFlags: STANDARD_FLAGS,
    requests: [1, 2, 3].map((n) => ({ kind: 'ioctl' as const, code: IOCTL(n), input: Buffer.alloc(0), outputLength: 0 })),
    onDebugPrint: (l) => printed.push(l.replace(/^QueueFind: /, '').trim()),
  });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(
    r.requests.map((q) => q.status),
    [STATUS.SUCCESS, STATUS.SUCCESS, STATUS.SUCCESS],
  );
  assert.deepEqual(printed, [
    // STATUS_INVALID_DEVICE_REQUEST: not a manual queue.
    'ready on parallel 0xc0000010',
    // Accepting, dispatching, empty both sides (0x0f): ready and idle.
    'created state 0xf queued 0 owned 0 ready 1 idle 1 stopped 0',
    'allocate timer 0x0',
    // The empty queue got a request: EvtIoQueueState with the registered context.
    'ready context 0x1234',
    'in ready state 0xb queued 1 owned 0 ready 1 idle 0 stopped 0',
    'forwarded 0x0',
    'find 0x0 same 1 code 0x222004',
    // STATUS_NO_MORE_ENTRIES, the out handle NULL.
    'find next 0x8000001a null 1',
    'find by file 0x0 same 1',
    'found state 0xb queued 1 owned 0 ready 1 idle 0 stopped 0',
    'retrieve found 0x0 same 1',
    // STATUS_NOT_FOUND: the request is no longer in the queue.
    'find past gone 0xc0000225',
    'retrieve gone 0xc0000225',
    'retrieved state 0x7 queued 0 owned 1 ready 1 idle 0 stopped 0',
    'find empty 0x8000001a',
    // STATUS_INVALID_DEVICE_STATE: already registered; deregistering takes a stopped queue.
    'register twice 0xc0000184',
    'deregister started 0xc0000184',
    // Stopped: no notification for the forwarded request until the start.
    'forwarded stopped 0x0',
    'stopped state 0x9 queued 1 owned 0 ready 0 idle 0 stopped 1',
    'ready context 0x1234',
    'in ready state 0xb queued 1 owned 0 ready 1 idle 0 stopped 0',
    'retrieve next 0x0 same 1',
    'deregister stopped 0x0',
    'forwarded unregistered 0x0',
    'retrieve next 0x0 same 1',
  ]);
});
