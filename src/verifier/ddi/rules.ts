/**
 * The DDI compliance rules the verifier enforces, as rows of the verifier's rule table (spread into
 * RULES): each is a rule of src/nt/ddi-rules.ts (ID, name, DDIs) with its samples. A rule of that
 * table with no row here is not raised: none of its DDIs is exported by this kernel (IrqlApcLte's
 * ObGetObjectSecurity; IrqlDispatch's are DMA operations reached through DMA_OPERATIONS, whose IRQL
 * DMA checking's 0xE6/0x13 checks, and device-queue and controller routines this kernel lacks).
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { ddiRuleByName } from '../../nt/ddi-rules.ts';
import { VF } from '../flags.ts';
import type { RuleSample, VerifierRule } from '../rules.ts';

const IRQL_SAMPLE = 'drivers/c/rules/DdiIrqlRules';

/** IOCTL n of the IRQL rules sample: CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800 + n, METHOD_BUFFERED, FILE_ANY_ACCESS). */
export const ddiSampleIoctl = (n: number) => `0x${(0x222000 + 4 * n).toString(16)}`;

function ddiRow(name: string, sample: RuleSample, note?: string): VerifierRule {
  const r = ddiRuleByName(name);
  return {
    name,
    // The docs end the sentence themselves.
    check: r.description.replace(/\.$/, ''),
    code: BUGCHECK.DRIVER_VERIFIER_DETECTED_VIOLATION,
    p1: r.id,
    flag: r.additional ? VF.DDI_COMPLIANCE_ADDITIONAL : VF.DDI_COMPLIANCE,
    sample,
    ...(note ? { note } : {}),
  };
}

const IRQL_NOTE = 'Parameter 2 points to the text of the violated condition, "<DDI> should only be called at IRQL <op> <LEVEL>." (in nonpaged pool, written when the rule fires); 3 and 4 are 0.';

/** A rule exercised by IOCTL n of the rules sample (one C driver, one IOCTL per rule, and its clean twin). */
const sampleRow = (name: string, n: number, note = IRQL_NOTE) => ddiRow(name, { violating: `${IRQL_SAMPLE}.wasm`, clean: `${IRQL_SAMPLE}Clean.wasm`, ioctls: [ddiSampleIoctl(n)] }, note);

export const DDI_RULES = {
  IrqlExAllocatePool: sampleRow(
    'IrqlExAllocatePool',
    1,
    `${IRQL_NOTE} Paged pool at DISPATCH_LEVEL (the other half of the rule) gives "<DDI> should only be called at IRQL <= APC_LEVEL for a paged pool type.": our wording. Under DDI compliance checking this rule is reported instead of the automatic checks 0x00 and 0x02, as Windows reports a DDI rule before its own checks.`,
  ),
  IrqlExApcLte1: sampleRow('IrqlExApcLte1', 2, `${IRQL_NOTE} Reported instead of 0x33 (FastMutexAcquireAboveApc) under DDI compliance checking, Microsoft's documented example.`),
  IrqlExApcLte2: sampleRow('IrqlExApcLte2', 3),
  IrqlExApcLte3: sampleRow('IrqlExApcLte3', 4),
  IrqlExPassive: sampleRow('IrqlExPassive', 5),
  IrqlIoApcLte: sampleRow('IrqlIoApcLte', 6),
  IrqlIoPassive1: sampleRow('IrqlIoPassive1', 7),
  IrqlIoPassive3: sampleRow('IrqlIoPassive3', 8),
  IrqlIoPassive4: sampleRow('IrqlIoPassive4', 9),
  IrqlIoPassive5: sampleRow('IrqlIoPassive5', 10),
  IrqlKeApcLte1: sampleRow('IrqlKeApcLte1', 11),
  IrqlKeApcLte2: sampleRow('IrqlKeApcLte2', 12),
  IrqlKeDispatchLte: sampleRow('IrqlKeDispatchLte', 13, `${IRQL_NOTE} KeAcquireSpinLock above DISPATCH_LEVEL is reported as this rule instead of 0x42 under DDI compliance checking.`),
  IrqlKeReleaseSpinLock: sampleRow(
    'IrqlKeReleaseSpinLock',
    14,
    `${IRQL_NOTE} A NewIrql other than the matching acquire's OldIrql gives "KeReleaseSpinLock should only be called with the OldIrql of the matching KeAcquireSpinLock.": our wording. Checked after SpinLock: a release of a lock not held is SpinLock's.`,
  ),
  IrqlKeSetEvent: sampleRow('IrqlKeSetEvent', 15, `${IRQL_NOTE} With Wait = TRUE the condition is "<= APC_LEVEL".`),
  IrqlObPassive: sampleRow('IrqlObPassive', 16),
  IrqlPsPassive: sampleRow('IrqlPsPassive', 17),
  IrqlRtlPassive: sampleRow('IrqlRtlPassive', 18),
  IrqlZwPassive: ddiRow('IrqlZwPassive', { violating: 'drivers/ts/rules/IrqlZwPassive.ts', clean: 'drivers/ts/rules/IrqlZwPassiveClean.ts', ioctls: [] }, IRQL_NOTE),
  SpinLock: sampleRow(
    'SpinLock',
    19,
    'Tracked per spin lock across the verified drivers: KeAcquireSpinLock(RaiseToDpc) of a lock already held, or KeReleaseSpinLock of a lock not held (the usual double release, reported instead of 0x32 under DDI compliance checking). Parameter 2 = the condition text; Parameter 3 (Windows: the internal rule state) = the spin lock, our choice: it is what the rule tracks; Parameter 4 = 0. The end-of-dispatch-routine half of the rule (a lock still held when the routine returns) is not checked.',
  ),
  SpinlockRelease: sampleRow(
    'SpinlockRelease',
    20,
    'DDI compliance checking (additional), 0x80000 (deprecated after Windows 10 2004): a KeAcquireSpinLock(RaiseToDpc) while the driver holds another spin lock it acquired the same way on this processor. The rule page gives ID 0x4000B, the bug check page 0x4000A: we use 0x4000A, the newer page. Parameter 3 = the lock being acquired, Parameter 4 = the lock held.',
  ),
  GuardedRegions: sampleRow(
    'GuardedRegions',
    22,
    'Counted per thread over the verified drivers\' calls. Parameter 3 (Windows: the internal rule state) = the thread, our choice: the regions are the thread\'s; Parameter 4 = 0.',
  ),
  CriticalRegions: sampleRow(
    'CriticalRegions',
    23,
    'DDI compliance checking (additional), 0x80000. A leave without an enter on the thread (regions nest; ExEnterCriticalRegionAndAcquireResourceExclusive and ExReleaseResourceAndLeaveCriticalRegion count). The end-of-dispatch-routine half (a region left open) is not checked. Parameter 3 = the thread (our choice), 4 = 0.',
  ),
  RequestedPowerIrp: sampleRow(
    'RequestedPowerIrp',
    21,
    'PoRequestPowerIrp with a non-NULL Irp pointer and a minor function other than IRP_MN_WAIT_WAKE (the DDI reference allows the pointer for wait/wake; the rule page says NULL: we follow the DDI reference so a wait/wake request is not a false positive). Parameters 3 and 4 are 0 (unused).',
  ),
  PnpRemove: ddiRow(
    'PnpRemove',
    { violating: 'drivers/c/rules/PnpRemove.wasm', clean: 'drivers/c/rules/PnpRemoveClean.wasm', ioctls: [] },
    'Checked where a verified driver completes one of these PnP IRPs (IoCompleteRequest) with a status that is not a success. Parameter 2 = the condition text; 3 and 4 are 0 (unused).',
  ),
  IrqlIoRtlZwPassive: sampleRow('IrqlIoRtlZwPassive', 29, `${IRQL_NOTE} DDI compliance checking (additional), 0x80000. Of the DDIs the rule's page lists, the file routines this kernel has: ZwCreateFile, ZwFlushBuffersFile, ZwSetInformationFile.`),
  IrqlNtifsApcPassive: sampleRow('IrqlNtifsApcPassive', 30, `${IRQL_NOTE} DDI compliance checking (additional), 0x80000. Of the DDIs the rule's page lists, ZwWriteFile (the others are Nt and Cc routines this kernel does not export).`),
  // ---- rules-rest ----
  IrqlIoPassive2: sampleRow('IrqlIoPassive2', 24),
  IrqlMmApcLte: sampleRow('IrqlMmApcLte', 25),
  IrqlMmDispatch: sampleRow(
    'IrqlMmDispatch',
    26,
    `${IRQL_NOTE} The bug check 0xC4 page says "= DISPATCH_LEVEL", the rule page and the DDI reference "<= DISPATCH_LEVEL": we check "<=", so a driver freeing contiguous memory at PASSIVE_LEVEL (the usual case) is not a false positive.`,
  ),
  QueuedSpinLock: sampleRow(
    'QueuedSpinLock',
    27,
    'Tracked per spin lock across the verified drivers: KeAcquireInStackQueuedSpinLock of a lock already held, or KeReleaseInStackQueuedSpinLock of a handle whose lock is not held. Parameter 2 = the condition text; Parameter 3 (Windows: the internal rule state) = the spin lock, our choice, as for SpinLock; Parameter 4 = 0. The end-of-dispatch-routine half (a lock still held when the routine returns) is not checked.',
  ),
  QueuedSpinLockRelease: sampleRow(
    'QueuedSpinLockRelease',
    28,
    'DDI compliance checking (additional), 0x80000: a KeAcquireInStackQueuedSpinLock while the driver holds another queued spin lock it acquired the same way on this processor. Parameter 3 = the lock being acquired, Parameter 4 = the lock held.',
  ),
} as const satisfies Record<string, VerifierRule>;
