/**
 * The PoFx samples under the PnP manager, and Power framework delay fuzzing (0x8000): PnpPofx holds
 * its component active around every use of the hardware and stays clean under /standard with 0x8000
 * whatever the seed; PnpPofxRace reads after PoFxIdleComponent, which never shows without the option
 * and fails a request for some seeds with it, the same way for the same seed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDriver } from '../../src/system/run.ts';
import { STATUS } from '../../src/nt/status.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const IOCTL_ECHO = 0x222400;
type Lang = 'ts' | 'c';
const driver = (lang: Lang, name: string) => (lang === 'ts' ? join(ROOT, 'drivers', 'ts', 'pnp', `${name}.ts`) : join(ROOT, 'drivers', 'c', 'pnp', 'PnpPofx', `${name}.wasm`));
const VALUES = [0x11, 0x2222, 0x333333, 0x44444444, 0x55, 0x66];
const requests = VALUES.map((v) => {
  const input = Buffer.alloc(4);
  input.writeUInt32LE(v);
  return { kind: 'ioctl' as const, code: IOCTL_ECHO, input, outputLength: 4 };
});
const FUZZ = STANDARD_FLAGS | VF.POWER_FRAMEWORK_DELAY_FUZZING;
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

async function run(lang: Lang, name: string, flags: number, seed?: number) {
  const o = await runDriver({ driver: driver(lang, name), verifierFlags: flags, requests, faults: seed === undefined ? undefined : { seed } });
  assert.equal(o.bugCheck, null, `${name} seed ${seed}: ${o.bugCheck && hex(o.bugCheck.code)}`);
  assert.equal(o.hang, null, `${name} seed ${seed}`);
  assert.equal(o.leakCount, 0, `${name} seed ${seed}: nothing left behind`);
  return { o, statuses: o.requests.map((r) => r.status) };
}

const allSucceed = VALUES.map(() => STATUS.SUCCESS);

for (const lang of ['ts', 'c'] as const) {

test(`${lang}: PnpPofx and its racy twin: every request echoes through the hardware under /standard, with no delay inserted`, async () => {
  for (const name of ['PnpPofx', 'PnpPofxRace']) {
    const { o, statuses } = await run(lang, name, STANDARD_FLAGS);
    assert.deepEqual(statuses, allSucceed, name);
    assert.deepEqual(o.requests.map((r) => r.information), VALUES.map(() => 4));
    assert.equal(o.faults, null, 'no fuzzing, no delay');
  }
});

test(`${lang}: PnpPofx stays clean under /standard | 0x8000 whatever the seed, and delays were inserted`, async () => {
  for (const seed of SEEDS) {
    const { o, statuses } = await run(lang, 'PnpPofx', FUZZ, seed);
    assert.deepEqual(statuses, allSucceed, `seed ${seed}`);
    assert.ok(o.faults!.delays > 0, `seed ${seed}: delays were inserted`);
  }
});

test(`${lang}: PnpPofxRace under 0x8000: for some seeds the component is in F1 at the read after PoFxIdleComponent and a request fails; a seed replays`, async () => {
  const bySeed = new Map<number, number[]>();
  for (const seed of SEEDS) bySeed.set(seed, (await run(lang, 'PnpPofxRace', FUZZ, seed)).statuses);
  const failing = SEEDS.filter((s) => bySeed.get(s)!.includes(STATUS.IO_DEVICE_ERROR));
  assert.ok(failing.length > 0, `no seed showed the race: ${[...bySeed.values()].map((s) => s.map(hex).join(' ')).join(' | ')}`);
  // Only that failure: the others still echo.
  for (const s of bySeed.get(failing[0]!)!) assert.ok(s === STATUS.SUCCESS || s === STATUS.IO_DEVICE_ERROR);
  const again = await run(lang, 'PnpPofxRace', FUZZ, failing[0]);
  assert.deepEqual(again.statuses, bySeed.get(failing[0]!));
});
}
