/**
 * DDI compliance checking (/standard includes it): rule IrqlZwPassive, 0xC4 / 0x2001F, ZwClose and
 * the Zw registry routines above PASSIVE_LEVEL. The sample closes its service key under a fast
 * mutex; its clean twin closes it after releasing the mutex. Each runs in TypeScript and in C.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RULES } from '../../../src/verifier/rules.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { assertClean, assertStop, LANGS, pick, runSample, samplesIn } from './support.ts';

for (const lang of LANGS) {
  test(`ZwClose under a fast mutex (APC_LEVEL): 0xC4/0x2001F, Parameter 2 the violated condition (${lang})`, async () => {
    const rule = RULES.IrqlZwPassive;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    const condition = r.bugCheck?.params[1] ?? 0;
    assertStop(r, rule, { params: [condition, 0, 0], symbol: 'IrqlZwPassive!CloseServiceKey', line: s.line(), ntFrame: 'VerifierZwClose' });
    assert.equal(r.machine.kernel.as.cstring(condition), 'ZwClose should only be called at IRQL = PASSIVE_LEVEL.');
    await assertClean(s.rule);
  });

  test(`without DDI compliance checking the same ZwClose at APC_LEVEL is not checked (${lang})`, async () => {
    const r = await runSample(pick(RULES.IrqlZwPassive.sample!.violating, lang).run, [], { verifierFlags: STANDARD_FLAGS & ~VF.DDI_COMPLIANCE });
    assert.equal(r.bugCheck, null);
    assert.deepEqual(r.leaks, []);
  });
}
