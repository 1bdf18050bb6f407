/**
 * The DDI compliance rules added last (IrqlIoPassive2, IrqlMmApcLte, IrqlMmDispatch, QueuedSpinLock,
 * QueuedSpinLockRelease): their stops are asserted with the other rules in DdiRules.test.ts; here, what
 * the same calls do when the option that reports them is off, where an automatic check lies beneath.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { C4_DEADLOCK } from '../../../src/nt/bugcheck-deadlock.ts';
import { RULES } from '../../../src/verifier/rules.ts';
import { hex, reported, runViolating, WITHOUT_DDI_RULES } from './support.ts';

const stop = (r: Awaited<ReturnType<typeof runViolating>>) => r.bugCheck && [r.bugCheck.code, ...r.bugCheck.params].map(hex);

test('without DDI compliance checking, IoConnectInterrupt at APC_LEVEL and MmAllocateNonCachedMemory at DISPATCH_LEVEL run on (no automatic check covers them)', async () => {
  for (const rule of [RULES.IrqlIoPassive2, RULES.IrqlMmApcLte]) {
    const r = await runViolating(rule, WITHOUT_DDI_RULES);
    assert.equal(r.bugCheck, null, `${rule.name}: ${stop(r)}`);
    assert.deepEqual(r.leaks, []);
  }
});

test('without DDI compliance checking, MmFreeContiguousMemory above DISPATCH_LEVEL is the automatic pool check 0xC4/0x12 (free above DISPATCH_LEVEL)', async () => {
  const r = await runViolating(RULES.IrqlMmDispatch, WITHOUT_DDI_RULES);
  assert.equal(r.bugCheck?.code, 0xc4);
  assert.equal(r.bugCheck?.params[0], 0x12);
  assert.equal(r.bugCheck?.params[1], 5, 'Parameter 2: the IRQL (the device IRQL the sample raised to)');
});

test('without DDI compliance checking, the queued spin lock released twice is deadlock detection\'s 0xC4/0x1007 (release of a lock not held), Parameter 2 the lock', async () => {
  const r = await runViolating(RULES.QueuedSpinLock, WITHOUT_DDI_RULES);
  assert.deepEqual(stop(r), [hex(0xc4), hex(C4_DEADLOCK.DEADLOCK_UNACQUIRED_RELEASE), hex(reported(r, 'queued')), '0x0', '0x0']);
});

test('QueuedSpinLockRelease is the additional option only: under /standard two queued spin locks may nest', async () => {
  const r = await runViolating(RULES.QueuedSpinLockRelease);
  assert.equal(r.bugCheck, null, `${stop(r)}`);
  assert.deepEqual(r.leaks, []);
});

test('IrqlIoPassive5 watches the routines its page lists, IoUnregisterShutdownNotification and IoWMIAllocateInstanceIds among them', async () => {
  const { ddiThunks } = await import('../../../src/verifier/ddi/thunks.ts');
  const { ddiRuleByName } = await import('../../../src/nt/ddi-rules.ts');
  const watched = Object.keys(ddiRuleByName('IrqlIoPassive5').irql ?? {});
  for (const ddi of ['IoUnregisterShutdownNotification', 'IoWMIAllocateInstanceIds']) {
    assert.ok(watched.includes(ddi), `${ddi} is in the rule`);
    assert.ok(ddi in ddiThunks, `${ddi} has a DDI compliance thunk`);
  }
});
