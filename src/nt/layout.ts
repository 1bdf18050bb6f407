/**
 * Layouts of the kernel structures drivers can see, defined once, as the wasm32 C ABI lays them out
 * (pointers 4 bytes, natural alignment, 64-bit integers aligned to 8). The kernel reads and writes
 * simulated memory through these offsets; the ddk/ C headers are checked against them.
 */

import { POWER_SYSTEM_MAXIMUM } from './pnp.ts';

export type Scalar = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'ptr' | 'u64' | 'i64';

export type FieldType = Scalar | StructLayout | { readonly array: FieldType; readonly count: number };

export interface Field {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly type: FieldType;
}

export interface StructLayout {
  readonly name: string;
  readonly size: number;
  readonly align: number;
  readonly fields: readonly Field[];
  /** Field offsets by name; nested fields as `Outer.Inner`. */
  readonly off: Readonly<Record<string, number>>;
}

const SCALAR_SIZE: Record<Scalar, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, ptr: 4, u64: 8, i64: 8 };

function sizeAlign(t: FieldType): [number, number] {
  if (typeof t === 'string') return [SCALAR_SIZE[t], SCALAR_SIZE[t]];
  if ('array' in t) {
    const [s, a] = sizeAlign(t.array);
    return [s * t.count, a];
  }
  return [t.size, t.align];
}

const alignUp = (n: number, a: number) => (n + a - 1) & ~(a - 1);

/** Lay out a struct in declaration order; `union` groups overlay their members at one offset. */
export function struct(name: string, members: ReadonlyArray<readonly [string, FieldType]>): StructLayout {
  const fields: Field[] = [];
  const off: Record<string, number> = {};
  let offset = 0;
  let align = 1;
  for (const [fname, type] of members) {
    const [s, a] = sizeAlign(type);
    offset = alignUp(offset, a);
    align = Math.max(align, a);
    fields.push({ name: fname, offset, size: s, type });
    addOffsets(off, fname, offset, type);
    offset += s;
  }
  return { name, size: alignUp(offset, align), align, fields, off };
}

/** A union: every member at offset 0, size of the largest. */
export function union(name: string, members: ReadonlyArray<readonly [string, FieldType]>): StructLayout {
  const fields: Field[] = [];
  const off: Record<string, number> = {};
  let size = 0;
  let align = 1;
  for (const [fname, type] of members) {
    const [s, a] = sizeAlign(type);
    size = Math.max(size, s);
    align = Math.max(align, a);
    fields.push({ name: fname, offset: 0, size: s, type });
    addOffsets(off, fname, 0, type);
  }
  return { name, size: alignUp(size, align), align, fields, off };
}

function addOffsets(off: Record<string, number>, name: string, base: number, type: FieldType): void {
  off[name] = base;
  if (typeof type !== 'string' && !('array' in type)) {
    for (const [inner, o] of Object.entries(type.off)) off[`${name}.${inner}`] = base + o;
  }
}

export const array = (type: FieldType, count: number) => ({ array: type, count }) as const;

// ---------------------------------------------------------------------------------------------
// Basic structures

export const LIST_ENTRY = struct('LIST_ENTRY', [
  ['Flink', 'ptr'],
  ['Blink', 'ptr'],
]);

export const SINGLE_LIST_ENTRY = struct('SINGLE_LIST_ENTRY', [['Next', 'ptr']]);

export const UNICODE_STRING = struct('UNICODE_STRING', [
  ['Length', 'u16'],
  ['MaximumLength', 'u16'],
  ['Buffer', 'ptr'],
]);

export const IO_STATUS_BLOCK = struct('IO_STATUS_BLOCK', [
  ['Status', 'i32'],
  ['Information', 'u32'],
]);

/** DISPATCHER_HEADER, reduced to the fields drivers and the dispatcher use. */
export const DISPATCHER_HEADER = struct('DISPATCHER_HEADER', [
  ['Type', 'u8'],
  ['Absolute', 'u8'],
  ['Size', 'u8'],
  ['Inserted', 'u8'],
  ['SignalState', 'i32'],
  ['WaitListHead', LIST_ENTRY],
]);

export const KEVENT = struct('KEVENT', [['Header', DISPATCHER_HEADER]]);

export const KDPC = struct('KDPC', [
  ['Type', 'u8'],
  ['Importance', 'u8'],
  ['Number', 'u16'],
  ['DpcListEntry', LIST_ENTRY],
  ['DeferredRoutine', 'ptr'],
  ['DeferredContext', 'ptr'],
  ['SystemArgument1', 'ptr'],
  ['SystemArgument2', 'ptr'],
  ['DpcData', 'ptr'],
]);

export const KTIMER = struct('KTIMER', [
  ['Header', DISPATCHER_HEADER],
  ['DueTime', 'u64'],
  ['TimerListEntry', LIST_ENTRY],
  ['Dpc', 'ptr'],
  ['Period', 'i32'],
]);

/** KSPIN_LOCK is a ULONG_PTR: 0 when free. */
export const KSPIN_LOCK = struct('KSPIN_LOCK', [['Value', 'u32']]);

// ---------------------------------------------------------------------------------------------
// I/O manager structures

export const IRP_MJ_COUNT = 28;

export const DRIVER_OBJECT = struct('DRIVER_OBJECT', [
  ['Type', 'i16'],
  ['Size', 'i16'],
  ['DeviceObject', 'ptr'],
  ['Flags', 'u32'],
  ['DriverStart', 'ptr'],
  ['DriverSize', 'u32'],
  ['DriverSection', 'ptr'],
  ['DriverExtension', 'ptr'],
  ['DriverName', UNICODE_STRING],
  ['HardwareDatabase', 'ptr'],
  ['FastIoDispatch', 'ptr'],
  ['DriverInit', 'ptr'],
  ['DriverStartIo', 'ptr'],
  ['DriverUnload', 'ptr'],
  ['MajorFunction', array('ptr', IRP_MJ_COUNT)],
]);

export const DRIVER_EXTENSION = struct('DRIVER_EXTENSION', [
  ['DriverObject', 'ptr'],
  ['AddDevice', 'ptr'],
  ['Count', 'u32'],
  ['ServiceKeyName', UNICODE_STRING],
]);

export const KDEVICE_QUEUE = struct('KDEVICE_QUEUE', [
  ['Type', 'i16'],
  ['Size', 'i16'],
  ['DeviceListHead', LIST_ENTRY],
  ['Lock', 'u32'],
  ['Busy', 'u8'],
]);

export const DEVICE_OBJECT = struct('DEVICE_OBJECT', [
  ['Type', 'i16'],
  ['Size', 'u16'],
  ['ReferenceCount', 'i32'],
  ['DriverObject', 'ptr'],
  ['NextDevice', 'ptr'],
  ['AttachedDevice', 'ptr'],
  ['CurrentIrp', 'ptr'],
  ['Timer', 'ptr'],
  ['Flags', 'u32'],
  ['Characteristics', 'u32'],
  ['Vpb', 'ptr'],
  ['DeviceExtension', 'ptr'],
  ['DeviceType', 'u32'],
  ['StackSize', 'i8'],
  ['Queue', KDEVICE_QUEUE],
  ['AlignmentRequirement', 'u32'],
  ['DeviceQueue', KDEVICE_QUEUE],
  ['Dpc', KDPC],
  ['ActiveThreadCount', 'u32'],
  ['SecurityDescriptor', 'ptr'],
  ['DeviceLock', KEVENT],
  ['SectorSize', 'u16'],
  ['Spare1', 'u16'],
  ['DeviceObjectExtension', 'ptr'],
  ['Reserved', 'ptr'],
]);

export const FILE_OBJECT = struct('FILE_OBJECT', [
  ['Type', 'i16'],
  ['Size', 'i16'],
  ['DeviceObject', 'ptr'],
  ['Vpb', 'ptr'],
  ['FsContext', 'ptr'],
  ['FsContext2', 'ptr'],
  ['SectionObjectPointer', 'ptr'],
  ['PrivateCacheMap', 'ptr'],
  ['FinalStatus', 'i32'],
  ['RelatedFileObject', 'ptr'],
  ['LockOperation', 'u8'],
  ['DeletePending', 'u8'],
  ['ReadAccess', 'u8'],
  ['WriteAccess', 'u8'],
  ['DeleteAccess', 'u8'],
  ['SharedRead', 'u8'],
  ['SharedWrite', 'u8'],
  ['SharedDelete', 'u8'],
  ['Flags', 'u32'],
  ['FileName', UNICODE_STRING],
  ['CurrentByteOffset', 'i64'],
]);

/** MDL header; the PFN array (one ULONG per page) follows it. */
export const MDL_LAYOUT = struct('MDL', [
  ['Next', 'ptr'],
  ['Size', 'i16'],
  ['MdlFlags', 'i16'],
  ['Process', 'ptr'],
  ['MappedSystemVa', 'ptr'],
  ['StartVa', 'ptr'],
  ['ByteCount', 'u32'],
  ['ByteOffset', 'u32'],
]);

/** POWER_STATE: a system or a device power state, as POWER_STATE_TYPE says (wdm.h). */
export const POWER_STATE = union('POWER_STATE', [
  ['SystemState', 'u32'],
  ['DeviceState', 'u32'],
]);

/** POWER_SEQUENCE: counts of the device's transitions to D1, D2 and D3 (IRP_MN_POWER_SEQUENCE). */
export const POWER_SEQUENCE = struct('POWER_SEQUENCE', [
  ['SequenceD1', 'u32'],
  ['SequenceD2', 'u32'],
  ['SequenceD3', 'u32'],
]);

/** DEVICE_INTERFACE_CHANGE_NOTIFICATION: what an EventCategoryDeviceInterfaceChange callback receives (GUIDs as 16 bytes). */
export const DEVICE_INTERFACE_CHANGE_NOTIFICATION = struct('DEVICE_INTERFACE_CHANGE_NOTIFICATION', [
  ['Version', 'u16'],
  ['Size', 'u16'],
  ['Event', array('u8', 16)],
  ['InterfaceClassGuid', array('u8', 16)],
  ['SymbolicLinkName', 'ptr'],
]);

/** TARGET_DEVICE_REMOVAL_NOTIFICATION: what an EventCategoryTargetDeviceChange callback receives (pnp/target-notify.ts). */
export const TARGET_DEVICE_REMOVAL_NOTIFICATION = struct('TARGET_DEVICE_REMOVAL_NOTIFICATION', [
  ['Version', 'u16'],
  ['Size', 'u16'],
  ['Event', array('u8', 16)],
  ['FileObject', 'ptr'],
]);

/** HWPROFILE_CHANGE_NOTIFICATION: what an EventCategoryHardwareProfileChange callback receives (the GUID's ULONG aligns it to 4). */
export const HWPROFILE_CHANGE_NOTIFICATION = struct('HWPROFILE_CHANGE_NOTIFICATION', [
  ['Version', 'u16'],
  ['Size', 'u16'],
  ['Event', struct('GUID', [['Data1', 'u32'], ['Data2', 'u16'], ['Data3', 'u16'], ['Data4', array('u8', 8)]])],
]);

/** PO_FX_COMPONENT_IDLE_STATE: one Fx state of a component (latency and residency in 100 ns units, power in microwatts). */
export const PO_FX_COMPONENT_IDLE_STATE = struct('PO_FX_COMPONENT_IDLE_STATE', [
  ['TransitionLatency', 'u64'],
  ['ResidencyRequirement', 'u64'],
  ['NominalPower', 'u32'],
]);

/** PO_FX_COMPONENT_V1: a component's GUID and its Fx states (IdleStates[0] is F0). */
export const PO_FX_COMPONENT_V1 = struct('PO_FX_COMPONENT_V1', [
  ['Id', struct('GUID', [['Data1', 'u32'], ['Data2', 'u16'], ['Data3', 'u16'], ['Data4', array('u8', 8)]])],
  ['IdleStateCount', 'u32'],
  ['DeepestWakeableIdleState', 'u32'],
  ['IdleStates', 'ptr'],
]);

/** PO_FX_DEVICE_V1: what PoFxRegisterDevice is given (Components is an ANYSIZE_ARRAY of ComponentCount). */
export const PO_FX_DEVICE_V1 = struct('PO_FX_DEVICE_V1', [
  ['Version', 'u32'],
  ['ComponentCount', 'u32'],
  ['ComponentActiveConditionCallback', 'ptr'],
  ['ComponentIdleConditionCallback', 'ptr'],
  ['ComponentIdleStateCallback', 'ptr'],
  ['DevicePowerRequiredCallback', 'ptr'],
  ['DevicePowerNotRequiredCallback', 'ptr'],
  ['PowerControlCallback', 'ptr'],
  ['DeviceContext', 'ptr'],
  ['Components', array(PO_FX_COMPONENT_V1, 1)],
]);

/** IO_STACK_LOCATION.Parameters of IRP_MJ_POWER (SystemContext is wdm.h's anonymous union with SystemPowerStateContext). */
const POWER_PARAMETERS = [
  ['Power', struct('Power', [['SystemContext', 'u32'], ['Type', 'u32'], ['State', POWER_STATE], ['ShutdownType', 'u32']])],
  ['WaitWake', struct('WaitWake', [['PowerState', 'u32']])],
  ['PowerSequence', struct('PowerSequence', [['PowerSequence', 'ptr']])],
] as const;

const PARAMETERS = union('IO_STACK_LOCATION_PARAMETERS', [
  ['Create', struct('Create', [['SecurityContext', 'ptr'], ['Options', 'u32'], ['FileAttributes', 'u16'], ['ShareAccess', 'u16'], ['EaLength', 'u32']])],
  ['Read', struct('Read', [['Length', 'u32'], ['Key', 'u32'], ['ByteOffset', 'i64']])],
  ['Write', struct('Write', [['Length', 'u32'], ['Key', 'u32'], ['ByteOffset', 'i64']])],
  ['DeviceIoControl', struct('DeviceIoControl', [['OutputBufferLength', 'u32'], ['InputBufferLength', 'u32'], ['IoControlCode', 'u32'], ['Type3InputBuffer', 'ptr']])],
  ['Others', struct('Others', [['Argument1', 'ptr'], ['Argument2', 'ptr'], ['Argument3', 'ptr'], ['Argument4', 'ptr']])],
  // IRP_MJ_PNP's parameters (kernel/pnp).
  ['StartDevice', struct('StartDevice', [['AllocatedResources', 'ptr'], ['AllocatedResourcesTranslated', 'ptr']])],
  ['QueryDeviceRelations', struct('QueryDeviceRelations', [['Type', 'u32']])],
  ['DeviceCapabilities', struct('DeviceCapabilities', [['Capabilities', 'ptr']])],
  ['QueryId', struct('QueryId', [['IdType', 'u32']])],
  ['UsageNotification', struct('UsageNotification', [['InPath', 'u8'], ['Reserved', array('u8', 3)], ['Type', 'u32']])],
  // Bus drivers' PnP parameters (kernel/pnp/bus.ts).
  ['QueryInterface', struct('QueryInterface', [['InterfaceType', 'ptr'], ['Size', 'u16'], ['Version', 'u16'], ['Interface', 'ptr'], ['InterfaceSpecificData', 'ptr']])],
  ['QueryDeviceText', struct('QueryDeviceText', [['DeviceTextType', 'u32'], ['LocaleId', 'u32']])],
  ['FilterResourceRequirements', struct('FilterResourceRequirements', [['IoResourceRequirementList', 'ptr']])],
  ['SetLock', struct('SetLock', [['Lock', 'u8']])],
  ...POWER_PARAMETERS,
]);

export const IO_STACK_LOCATION = struct('IO_STACK_LOCATION', [
  ['MajorFunction', 'u8'],
  ['MinorFunction', 'u8'],
  ['Flags', 'u8'],
  ['Control', 'u8'],
  ['Parameters', PARAMETERS],
  ['DeviceObject', 'ptr'],
  ['FileObject', 'ptr'],
  ['CompletionRoutine', 'ptr'],
  ['Context', 'ptr'],
]);

export const IRP = struct('IRP', [
  ['Type', 'i16'],
  ['Size', 'u16'],
  ['MdlAddress', 'ptr'],
  ['Flags', 'u32'],
  ['AssociatedIrp', union('AssociatedIrp', [['MasterIrp', 'ptr'], ['IrpCount', 'i32'], ['SystemBuffer', 'ptr']])],
  ['ThreadListEntry', LIST_ENTRY],
  ['IoStatus', IO_STATUS_BLOCK],
  ['RequestorMode', 'i8'],
  ['PendingReturned', 'u8'],
  ['StackCount', 'i8'],
  ['CurrentLocation', 'i8'],
  ['Cancel', 'u8'],
  ['CancelIrql', 'u8'],
  ['ApcEnvironment', 'i8'],
  ['AllocationFlags', 'u8'],
  ['UserIosb', 'ptr'],
  ['UserEvent', 'ptr'],
  ['Overlay', struct('Overlay', [['UserApcRoutine', 'ptr'], ['UserApcContext', 'ptr']])],
  ['CancelRoutine', 'ptr'],
  ['UserBuffer', 'ptr'],
  [
    'Tail',
    struct('Tail', [
      ['DriverContext', array('ptr', 4)],
      ['Thread', 'ptr'],
      ['AuxiliaryBuffer', 'ptr'],
      ['ListEntry', LIST_ENTRY],
      ['CurrentStackLocation', 'ptr'],
      ['OriginalFileObject', 'ptr'],
    ]),
  ],
]);

/** WORK_QUEUE_ITEM, and the IO_WORKITEM the I/O manager wraps around it (opaque to drivers). */
export const WORK_QUEUE_ITEM = struct('WORK_QUEUE_ITEM', [
  ['List', LIST_ENTRY],
  ['WorkerRoutine', 'ptr'],
  ['Parameter', 'ptr'],
]);

export const IO_WORKITEM = struct('IO_WORKITEM', [
  ['WorkItem', WORK_QUEUE_ITEM],
  ['Routine', 'ptr'],
  ['IoObject', 'ptr'],
  ['Context', 'ptr'],
  ['Type', 'u32'],
  ['ActivityId', array('u8', 16)],
]);

/** IO_CSQ: a cancel-safe queue's dispatch table, filled by IoCsqInitialize. */
export const IO_CSQ = struct('IO_CSQ', [
  ['Type', 'u32'],
  ['CsqInsertIrp', 'ptr'],
  ['CsqRemoveIrp', 'ptr'],
  ['CsqPeekNextIrp', 'ptr'],
  ['CsqAcquireLock', 'ptr'],
  ['CsqReleaseLock', 'ptr'],
  ['CsqCompleteCanceledIrp', 'ptr'],
  ['ReservePointer', 'ptr'],
]);

/** IO_CSQ_IRP_CONTEXT: links a queued IRP and its queue, so either can find the other. */
export const IO_CSQ_IRP_CONTEXT = struct('IO_CSQ_IRP_CONTEXT', [
  ['Type', 'u32'],
  ['Irp', 'ptr'],
  ['Csq', 'ptr'],
]);

/** FAST_MUTEX (x86): Count 1 = free, 0 = owned, below 0 = owned with waiters on Event. */
export const FAST_MUTEX = struct('FAST_MUTEX', [
  ['Count', 'i32'],
  ['Owner', 'ptr'],
  ['Contention', 'u32'],
  ['Event', KEVENT],
  ['OldIrql', 'u32'],
]);

/** KMUTANT, which KMUTEX is: SignalState 1 = free, 0 or below = owned (recursively) by OwnerThread. */
export const KMUTANT = struct('KMUTANT', [
  ['Header', DISPATCHER_HEADER],
  ['MutantListEntry', LIST_ENTRY],
  ['OwnerThread', 'ptr'],
  ['Abandoned', 'u8'],
  ['ApcDisable', 'u8'],
]);
export const KMUTEX = KMUTANT;

/** SLIST_HEADER (x86): the first entry, the depth and a sequence number bumped by every push and pop. */
export const SLIST_HEADER = struct('SLIST_HEADER', [
  ['Next', 'ptr'],
  ['Depth', 'u16'],
  ['Sequence', 'u16'],
]);

/** GENERAL_LOOKASIDE (x86): the part of a lookaside list the kernel and the inline DDIs use. */
export const GENERAL_LOOKASIDE = struct('GENERAL_LOOKASIDE', [
  ['ListHead', SLIST_HEADER],
  ['Depth', 'u16'],
  ['MaximumDepth', 'u16'],
  ['TotalAllocates', 'u32'],
  ['AllocateMisses', 'u32'],
  ['TotalFrees', 'u32'],
  ['FreeMisses', 'u32'],
  ['Type', 'u32'],
  ['Tag', 'u32'],
  ['Size', 'u32'],
  ['Allocate', 'ptr'],
  ['Free', 'ptr'],
  ['ListEntry', LIST_ENTRY],
  ['LastTotalAllocates', 'u32'],
  ['LastAllocateMisses', 'u32'],
  ['Future', array('u32', 2)],
]);

export const NPAGED_LOOKASIDE_LIST = struct('NPAGED_LOOKASIDE_LIST', [
  ['L', GENERAL_LOOKASIDE],
  ['Lock__ObsoleteButDoNotDelete', 'u32'],
]);

export const PAGED_LOOKASIDE_LIST = struct('PAGED_LOOKASIDE_LIST', [
  ['L', GENERAL_LOOKASIDE],
  ['Lock__ObsoleteButDoNotDelete', FAST_MUTEX],
]);

/** IO_REMOVE_LOCK of a free build (no IO_REMOVE_LOCK_DBG_BLOCK): IoCount starts at 1, the lock's own bias. */
export const IO_REMOVE_LOCK = struct('IO_REMOVE_LOCK', [
  [
    'Common',
    struct('IO_REMOVE_LOCK_COMMON_BLOCK', [
      ['Removed', 'u8'],
      ['Reserved', array('u8', 3)],
      ['IoCount', 'i32'],
      ['RemoveEvent', KEVENT],
    ]),
  ],
]);

// ---------------------------------------------------------------------------------------------
// Executive and kernel synchronization, strings and versions (dv/exke.h)

/** KSEMAPHORE: the count is the header's SignalState; Limit is the most it may reach. */
export const KSEMAPHORE = struct('KSEMAPHORE', [
  ['Header', DISPATCHER_HEADER],
  ['Limit', 'i32'],
]);

/** OWNER_ENTRY of an ERESOURCE: a thread and how many times it holds the resource. */
export const OWNER_ENTRY = struct('OWNER_ENTRY', [
  ['OwnerThread', 'u32'],
  ['OwnerCount', 'u32'],
]);

/**
 * ERESOURCE (x86, 0x38 bytes). ActiveCount counts acquisitions; Flag has ResourceOwnedExclusive
 * (0x80); OwnerEntry is the exclusive owner or the first shared one; ActiveEntries counts owners.
 */
export const ERESOURCE = struct('ERESOURCE', [
  ['SystemResourcesList', LIST_ENTRY],
  ['OwnerTable', 'ptr'],
  ['ActiveCount', 'i16'],
  ['Flag', 'u16'],
  ['SharedWaiters', 'ptr'],
  ['ExclusiveWaiters', 'ptr'],
  ['OwnerEntry', OWNER_ENTRY],
  ['ActiveEntries', 'u32'],
  ['ContentionCount', 'u32'],
  ['NumberOfSharedWaiters', 'u32'],
  ['NumberOfExclusiveWaiters', 'u32'],
  ['Address', 'ptr'],
  ['SpinLock', 'u32'],
]);

/** STRING, which ANSI_STRING and OEM_STRING are: counted 8-bit text. */
export const STRING = struct('STRING', [
  ['Length', 'u16'],
  ['MaximumLength', 'u16'],
  ['Buffer', 'ptr'],
]);

/** RTL_OSVERSIONINFOEXW; RTL_OSVERSIONINFOW is its first 0x114 bytes (up to szCSDVersion). */
export const RTL_OSVERSIONINFOEXW = struct('RTL_OSVERSIONINFOEXW', [
  ['dwOSVersionInfoSize', 'u32'],
  ['dwMajorVersion', 'u32'],
  ['dwMinorVersion', 'u32'],
  ['dwBuildNumber', 'u32'],
  ['dwPlatformId', 'u32'],
  ['szCSDVersion', array('u16', 128)],
  ['wServicePackMajor', 'u16'],
  ['wServicePackMinor', 'u16'],
  ['wSuiteMask', 'u16'],
  ['wProductType', 'u8'],
  ['wReserved', 'u8'],
]);

/** KFLOATING_SAVE (x86): the x87 state KeSaveFloatingPointState keeps. */
export const KFLOATING_SAVE = struct('KFLOATING_SAVE', [
  ['ControlWord', 'u32'],
  ['StatusWord', 'u32'],
  ['ErrorOffset', 'u32'],
  ['ErrorSelector', 'u32'],
  ['DataOffset', 'u32'],
  ['DataSelector', 'u32'],
  ['Spare0', 'u32'],
  ['Spare1', 'u32'],
]);

export const LUID = struct('LUID', [
  ['LowPart', 'u32'],
  ['HighPart', 'i32'],
]);

/** The privileges of SE_EXPORTS, in its order, with their LUIDs' LowPart (the SE_*_PRIVILEGE values). */
export const SE_EXPORTS_PRIVILEGES = [
  ['SeCreateTokenPrivilege', 2],
  ['SeAssignPrimaryTokenPrivilege', 3],
  ['SeLockMemoryPrivilege', 4],
  ['SeIncreaseQuotaPrivilege', 5],
  ['SeUnsolicitedInputPrivilege', 6],
  ['SeTcbPrivilege', 7],
  ['SeSecurityPrivilege', 8],
  ['SeTakeOwnershipPrivilege', 9],
  ['SeLoadDriverPrivilege', 10],
  ['SeCreatePagefilePrivilege', 15],
  ['SeIncreaseBasePriorityPrivilege', 14],
  ['SeSystemProfilePrivilege', 11],
  ['SeSystemtimePrivilege', 12],
  ['SeProfileSingleProcessPrivilege', 13],
  ['SeCreatePermanentPrivilege', 16],
  ['SeBackupPrivilege', 17],
  ['SeRestorePrivilege', 18],
  ['SeShutdownPrivilege', 19],
  ['SeDebugPrivilege', 20],
  ['SeAuditPrivilege', 21],
  ['SeSystemEnvironmentPrivilege', 22],
  ['SeChangeNotifyPrivilege', 23],
  ['SeRemoteShutdownPrivilege', 24],
] as const;

/** SE_EXPORTS, the part with the privilege LUIDs (the well-known SIDs that follow are not modelled). */
export const SE_EXPORTS = struct(
  'SE_EXPORTS',
  SE_EXPORTS_PRIVILEGES.map(([name]) => [name, LUID] as const),
);

const EXKE_LAYOUTS = [SLIST_HEADER, KSEMAPHORE, OWNER_ENTRY, ERESOURCE, STRING, RTL_OSVERSIONINFOEXW, KFLOATING_SAVE, LUID, SE_EXPORTS];
// ---- object attributes and the registry (kernel/cm) -------------------------------------------

export const OBJECT_ATTRIBUTES = struct('OBJECT_ATTRIBUTES', [
  ['Length', 'u32'],
  ['RootDirectory', 'ptr'],
  ['ObjectName', 'ptr'],
  ['Attributes', 'u32'],
  ['SecurityDescriptor', 'ptr'],
  ['SecurityQualityOfService', 'ptr'],
]);

/** The KEY_VALUE_* and KEY_* information structures end in a variable-length array declared [1]. */
export const KEY_VALUE_BASIC_INFORMATION = struct('KEY_VALUE_BASIC_INFORMATION', [
  ['TitleIndex', 'u32'],
  ['Type', 'u32'],
  ['NameLength', 'u32'],
  ['Name', array('u16', 1)],
]);

export const KEY_VALUE_FULL_INFORMATION = struct('KEY_VALUE_FULL_INFORMATION', [
  ['TitleIndex', 'u32'],
  ['Type', 'u32'],
  ['DataOffset', 'u32'],
  ['DataLength', 'u32'],
  ['NameLength', 'u32'],
  ['Name', array('u16', 1)],
]);

export const KEY_VALUE_PARTIAL_INFORMATION = struct('KEY_VALUE_PARTIAL_INFORMATION', [
  ['TitleIndex', 'u32'],
  ['Type', 'u32'],
  ['DataLength', 'u32'],
  ['Data', array('u8', 1)],
]);

export const KEY_BASIC_INFORMATION = struct('KEY_BASIC_INFORMATION', [
  ['LastWriteTime', 'i64'],
  ['TitleIndex', 'u32'],
  ['NameLength', 'u32'],
  ['Name', array('u16', 1)],
]);

export const KEY_NODE_INFORMATION = struct('KEY_NODE_INFORMATION', [
  ['LastWriteTime', 'i64'],
  ['TitleIndex', 'u32'],
  ['ClassOffset', 'u32'],
  ['ClassLength', 'u32'],
  ['NameLength', 'u32'],
  ['Name', array('u16', 1)],
]);

export const KEY_FULL_INFORMATION = struct('KEY_FULL_INFORMATION', [
  ['LastWriteTime', 'i64'],
  ['TitleIndex', 'u32'],
  ['ClassOffset', 'u32'],
  ['ClassLength', 'u32'],
  ['SubKeys', 'u32'],
  ['MaxNameLen', 'u32'],
  ['MaxClassLen', 'u32'],
  ['Values', 'u32'],
  ['MaxValueNameLen', 'u32'],
  ['MaxValueDataLen', 'u32'],
  ['Class', array('u16', 1)],
]);

export const KEY_NAME_INFORMATION = struct('KEY_NAME_INFORMATION', [
  ['NameLength', 'u32'],
  ['Name', array('u16', 1)],
]);

export const RTL_QUERY_REGISTRY_TABLE = struct('RTL_QUERY_REGISTRY_TABLE', [
  ['QueryRoutine', 'ptr'],
  ['Flags', 'u32'],
  ['Name', 'ptr'],
  ['EntryContext', 'ptr'],
  ['DefaultType', 'u32'],
  ['DefaultData', 'ptr'],
  ['DefaultLength', 'u32'],
]);

// ---- process, thread and image callbacks (src/kernel/ps/notify.ts, src/kernel/ob/callbacks.ts) ----

export const CLIENT_ID = struct('CLIENT_ID', [
  ['UniqueProcess', 'ptr'],
  ['UniqueThread', 'ptr'],
]);

/** What a PsSetCreateProcessNotifyRoutineEx routine sees of a process being created; Flags holds FileOpenNameAvailable (bit 0). */
export const PS_CREATE_NOTIFY_INFO = struct('PS_CREATE_NOTIFY_INFO', [
  ['Size', 'u32'],
  ['Flags', 'u32'],
  ['ParentProcessId', 'ptr'],
  ['CreatingThreadId', CLIENT_ID],
  ['FileObject', 'ptr'],
  ['ImageFileName', 'ptr'],
  ['CommandLine', 'ptr'],
  ['CreationStatus', 'i32'],
]);

/** Properties packs ImageAddressingMode (bits 0-7) and SystemModeImage (bit 8). */
export const IMAGE_INFO = struct('IMAGE_INFO', [
  ['Properties', 'u32'],
  ['ImageBase', 'ptr'],
  ['ImageSelector', 'u32'],
  ['ImageSize', 'u32'],
  ['ImageSectionNumber', 'u32'],
]);

export const OB_OPERATION_REGISTRATION = struct('OB_OPERATION_REGISTRATION', [
  ['ObjectType', 'ptr'],
  ['Operations', 'u32'],
  ['PreOperation', 'ptr'],
  ['PostOperation', 'ptr'],
]);

export const OB_CALLBACK_REGISTRATION = struct('OB_CALLBACK_REGISTRATION', [
  ['Version', 'u16'],
  ['OperationRegistrationCount', 'u16'],
  ['Altitude', UNICODE_STRING],
  ['RegistrationContext', 'ptr'],
  ['OperationRegistration', 'ptr'],
]);

export const OB_PRE_CREATE_HANDLE_INFORMATION = struct('OB_PRE_CREATE_HANDLE_INFORMATION', [
  ['DesiredAccess', 'u32'],
  ['OriginalDesiredAccess', 'u32'],
]);

export const OB_PRE_DUPLICATE_HANDLE_INFORMATION = struct('OB_PRE_DUPLICATE_HANDLE_INFORMATION', [
  ['DesiredAccess', 'u32'],
  ['OriginalDesiredAccess', 'u32'],
  ['SourceProcess', 'ptr'],
  ['TargetProcess', 'ptr'],
]);

/** Flags holds KernelHandle (bit 0). */
export const OB_PRE_OPERATION_INFORMATION = struct('OB_PRE_OPERATION_INFORMATION', [
  ['Operation', 'u32'],
  ['Flags', 'u32'],
  ['Object', 'ptr'],
  ['ObjectType', 'ptr'],
  ['CallContext', 'ptr'],
  ['Parameters', 'ptr'],
]);

export const OB_POST_OPERATION_INFORMATION = struct('OB_POST_OPERATION_INFORMATION', [
  ['Operation', 'u32'],
  ['Flags', 'u32'],
  ['Object', 'ptr'],
  ['ObjectType', 'ptr'],
  ['CallContext', 'ptr'],
  ['ReturnStatus', 'i32'],
  ['Parameters', 'ptr'],
]);

/** What a registry filtering callback (CmRegisterCallbackEx) receives as Argument2. */
export const REG_DELETE_KEY_INFORMATION = struct('REG_DELETE_KEY_INFORMATION', [
  ['Object', 'ptr'],
  ['CallContext', 'ptr'],
  ['ObjectContext', 'ptr'],
  ['Reserved', 'ptr'],
]);

export const REG_SET_VALUE_KEY_INFORMATION = struct('REG_SET_VALUE_KEY_INFORMATION', [
  ['Object', 'ptr'],
  ['ValueName', 'ptr'],
  ['TitleIndex', 'u32'],
  ['Type', 'u32'],
  ['Data', 'ptr'],
  ['DataSize', 'u32'],
  ['CallContext', 'ptr'],
  ['ObjectContext', 'ptr'],
  ['Reserved', 'ptr'],
]);

export const REG_DELETE_VALUE_KEY_INFORMATION = struct('REG_DELETE_VALUE_KEY_INFORMATION', [
  ['Object', 'ptr'],
  ['ValueName', 'ptr'],
  ['CallContext', 'ptr'],
  ['ObjectContext', 'ptr'],
  ['Reserved', 'ptr'],
]);

export const REG_POST_OPERATION_INFORMATION = struct('REG_POST_OPERATION_INFORMATION', [
  ['Object', 'ptr'],
  ['Status', 'i32'],
  ['PreInformation', 'ptr'],
  ['ReturnStatus', 'i32'],
  ['CallContext', 'ptr'],
  ['ObjectContext', 'ptr'],
  ['Reserved', 'ptr'],
]);

export const REG_KEY_HANDLE_CLOSE_INFORMATION = struct('REG_KEY_HANDLE_CLOSE_INFORMATION', [
  ['Object', 'ptr'],
  ['CallContext', 'ptr'],
  ['ObjectContext', 'ptr'],
  ['Reserved', 'ptr'],
]);

export const REG_QUERY_VALUE_KEY_INFORMATION = struct('REG_QUERY_VALUE_KEY_INFORMATION', [
  ['Object', 'ptr'],
  ['ValueName', 'ptr'],
  ['KeyValueInformationClass', 'u32'],
  ['KeyValueInformation', 'ptr'],
  ['Length', 'u32'],
  ['ResultLength', 'ptr'],
  ['CallContext', 'ptr'],
  ['ObjectContext', 'ptr'],
  ['Reserved', 'ptr'],
]);

export const REG_ENUMERATE_KEY_INFORMATION = struct('REG_ENUMERATE_KEY_INFORMATION', [
  ['Object', 'ptr'],
  ['Index', 'u32'],
  ['KeyInformationClass', 'u32'],
  ['KeyInformation', 'ptr'],
  ['Length', 'u32'],
  ['ResultLength', 'ptr'],
  ['CallContext', 'ptr'],
  ['ObjectContext', 'ptr'],
  ['Reserved', 'ptr'],
]);

export const REG_ENUMERATE_VALUE_KEY_INFORMATION = struct('REG_ENUMERATE_VALUE_KEY_INFORMATION', [
  ['Object', 'ptr'],
  ['Index', 'u32'],
  ['KeyValueInformationClass', 'u32'],
  ['KeyValueInformation', 'ptr'],
  ['Length', 'u32'],
  ['ResultLength', 'ptr'],
  ['CallContext', 'ptr'],
  ['ObjectContext', 'ptr'],
  ['Reserved', 'ptr'],
]);

export const REG_QUERY_KEY_INFORMATION = struct('REG_QUERY_KEY_INFORMATION', [
  ['Object', 'ptr'],
  ['KeyInformationClass', 'u32'],
  ['KeyInformation', 'ptr'],
  ['Length', 'u32'],
  ['ResultLength', 'ptr'],
  ['CallContext', 'ptr'],
  ['ObjectContext', 'ptr'],
  ['Reserved', 'ptr'],
]);

export const REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION = struct('REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION', [
  ['Object', 'ptr'],
  ['ObjectContext', 'ptr'],
  ['Reserved', 'ptr'],
]);

/** RegNtPreCreateKeyEx / RegNtPreOpenKeyEx (Version 1). */
export const REG_CREATE_KEY_INFORMATION_V1 = struct('REG_CREATE_KEY_INFORMATION_V1', [
  ['CompleteName', 'ptr'],
  ['RootObject', 'ptr'],
  ['ObjectType', 'ptr'],
  ['Options', 'u32'],
  ['Class', 'ptr'],
  ['SecurityDescriptor', 'ptr'],
  ['SecurityQualityOfService', 'ptr'],
  ['DesiredAccess', 'u32'],
  ['GrantedAccess', 'u32'],
  ['Disposition', 'ptr'],
  ['ResultObject', 'ptr'],
  ['CallContext', 'ptr'],
  ['RootObjectContext', 'ptr'],
  ['Transaction', 'ptr'],
  ['Version', 'u32'],
  ['RemainingName', 'ptr'],
  ['Wow64Flags', 'u32'],
  ['Attributes', 'u32'],
  ['CheckAccessMode', 'i8'],
]);

/** Every layout, for `dt`-style listings and for checking the C headers. */
// ---------------------------------------------------------------------------------------------
// Structured exception handling

export const EXCEPTION_MAXIMUM_PARAMETERS = 15;

export const EXCEPTION_RECORD = struct('EXCEPTION_RECORD', [
  ['ExceptionCode', 'i32'],
  ['ExceptionFlags', 'u32'],
  ['ExceptionRecord', 'ptr'],
  ['ExceptionAddress', 'ptr'],
  ['NumberParameters', 'u32'],
  ['ExceptionInformation', array('ptr', EXCEPTION_MAXIMUM_PARAMETERS)],
]);

export const EXCEPTION_POINTERS = struct('EXCEPTION_POINTERS', [
  ['ExceptionRecord', 'ptr'],
  ['ContextRecord', 'ptr'],
]);

/**
 * One __try of a C driver (ddk/include/dv/seh.h), on the driver's stack: the setjmp point the
 * kernel sends an exception to, where the body is, and the exception it met. Our own structure.
 */
export const DV_SEH_FRAME = struct('DV_SEH_FRAME', [
  ['JumpBuffer', array('u32', 2)],
  ['State', 'i32'],
  ['ExceptionRecord', EXCEPTION_RECORD],
  ['ExceptionPointers', EXCEPTION_POINTERS],
]);

/** DV_SEH_FRAME.State: where a __try statement is. */
export const SEH_STATE = {
  NEW: 0,
  BODY: 1,
  /** An exception was sent here; the filter (or the __finally block) has not run yet. */
  EXCEPTION: 2,
  HANDLER: 3,
  NORMAL_END: 4,
  DONE: 5,
} as const;

/** What a __except filter returns (excpt.h). */
export const EXCEPTION_EXECUTE_HANDLER = 1;
export const EXCEPTION_CONTINUE_SEARCH = 0;
export const EXCEPTION_CONTINUE_EXECUTION = -1;

/** What ObReferenceObjectByHandle tells of the handle it resolved. */
export const OBJECT_HANDLE_INFORMATION = struct('OBJECT_HANDLE_INFORMATION', [
  ['HandleAttributes', 'u32'],
  ['GrantedAccess', 'u32'],
]);

/* ---- HAL: interrupts and DMA (wdm.h) ---- */

/** KINTERRUPT_MODE. */
export const KINTERRUPT_MODE = { LevelSensitive: 0, Latched: 1 } as const;

/** IO_CONNECT_INTERRUPT_PARAMETERS.Version: which member of the union the caller filled. */
export const CONNECT_VERSION = { FULLY_SPECIFIED: 1, LINE_BASED: 2, MESSAGE_BASED: 3, FULLY_SPECIFIED_GROUP: 4, MESSAGE_BASED_PASSIVE: 5 } as const;

export const IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS = struct('IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS', [
  ['PhysicalDeviceObject', 'ptr'],
  ['InterruptObject', 'ptr'],
  ['ServiceRoutine', 'ptr'],
  ['ServiceContext', 'ptr'],
  ['SpinLock', 'ptr'],
  ['SynchronizeIrql', 'u8'],
  ['FloatingSave', 'u8'],
  ['ShareVector', 'u8'],
  ['Vector', 'u32'],
  ['Irql', 'u8'],
  ['InterruptMode', 'u32'],
  ['ProcessorEnableMask', 'u32'],
  ['Group', 'u16'],
]);

export const IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS = struct('IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS', [
  ['PhysicalDeviceObject', 'ptr'],
  ['InterruptObject', 'ptr'],
  ['ServiceRoutine', 'ptr'],
  ['ServiceContext', 'ptr'],
  ['SpinLock', 'ptr'],
  ['SynchronizeIrql', 'u8'],
  ['FloatingSave', 'u8'],
]);

export const IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS = struct('IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS', [
  ['PhysicalDeviceObject', 'ptr'],
  ['ConnectionContext', union('ConnectionContext', [['Generic', 'ptr'], ['InterruptMessageTable', 'ptr'], ['InterruptObject', 'ptr']])],
  ['MessageServiceRoutine', 'ptr'],
  ['ServiceContext', 'ptr'],
  ['SpinLock', 'ptr'],
  ['SynchronizeIrql', 'u8'],
  ['FloatingSave', 'u8'],
  ['FallBackServiceRoutine', 'ptr'],
]);

const CONNECT_PARAMETERS_UNION = union('', [
  ['FullySpecified', IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS],
  ['LineBased', IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS],
  ['MessageBased', IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS],
]);

/** Version, then an anonymous union (C names its members directly): laid out by hand, the union at 4. */
export const IO_CONNECT_INTERRUPT_PARAMETERS: StructLayout = (() => {
  const base = 4;
  const fields: Field[] = [{ name: 'Version', offset: 0, size: 4, type: 'u32' }, ...CONNECT_PARAMETERS_UNION.fields.map((f) => ({ ...f, offset: base + f.offset }))];
  const off: Record<string, number> = {};
  for (const f of fields) {
    off[f.name] = f.offset;
    if (typeof f.type !== 'string' && !('array' in f.type)) for (const [inner, o] of Object.entries(f.type.off)) off[`${f.name}.${inner}`] = f.offset + o;
  }
  return { name: 'IO_CONNECT_INTERRUPT_PARAMETERS', size: base + CONNECT_PARAMETERS_UNION.size, align: 4, fields, off };
})();

const CONNECTION_CONTEXT = union('ConnectionContext', [
  ['Generic', 'ptr'],
  ['InterruptObject', 'ptr'],
  ['InterruptMessageTable', 'ptr'],
]);

export const IO_DISCONNECT_INTERRUPT_PARAMETERS = struct('IO_DISCONNECT_INTERRUPT_PARAMETERS', [
  ['Version', 'u32'],
  ['ConnectionContext', CONNECTION_CONTEXT],
]);

/** DEVICE_DESCRIPTION (with the Windows 8 members). */
export const DEVICE_DESCRIPTION = struct('DEVICE_DESCRIPTION', [
  ['Version', 'u32'],
  ['Master', 'u8'],
  ['ScatterGather', 'u8'],
  ['DemandMode', 'u8'],
  ['AutoInitialize', 'u8'],
  ['Dma32BitAddresses', 'u8'],
  ['IgnoreCount', 'u8'],
  ['Reserved1', 'u8'],
  ['Dma64BitAddresses', 'u8'],
  ['BusNumber', 'u32'],
  ['DmaChannel', 'u32'],
  ['InterfaceType', 'i32'],
  ['DmaWidth', 'u32'],
  ['DmaSpeed', 'u32'],
  ['MaximumLength', 'u32'],
  ['DmaPort', 'u32'],
  ['DmaAddressWidth', 'u32'],
  ['DmaControllerInstance', 'u32'],
  ['DmaRequestLine', 'u32'],
  ['DeviceAddress', 'i64'],
]);

export const DMA_ADAPTER = struct('DMA_ADAPTER', [
  ['Version', 'u16'],
  ['Size', 'u16'],
  ['DmaOperations', 'ptr'],
]);

/**
 * The routines of a DMA_OPERATIONS table, in table order (one definition: layout and kernel): version 1's,
 * then version 2's (CalculateScatterGatherList...), then version 3's (Windows 8: GetDmaAdapterInfo...).
 */
export const DMA_OPERATION_NAMES = [
  'PutDmaAdapter',
  'AllocateCommonBuffer',
  'FreeCommonBuffer',
  'AllocateAdapterChannel',
  'FlushAdapterBuffers',
  'FreeAdapterChannel',
  'FreeMapRegisters',
  'MapTransfer',
  'GetDmaAlignment',
  'ReadDmaCounter',
  'GetScatterGatherList',
  'PutScatterGatherList',
  'CalculateScatterGatherList',
  'BuildScatterGatherList',
  'BuildMdlFromScatterGatherList',
  'GetDmaAdapterInfo',
  'GetDmaTransferInfo',
  'InitializeDmaTransferContext',
  'AllocateCommonBufferEx',
  'AllocateAdapterChannelEx',
  'ConfigureAdapterChannel',
  'CancelAdapterChannel',
  'MapTransferEx',
  'GetScatterGatherListEx',
  'BuildScatterGatherListEx',
  'FlushAdapterBuffersEx',
  'FreeAdapterObject',
  'CancelMappedTransfer',
] as const;
export type DmaOperationName = (typeof DMA_OPERATION_NAMES)[number];

export const DMA_OPERATIONS = struct('DMA_OPERATIONS', [['Size', 'u32'], ...DMA_OPERATION_NAMES.map((n) => [n, 'ptr'] as const)]);

export const SCATTER_GATHER_ELEMENT = struct('SCATTER_GATHER_ELEMENT', [
  ['Address', 'i64'],
  ['Length', 'u32'],
  ['Reserved', 'u32'],
]);

/** The header; its flexible Elements[NumberOfElements] follow at SCATTER_GATHER_ELEMENTS. */
export const SCATTER_GATHER_LIST: StructLayout = {
  ...struct('SCATTER_GATHER_LIST', [
    ['NumberOfElements', 'u32'],
    ['Reserved', 'u32'],
  ]),
  // The elements' PHYSICAL_ADDRESS aligns the whole list to 8.
  align: 8,
};
export const SCATTER_GATHER_ELEMENTS = 8;

export const DMA_ADAPTER_INFO_V1 = struct('DMA_ADAPTER_INFO_V1', [
  ['ReadDmaCounterAvailable', 'u32'],
  ['ScatterGatherLimit', 'u32'],
  ['DmaAddressWidth', 'u32'],
  ['Flags', 'u32'],
  ['MinimumTransferUnit', 'u32'],
]);
/** GetDmaAdapterInfo's answer: a version, then (an anonymous union of) the version 1 member. */
export const DMA_ADAPTER_INFO = struct('DMA_ADAPTER_INFO', [
  ['Version', 'u32'],
  ['V1', DMA_ADAPTER_INFO_V1],
]);

export const DMA_TRANSFER_INFO_V1 = struct('DMA_TRANSFER_INFO_V1', [
  ['MapRegisterCount', 'u32'],
  ['ScatterGatherElementCount', 'u32'],
  ['ScatterGatherListSize', 'u32'],
]);
/** GetDmaTransferInfo's answer. */
export const DMA_TRANSFER_INFO = struct('DMA_TRANSFER_INFO', [
  ['Version', 'u32'],
  ['V1', DMA_TRANSFER_INFO_V1],
]);

const HAL_LAYOUTS = [
  IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS,
  IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS,
  IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS,
  IO_CONNECT_INTERRUPT_PARAMETERS,
  IO_DISCONNECT_INTERRUPT_PARAMETERS,
  DEVICE_DESCRIPTION,
  DMA_ADAPTER,
  DMA_OPERATIONS,
  SCATTER_GATHER_ELEMENT,
  SCATTER_GATHER_LIST,
  DMA_ADAPTER_INFO_V1,
  DMA_ADAPTER_INFO,
  DMA_TRANSFER_INFO_V1,
  DMA_TRANSFER_INFO,
];

/** Every layout, for `dt`-style listings and for checking the C headers. */
/**
 * The I/O manager's extension of a device object (DeviceObject->DeviceObjectExtension): wdm.h shows
 * its first three members; the rest are Windows' own, here because !devobj and the stack DDIs read them.
 */
export const DEVOBJ_EXTENSION = struct('DEVOBJ_EXTENSION', [
  ['Type', 'i16'],
  ['Size', 'u16'],
  ['DeviceObject', 'ptr'],
  ['PowerFlags', 'u32'],
  ['Dope', 'ptr'],
  ['ExtensionFlags', 'u32'],
  ['DeviceNode', 'ptr'],
  ['AttachedTo', 'ptr'],
]);

/**
 * IRP_MN_QUERY_CAPABILITIES's structure. The one-bit flags (DeviceD1 ... DecodeIoOnBoot) share a
 * ULONG, which C also names DvCapabilityBits (offsetof cannot name a bit-field); CAPABILITY_BIT in
 * nt/pnp.ts has their positions. DeviceState is indexed by SYSTEM_POWER_STATE.
 */
export const DEVICE_CAPABILITIES = struct('DEVICE_CAPABILITIES', [
  ['Size', 'u16'],
  ['Version', 'u16'],
  ['DvCapabilityBits', 'u32'],
  ['Address', 'u32'],
  ['UINumber', 'u32'],
  ['DeviceState', array('u32', POWER_SYSTEM_MAXIMUM)],
  ['SystemWake', 'u32'],
  ['DeviceWake', 'u32'],
  ['D1Latency', 'u32'],
  ['D2Latency', 'u32'],
  ['D3Latency', 'u32'],
]);

/** IRP_MN_QUERY_INTERFACE's INTERFACE header: what every interface structure starts with (wdm.h). */
export const INTERFACE = struct('INTERFACE', [
  ['Size', 'u16'],
  ['Version', 'u16'],
  ['Context', 'ptr'],
  ['InterfaceReference', 'ptr'],
  ['InterfaceDereference', 'ptr'],
]);

/** GUID_POWER_LIMIT_INTERFACE's interface (poclass.h): the INTERFACE header, then the power limit routines. */
export const POWER_LIMIT_INTERFACE = struct('POWER_LIMIT_INTERFACE', [
  ['Size', 'u16'],
  ['Version', 'u16'],
  ['Context', 'ptr'],
  ['InterfaceReference', 'ptr'],
  ['InterfaceDereference', 'ptr'],
  ['DomainCount', 'u32'],
  ['QueryAttributes', 'ptr'],
  ['SetPowerLimit', 'ptr'],
  ['QueryPowerLimit', 'ptr'],
]);

/** IRP_MN_QUERY_BUS_INFORMATION's answer (GUID as 16 bytes, LegacyBusType an INTERFACE_TYPE). */
export const PNP_BUS_INFORMATION = struct('PNP_BUS_INFORMATION', [
  ['BusTypeGuid', array('u8', 16)],
  ['LegacyBusType', 'i32'],
  ['BusNumber', 'u32'],
]);

/** IRP_MN_QUERY_DEVICE_RELATIONS's answer: Count, then Count referenced device objects. */
export const DEVICE_RELATIONS = struct('DEVICE_RELATIONS', [
  ['Count', 'u32'],
  ['Objects', array('ptr', 1)],
]);

// ---------------------------------------------------------------------------------------------
// Hardware resources (IRP_MN_START_DEVICE's AllocatedResources[Translated]). wdm.h declares them
// under pshpack4.h: the 64-bit start addresses are 4-aligned, so a descriptor is 16 bytes as on x86.

/** PHYSICAL_ADDRESS as a packed member sees it: LowPart and HighPart, 4-aligned. */
const PHYSICAL_ADDRESS_PACK4 = struct('PHYSICAL_ADDRESS', [
  ['LowPart', 'u32'],
  ['HighPart', 'i32'],
]);
const CM_RANGE = struct('CM_RANGE', [
  ['Start', PHYSICAL_ADDRESS_PACK4],
  ['Length', 'u32'],
]);
const CM_DESCRIPTOR_UNION = union('CM_PARTIAL_RESOURCE_DESCRIPTOR_U', [
  ['Generic', CM_RANGE],
  ['Port', CM_RANGE],
  [
    'Interrupt',
    struct('CM_INTERRUPT', [
      ['Level', 'u16'],
      ['Group', 'u16'],
      ['Vector', 'u32'],
      ['Affinity', 'u32'],
    ]),
  ],
  ['Memory', CM_RANGE],
  [
    'Dma',
    struct('CM_DMA', [
      ['Channel', 'u32'],
      ['Port', 'u32'],
      ['Reserved1', 'u32'],
    ]),
  ],
  ['DevicePrivate', struct('CM_DEVICE_PRIVATE', [['Data', array('u32', 3)]])],
  [
    'DeviceSpecificData',
    struct('CM_DEVICE_SPECIFIC_DATA', [
      ['DataSize', 'u32'],
      ['Reserved1', 'u32'],
      ['Reserved2', 'u32'],
    ]),
  ],
  [
    'Connection',
    struct('CM_CONNECTION', [
      ['Class', 'u8'],
      ['Type', 'u8'],
      ['Reserved1', 'u8'],
      ['Reserved2', 'u8'],
      ['IdLowPart', 'u32'],
      ['IdHighPart', 'u32'],
    ]),
  ],
]);
export const CM_PARTIAL_RESOURCE_DESCRIPTOR = struct('CM_PARTIAL_RESOURCE_DESCRIPTOR', [
  ['Type', 'u8'],
  ['ShareDisposition', 'u8'],
  ['Flags', 'u16'],
  ['u', CM_DESCRIPTOR_UNION],
]);
export const CM_PARTIAL_RESOURCE_LIST = struct('CM_PARTIAL_RESOURCE_LIST', [
  ['Version', 'u16'],
  ['Revision', 'u16'],
  ['Count', 'u32'],
  ['PartialDescriptors', array(CM_PARTIAL_RESOURCE_DESCRIPTOR, 1)],
]);
export const CM_FULL_RESOURCE_DESCRIPTOR = struct('CM_FULL_RESOURCE_DESCRIPTOR', [
  ['InterfaceType', 'i32'],
  ['BusNumber', 'u32'],
  ['PartialResourceList', CM_PARTIAL_RESOURCE_LIST],
]);
export const CM_RESOURCE_LIST = struct('CM_RESOURCE_LIST', [
  ['Count', 'u32'],
  ['List', array(CM_FULL_RESOURCE_DESCRIPTOR, 1)],
]);
/**
 * What a device can use (IRP_MN_QUERY_RESOURCE_REQUIREMENTS' answer): ranges and vectors to choose in, in
 * alternative lists. Not packed: the 64-bit addresses are 8-aligned, a descriptor is 32 bytes.
 */
const IO_RANGE = struct('IO_RANGE', [
  ['Length', 'u32'],
  ['Alignment', 'u32'],
  ['MinimumAddress', 'i64'],
  ['MaximumAddress', 'i64'],
]);
export const IO_RESOURCE_DESCRIPTOR = struct('IO_RESOURCE_DESCRIPTOR', [
  ['Option', 'u8'],
  ['Type', 'u8'],
  ['ShareDisposition', 'u8'],
  ['Spare1', 'u8'],
  ['Flags', 'u16'],
  ['Spare2', 'u16'],
  [
    'u',
    union('IO_RESOURCE_DESCRIPTOR_U', [
      ['Port', IO_RANGE],
      ['Memory', IO_RANGE],
      ['Interrupt', struct('IO_INTERRUPT', [['MinimumVector', 'u32'], ['MaximumVector', 'u32']])],
      ['Generic', IO_RANGE],
    ]),
  ],
]);
export const IO_RESOURCE_LIST = struct('IO_RESOURCE_LIST', [
  ['Version', 'u16'],
  ['Revision', 'u16'],
  ['Count', 'u32'],
  ['Descriptors', array(IO_RESOURCE_DESCRIPTOR, 1)],
]);
export const IO_RESOURCE_REQUIREMENTS_LIST = struct('IO_RESOURCE_REQUIREMENTS_LIST', [
  ['ListSize', 'u32'],
  ['InterfaceType', 'i32'],
  ['BusNumber', 'u32'],
  ['SlotNumber', 'u32'],
  ['Reserved', array('u32', 3)],
  ['AlternativeLists', 'u32'],
  ['List', array(IO_RESOURCE_LIST, 1)],
]);
const RESOURCE_LAYOUTS = [CM_PARTIAL_RESOURCE_DESCRIPTOR, CM_PARTIAL_RESOURCE_LIST, CM_FULL_RESOURCE_DESCRIPTOR, CM_RESOURCE_LIST, IO_RESOURCE_DESCRIPTOR, IO_RESOURCE_LIST, IO_RESOURCE_REQUIREMENTS_LIST];

/** In-stack queued spin locks: the caller's queue entry (Next, the lock) and the IRQL to return to. */
export const KSPIN_LOCK_QUEUE = struct('KSPIN_LOCK_QUEUE', [
  ['Next', 'ptr'],
  ['Lock', 'ptr'],
]);
export const KLOCK_QUEUE_HANDLE = struct('KLOCK_QUEUE_HANDLE', [
  ['LockQueue', KSPIN_LOCK_QUEUE],
  ['OldIrql', 'u8'],
]);

/** A classic ETW provider's enable context (evntrace.h): its 8 bytes are the logger's TRACEHANDLE (kernel/etw). */
export const TRACE_ENABLE_CONTEXT = struct('TRACE_ENABLE_CONTEXT', [
  ['LoggerId', 'u16'],
  ['Level', 'u8'],
  ['InternalFlag', 'u8'],
  ['EnableFlags', 'u32'],
]);

// ---- the file system's information classes (kernel/io/file-system.ts) ------------------------

export const FILE_POSITION_INFORMATION = struct('FILE_POSITION_INFORMATION', [['CurrentByteOffset', 'i64']]);

export const FILE_STANDARD_INFORMATION = struct('FILE_STANDARD_INFORMATION', [
  ['AllocationSize', 'i64'],
  ['EndOfFile', 'i64'],
  ['NumberOfLinks', 'u32'],
  ['DeletePending', 'u8'],
  ['Directory', 'u8'],
]);

export const FILE_END_OF_FILE_INFORMATION = struct('FILE_END_OF_FILE_INFORMATION', [['EndOfFile', 'i64']]);

export const LAYOUTS: readonly StructLayout[] = [
  OBJECT_HANDLE_INFORMATION,
  LIST_ENTRY,
  SINGLE_LIST_ENTRY,
  UNICODE_STRING,
  IO_STATUS_BLOCK,
  DISPATCHER_HEADER,
  KEVENT,
  KDPC,
  KTIMER,
  DRIVER_OBJECT,
  DRIVER_EXTENSION,
  KDEVICE_QUEUE,
  DEVICE_OBJECT,
  FILE_OBJECT,
  MDL_LAYOUT,
  IO_STACK_LOCATION,
  IRP,
  WORK_QUEUE_ITEM,
  IO_WORKITEM,
  IO_CSQ,
  IO_CSQ_IRP_CONTEXT,
  FAST_MUTEX,
  KMUTANT,
  GENERAL_LOOKASIDE,
  NPAGED_LOOKASIDE_LIST,
  PAGED_LOOKASIDE_LIST,
  EXCEPTION_RECORD,
  EXCEPTION_POINTERS,
  DV_SEH_FRAME,
  IO_REMOVE_LOCK,
  ...EXKE_LAYOUTS,
  DEVOBJ_EXTENSION,
  DEVICE_CAPABILITIES,
  DEVICE_RELATIONS,
  OBJECT_ATTRIBUTES,
  KEY_VALUE_BASIC_INFORMATION,
  KEY_VALUE_FULL_INFORMATION,
  KEY_VALUE_PARTIAL_INFORMATION,
  KEY_BASIC_INFORMATION,
  KEY_NODE_INFORMATION,
  KEY_FULL_INFORMATION,
  KEY_NAME_INFORMATION,
  RTL_QUERY_REGISTRY_TABLE,
  CLIENT_ID,
  PS_CREATE_NOTIFY_INFO,
  IMAGE_INFO,
  OB_OPERATION_REGISTRATION,
  OB_CALLBACK_REGISTRATION,
  OB_PRE_CREATE_HANDLE_INFORMATION,
  OB_PRE_DUPLICATE_HANDLE_INFORMATION,
  OB_PRE_OPERATION_INFORMATION,
  OB_POST_OPERATION_INFORMATION,
  REG_DELETE_KEY_INFORMATION,
  REG_SET_VALUE_KEY_INFORMATION,
  REG_DELETE_VALUE_KEY_INFORMATION,
  REG_POST_OPERATION_INFORMATION,
  REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION,
  REG_CREATE_KEY_INFORMATION_V1,
  REG_KEY_HANDLE_CLOSE_INFORMATION,
  REG_QUERY_VALUE_KEY_INFORMATION,
  REG_ENUMERATE_KEY_INFORMATION,
  REG_ENUMERATE_VALUE_KEY_INFORMATION,
  REG_QUERY_KEY_INFORMATION,
  ...HAL_LAYOUTS,
  POWER_STATE,
  POWER_SEQUENCE,
  ...RESOURCE_LAYOUTS,
  DEVICE_INTERFACE_CHANGE_NOTIFICATION,
  INTERFACE,
  PNP_BUS_INFORMATION,
  TARGET_DEVICE_REMOVAL_NOTIFICATION,
  HWPROFILE_CHANGE_NOTIFICATION,
  KSPIN_LOCK_QUEUE,
  KLOCK_QUEUE_HANDLE,
  PO_FX_COMPONENT_IDLE_STATE,
  PO_FX_COMPONENT_V1,
  PO_FX_DEVICE_V1,
  TRACE_ENABLE_CONTEXT,
  FILE_POSITION_INFORMATION,
  FILE_STANDARD_INFORMATION,
  FILE_END_OF_FILE_INFORMATION,
  POWER_LIMIT_INTERFACE,
];
