/**
 * KMDF facts (the framework's structures as wdf.h declares them, its type codes, flags and enums),
 * laid out as the wasm32 C ABI lays them out. Used by src/wdf (the framework) and checked against
 * ddk/include/wdf*.h (test/wdf/Layout.test.ts). Values: the KMDF 1.33 headers and framework source
 * (see /work/shared/reference/kmdf-reference.md).
 */
import { array, struct, union, type StructLayout } from './layout.ts';

export const WDF_DRIVER_GLOBALS = struct('WDF_DRIVER_GLOBALS', [
  ['Driver', 'ptr'],
  ['DriverFlags', 'u32'],
  ['DriverTag', 'u32'],
  ['DriverName', array('u8', 32)],
  ['DisplaceDriverUnload', 'u8'],
]);

export const WDF_OBJECT_ATTRIBUTES = struct('WDF_OBJECT_ATTRIBUTES', [
  ['Size', 'u32'],
  ['EvtCleanupCallback', 'ptr'],
  ['EvtDestroyCallback', 'ptr'],
  ['ExecutionLevel', 'u32'],
  ['SynchronizationScope', 'u32'],
  ['ParentObject', 'ptr'],
  ['ContextSizeOverride', 'u32'],
  ['ContextTypeInfo', 'ptr'],
]);

export const WDF_OBJECT_CONTEXT_TYPE_INFO = struct('WDF_OBJECT_CONTEXT_TYPE_INFO', [
  ['Size', 'u32'],
  ['ContextName', 'ptr'],
  ['ContextSize', 'u32'],
  ['UniqueType', 'ptr'],
  ['EvtDriverGetUniqueContextType', 'ptr'],
]);

export const WDF_DRIVER_CONFIG = struct('WDF_DRIVER_CONFIG', [
  ['Size', 'u32'],
  ['EvtDriverDeviceAdd', 'ptr'],
  ['EvtDriverUnload', 'ptr'],
  ['DriverInitFlags', 'u32'],
  ['DriverPoolTag', 'u32'],
]);

export const WDF_FILEOBJECT_CONFIG = struct('WDF_FILEOBJECT_CONFIG', [
  ['Size', 'u32'],
  ['EvtDeviceFileCreate', 'ptr'],
  ['EvtFileClose', 'ptr'],
  ['EvtFileCleanup', 'ptr'],
  ['AutoForwardCleanupClose', 'u32'],
  ['FileObjectClass', 'u32'],
]);

export const WDF_IO_QUEUE_CONFIG = struct('WDF_IO_QUEUE_CONFIG', [
  ['Size', 'u32'],
  ['DispatchType', 'u32'],
  ['PowerManaged', 'u32'],
  ['AllowZeroLengthRequests', 'u8'],
  ['DefaultQueue', 'u8'],
  ['EvtIoDefault', 'ptr'],
  ['EvtIoRead', 'ptr'],
  ['EvtIoWrite', 'ptr'],
  ['EvtIoDeviceControl', 'ptr'],
  ['EvtIoInternalDeviceControl', 'ptr'],
  ['EvtIoStop', 'ptr'],
  ['EvtIoResume', 'ptr'],
  ['EvtIoCanceledOnQueue', 'ptr'],
  ['Settings', union('WDF_IO_QUEUE_CONFIG_SETTINGS', [['Parallel', struct('Parallel', [['NumberOfPresentedRequests', 'u32']])]])],
  ['Driver', 'ptr'],
]);

const REQUEST_PARAMETERS = union('WDF_REQUEST_PARAMETERS_UNION', [
  ['Create', struct('Create', [['SecurityContext', 'ptr'], ['Options', 'u32'], ['FileAttributes', 'u16'], ['ShareAccess', 'u16'], ['EaLength', 'u32']])],
  ['Read', struct('Read', [['Length', 'u32'], ['Key', 'u32'], ['DeviceOffset', 'i64']])],
  ['Write', struct('Write', [['Length', 'u32'], ['Key', 'u32'], ['DeviceOffset', 'i64']])],
  ['DeviceIoControl', struct('DeviceIoControl', [['OutputBufferLength', 'u32'], ['InputBufferLength', 'u32'], ['IoControlCode', 'u32'], ['Type3InputBuffer', 'ptr']])],
  ['Others', struct('Others', [['Arg1', 'ptr'], ['Arg2', 'ptr'], ['IoControlCode', 'u32'], ['Arg4', 'ptr']])],
]);

export const WDF_REQUEST_PARAMETERS = struct('WDF_REQUEST_PARAMETERS', [
  ['Size', 'u16'],
  ['MinorFunction', 'u8'],
  ['Type', 'u32'],
  ['Parameters', REQUEST_PARAMETERS],
]);

export const WDF_MEMORY_DESCRIPTOR = struct('WDF_MEMORY_DESCRIPTOR', [
  ['Type', 'u32'],
  [
    'u',
    union('WDF_MEMORY_DESCRIPTOR_U', [
      ['BufferType', struct('BufferType', [['Buffer', 'ptr'], ['Length', 'u32']])],
      ['MdlType', struct('MdlType', [['Mdl', 'ptr'], ['BufferLength', 'u32']])],
      ['HandleType', struct('HandleType', [['Memory', 'ptr'], ['Offsets', 'ptr']])],
    ]),
  ],
]);

export const WDFMEMORY_OFFSET = struct('WDFMEMORY_OFFSET', [
  ['BufferOffset', 'u32'],
  ['BufferLength', 'u32'],
]);

/** The structures wdf.h declares that the framework reads or writes. */
export const WDF_LAYOUTS: readonly StructLayout[] = [
  WDF_DRIVER_GLOBALS,
  WDF_OBJECT_ATTRIBUTES,
  WDF_OBJECT_CONTEXT_TYPE_INFO,
  WDF_DRIVER_CONFIG,
  WDF_FILEOBJECT_CONFIG,
  WDF_IO_QUEUE_CONFIG,
  WDF_REQUEST_PARAMETERS,
  WDF_MEMORY_DESCRIPTOR,
  WDFMEMORY_OFFSET,
];

/**
 * Object type codes (fxtypes.h): what `!wdfkd.wdfhandle` names and Parameter 3 of 0x10D/0x5 gives
 * as the expected type.
 */
export const FX_TYPE = {
  Object: 0x1000,
  Driver: 0x1001,
  Device: 0x1002,
  Queue: 0x1003,
  String: 0x1007,
  Request: 0x1008,
  Memory: 0x100a,
  Collection: 0x100e,
  Dpc: 0x1015,
  FileObject: 0x1018,
  WaitLock: 0x1023,
  SpinLock: 0x1024,
  WorkItem: 0x1025,
  Timer: 0x1028,
  IoTarget: 0x1200,
  CmResList: 0x1036,
  Interrupt: 0x1027,
  ChildList: 0x1029,
  RegKey: 0x1006,
  Lookaside: 0x1009,
  WmiProvider: 0x1004,
  WmiInstance: 0x1034,
  DmaEnabler: 0x1400,
  DmaTransaction: 0x1401,
  CommonBuffer: 0x1402,
} as const;
export type FxTypeCode = (typeof FX_TYPE)[keyof typeof FX_TYPE];

/** The handle type name each type code has in wdftypes.h (`!wdfhandle`: "type is WDFDEVICE"). */
export const FX_TYPE_HANDLE_NAME: Readonly<Record<FxTypeCode, string>> = {
  [FX_TYPE.Object]: 'WDFOBJECT',
  [FX_TYPE.Driver]: 'WDFDRIVER',
  [FX_TYPE.Device]: 'WDFDEVICE',
  [FX_TYPE.Queue]: 'WDFQUEUE',
  [FX_TYPE.String]: 'WDFSTRING',
  [FX_TYPE.Request]: 'WDFREQUEST',
  [FX_TYPE.Memory]: 'WDFMEMORY',
  [FX_TYPE.Collection]: 'WDFCOLLECTION',
  [FX_TYPE.Dpc]: 'WDFDPC',
  [FX_TYPE.FileObject]: 'WDFFILEOBJECT',
  [FX_TYPE.WaitLock]: 'WDFWAITLOCK',
  [FX_TYPE.SpinLock]: 'WDFSPINLOCK',
  [FX_TYPE.WorkItem]: 'WDFWORKITEM',
  [FX_TYPE.Timer]: 'WDFTIMER',
  [FX_TYPE.IoTarget]: 'WDFIOTARGET',
  [FX_TYPE.CmResList]: 'WDFCMRESLIST',
  [FX_TYPE.Interrupt]: 'WDFINTERRUPT',
  [FX_TYPE.ChildList]: 'WDFCHILDLIST',
  [FX_TYPE.RegKey]: 'WDFKEY',
  [FX_TYPE.Lookaside]: 'WDFLOOKASIDE',
  [FX_TYPE.WmiProvider]: 'WDFWMIPROVIDER',
  [FX_TYPE.WmiInstance]: 'WDFWMIINSTANCE',
  [FX_TYPE.DmaEnabler]: 'WDFDMAENABLER',
  [FX_TYPE.DmaTransaction]: 'WDFDMATRANSACTION',
  [FX_TYPE.CommonBuffer]: 'WDFCOMMONBUFFER',
};

/** WDF_DRIVER_INIT_FLAGS (wdfdriver.h). */
export const WDF_DRIVER_INIT = {
  NonPnpDriver: 0x1,
  NoDispatchOverride: 0x2,
  VerifyOn: 0x4,
  VerifierOn: 0x8,
  Companion: 0x10,
} as const;

export const WDF_EXECUTION_LEVEL = { Invalid: 0, InheritFromParent: 1, Passive: 2, Dispatch: 3 } as const;
export const WDF_SYNCHRONIZATION_SCOPE = { Invalid: 0, InheritFromParent: 1, Device: 2, Queue: 3, None: 4 } as const;
export const WDF_TRI_STATE = { False: 0, True: 1, UseDefault: 2 } as const;
export const WDF_DEVICE_IO_TYPE = { Undefined: 0, Neither: 1, Buffered: 2, Direct: 3, BufferedOrDirect: 4 } as const;
export const WDF_IO_QUEUE_DISPATCH = { Invalid: 0, Sequential: 1, Parallel: 2, Manual: 3 } as const;
/** WDF_IO_QUEUE_STATE (wdfio.h): the bits WdfIoQueueGetState returns. */
export const WDF_IO_QUEUE_STATE = { AcceptRequests: 0x01, DispatchRequests: 0x02, NoRequests: 0x04, DriverNoRequests: 0x08, PnpHeld: 0x10 } as const;
export const WDF_FILEOBJECT_CLASS = { Invalid: 0, NotRequired: 1, CanUseFsContext: 2, CanUseFsContext2: 3, CannotUseFsContexts: 4, CanBeOptional: 0x80000000 } as const;
export const WDF_MEMORY_DESCRIPTOR_TYPE = { Invalid: 0, Buffer: 1, Mdl: 2, Handle: 3 } as const;
/** WDF_DEVICE_SHUTDOWN_FLAGS (wdfcontrol.h). */
export const WDF_DEVICE_SHUTDOWN = { Shutdown: 0x1, LastChanceShutdown: 0x2 } as const;

/** The pool tag the framework uses when the driver's name gives none ('FxDr' read as a ULONG). */
export const WDF_DEFAULT_POOL_TAG = 0x72447846;
/** DriverPoolTag values that mean "not set": 0 and the WDK's generic ' kdD' (`'Ddk '`). */
export const WDF_GENERIC_POOL_TAG = 0x206b6444;

/** Driver names longer than this fail to load (WDF_DRIVER_GLOBALS.DriverName is CHAR[32]). */
export const WDF_DRIVER_GLOBALS_NAME_LEN = 32;

/** Parameter 1 of 0x10D WDF_VIOLATION (wdfbugcodes.h). */
export const WDF_BUGCHECK = {
  POWER_ROUTINE_TIMED_OUT: 0x1,
  RECURSIVE_LOCK: 0x2,
  VERIFIER_FATAL_ERROR: 0x3,
  REQUIRED_PARAMETER_IS_NULL: 0x4,
  INVALID_HANDLE: 0x5,
  REQUEST_FATAL_ERROR: 0x6,
  OBJECT_ERROR: 0x7,
  DMA_FATAL_ERROR: 0x8,
  INVALID_INTERRUPT: 0x9,
  QUEUE_FATAL_ERROR: 0xa,
  INVALID_LOCK_OPERATION: 0xb,
  PNP_FATAL_ERROR: 0xc,
  POWER_MULTIPLE_PPO: 0xd,
  VERIFIER_IRQL_MISMATCH: 0xe,
  VERIFIER_CRITICAL_REGION_MISMATCH: 0xf,
  API_UNAVAILABLE: 0x10,
} as const;

/** Parameter 2 of 0x10D/0x6 REQUEST_FATAL_ERROR. */
export const WDF_REQUEST_FATAL_ERROR = {
  NO_MORE_STACK_LOCATIONS: 0x1,
  NULL_IRP: 0x2,
  REQUEST_ALREADY_SENT: 0x3,
  INFORMATION_LENGTH_MISMATCH: 0x4,
  REQUEST_NOT_IN_QUEUE: 0x5,
} as const;

/** The framework's image: drivers import its routines from this module (wdf.h's WDF_IMPORT). */
export const WDF_LIBRARY_MODULE = 'Wdf01000';
/** The variables a driver imports from the framework: its pointer to its WDF_DRIVER_GLOBALS. */
export const WDF_LIBRARY_DATA = ['WdfDriverGlobals'] as const;

/**
 * The framework's object in memory (ours, not the WDK's FxObject layout): the header of every
 * framework object's pool block, whose address XOR ~7 is the object's handle. The first context
 * follows the header; more contexts (WdfObjectAllocateContext) are blocks of FX_CONTEXT_HEADER +
 * context chained from NextContext. Kept current so the debugger can walk objects in a dump.
 */
export const FX_OBJECT_HEADER = struct('FX_OBJECT_HEADER', [
  ['Type', 'u16'],
  ['HeaderSize', 'u16'],
  ['RefCount', 'i32'],
  ['State', 'u32'],
  ['ParentObject', 'ptr'],
  ['DriverGlobals', 'ptr'],
  ['ContextTypeInfo', 'ptr'],
  ['NextContext', 'ptr'],
  ['Flags', 'u32'],
]);

export const FX_CONTEXT_HEADER = struct('FX_CONTEXT_HEADER', [
  ['Object', 'ptr'],
  ['ContextTypeInfo', 'ptr'],
  ['NextContext', 'ptr'],
  ['Reserved', 'u32'],
]);

/** FX_OBJECT_HEADER.State: created; deleted (cleanup callbacks have run) and waiting for its references; destroyed. */
export const FX_OBJECT_STATE = { Created: 1, Disposing: 2, Deleted: 3, Destroyed: 4 } as const;

/** A handle is the object's address with the low 3 bits flipped and the rest inverted (handle = address ^ ~7). */
export const FX_HANDLE_XOR = 0xfffffff8;

/** The framework's version (KMDF 1.33): what WdfDriverIsVersionAvailable compares and `!wdfkd` prints. */
export const WDF_LIBRARY_VERSION = { major: 1, minor: 33, build: 0 } as const;
