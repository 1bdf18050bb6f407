/**
 * An example test suite for a driver, written as a driver developer writes one: node:test and the
 * driver-verifier library. `npm test` runs it; in your own project, `node --test` does (vitest works too).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { expectBugCheck, expectClean, runScenario, SAMPLES } from 'driver-verifier';

const SAMPLE_IO = join(SAMPLES, 'c', 'SampleIo', 'SampleIo.wasm');

test('SampleIo answers each transfer method and unloads clean under /standard', async () => {
  const run = await runScenario({
    machine: { verifier: 'standard' },
    steps: [
      { load: SAMPLE_IO },
      { open: '\\\\.\\SampleIo' },
      // METHOD_BUFFERED: the CRC-32 of "hello".
      { ioctl: { code: 0x222400, input: Buffer.from('hello').toString('hex'), outputLength: 4, expect: { status: 'STATUS_SUCCESS', output: '86a61036' } } },
      // METHOD_IN_DIRECT stores, METHOD_OUT_DIRECT fetches it back.
      { ioctl: { code: 0x22a405, outputLength: 5, output: '0102030405', expect: { status: 'STATUS_SUCCESS' } } },
      { ioctl: { code: 0x22640a, outputLength: 8, expect: { status: 'STATUS_SUCCESS', information: 5, output: '0102030405' } } },
      // A request that pends in the cancel-safe queue until the driver's timer DPC completes it.
      { ioctl: { code: 0x222410, outputLength: 4, expect: { status: 'STATUS_SUCCESS', output: '01000000' } } },
      'close',
      'unload',
      'shutdown',
    ],
  });
  expectClean(run);
  assert.equal(run.leaks.length, 0);
});

test('an unknown control code is refused, and nothing leaks on that path', async () => {
  const run = await runScenario({
    steps: [{ load: SAMPLE_IO }, { open: '\\\\.\\SampleIo' }, { ioctl: { code: 0x222ffc, expect: { status: 'STATUS_INVALID_DEVICE_REQUEST' } } }, 'close', 'unload'],
  });
  expectClean(run);
});

test('expectBugCheck fails with the analysis when the run ended otherwise', async () => {
  const run = await runScenario({ steps: [{ load: SAMPLE_IO }, 'unload'] });
  assert.throws(() => expectBugCheck(run, 0xc4, 0x62), /expected bug check 0xC4\/0x62, the run ended with no bug check/);
});
