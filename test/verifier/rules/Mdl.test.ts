/**
 * MDL flag misuse (automatic checks, Vista+): 0xC4 / 0xB0-0xB6. Parameter 3 is the MDL's flags as
 * they are in memory at the stop (read back from the dump), Parameter 4 the flags that are wrong or
 * missing. Each rule is checked on its TypeScript sample and on the C twin (drivers/c/rules).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DebugTarget } from '../../../src/debugger/target.ts';
import { MDL } from '../../../src/nt/io.ts';
import { MDL_LAYOUT } from '../../../src/nt/layout.ts';
import type { RunOutcome } from '../../../src/system/run.ts';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, languagesOf, markedLine, reported, runSample } from './support.ts';

/** The MDL's flags as the dump holds them. */
function flagsInDump(r: RunOutcome, mdl: number): number {
  return new DebugTarget(r.dump).u32(mdl + MDL_LAYOUT.off.Size)! >>> 16;
}

/** The rule on its sample in each language: the violating one stops as the table says, the clean twin does not. */
function check(title: string, rule: VerifierRule, key: string, flags: number, bad: number, fn: string, thunk: string): void {
  const sample = rule.sample!;
  const clean = languagesOf(sample.clean);
  for (const [i, lang] of languagesOf(sample.violating).entries()) {
    test(`${title} (${lang.lang})`, async () => {
      const r = await runSample(lang.run, sample.ioctls);
      const mdl = reported(r, key);
      assert.equal(flagsInDump(r, mdl), flags, `the MDL's flags in memory are 0x${flags.toString(16)}`);
      assertStop(r, rule, { params: [mdl, flags, bad], symbol: fn, line: markedLine(lang.source), ntFrame: thunk });
    });
    test(`${rule.name}Clean: the same work done right, no stop (${clean[i]!.lang})`, async () => {
      await assertClean({ ...rule, sample: { ...sample, clean: clean[i]!.run } });
    });
  }
}

check('MmProbeAndLockPages on an MDL built by MmBuildMdlForNonPagedPool: 0xC4/0xB0', RULES.ProbeAndLockWrongFlags, 'mdl', MDL.SOURCE_IS_NONPAGED_POOL, MDL.SOURCE_IS_NONPAGED_POOL, 'ProbeAndLockWrongFlags!Transfer', 'VerifierMmProbeAndLockPages');

check('MmProbeAndLockProcessPages on an MDL already locked: 0xC4/0xB1', RULES.ProbeAndLockProcessWrongFlags, 'mdl', MDL.PAGES_LOCKED, MDL.PAGES_LOCKED, 'ProbeAndLockProcessWrongFlags!Start', 'VerifierMmProbeAndLockProcessPages');

check(
  'MmMapLockedPagesSpecifyCache on an MDL already mapped to system space: 0xC4/0xB2',
  RULES.MapLockedAlreadyMapped,
  'mdl',
  MDL.MAPPED_TO_SYSTEM_VA | MDL.PAGES_LOCKED | MDL.WRITE_OPERATION,
  MDL.MAPPED_TO_SYSTEM_VA,
  'MapLockedAlreadyMapped!MapData',
  'VerifierMmMapLockedPagesSpecifyCache',
);

check('MmMapLockedPagesSpecifyCache on an MDL whose pages are not locked: 0xC4/0xB3', RULES.MapLockedNotLocked, 'mdl', 0, MDL.PAGES_LOCKED | MDL.PARTIAL, 'MapLockedNotLocked!Transfer', 'VerifierMmMapLockedPagesSpecifyCache');

check('MmUnlockPages on a partial MDL: 0xC4/0xB4', RULES.UnlockPartialMdl, 'partial', MDL.PARTIAL, MDL.PARTIAL, 'UnlockPartialMdl!Transfer', 'VerifierMmUnlockPages');

check(
  'MmUnmapLockedPages on a mapped partial MDL: 0xC4/0xB5',
  RULES.UnmapPartialMdl,
  'partial',
  MDL.PARTIAL | MDL.PARTIAL_HAS_BEEN_MAPPED | MDL.MAPPED_TO_SYSTEM_VA,
  MDL.PARTIAL,
  'UnmapPartialMdl!Transfer',
  'VerifierMmUnmapLockedPages',
);

check('MmUnmapLockedPages of a system address on an MDL never mapped: 0xC4/0xB6', RULES.UnmapNotMapped, 'mdl', MDL.PAGES_LOCKED, MDL.MAPPED_TO_SYSTEM_VA, 'UnmapNotMapped!Cleanup', 'VerifierMmUnmapLockedPages');
