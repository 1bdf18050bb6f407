/**
 * Invariant MDL checking (0x2000 stack, 0x4000 driver), Read IRPs: the buffer of a Read is the
 * device's to fill at the bottom of the stack. A verified driver that writes the caller's pages and
 * then passes the read down stops at that IofCallDriver with 0xC4/0x1011, the device the read was sent
 * to, the IRP and the buffer; the clean twin passes it down untouched and the worker's data comes back.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDriver, type RunOutcome } from '../../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { ROOT } from '../../helpers.ts';
import { LANGS, assertStop, field, markedLine, pick, reported } from './support.ts';

const rule = RULES.InvariantMdlRead;
const LENGTH = 8;

function run(path: string, flags: number): Promise<RunOutcome> {
  return runDriver({ driver: join(ROOT, path), verifierFlags: flags, requests: [{ kind: 'read', length: LENGTH }] });
}

test('the sample says how to run it: a read, with Invariant MDL checking for stack on', () => {
  assert.equal(rule.sample!.args, `--verifier 0x${(STANDARD_FLAGS | VF.INVARIANT_MDL_STACK).toString(16)} --read ${LENGTH}`);
});

for (const lang of LANGS) {
  for (const [mode, flag] of [
    ['stack', VF.INVARIANT_MDL_STACK],
    ['driver', VF.INVARIANT_MDL_DRIVER],
  ] as const) {
    test(`a read routine that marks the caller's buffer before passing the read down: 0xC4/0x1011 at IofCallDriver (${mode} mode, ${lang})`, async () => {
      const sample = pick(rule.sample!.violating, lang);
      const r = await run(sample.run, STANDARD_FLAGS | flag);
      const analysis = assertStop(r, rule, {
        params: [reported(r, 'device'), reported(r, 'irp'), reported(r, 'buffer')],
        symbol: 'InvariantMdlRead!ReadFromDevice',
        line: markedLine(sample.source),
        ntFrame: 'VerifierIofCallDriver',
      });
      assert.equal(field(analysis, 'BUGCHECK_STR'), '0xc4_1011');
      assert.ok(analysis.some((l) => l.startsWith('Arg1: 00001011, The buffer an invariant MDL of a Read IRP describes was changed')));
    });
  }

  test(`the clean twin passes the read down untouched: the worker fills it, no stop (${lang})`, async () => {
    const r = await run(pick(rule.sample!.clean, lang).run, STANDARD_FLAGS | VF.INVARIANT_MDL_STACK | VF.INVARIANT_MDL_DRIVER);
    assert.equal(r.bugCheck, null);
    assert.deepEqual(r.leaks, []);
    assert.deepEqual(r.requests.map((q) => [q.status, Buffer.from(q.output).toString('hex')]), [[0, '0001020304050607']]);
  });

  test(`without the options (/standard) the violating sample runs on, and the worker's data overwrites the mark (${lang})`, async () => {
    const r = await run(pick(rule.sample!.violating, lang).run, STANDARD_FLAGS);
    assert.equal(r.bugCheck, null);
    assert.deepEqual(r.requests.map((q) => [q.status, Buffer.from(q.output).toString('hex')]), [[0, '0001020304050607']]);
  });
}
