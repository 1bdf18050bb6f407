/**
 * DMA checking (0x80), the 0xE6 codes added last: an adapter put with its channel held (0x08), map
 * registers outstanding (0x09) or a scatter/gather list not put (0x0A), a routine called for an adapter
 * already put (0x18), a zero-length transfer mapped (0x21). Each sample (TS and its C twin) stops with
 * the code, its parameters and the `!analyze -v` argument texts under nt!Vf<Operation>; each clean twin
 * runs, unloads and shuts down with no stop; with DMA checking off the same calls pass.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunOutcome } from '../../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import { TAG_DMA_RECORD } from '../../../src/verifier/thunks/dma.ts';
import { LANGS, assertClean, assertStop, field, reported, runSample, samplesIn } from './support.ts';

/** The verifier's record of the adapter the sample reported. */
function recordOf(r: RunOutcome, adapter: number): number {
  const k = r.machine.kernel;
  const block = [...k.pool.liveBlocks()].find((b) => b.tag === TAG_DMA_RECORD && k.as.u32(b.address) === adapter);
  assert.ok(block, 'the verifier keeps a record of the adapter');
  return block.address;
}

const adapter = (r: RunOutcome) => reported(r, 'adapter');

interface Case {
  readonly rule: VerifierRule;
  readonly title: string;
  readonly params: (r: RunOutcome) => readonly number[];
  readonly op: string;
}

const CASES: readonly Case[] = [
  { rule: RULES.DmaAdapterPutWithChannel, title: 'PutDmaAdapter with the adapter channel held: 0xE6/0x08', params: (r) => [adapter(r), 1, recordOf(r, adapter(r))], op: 'PutDmaAdapter' },
  { rule: RULES.DmaAdapterPutWithMapRegisters, title: 'PutDmaAdapter with map registers kept: 0xE6/0x09', params: (r) => [adapter(r), 1, recordOf(r, adapter(r))], op: 'PutDmaAdapter' },
  { rule: RULES.DmaAdapterPutWithScatterGatherLists, title: 'PutDmaAdapter with a scatter/gather list not put: 0xE6/0x0A', params: (r) => [adapter(r), 1, recordOf(r, adapter(r))], op: 'PutDmaAdapter' },
  { rule: RULES.DmaAdapterUsedAfterPut, title: 'GetDmaAlignment of an adapter already put: 0xE6/0x18', params: (r) => [adapter(r), recordOf(r, adapter(r)), 0], op: 'GetDmaAlignment' },
  { rule: RULES.DmaZeroLengthMap, title: 'a zero-length scatter/gather list: 0xE6/0x21', params: (r) => [recordOf(r, adapter(r)), 0, 0], op: 'GetScatterGatherList' },
];

for (const c of CASES) {
  for (const lang of LANGS) {
    const name = c.rule.name;
    const s = samplesIn(c.rule, lang);
    test(`${c.title} (${name}, ${lang})`, async () => {
      assert.equal(c.rule.flag, VF.DMA_CHECKING);
      const r = await s.run();
      const analysis = assertStop(r, c.rule, { params: c.params(r), symbol: `${name}!Work`, line: s.line(), ntFrame: `Vf${c.op}` });
      assert.ok(analysis.includes('DRIVER_VERIFIER_DMA_VIOLATION (e6)'));
      assert.equal(field(analysis, 'BUGCHECK_STR'), `0xe6_${c.rule.p1!.toString(16)}`);
    });
    test(`${name}Clean: the same work done right, no stop (${lang})`, async () => {
      await assertClean(s.rule);
    });
  }
}

test('with DMA checking off, the HAL lets the same calls pass, as on Windows', async () => {
  for (const c of CASES) {
    const r = await runSample(samplesIn(c.rule, 'c').rule.sample!.violating, [], { verifierFlags: STANDARD_FLAGS & ~VF.DMA_CHECKING });
    assert.equal(r.bugCheck, null, c.rule.name);
  }
});
