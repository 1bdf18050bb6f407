/**
 * DDI compliance checking (0x20000, in /standard; 0x80000 additional): the IRQL and spin lock rules,
 * one IOCTL of drivers/c/rules/DdiIrqlRules.c per rule. Each case calls the rule's DDI where the rule
 * forbids it and must stop with 0xC4 / the rule's ID, Parameter 2 pointing to the condition's text,
 * Parameters 3 and 4 as the rule's row says, the rule named by `!analyze -v` (Arg1, BUGCHECK_STR,
 * DV_VIOLATED_CONDITION, DV_RULE_INFO) and the marked line blamed. The clean twin does the same
 * work at allowed IRQLs and runs clean with every IOCTL.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import { RULES, type VerifierRule } from '../../../src/verifier/rules.ts';
import { analyzeV, assertStop, field, hex, markedLine, reported, runSample } from './support.ts';

const SOURCE = 'drivers/c/rules/DdiIrqlRules.c';
const ADDITIONAL = { verifierFlags: STANDARD_FLAGS | VF.DDI_COMPLIANCE_ADDITIONAL };

interface Case {
  readonly rule: VerifierRule;
  /** The DDI whose thunk stops (nt!Verifier<Ddi>). */
  readonly ddi: string;
  /** The text Parameter 2 points to. */
  readonly condition: string;
  /** Parameters 3 and 4: the lock rules report the spin locks the sample prints. */
  readonly p34?: (r: Awaited<ReturnType<typeof runSample>>) => [number, number];
  readonly additional?: boolean;
}

const CASES: readonly Case[] = [
  { rule: RULES.IrqlExAllocatePool, ddi: 'ExAllocatePoolWithTag', condition: 'ExAllocatePoolWithTag should only be called at IRQL <= APC_LEVEL for a paged pool type.' },
  { rule: RULES.IrqlExApcLte1, ddi: 'ExAcquireFastMutex', condition: 'ExAcquireFastMutex should only be called at IRQL <= APC_LEVEL.' },
  { rule: RULES.IrqlExApcLte2, ddi: 'ProbeForRead', condition: 'ProbeForRead should only be called at IRQL <= APC_LEVEL.' },
  { rule: RULES.IrqlExApcLte3, ddi: 'ExAcquireResourceExclusiveLite', condition: 'ExAcquireResourceExclusiveLite should only be called at IRQL <= APC_LEVEL.' },
  { rule: RULES.IrqlExPassive, ddi: 'ExUuidCreate', condition: 'ExUuidCreate should only be called at IRQL = PASSIVE_LEVEL.' },
  { rule: RULES.IrqlIoApcLte, ddi: 'IoGetInitialStack', condition: 'IoGetInitialStack should only be called at IRQL <= APC_LEVEL.' },
  { rule: RULES.IrqlIoPassive1, ddi: 'IoCreateDevice', condition: 'IoCreateDevice should only be called at IRQL = PASSIVE_LEVEL.' },
  { rule: RULES.IrqlIoPassive3, ddi: 'IoDetachDevice', condition: 'IoDetachDevice should only be called at IRQL = PASSIVE_LEVEL.' },
  { rule: RULES.IrqlIoPassive4, ddi: 'IoCreateSymbolicLink', condition: 'IoCreateSymbolicLink should only be called at IRQL = PASSIVE_LEVEL.' },
  { rule: RULES.IrqlIoPassive5, ddi: 'IoRegisterShutdownNotification', condition: 'IoRegisterShutdownNotification should only be called at IRQL = PASSIVE_LEVEL.' },
  { rule: RULES.IrqlKeApcLte1, ddi: 'KeDelayExecutionThread', condition: 'KeDelayExecutionThread should only be called at IRQL <= APC_LEVEL.' },
  { rule: RULES.IrqlKeApcLte2, ddi: 'KeEnterCriticalRegion', condition: 'KeEnterCriticalRegion should only be called at IRQL <= APC_LEVEL.' },
  { rule: RULES.IrqlKeDispatchLte, ddi: 'KeClearEvent', condition: 'KeClearEvent should only be called at IRQL <= DISPATCH_LEVEL.' },
  { rule: RULES.IrqlKeReleaseSpinLock, ddi: 'KeReleaseSpinLock', condition: 'KeReleaseSpinLock should only be called at IRQL = DISPATCH_LEVEL.' },
  { rule: RULES.IrqlKeSetEvent, ddi: 'KeSetEvent', condition: 'KeSetEvent should only be called at IRQL <= DISPATCH_LEVEL.' },
  { rule: RULES.IrqlObPassive, ddi: 'ObReferenceObjectByHandle', condition: 'ObReferenceObjectByHandle should only be called at IRQL = PASSIVE_LEVEL.' },
  { rule: RULES.IrqlPsPassive, ddi: 'PsGetVersion', condition: 'PsGetVersion should only be called at IRQL = PASSIVE_LEVEL.' },
  { rule: RULES.IrqlRtlPassive, ddi: 'RtlDeleteRegistryValue', condition: 'RtlDeleteRegistryValue should only be called at IRQL = PASSIVE_LEVEL.' },
  {
    rule: RULES.SpinLock,
    ddi: 'KeAcquireSpinLock',
    condition: 'KeAcquireSpinLock should not be called for a spin lock that is already held.',
    p34: (r) => [reported(r, 'lock'), 0],
  },
  {
    rule: RULES.SpinlockRelease,
    ddi: 'KeAcquireSpinLock',
    condition: 'KeAcquireSpinLock should only be called after the spin lock acquired before it has been released.',
    p34: (r) => [reported(r, 'other'), reported(r, 'lock')],
    additional: true,
  },
  { rule: RULES.RequestedPowerIrp, ddi: 'PoRequestPowerIrp', condition: 'PoRequestPowerIrp should only be called with Irp = NULL (a pointer is allowed for IRP_MN_WAIT_WAKE only).' },
  {
    rule: RULES.GuardedRegions,
    ddi: 'KeEnterGuardedRegion',
    condition: 'KeEnterGuardedRegion should only be called after KeLeaveGuardedRegion has ended the previous guarded region.',
    p34: (r) => [r.dump.context!.thread, 0],
  },
  {
    rule: RULES.CriticalRegions,
    ddi: 'KeLeaveCriticalRegion',
    condition: 'KeLeaveCriticalRegion should only be called inside a critical region the driver entered.',
    p34: (r) => [r.dump.context!.thread, 0],
    additional: true,
  },
  // ---- rules-rest ----
  { rule: RULES.IrqlIoPassive2, ddi: 'IoConnectInterrupt', condition: 'IoConnectInterrupt should only be called at IRQL = PASSIVE_LEVEL.' },
  { rule: RULES.IrqlMmApcLte, ddi: 'MmAllocateNonCachedMemory', condition: 'MmAllocateNonCachedMemory should only be called at IRQL <= APC_LEVEL.' },
  { rule: RULES.IrqlMmDispatch, ddi: 'MmFreeContiguousMemory', condition: 'MmFreeContiguousMemory should only be called at IRQL <= DISPATCH_LEVEL.' },
  {
    rule: RULES.QueuedSpinLock,
    ddi: 'KeReleaseInStackQueuedSpinLock',
    condition: 'KeReleaseInStackQueuedSpinLock should only be called for a spin lock that is held.',
    p34: (r) => [reported(r, 'queued'), 0],
  },
  {
    rule: RULES.QueuedSpinLockRelease,
    ddi: 'KeAcquireInStackQueuedSpinLock',
    condition: 'KeAcquireInStackQueuedSpinLock should only be called after the queued spin lock acquired before it has been released.',
    p34: (r) => [reported(r, 'otherqueued'), reported(r, 'queued')],
    additional: true,
  },
  { rule: RULES.IrqlIoRtlZwPassive, ddi: 'ZwCreateFile', condition: 'ZwCreateFile should only be called at IRQL = PASSIVE_LEVEL.', additional: true },
  { rule: RULES.IrqlNtifsApcPassive, ddi: 'ZwWriteFile', condition: 'ZwWriteFile should only be called at IRQL <= APC_LEVEL.', additional: true },
];

for (const c of CASES) {
  const { rule } = c;
  test(`${rule.name}: ${c.ddi} where the rule forbids it stops with 0xC4/${hex(rule.p1!)}, Parameter 2 the condition`, async () => {
    assert.equal(rule.sample!.violating, 'drivers/c/rules/DdiIrqlRules.wasm');
    const r = await runSample(rule.sample!.violating, rule.sample!.ioctls, c.additional ? ADDITIONAL : {});
    const condition = r.bugCheck?.params[1] ?? 0;
    const [p3, p4] = c.p34 ? c.p34(r) : [0, 0];
    const analysis = assertStop(r, rule, { params: [condition, p3, p4], symbol: `DdiIrqlRules!${rule.name}`, line: markedLine(SOURCE, `VIOLATION(${rule.name})`), ntFrame: `Verifier${c.ddi}` });
    assert.equal(r.machine.kernel.as.cstring(condition), c.condition);
    assert.ok(analysis.includes(`Arg1: ${hex(rule.p1!).slice(2).padStart(8, '0')}, ID of the '${rule.name}' rule that was violated.`));
    assert.equal(field(analysis, 'BUGCHECK_STR'), `0xc4_${rule.name}_XDV`);
    assert.equal(field(analysis, 'DV_VIOLATED_CONDITION'), c.condition);
    assert.equal(field(analysis, 'DV_RULE_INFO'), `!ruleinfo ${hex(rule.p1!)}`);
    assert.match(field(analysis, 'FAILURE_BUCKET_ID') ?? '', new RegExp(`^0xc4_${rule.name}_XDV_VRF_DdiIrqlRules!${rule.name}$`));
    // kd prints the rule extension's abort before the stop.
    const log = r.dump.debugLog;
    const at = log.indexOf(`Driver Verifier: Extension abort with Error Code ${hex(rule.p1!)}`);
    assert.ok(at >= 0, `the abort line is printed (${log.join(' | ')})`);
    assert.equal(log[at + 1], `Error String ${c.condition}`);
  });
}

test('every DDI rule row of the table is exercised here or by its own test', () => {
  const ddiRows = Object.values(RULES).filter((r) => r.flag & (VF.DDI_COMPLIANCE | VF.DDI_COMPLIANCE_ADDITIONAL));
  const covered = new Set([...CASES.map((c) => c.rule.name), 'IrqlZwPassive', 'PnpRemove']);
  assert.deepEqual(ddiRows.map((r) => r.name).filter((n) => !covered.has(n)), []);
});

const ALL_IOCTLS = CASES.flatMap((c) => c.rule.sample!.ioctls);

test('the clean twin runs every IOCTL clean, under /standard and with DDI compliance checking (additional)', async () => {
  for (const extra of [{}, ADDITIONAL]) {
    const r = await runSample('drivers/c/rules/DdiIrqlRulesClean.wasm', ALL_IOCTLS, extra);
    assert.equal(r.bugCheck, null, `no stop (${r.bugCheck?.params.map(hex).join(' ')})`);
    assert.deepEqual(r.leaks, []);
    assert.ok(r.shutDown);
  }
});

test('SpinlockRelease is the additional option only: under /standard nested spin locks are allowed', async () => {
  const r = await runSample(RULES.SpinlockRelease.sample!.violating, RULES.SpinlockRelease.sample!.ioctls);
  assert.equal(r.bugCheck, null);
});

test('with DDI compliance checking off the same calls run on where no automatic check covers them', async () => {
  const off = { verifierFlags: STANDARD_FLAGS & ~VF.DDI_COMPLIANCE };
  // ExUuidCreate, IoCreateDevice and PsGetVersion at APC_LEVEL; ProbeForRead at DISPATCH_LEVEL.
  for (const rule of [RULES.IrqlExPassive, RULES.IrqlIoPassive1, RULES.IrqlPsPassive, RULES.IrqlExApcLte2]) {
    const r = await runSample(rule.sample!.violating, rule.sample!.ioctls, off);
    assert.equal(r.bugCheck, null, `${rule.name}: no stop without the option (${r.bugCheck?.params.map(hex).join(' ')})`);
  }
  // KeEnterCriticalRegion at DISPATCH_LEVEL is also Force IRQL checking's automatic check, which then stops it.
  const r = await runSample(RULES.IrqlKeApcLte2.sample!.violating, RULES.IrqlKeApcLte2.sample!.ioctls, off);
  assert.deepEqual([r.bugCheck?.code, r.bugCheck?.params[0]], [0xc4, RULES.CriticalRegionAboveApc.p1]);
});

test('!analyze -v of a DDI rule stop names the rule and shows its condition (IrqlExApcLte1)', async () => {
  const r = await runSample(RULES.IrqlExApcLte1.sample!.violating, RULES.IrqlExApcLte1.sample!.ioctls);
  const a = analyzeV(r);
  const from = a.indexOf('BUGCHECK_STR:  0xc4_IrqlExApcLte1_XDV');
  assert.deepEqual(a.slice(from, from + 8), [
    'BUGCHECK_STR:  0xc4_IrqlExApcLte1_XDV',
    '',
    'DV_VIOLATED_CONDITION:  ExAcquireFastMutex should only be called at IRQL <= APC_LEVEL.',
    '',
    'DV_MSDN_LINK: !url https://go.microsoft.com/fwlink/p/?linkid=216022',
    '',
    'DV_RULE_INFO: !ruleinfo 0x20005',
    '',
  ]);
});

test('GuardedRegions in TypeScript: a guarded region nested in another stops at the second enter; the clean twin uses one region', async () => {
  const rule = RULES.GuardedRegions;
  const path = 'drivers/ts/rules/DdiGuardedRegion.ts';
  const r = await runSample(path);
  const condition = r.bugCheck?.params[1] ?? 0;
  assertStop(r, rule, { params: [condition, r.dump.context!.thread, 0], symbol: 'DdiGuardedRegion!Refresh', line: markedLine(path), ntFrame: 'VerifierKeEnterGuardedRegion' });
  assert.equal(r.machine.kernel.as.cstring(condition), 'KeEnterGuardedRegion should only be called after KeLeaveGuardedRegion has ended the previous guarded region.');
  const clean = await runSample('drivers/ts/rules/DdiGuardedRegionClean.ts');
  assert.equal(clean.bugCheck, null);
  assert.deepEqual(clean.leaks, []);
});
