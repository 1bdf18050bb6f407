/**
 * DMA checking (0x80): 0xE6 DRIVER_VERIFIER_DMA_VIOLATION. Each rule's sample (drivers/ts/rules/Dma*.ts
 * and its C twin drivers/c/rules/Dma*.c, a bus-master adapter got in DriverEntry, its routines called
 * through the table) stops with the rule's Parameter 1, the three other parameters and the `!analyze -v`
 * argument texts, blaming the marked line under the verifier's nt!Vf<Operation> frame; its clean twin
 * runs, unloads and shuts down with no stop. With the option off, the HAL lets the
 * same mistakes pass as Windows does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunOutcome } from '../../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import { TAG_DMA_RECORD } from '../../../src/verifier/thunks/dma.ts';
import { LANGS, assertClean, assertStop, reported, runSample, samplesIn } from './support.ts';

/** The verifier's record of the adapter the sample reported: Parameter 4 of the adapter codes. */
function recordOf(r: RunOutcome, adapter: number): number {
  const k = r.machine.kernel;
  const block = [...k.pool.liveBlocks()].find((b) => b.tag === TAG_DMA_RECORD && k.as.u32(b.address) === adapter);
  assert.ok(block, 'the verifier keeps a record of the adapter');
  return block.address;
}

interface Case {
  readonly rule: VerifierRule;
  readonly title: string;
  /** Parameters 2-4 from what the run reported. */
  readonly params: (r: RunOutcome) => readonly number[];
  /** The table entry the stop is under (nt!Vf<Operation>); undefined for the unload check. */
  readonly op?: string;
}

const adapter = (r: RunOutcome) => reported(r, 'adapter');

const CASES: readonly Case[] = [
  { rule: RULES.DmaCommonBufferFreedTwice, title: 'a common buffer freed twice: 0xE6/0x03', params: () => [1, 0, 0], op: 'FreeCommonBuffer' },
  { rule: RULES.DmaAdapterChannelFreedTwice, title: 'FreeAdapterChannel with no channel held: 0xE6/0x04', params: () => [1, 0, 0], op: 'FreeAdapterChannel' },
  { rule: RULES.DmaMapRegistersFreedTwice, title: 'map registers freed twice: 0xE6/0x05', params: () => [1, 0, 0], op: 'FreeMapRegisters' },
  { rule: RULES.DmaScatterGatherListFreedTwice, title: 'a scatter/gather list put twice: 0xE6/0x06', params: () => [1, 2, 0], op: 'PutScatterGatherList' },
  {
    rule: RULES.DmaAdapterPutWithCommonBuffers,
    title: 'PutDmaAdapter with a common buffer outstanding: 0xE6/0x07',
    params: (r) => [adapter(r), 1, recordOf(r, adapter(r))],
    op: 'PutDmaAdapter',
  },
  { rule: RULES.DmaAdapterChannelAllocatedTwice, title: 'a second adapter channel while the first is held: 0xE6/0x0B', params: () => [1, 0, 0], op: 'AllocateAdapterChannel' },
  { rule: RULES.DmaTooManyMapRegisters, title: 'more map registers than granted: 0xE6/0x0C', params: () => [5, 4, 0], op: 'AllocateAdapterChannel' },
  { rule: RULES.DmaBuffersNotFlushed, title: 'map registers freed with a transfer never flushed: 0xE6/0x0D', params: () => [0x200, 4 * 0x1000, 0], op: 'FreeMapRegisters' },
  { rule: RULES.DmaUnlockedBuffer, title: 'a scatter/gather list of an MDL never locked: 0xE6/0x0E', params: (r) => [reported(r, 'mdl'), 0, 0], op: 'GetScatterGatherList' },
  { rule: RULES.DmaCommonBufferOverrun, title: 'a byte written past a common buffer, found at its free: 0xE6/0x0F', params: (r) => [2, 0x100, reported(r, 'buffer')], op: 'FreeCommonBuffer' },
  { rule: RULES.DmaRoutineBadIrql, title: 'AllocateAdapterChannel at PASSIVE_LEVEL: 0xE6/0x13', params: () => [1, 2, 0], op: 'AllocateAdapterChannel' },
  { rule: RULES.DmaAddressNotInMdl, title: 'a scatter/gather list beyond its MDL: 0xE6/0x1B', params: (r) => [reported(r, 'va'), reported(r, 'mdl'), 0], op: 'GetScatterGatherList' },
  { rule: RULES.DmaAdapterNotPut, title: 'an adapter never put when the driver unloads: 0xE6/0x11', params: (r) => [1, adapter(r), recordOf(r, adapter(r))] },
];

for (const c of CASES) {
  for (const lang of LANGS) {
    const name = c.rule.name;
    const s = samplesIn(c.rule, lang);
    test(`${c.title} (${name}, ${lang})`, async () => {
      assert.equal(c.rule.flag, VF.DMA_CHECKING);
      const r = await s.run();
      const params = c.params(r);
      if (c.op) assertStop(r, c.rule, { params, symbol: `${name}!Work`, line: s.line(), ntFrame: `Vf${c.op}` });
      else assertStop(r, c.rule, { params });
    });
    test(`${name}Clean: the same work done right, no stop (${lang})`, async () => {
      await assertClean(s.rule);
    });
  }
}

test('with DMA checking off, the same mistakes pass (the HAL ignores a second free), as on Windows', async () => {
  for (const rule of [RULES.DmaCommonBufferFreedTwice, RULES.DmaScatterGatherListFreedTwice, RULES.DmaRoutineBadIrql, RULES.DmaAdapterNotPut]) {
    const r = await runSample(samplesIn(rule, 'c').rule.sample!.violating, [], { verifierFlags: STANDARD_FLAGS & ~VF.DMA_CHECKING });
    assert.equal(r.bugCheck, null, rule.name);
  }
});

test('with DMA checking off, a common buffer overrun is still a memory-check stop (KASAN), not 0xE6', async () => {
  const r = await runSample(samplesIn(RULES.DmaCommonBufferOverrun, 'c').rule.sample!.violating, [], { verifierFlags: STANDARD_FLAGS & ~VF.DMA_CHECKING });
  assert.equal(r.bugCheck?.code, 0x1f2);
});
