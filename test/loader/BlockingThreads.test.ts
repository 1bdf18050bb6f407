/**
 * Wasm system threads that block (loader/wasm/asyncify.ts, ke/suspend.ts): a C worker thread waits
 * on a semaphore that only later requests release and polls with KeDelayExecutionThread holding a
 * mutex, a second thread beats (waiting for that mutex) until unload sets its flag. Under /standard,
 * so deadlock detection sees each mutex wait: one that unwinds and is issued again is one acquisition. Before, the first wait ran other work on top of the
 * thread and hung the load: nothing below it could release the semaphore.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const DRIVER = join(ROOT, 'test', 'fixtures', 'c', 'threads', 'BlockingThreads.wasm');
const SOURCE = 'test/fixtures/c/threads/BlockingThreads.c';
const QUEUE = 0x222000, DIVIDE = 0x222004, FREE_TWICE = 0x222008;
const ioctl = (code: number, input = Buffer.alloc(4)) => ({ code, input, outputLength: 8 });

test('a C system thread waits on a semaphore that later requests release, polls with KeDelayExecutionThread, and stops at unload', async () => {
  const r = await runDriver({ driver: DRIVER, verifierFlags: STANDARD_FLAGS, ioctls: [ioctl(QUEUE), ioctl(QUEUE), ioctl(QUEUE)] });
  assert.equal(r.bugCheck, null);
  // Each request pends in the queue; the worker completes it with [its count of requests, polls].
  assert.deepEqual(
    r.requests.map((q) => [hex(q.status), Buffer.from(q.output).toString('hex')]),
    [1, 2, 3].map((n) => ['0x0', `0${n}00000003000000`]),
  );
  const k = r.machine.kernel;
  assert.deepEqual(k.debugLog, [
    'driver entry: threads started',
    // The worker runs once DriverEntry has returned, and blocks: the load goes on past its wait.
    'worker: started',
    ...[1, 2, 3].flatMap((n) => [`dispatch: queued request ${n}`, `worker: took request ${n}`, `worker: completed request ${n} after 3 polls`]),
    // Each request holds the device's mutex for 2 polls x 10 ms: the heartbeat wakes at 50 ms, waits
    // for the mutex the third request holds, and beats when the worker lets it go at 60 ms.
    'heartbeat: beat 1',
    'worker: stopping after 3 requests',
    // The heartbeat holds the mutex for 15 ms; unload's flag ends its loop then.
    'heartbeat: stopped',
    'unload: both threads ended, 1 beats',
  ]);
  assert.equal(k.dispatcher.waitingThreads.length, 0, 'no thread is left suspended');
  assert.ok(k.clock.now >= 3 * 2 * 10 * 10_000, 'the polls took their simulated time');
});

test('a processor fault in a resumed wasm thread is the system-thread stop, at its source line', async () => {
  const r = await runDriver({ driver: DRIVER, verifierFlags: STANDARD_FLAGS, ioctls: [ioctl(QUEUE), ioctl(DIVIDE)] });
  assert.equal(hex(r.bugCheck!.code), '0x7e');
  assert.equal(hex(r.bugCheck!.params[0]!), '0xc0000094');
  const t = new DebugTarget(r.dump);
  assert.match(t.symbol(r.bugCheck!.params[1]!), /^BlockingThreads!Answer\+0x[0-9a-f]+$/);
  const analysis = execute(t, '!analyze -v').join('\n');
  assert.match(analysis, /SYSTEM_THREAD_EXCEPTION_NOT_HANDLED \(7e\)/);
  assert.match(analysis, new RegExp(`FAULTING_SOURCE_FILE:  ${SOURCE.replace(/\./g, '\\.')}`));
  assert.match(analysis, /FAULTING_SOURCE_LINE_NUMBER:  65\n/);
});

test('a bug check raised by a DDI in a resumed wasm thread has the thread\'s frames and source lines under it', async () => {
  const r = await runDriver({ driver: DRIVER, verifierFlags: STANDARD_FLAGS, ioctls: [ioctl(QUEUE), ioctl(FREE_TWICE)] });
  assert.equal(hex(r.bugCheck!.code), '0xc4');
  assert.equal(hex(r.bugCheck!.params[0]!), '0x13');
  const t = new DebugTarget(r.dump);
  // `k`: frame, the return address into the next frame out, call site.
  const rows = execute(t, 'k').slice(1).map((l) => l.trim().split(/\s+/));
  assert.deepEqual(
    rows.map((r) => r[2]!.replace(/\+0x[0-9a-f]+$/, '')),
    ['nt!KeBugCheck2', 'nt!KeBugCheckEx', 'nt!VerifierExFreePoolWithTag', 'BlockingThreads!FreeTwice', 'BlockingThreads!Answer', 'BlockingThreads!WorkerThread', 'nt!PspSystemThreadStartup'],
  );
  // Each driver frame is at the line that makes its call (its address is the frame inside's return address).
  for (const [frame, line] of [[3, 55], [4, 68], [5, 99]] as const) {
    assert.match(execute(t, `ln ${rows[frame - 1]![1]}`)[0]!, new RegExp(`^${SOURCE.replace(/\./g, '\\.')}\\(${line}\\)\\+0x[0-9a-f]+$`));
  }
  const analysis = execute(t, '!analyze -v').join('\n');
  assert.match(analysis, /SYMBOL_NAME:  BlockingThreads!FreeTwice\+0x[0-9a-f]+/);
  assert.match(analysis, /FAULTING_SOURCE_LINE_NUMBER:  55\n/);
});

test('a wait inside __try cannot unwind (the __try runtime calls through a host frame): it runs other work on top of the thread, and the thread\'s next wait unwinds', async () => {
  const r = await runDriver({ driver: join(ROOT, 'test', 'fixtures', 'c', 'threads', 'WaitInTry.wasm'), verifierFlags: STANDARD_FLAGS, ioctls: [{ code: 0x222000, input: Buffer.alloc(0), outputLength: 0 }] });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(r.machine.kernel.debugLog, [
    'driver entry: waiter started',
    // The timer's wait ends with STATUS_SUCCESS where it was made, inside the __try.
    'waiter: in __try: 0',
    // The event's wait unwound: the request that sets it runs.
    'dispatch: request',
    'waiter: request: 0',
    'unload: waiter ended',
  ]);
});
