/**
 * Under /standard a DDI compliance rule that covers a call is reported instead of the automatic
 * check (Microsoft's example: ExAcquireFastMutex at DISPATCH_LEVEL stops with 0xC4/0x20005, not
 * 0x33). The automatic checks' own samples show it, in TypeScript and in C; their tests in Locks and
 * Pool run the same samples with DDI compliance off and still see 0x33, 0x42, 0x32, 0x01 and 0x02.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import { assertStop, LANGS, pick, reported, markedLine, runSample, type Lang } from './support.ts';

interface Case {
  /** The automatic check whose sample runs. */
  readonly automatic: VerifierRule;
  /** The DDI rule reported instead. */
  readonly ddiRule: VerifierRule;
  readonly symbol: string;
  readonly ntFrame: string;
  readonly condition: string;
  readonly lockIsP3?: boolean;
}

const CASES: readonly Case[] = [
  {
    automatic: RULES.FastMutexAcquireAboveApc,
    ddiRule: RULES.IrqlExApcLte1,
    symbol: 'FastMutexAcquireAboveApc!Refresh',
    ntFrame: 'VerifierExAcquireFastMutex',
    condition: 'ExAcquireFastMutex should only be called at IRQL <= APC_LEVEL.',
  },
  {
    automatic: RULES.SpinLockAcquireAboveDispatch,
    ddiRule: RULES.IrqlKeDispatchLte,
    symbol: 'SpinLockAcquireAboveDispatch!ServiceInterrupt',
    ntFrame: 'VerifierKeAcquireSpinLock',
    condition: 'KeAcquireSpinLock should only be called at IRQL <= DISPATCH_LEVEL.',
  },
  {
    automatic: RULES.SpinLockReleaseBadIrql,
    ddiRule: RULES.SpinLock,
    symbol: 'SpinLockReleaseBadIrql!BumpCounter',
    ntFrame: 'VerifierKeReleaseSpinLock',
    condition: 'KeReleaseSpinLock should only be called for a spin lock that is held.',
    lockIsP3: true,
  },
  {
    automatic: RULES.PagedAllocAboveApc,
    ddiRule: RULES.IrqlExAllocatePool,
    symbol: 'PagedAllocAboveApc!AppendLogEntry',
    ntFrame: 'VerifierExAllocatePoolWithTag',
    condition: 'ExAllocatePoolWithTag should only be called at IRQL <= APC_LEVEL for a paged pool type.',
  },
  {
    automatic: RULES.NonPagedAllocAboveDispatch,
    ddiRule: RULES.IrqlExAllocatePool,
    symbol: 'NonPagedAllocAboveDispatch!ServiceInterrupt',
    ntFrame: 'VerifierExAllocatePoolWithTag',
    condition: 'ExAllocatePoolWithTag should only be called at IRQL <= DISPATCH_LEVEL.',
  },
];

for (const lang of LANGS as readonly Lang[]) {
  for (const c of CASES) {
    test(`${c.automatic.name}'s sample under /standard: the DDI rule ${c.ddiRule.name} is reported, not 0x${c.automatic.p1!.toString(16)} (${lang})`, async () => {
      const sample = pick(c.automatic.sample!.violating, lang);
      const r = await runSample(sample.run, c.automatic.sample!.ioctls);
      const condition = r.bugCheck?.params[1] ?? 0;
      assertStop(r, c.ddiRule, { params: [condition, c.lockIsP3 ? reported(r, 'lock') : 0, 0], symbol: c.symbol, line: markedLine(sample.source), ntFrame: c.ntFrame });
      assert.equal(r.machine.kernel.as.cstring(condition), c.condition);
    });
  }
}
