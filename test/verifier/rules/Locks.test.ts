/**
 * Spin locks and fast mutexes at the wrong IRQL (automatic checks): 0xC4 / 0x32, 0x40, 0x41, 0x42,
 * 0x33, 0x34. Each sample breaks the rule once, in a marked line; its clean twin does the same work
 * right and unloads and shuts down with no stop.
 */
import { test } from 'node:test';
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../../src/nt/irql.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, markedLine, reported, runViolating } from './support.ts';

const at = (rule: { sample?: { violating: string } }) => markedLine(rule.sample!.violating);

test('a spin lock released twice: 0xC4/0x32 at PASSIVE_LEVEL, Parameter 3 the lock', async () => {
  const rule = RULES.SpinLockReleaseBadIrql;
  const r = await runViolating(rule);
  assertStop(r, rule, { params: [PASSIVE_LEVEL, reported(r, 'lock'), 0], symbol: 'SpinLockReleaseBadIrql!BumpCounter', line: at(rule), ntFrame: 'VerifierKeReleaseSpinLock' });
  await assertClean(rule);
});

test('KeAcquireSpinLock at device IRQL: 0xC4/0x42 with the IRQL and the lock', async () => {
  const rule = RULES.SpinLockAcquireAboveDispatch;
  const r = await runViolating(rule);
  assertStop(r, rule, { params: [5, reported(r, 'lock'), 0], symbol: 'SpinLockAcquireAboveDispatch!ServiceInterrupt', line: at(rule), ntFrame: 'VerifierKeAcquireSpinLock' });
  await assertClean(rule);
});

test('KeAcquireSpinLockAtDpcLevel at PASSIVE_LEVEL: 0xC4/0x40', async () => {
  const rule = RULES.SpinLockDpcAcquireLowIrql;
  const r = await runViolating(rule);
  assertStop(r, rule, { params: [PASSIVE_LEVEL, reported(r, 'lock'), 0], symbol: 'SpinLockDpcAcquireLowIrql!CompleteWork', line: at(rule), ntFrame: 'VerifierKeAcquireSpinLockAtDpcLevel' });
  await assertClean(rule);
});

test('KeReleaseSpinLockFromDpcLevel after lowering IRQL: 0xC4/0x41', async () => {
  const rule = RULES.SpinLockDpcReleaseLowIrql;
  const r = await runViolating(rule);
  assertStop(r, rule, { params: [PASSIVE_LEVEL, reported(r, 'lock'), 0], symbol: 'SpinLockDpcReleaseLowIrql!Update', line: at(rule), ntFrame: 'VerifierKeReleaseSpinLockFromDpcLevel' });
  await assertClean(rule);
});

test('ExAcquireFastMutex under a spin lock: 0xC4/0x33 at DISPATCH_LEVEL with the mutex', async () => {
  const rule = RULES.FastMutexAcquireAboveApc;
  const r = await runViolating(rule);
  assertStop(r, rule, { params: [DISPATCH_LEVEL, reported(r, 'mutex'), 0], symbol: 'FastMutexAcquireAboveApc!Refresh', line: at(rule), ntFrame: 'VerifierExAcquireFastMutex' });
  await assertClean(rule);
});

test('ExReleaseFastMutex with a spin lock still held: 0xC4/0x34, the APC-disable count, then the mutex', async () => {
  const rule = RULES.FastMutexReleaseBadIrql;
  const r = await runViolating(rule);
  assertStop(r, rule, { params: [DISPATCH_LEVEL, 0, reported(r, 'mutex')], symbol: 'FastMutexReleaseBadIrql!Refresh', line: at(rule), ntFrame: 'VerifierExReleaseFastMutex' });
  await assertClean(rule);
});
