/**
 * Queues and requests beyond the sample (test/fixtures/c/kmdf/KmdfQueues.c): forwarding to a manual
 * queue and retrieving back, requeue, cancelable requests (unmarked, and cancelled by IoCancelIrp into
 * EvtRequestCancel), a request cancelled while it waits in a queue, request routing by type,
 * collections, strings, memory objects, an IRP preprocess routine, and shutdown notification. Clean under /standard with the
 * framework verifier on.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDriver, type DeviceRequest } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const QUEUES = join(ROOT, 'test', 'fixtures', 'c', 'kmdf', 'KmdfQueues.wasm');
const ioctl = (n: number, input: string, outputLength: number): DeviceRequest => ({ kind: 'ioctl', code: 0x222200 + 4 * n, input: Buffer.from(input, 'hex'), outputLength });

test('forward and retrieve, requeue, cancelable requests, cancellation, collections, strings and memory', async () => {
  const prints: string[] = [];
  const r = await runDriver({
    driver: QUEUES,
    verifierFlags: STANDARD_FLAGS,
    wdfVerifier: true,
    requests: [ioctl(0, '', 4), ioctl(1, '', 4), ioctl(2, '', 4), ioctl(3, '', 4), ioctl(4, '', 4), ioctl(5, '', 8), ioctl(6, '0a0b0c', 3), { kind: 'read', length: 2 }, ioctl(7, '', 8)],
    onDebugPrint: (l) => prints.push(l),
  });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(
    r.requests.map((q) => [hex(q.status), q.information, Buffer.from(q.output).toString('hex')]),
    [
      ['0x0', 1, '00'], // the request forwarded to the manual queue came back as the next request
      ['0x0', 1, '00'], // and again after WdfRequestRequeue
      ['0x0', 0, ''], // cancelable, unmarked, not cancelled
      ['0xc0000120', 0, ''], // cancelled while cancelable: EvtRequestCancel completed it
      ['0xc0000120', 0, ''], // cancelled while waiting in a queue: the framework completed it
      ['0x0', 4, '0374776f'], // three strings in the collection, the second "two"
      ['0x0', 3, '0a0b0c'], // through a WDFMEMORY
      ['0x0', 1, '52'], // the read went to the queue configured for reads
      ['0x0', 8, '0000000000000000'], // answered by EvtDeviceWdmIrpPreprocess: the eighth IOCTL it saw
    ],
  );
  assert.deepEqual(prints.filter((l) => l.startsWith('WDF detected')), []);
  assert.deepEqual(r.leaks, []);
});

test('a control device asking for shutdown notification gets EvtDeviceShutdownNotification at shutdown', async () => {
  const prints: string[] = [];
  const r = await runDriver({ driver: QUEUES, verifierFlags: STANDARD_FLAGS, requests: [], unload: false, onDebugPrint: (l) => prints.push(l) });
  assert.equal(r.bugCheck, null);
  assert.ok(r.shutDown);
  assert.ok(prints.includes('KmdfQueues: shutdown notification'), prints.join('\n'));
});
