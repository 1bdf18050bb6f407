/**
 * The DDI compliance rules (Driver Verifier options 0x20000 and 0x80000): the WDM rules of the Static
 * Driver Verifier rule set that Windows checks at run time, each with its ID (Parameter 1 of bug check
 * 0xC4), its name and what it requires. One table: the bug check table's Arg texts, the verifier's
 * thunks, `!analyze -v` and `!ruleinfo` read it. The DDI lists are those of each rule's page in the
 * WDK documentation (a DDI this kernel does not export is listed, and never called).
 */
import { APC_LEVEL, DISPATCH_LEVEL, PASSIVE_LEVEL } from './irql.ts';

/** `<=`: at that IRQL or below; `=`: exactly at it. */
export type IrqlOp = '<=' | '=';

/** One DDI's IRQL requirement within a rule. */
export interface IrqlRequirement {
  readonly op: IrqlOp;
  readonly level: number;
}

/**
 * What Parameters 3 and 4 hold (the bug check 0xC4 page's three layouts): `optional` an optional
 * pointer to the rule state / reserved; `state` the rule's internal state and supplemental states
 * (the second and third arguments of `!ruleinfo`); `unused` both reserved.
 */
export type RuleStateKind = 'optional' | 'state' | 'unused';

export interface DdiRule {
  readonly id: number;
  readonly name: string;
  /** What the rule requires, in a sentence or two (`!ruleinfo` prints it). */
  readonly description: string;
  readonly state: RuleStateKind;
  /** Checked under DDI compliance checking (additional), 0x80000, rather than the base option 0x20000. */
  readonly additional?: boolean;
  /** IRQL rules: the DDIs the rule watches and the IRQL each may be called at. */
  readonly irql?: Readonly<Record<string, IrqlRequirement>>;
  /** Other rules: the DDIs the rule watches (its checks are the verifier's code). */
  readonly ddis?: readonly string[];
}

const LEVEL_NAME: Record<number, string> = { [PASSIVE_LEVEL]: 'PASSIVE_LEVEL', [APC_LEVEL]: 'APC_LEVEL', [DISPATCH_LEVEL]: 'DISPATCH_LEVEL' };

export const levelName = (level: number): string => LEVEL_NAME[level] ?? `${level}`;

/** The condition text Parameter 2 points to, as Windows words it: `ExAcquireFastMutex should only be called at IRQL <= APC_LEVEL.` */
export function irqlConditionText(ddi: string, r: IrqlRequirement): string {
  return `${ddi} should only be called at IRQL ${r.op} ${levelName(r.level)}.`;
}

/** Every DDI of `names` with the same requirement. */
const all = (op: IrqlOp, level: number, names: readonly string[]): Record<string, IrqlRequirement> =>
  Object.fromEntries(names.map((n) => [n, { op, level }]));

const PASSIVE = (...names: string[]) => all('=', PASSIVE_LEVEL, names);
const APC_LTE = (...names: string[]) => all('<=', APC_LEVEL, names);
const DISPATCH_LTE = (...names: string[]) => all('<=', DISPATCH_LEVEL, names);

function irqlRule(id: number, name: string, description: string, irql: Record<string, IrqlRequirement>): DdiRule {
  return { id, name, description, state: 'optional', irql };
}

/** The IRQL rules (class 0x0002xxxx). */
const IRQL_RULES: readonly DdiRule[] = [
  irqlRule(0x20002, 'IrqlApcLte', 'The driver calls ObGetObjectSecurity and ObReleaseObjectSecurity only at IRQL <= APC_LEVEL.', APC_LTE('ObGetObjectSecurity', 'ObReleaseObjectSecurity')),
  irqlRule(
    0x20004,
    'IrqlExAllocatePool',
    'The driver calls ExAllocatePool, ExAllocatePoolWithTag, ExAllocatePoolWithTagPriority, ExAllocatePoolWithQuota and ExAllocatePoolWithQuotaTag only at IRQL <= DISPATCH_LEVEL; at DISPATCH_LEVEL the pool type must be a nonpaged one.',
    DISPATCH_LTE('ExAllocatePool', 'ExAllocatePoolWithTag', 'ExAllocatePoolWithTagPriority', 'ExAllocatePoolWithQuota', 'ExAllocatePoolWithQuotaTag'),
  ),
  irqlRule(0x20005, 'IrqlExApcLte1', 'The driver calls ExAcquireFastMutex and ExTryToAcquireFastMutex only at IRQL <= APC_LEVEL.', APC_LTE('ExAcquireFastMutex', 'ExTryToAcquireFastMutex')),
  irqlRule(
    0x20006,
    'IrqlExApcLte2',
    'The driver calls the registry callback routines, the paged lookaside list set-up routines, ExSetTimerResolution, ProbeForRead and ProbeForWrite only at IRQL <= APC_LEVEL.',
    APC_LTE('CmRegisterCallback', 'CmRegisterCallbackEx', 'CmUnRegisterCallback', 'ExDeletePagedLookasideList', 'ExInitializePagedLookasideList', 'ExRegisterCallback', 'ExSetTimerResolution', 'ExUnregisterCallback', 'ProbeForRead', 'ProbeForWrite'),
  ),
  irqlRule(
    0x20007,
    'IrqlExApcLte3',
    'The driver calls the executive resource routines (ExAcquireResourceExclusiveLite, ExAcquireResourceSharedLite, ExAcquireSharedStarveExclusive, ExAcquireSharedWaitForExclusive, ExConvertExclusiveToSharedLite, ExDeleteResourceLite) only at IRQL <= APC_LEVEL.',
    APC_LTE('ExAcquireResourceExclusiveLite', 'ExAcquireResourceSharedLite', 'ExAcquireSharedStarveExclusive', 'ExAcquireSharedWaitForExclusive', 'ExConvertExclusiveToSharedLite', 'ExDeleteResourceLite'),
  ),
  irqlRule(
    0x20008,
    'IrqlExPassive',
    'The driver calls ExCreateCallback, ExIsProcessorFeaturePresent, ExRaiseAccessViolation, ExRaiseDatatypeMisalignment and ExUuidCreate only at IRQL = PASSIVE_LEVEL, and ExRaiseStatus only at IRQL <= APC_LEVEL.',
    { ...PASSIVE('ExCreateCallback', 'ExIsProcessorFeaturePresent', 'ExRaiseAccessViolation', 'ExRaiseDatatypeMisalignment', 'ExUuidCreate'), ...APC_LTE('ExRaiseStatus') },
  ),
  irqlRule(0x20009, 'IrqlIoApcLte', 'The driver calls IoDeleteDevice, IoGetInitialStack, IoRaiseHardError and IoRaiseInformationalHardError only at IRQL <= APC_LEVEL.', APC_LTE('IoDeleteDevice', 'IoGetInitialStack', 'IoRaiseHardError', 'IoRaiseInformationalHardError')),
  irqlRule(
    0x2000a,
    'IrqlIoPassive1',
    'The driver calls IoAttachDevice, IoCreateDevice and IoSetDeviceInterfaceState only at IRQL = PASSIVE_LEVEL, and IoBuildDeviceIoControlRequest only at IRQL <= APC_LEVEL.',
    { ...PASSIVE('IoAttachDevice', 'IoCreateDevice', 'IoSetDeviceInterfaceState'), ...APC_LTE('IoBuildDeviceIoControlRequest') },
  ),
  irqlRule(0x2000b, 'IrqlIoPassive2', 'The driver calls IoCheckShareAccess, IoConnectInterrupt and IoCreateController only at IRQL = PASSIVE_LEVEL.', PASSIVE('IoCheckShareAccess', 'IoConnectInterrupt', 'IoCreateController')),
  irqlRule(0x2000c, 'IrqlIoPassive3', 'The driver calls IoDetachDevice, IoAssignArcName and IoRegisterDeviceInterface only at IRQL = PASSIVE_LEVEL.', PASSIVE('IoDetachDevice', 'IoAssignArcName', 'IoRegisterDeviceInterface')),
  irqlRule(
    0x2000d,
    'IrqlIoPassive4',
    'The driver calls IoCreateFile, IoCreateNotificationEvent, IoCreateSymbolicLink, IoCreateSynchronizationEvent, IoCreateUnprotectedSymbolicLink, IoDeassignArcName, IoDeleteController, IoDeleteSymbolicLink and IoDisconnectInterrupt only at IRQL = PASSIVE_LEVEL.',
    PASSIVE('IoCreateFile', 'IoCreateNotificationEvent', 'IoCreateSymbolicLink', 'IoCreateSynchronizationEvent', 'IoCreateUnprotectedSymbolicLink', 'IoDeassignArcName', 'IoDeleteController', 'IoDeleteSymbolicLink', 'IoDisconnectInterrupt'),
  ),
  irqlRule(
    0x2000e,
    'IrqlIoPassive5',
    'The driver calls IoGetConfigurationInformation, IoGetDeviceObjectPointer, IoGetDmaAdapter, IoGetFileObjectGenericMapping, IoInitializeTimer, IoIsWdmVersionAvailable, IoRegisterDriverReinitialization, IoRegisterShutdownNotification, IoUnregisterShutdownNotification, the share access routines and the WMI registration routines only at IRQL = PASSIVE_LEVEL.',
    PASSIVE(
      'IoGetConfigurationInformation', 'IoGetDeviceObjectPointer', 'IoGetDmaAdapter', 'IoGetFileObjectGenericMapping', 'IoInitializeTimer', 'IoIsWdmVersionAvailable',
      'IoRegisterDriverReinitialization', 'IoRegisterShutdownNotification', 'IoRemoveShareAccess', 'IoSetShareAccess', 'IoUnregisterShutdownNotification', 'IoUpdateShareAccess',
      'IoWMIAllocateInstanceIds', 'IoWMIRegistrationControl',
    ),
  ),
  irqlRule(
    0x2000f,
    'IrqlKeApcLte1',
    'The driver calls the guarded mutex routines, KeDelayExecutionThread and KeQueryActiveProcessors only at IRQL <= APC_LEVEL.',
    APC_LTE('KeAcquireGuardedMutex', 'KeAcquireGuardedMutexUnsafe', 'KeDelayExecutionThread', 'KeQueryActiveProcessors', 'KeReleaseGuardedMutex', 'KeReleaseGuardedMutexUnsafe', 'KeTryToAcquireGuardedMutex'),
  ),
  irqlRule(
    0x20010,
    'IrqlKeApcLte2',
    'The driver calls KeEnterCriticalRegion, KeLeaveCriticalRegion, KeEnterGuardedRegion, KeLeaveGuardedRegion, KeAreApcsDisabled, KeAreAllApcsDisabled and the NMI callback (de)registration routines only at IRQL <= APC_LEVEL.',
    APC_LTE('KeEnterCriticalRegion', 'KeLeaveCriticalRegion', 'KeEnterGuardedRegion', 'KeLeaveGuardedRegion', 'KeAreApcsDisabled', 'KeAreAllApcsDisabled', 'KeRegisterNmiCallback', 'KeDeregisterNmiCallback'),
  ),
  irqlRule(
    0x20011,
    'IrqlKeDispatchLte',
    'The driver calls KeAcquireSpinLock, the timer, event, mutex and semaphore routines listed by the rule, the device queue set-up routines and KeSaveFloatingPointState only at IRQL <= DISPATCH_LEVEL.',
    DISPATCH_LTE(
      'KeAcquireSpinLock', 'KeCancelTimer', 'KeClearEvent', 'KeInitializeDeviceQueue', 'KeInitializeSemaphore', 'KeInitializeTimer', 'KeInitializeTimerEx', 'KePulseEvent',
      'KeReadStateEvent', 'KeReadStateTimer', 'KeReleaseMutex', 'KeRemoveEntryDeviceQueue', 'KeResetEvent', 'KeSaveFloatingPointState', 'KeSetTimer', 'KeSetTimerEx',
    ),
  ),
  irqlRule(
    0x20015,
    'IrqlKeReleaseSpinLock',
    'The driver calls KeReleaseSpinLock only at IRQL = DISPATCH_LEVEL, and the NewIrql it passes is the OldIrql the matching KeAcquireSpinLock returned.',
    all('=', DISPATCH_LEVEL, ['KeReleaseSpinLock']),
  ),
  irqlRule(
    0x20016,
    'IrqlKeSetEvent',
    'The driver calls KeSetEvent at IRQL <= DISPATCH_LEVEL when Wait is FALSE, and at IRQL <= APC_LEVEL when Wait is TRUE.',
    DISPATCH_LTE('KeSetEvent'),
  ),
  irqlRule(
    0x20019,
    'IrqlMmApcLte',
    'The driver calls MmAllocateNonCachedMemory, MmFreeNonCachedMemory, MmAllocatePagesForMdl(Ex), MmFreePagesFromMdl, the pageable-section routines and MmSecureVirtualMemory/MmUnsecureVirtualMemory only at IRQL <= APC_LEVEL.',
    APC_LTE(
      'MmAllocateNonCachedMemory', 'MmFreeNonCachedMemory', 'MmAllocatePagesForMdl', 'MmAllocatePagesForMdlEx', 'MmFreePagesFromMdl', 'MmLockPagableDataSection', 'MmLockPagableCodeSection',
      'MmLockPagableSectionByHandle', 'MmPageEntireDriver', 'MmResetDriverPaging', 'MmSecureVirtualMemory', 'MmUnsecureVirtualMemory',
    ),
  ),
  irqlRule(0x2001a, 'IrqlMmDispatch', 'The driver calls MmFreeContiguousMemory only at IRQL <= DISPATCH_LEVEL.', DISPATCH_LTE('MmFreeContiguousMemory')),
  irqlRule(0x2001b, 'IrqlObPassive', 'The driver calls ObReferenceObjectByHandle only at IRQL = PASSIVE_LEVEL.', PASSIVE('ObReferenceObjectByHandle')),
  irqlRule(
    0x2001c,
    'IrqlPsPassive',
    'The driver calls PsCreateSystemThread, PsGetVersion, PsSetCreateProcessNotifyRoutine, PsSetCreateThreadNotifyRoutine, PsSetLoadImageNotifyRoutine and PsTerminateSystemThread only at IRQL = PASSIVE_LEVEL.',
    PASSIVE('PsCreateSystemThread', 'PsGetVersion', 'PsSetCreateProcessNotifyRoutine', 'PsSetCreateThreadNotifyRoutine', 'PsSetLoadImageNotifyRoutine', 'PsTerminateSystemThread'),
  ),
  irqlRule(0x2001e, 'IrqlRtlPassive', 'The driver calls RtlDeleteRegistryValue only at IRQL = PASSIVE_LEVEL.', PASSIVE('RtlDeleteRegistryValue')),
  irqlRule(
    0x2001f,
    'IrqlZwPassive',
    'The driver calls ZwClose and the Zw registry routines (ZwCreateKey, ZwDeleteKey, ZwEnumerateKey, ZwEnumerateValueKey, ZwFlushKey, ZwOpenKey, ZwQueryKey, ZwQueryValueKey, ZwSetValueKey) only at IRQL = PASSIVE_LEVEL.',
    PASSIVE('ZwClose', 'ZwCreateKey', 'ZwDeleteKey', 'ZwEnumerateKey', 'ZwEnumerateValueKey', 'ZwFlushKey', 'ZwOpenKey', 'ZwQueryKey', 'ZwQueryValueKey', 'ZwSetValueKey'),
  ),
  // DDI compliance checking (additional): of the DDIs their pages list, the file routines (io/file-system.ts).
  {
    ...irqlRule(
      0x20023,
      'IrqlIoRtlZwPassive',
      'The driver calls ZwCreateFile, ZwFlushBuffersFile and ZwSetInformationFile only at IRQL = PASSIVE_LEVEL.',
      PASSIVE('ZwCreateFile', 'ZwFlushBuffersFile', 'ZwSetInformationFile'),
    ),
    additional: true,
  },
  { ...irqlRule(0x20024, 'IrqlNtifsApcPassive', 'The driver calls ZwWriteFile only at IRQL <= APC_LEVEL.', APC_LTE('ZwWriteFile')), additional: true },
];

/** The spin lock rules (class 0x0004xxxx). */
const LOCK_RULES: readonly DdiRule[] = [
  {
    id: 0x40009,
    name: 'SpinLock',
    description: 'Calls to KeAcquireSpinLock (or KeAcquireSpinLockRaiseToDpc) and KeReleaseSpinLock are paired for each spin lock: a lock the driver holds is not acquired again, and a lock it does not hold is not released.',
    state: 'state',
    ddis: ['KeAcquireSpinLock', 'KeAcquireSpinLockRaiseToDpc', 'KeReleaseSpinLock'],
  },
  {
    id: 0x4000a,
    name: 'SpinlockRelease',
    description: 'Calls to KeReleaseSpinLock strictly alternate with KeAcquireSpinLock and KeAcquireSpinLockRaiseToDpc: after an acquire, the driver releases the lock before it acquires a spin lock again.',
    state: 'state',
    additional: true,
    ddis: ['KeAcquireSpinLock', 'KeAcquireSpinLockRaiseToDpc', 'KeReleaseSpinLock'],
  },
];

/** The region, power and PnP rules (class 0x0004xxxx). */
const OTHER_RULES: readonly DdiRule[] = [
  {
    id: 0x40003,
    name: 'CriticalRegions',
    description: 'Calls to KeEnterCriticalRegion and KeLeaveCriticalRegion (and ExEnterCriticalRegionAndAcquireResourceExclusive, ExReleaseResourceAndLeaveCriticalRegion) pair up on each thread: regions may nest, but the driver does not leave a critical region it did not enter.',
    state: 'state',
    additional: true,
    ddis: ['KeEnterCriticalRegion', 'KeLeaveCriticalRegion', 'ExEnterCriticalRegionAndAcquireResourceExclusive', 'ExReleaseResourceAndLeaveCriticalRegion'],
  },
  {
    id: 0x4000e,
    name: 'GuardedRegions',
    description: 'Calls to KeEnterGuardedRegion and KeLeaveGuardedRegion strictly alternate on each thread: the driver leaves a guarded region before it enters another, and leaves only one it entered.',
    state: 'state',
    ddis: ['KeEnterGuardedRegion', 'KeLeaveGuardedRegion'],
  },
  {
    id: 0x4100b,
    name: 'RequestedPowerIrp',
    description: 'The driver calls PoRequestPowerIrp with the Irp pointer NULL (only a wait/wake request may ask for the IRP): the IRP may be completed and freed before the routine returns, so the pointer it would write is not reliable.',
    state: 'unused',
    ddis: ['PoRequestPowerIrp'],
  },
  {
    id: 0x43006,
    name: 'PnpRemove',
    description: 'The driver does not fail IRP_MN_SURPRISE_REMOVAL, IRP_MN_REMOVE_DEVICE, IRP_MN_CANCEL_REMOVE_DEVICE or IRP_MN_CANCEL_STOP_DEVICE: the PnP manager goes ahead whatever it answers.',
    state: 'unused',
    ddis: ['IoCompleteRequest'],
  },
];

/**
 * rules-rest: the in-stack queued spin lock rules (class 0x0004xxxx). Not in the table: StartDeviceWait
 * and the RemoveLock rules (RemoveLock, RemoveLockCheck, RemoveLockReleaseCleanup...), whose pages give
 * no bug check ID and no run-time test (Static Driver Verifier only); IrqlDispatch (0x20003): of its
 * DDIs this kernel has only the DMA operations, reached through DMA_OPERATIONS rather than imports
 * (DMA checking's 0xE6/0x13 checks their IRQL), and no controller, device queue or error log routine.
 */
const QUEUED_LOCK_RULES: readonly DdiRule[] = [
  {
    id: 0x40006,
    name: 'QueuedSpinLock',
    description: 'Calls to KeAcquireInStackQueuedSpinLock and KeReleaseInStackQueuedSpinLock are paired for each spin lock: a queued spin lock the driver holds is not acquired again, and one it does not hold is not released (nested calls on different locks are allowed).',
    state: 'state',
    ddis: ['KeAcquireInStackQueuedSpinLock', 'KeReleaseInStackQueuedSpinLock'],
  },
  {
    id: 0x40007,
    name: 'QueuedSpinLockRelease',
    description: 'Calls to KeAcquireInStackQueuedSpinLock and KeReleaseInStackQueuedSpinLock strictly alternate: after an acquire, the driver releases the lock before it acquires a queued spin lock again.',
    state: 'state',
    additional: true,
    ddis: ['KeAcquireInStackQueuedSpinLock', 'KeReleaseInStackQueuedSpinLock'],
  },
];

export const DDI_RULE_TABLE: readonly DdiRule[] = [...IRQL_RULES, ...LOCK_RULES, ...OTHER_RULES, ...QUEUED_LOCK_RULES];

const BY_ID = new Map(DDI_RULE_TABLE.map((r) => [r.id, r]));

export function ddiRule(id: number): DdiRule | undefined {
  return BY_ID.get(id);
}

export function ddiRuleByName(name: string): DdiRule {
  const r = DDI_RULE_TABLE.find((x) => x.name === name);
  if (!r) throw new Error(`no DDI rule ${name}`);
  return r;
}

/** DDI rule IDs start at 0x10000 (`!ruleinfo` takes no smaller ID). */
export const MIN_RULE_ID = 0x10000;

/** Where the debugger sends the user for a DDI rule (DV_MSDN_LINK of `!analyze -v`). */
export const DDI_RULE_LINK = 'https://go.microsoft.com/fwlink/p/?linkid=216022';
/** The link `!ruleinfo` prints (MSDN_LINK). */
export const RULEINFO_LINK = 'https://go.microsoft.com/fwlink/p/?linkid=216021';

/** The Arg texts `!analyze` prints for a DDI rule's stop (the bug check 0xC4 page's wording). */
export function ddiRuleArgTexts(r: DdiRule): [string, string, string, string] {
  const [p3, p4] =
    r.state === 'state'
      ? ['Address of internal rule state (second argument to !ruleinfo).', 'Address of supplemental states (third argument to !ruleinfo).']
      : r.state === 'optional'
        ? ['An optional pointer to the rule state variable(s).', 'Reserved (unused).']
        : ['Reserved (unused).', 'Reserved (unused).'];
  return [`ID of the '${r.name}' rule that was violated.`, 'A pointer to the string describing the violated rule condition.', p3, p4];
}
