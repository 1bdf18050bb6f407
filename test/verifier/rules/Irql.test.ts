/**
 * KeRaiseIrql lowering and KeLowerIrql raising (automatic checks): 0xC4 / 0x30 and 0x31. Each check
 * runs the TypeScript sample and its C twin (drivers/c/rules, built to wasm).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APC_LEVEL, DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../../src/nt/irql.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, markedLine, runSample, LANGS, samplesIn, pick } from './support.ts';

for (const lang of LANGS) {
  test(`KeRaiseIrql to APC_LEVEL at DISPATCH_LEVEL: 0xC4/0x30 with the current and requested IRQL (${lang})`, async () => {
    const rule = RULES.RaiseIrqlLowers;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assertStop(r, rule, { params: [DISPATCH_LEVEL, APC_LEVEL, 0], symbol: 'RaiseIrqlLowers!Flush', line: s.line(), ntFrame: 'VerifierKeRaiseIrql' });
    await assertClean(s.rule);
  });

  test(`KeLowerIrql to a level above the current one: 0xC4/0x31, Parameter 4 = 0 (${lang})`, async () => {
    const rule = RULES.LowerIrqlRaises;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assertStop(r, rule, { params: [APC_LEVEL, DISPATCH_LEVEL, 0], symbol: 'LowerIrqlRaises!SetState', line: s.line(), ntFrame: 'VerifierKeLowerIrql' });
    await assertClean(s.rule);
  });

  test(`KeLowerIrql below DISPATCH_LEVEL inside a DPC routine: 0xC4/0x31, Parameter 4 = 1 (${lang})`, async () => {
    const rule = RULES.LowerIrqlRaises;
    const variant = rule.variants![0]!;
    const sample = pick(variant.violating, lang);
    const r = await runSample(sample.run, variant.ioctls);
    const analysis = assertStop(r, rule, { params: [DISPATCH_LEVEL, PASSIVE_LEVEL, 1], symbol: 'LowerIrqlInDpc!CompletionDpc', line: markedLine(sample.source), ntFrame: 'VerifierKeLowerIrql' });
    assert.ok(analysis.some((l) => / nt!KiExecuteAllDpcs\+/.test(l)), 'the stack shows the DPC being delivered');
  });
}
