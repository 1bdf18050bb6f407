/**
 * Kernel synchronization delay fuzzing (0x800000): seeded delays after the driver's synchronization
 * calls let due timers and their DPCs run first. TimerRace's write after its DPC may free the context
 * is found for some seeds, replays from its seed, and is never found without the option;
 * TimerRaceClean and the clean samples stay clean under every seed tried.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { Prng } from '../../src/verifier/faults.ts';
import { ROOT } from '../helpers.ts';

const sample = (name: string) => join(ROOT, 'drivers', 'c', 'faults', `${name}.wasm`);
const requests = ['01', '0203', '040506', '07'].map((hex) => ({ kind: 'ioctl' as const, code: 0x222000, input: Buffer.from(hex, 'hex'), outputLength: 0 }));
const FUZZ = STANDARD_FLAGS | VF.KERNEL_SYNC_DELAY_FUZZING;
const run = (name: string, flags: number, seed?: number) => runDriver({ driver: sample(name), verifierFlags: flags, requests, faults: seed === undefined ? undefined : { seed } });

test('without delay fuzzing the race never shows: the thread always writes before the timer is due', async () => {
  const o = await run('TimerRace', STANDARD_FLAGS);
  assert.equal(o.bugCheck, null);
  assert.equal(o.faults, null);
});

test('with delay fuzzing the DPC frees the context first for some seeds: 0xD5 at the write, the same for the same seed', async () => {
  const verdicts = [];
  for (const seed of [1, 2, 3, 4]) verdicts.push((await run('TimerRace', FUZZ, seed)).bugCheck?.code ?? 0);
  assert.ok(verdicts.includes(0xd5), `verdicts by seed: ${verdicts.map((c) => c.toString(16))}`);
  const seed = [1, 2, 3, 4][verdicts.indexOf(0xd5)]!;
  const a = await run('TimerRace', FUZZ, seed);
  const b = await run('TimerRace', FUZZ, seed);
  // DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL at the first touch of the freed block: the read of
  // context->Input (offset 0) for the result, from the driver's code.
  assert.equal(a.bugCheck!.code, 0xd5);
  assert.deepEqual(a.bugCheck!.params, b.bugCheck!.params);
  assert.equal(a.bugCheck!.params[1], 0, 'a read');
  const image = a.machine.kernel.modules.find((m) => m.name === 'TimerRace')!;
  const pc = a.bugCheck!.params[2]!;
  assert.ok(pc >= image.base && pc < image.base + image.size, 'the referencing code is the driver\'s');
  assert.equal(a.faults!.delays, b.faults!.delays);
  assert.ok(a.faults!.delays > 0);
});

test('the fixed twin and the clean samples stay clean under delay fuzzing, whatever the seed', async () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const o = await run('TimerRaceClean', FUZZ, seed);
    assert.equal(o.bugCheck, null, `seed ${seed}`);
    assert.equal(o.hang, null, `seed ${seed}`);
  }
  const everything = ['0102030405060708', '0a0b'].map((hex) => ({ kind: 'ioctl' as const, code: 0x222008, input: Buffer.from(hex, 'hex'), outputLength: 8 }));
  for (const driver of [join(ROOT, 'drivers', 'c', 'rules', 'EverythingRight.wasm'), join(ROOT, 'drivers', 'ts', 'rules', 'EverythingRight.ts')]) {
    for (const seed of [1, 2, 3]) {
      const o = await runDriver({ driver, verifierFlags: FUZZ, requests: everything, faults: { seed } });
      assert.equal(o.bugCheck, null, `${driver} seed ${seed}`);
      assert.equal(o.hang, null, `${driver} seed ${seed}`);
      assert.ok(o.faults!.delays > 0, 'delays were inserted');
    }
  }
});

test('delays draw from their own stream of the seed: turning fuzzing on leaves the fault draws as they were', () => {
  const a = new Prng(7);
  const b = new Prng(7 ^ 0x9e3779b9);
  assert.notEqual(a.next(), b.next());
});
