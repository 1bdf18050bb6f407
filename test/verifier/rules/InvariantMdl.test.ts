/**
 * Invariant MDL checking for stack (0x2000) and for driver (0x4000): a verified driver that changes
 * the caller's data of a Write IRP in place (through the IRP's MDL) stops at IoCompleteRequest with
 * 0xC4/0x1010, the device, the IRP and the buffer; the clean twin works in a buffer of its own; with
 * neither option on the write completes as Windows would let it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDriver, type RunOutcome } from '../../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { ROOT } from '../../helpers.ts';
import { LANGS, assertStop, markedLine, pick, reported } from './support.ts';

const rule = RULES.InvariantMdlWrite;
const DATA = Buffer.from('Hello, device');

function run(path: string, flags: number): Promise<RunOutcome> {
  return runDriver({ driver: join(ROOT, path), verifierFlags: flags, requests: [{ kind: 'write', data: DATA }] });
}

test('the samples say how to run them: a write, with Invariant MDL checking for stack on', () => {
  assert.equal(rule.sample!.args, `--verifier 0x${(STANDARD_FLAGS | VF.INVARIANT_MDL_STACK).toString(16)} --write ${DATA.toString('hex')}`);
});

for (const lang of LANGS) {
  for (const [mode, flag] of [
    ['stack', VF.INVARIANT_MDL_STACK],
    ['driver', VF.INVARIANT_MDL_DRIVER],
  ] as const) {
    test(`a write routine that scrambles the caller's data in place: 0xC4/0x1010 at IoCompleteRequest (${mode} mode, ${lang})`, async () => {
      const sample = pick(rule.sample!.violating, lang);
      const r = await run(sample.run, STANDARD_FLAGS | flag);
      assertStop(r, rule, {
        params: [reported(r, 'device'), reported(r, 'irp'), reported(r, 'buffer')],
        symbol: 'InvariantMdlWrite!WriteToDevice',
        line: markedLine(sample.source),
        ntFrame: 'VerifierIofCompleteRequest',
      });
    });
  }

  test(`the clean twin scrambles into its own buffer: the write completes, no stop (${lang})`, async () => {
    const r = await run(pick(rule.sample!.clean, lang).run, STANDARD_FLAGS | VF.INVARIANT_MDL_STACK | VF.INVARIANT_MDL_DRIVER);
    assert.equal(r.bugCheck, null);
    assert.deepEqual(r.leaks, []);
    assert.deepEqual(r.requests.map((q) => q.status), [0]);
  });

  test(`without the options (/standard) the violating sample runs on (${lang})`, async () => {
    const r = await run(pick(rule.sample!.violating, lang).run, STANDARD_FLAGS);
    assert.equal(r.bugCheck, null);
    assert.ok(r.shutDown);
  });
}
