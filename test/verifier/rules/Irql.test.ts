/** KeRaiseIrql lowering and KeLowerIrql raising (automatic checks): 0xC4 / 0x30 and 0x31. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APC_LEVEL, DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../../src/nt/irql.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, markedLine, runSample, runViolating } from './support.ts';

test('KeRaiseIrql to APC_LEVEL at DISPATCH_LEVEL: 0xC4/0x30 with the current and requested IRQL', async () => {
  const rule = RULES.RaiseIrqlLowers;
  const r = await runViolating(rule);
  assertStop(r, rule, { params: [DISPATCH_LEVEL, APC_LEVEL, 0], symbol: 'RaiseIrqlLowers!Flush', line: markedLine(rule.sample!.violating), ntFrame: 'VerifierKeRaiseIrql' });
  await assertClean(rule);
});

test('KeLowerIrql to a level above the current one: 0xC4/0x31, Parameter 4 = 0', async () => {
  const rule = RULES.LowerIrqlRaises;
  const r = await runViolating(rule);
  assertStop(r, rule, { params: [APC_LEVEL, DISPATCH_LEVEL, 0], symbol: 'LowerIrqlRaises!SetState', line: markedLine(rule.sample!.violating), ntFrame: 'VerifierKeLowerIrql' });
  await assertClean(rule);
});

test('KeLowerIrql below DISPATCH_LEVEL inside a DPC routine: 0xC4/0x31, Parameter 4 = 1', async () => {
  const rule = RULES.LowerIrqlRaises;
  const variant = rule.variants![0]!;
  const r = await runSample(variant.violating, variant.ioctls);
  const analysis = assertStop(r, rule, { params: [DISPATCH_LEVEL, PASSIVE_LEVEL, 1], symbol: 'LowerIrqlInDpc!CompletionDpc', line: markedLine(variant.violating), ntFrame: 'VerifierKeLowerIrql' });
  assert.ok(analysis.some((l) => / nt!KiExecuteAllDpcs\+/.test(l)), 'the stack shows the DPC being delivered');
});
