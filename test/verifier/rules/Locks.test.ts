/**
 * Spin locks and fast mutexes at the wrong IRQL (automatic checks): 0xC4 / 0x32, 0x40, 0x41, 0x42,
 * 0x33, 0x34. Each sample breaks the rule once, in a marked line; its clean twin does the same work
 * right and unloads and shuts down with no stop. Each check runs the TypeScript sample and its C
 * twin (drivers/c/rules, built to wasm).
 */
import { test } from 'node:test';
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../../src/nt/irql.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { assertClean, assertStop, reported, LANGS, samplesIn, WITHOUT_DDI_RULES } from './support.ts';

for (const lang of LANGS) {
  test(`a spin lock released twice: 0xC4/0x32 at PASSIVE_LEVEL, Parameter 3 the lock, DDI compliance off (${lang})`, async () => {
    const rule = RULES.SpinLockReleaseBadIrql;
    const s = samplesIn(rule, lang);
    const r = await s.run(WITHOUT_DDI_RULES);
    assertStop(r, rule, { params: [PASSIVE_LEVEL, reported(r, 'lock'), 0], symbol: 'SpinLockReleaseBadIrql!BumpCounter', line: s.line(), ntFrame: 'VerifierKeReleaseSpinLock' });
    await assertClean(s.rule);
  });

  test(`KeAcquireSpinLock at device IRQL: 0xC4/0x42 with the IRQL and the lock, DDI compliance off (${lang})`, async () => {
    const rule = RULES.SpinLockAcquireAboveDispatch;
    const s = samplesIn(rule, lang);
    const r = await s.run(WITHOUT_DDI_RULES);
    assertStop(r, rule, { params: [5, reported(r, 'lock'), 0], symbol: 'SpinLockAcquireAboveDispatch!ServiceInterrupt', line: s.line(), ntFrame: 'VerifierKeAcquireSpinLock' });
    await assertClean(s.rule);
  });

  test(`KeAcquireSpinLockAtDpcLevel at PASSIVE_LEVEL: 0xC4/0x40 (${lang})`, async () => {
    const rule = RULES.SpinLockDpcAcquireLowIrql;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assertStop(r, rule, { params: [PASSIVE_LEVEL, reported(r, 'lock'), 0], symbol: 'SpinLockDpcAcquireLowIrql!CompleteWork', line: s.line(), ntFrame: 'VerifierKeAcquireSpinLockAtDpcLevel' });
    await assertClean(s.rule);
  });

  test(`KeReleaseSpinLockFromDpcLevel after lowering IRQL: 0xC4/0x41 (${lang})`, async () => {
    const rule = RULES.SpinLockDpcReleaseLowIrql;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assertStop(r, rule, { params: [PASSIVE_LEVEL, reported(r, 'lock'), 0], symbol: 'SpinLockDpcReleaseLowIrql!Update', line: s.line(), ntFrame: 'VerifierKeReleaseSpinLockFromDpcLevel' });
    await assertClean(s.rule);
  });

  test(`ExAcquireFastMutex under a spin lock: 0xC4/0x33 at DISPATCH_LEVEL with the mutex, DDI compliance off (${lang})`, async () => {
    const rule = RULES.FastMutexAcquireAboveApc;
    const s = samplesIn(rule, lang);
    const r = await s.run(WITHOUT_DDI_RULES);
    assertStop(r, rule, { params: [DISPATCH_LEVEL, reported(r, 'mutex'), 0], symbol: 'FastMutexAcquireAboveApc!Refresh', line: s.line(), ntFrame: 'VerifierExAcquireFastMutex' });
    await assertClean(s.rule);
  });

  test(`ExReleaseFastMutex with a spin lock still held: 0xC4/0x34, the APC-disable count, then the mutex (${lang})`, async () => {
    const rule = RULES.FastMutexReleaseBadIrql;
    const s = samplesIn(rule, lang);
    const r = await s.run();
    assertStop(r, rule, { params: [DISPATCH_LEVEL, 0, reported(r, 'mutex')], symbol: 'FastMutexReleaseBadIrql!Refresh', line: s.line(), ntFrame: 'VerifierExReleaseFastMutex' });
    await assertClean(s.rule);
  });
}
