/** NTSTATUS values drivers and the kernel exchange. One table; names are the ntstatus.h names. */
export const STATUS = {
  SUCCESS: 0x00000000,
  PENDING: 0x00000103,
  TIMEOUT: 0x00000102,
  ALERTED: 0x00000101,
  UNSUCCESSFUL: 0xc0000001,
  NOT_IMPLEMENTED: 0xc0000002,
  INVALID_PARAMETER: 0xc000000d,
  INVALID_DEVICE_REQUEST: 0xc0000010,
  ACCESS_DENIED: 0xc0000022,
  BUFFER_TOO_SMALL: 0xc0000023,
  OBJECT_NAME_INVALID: 0xc0000033,
  OBJECT_NAME_NOT_FOUND: 0xc0000034,
  OBJECT_NAME_COLLISION: 0xc0000035,
  INSUFFICIENT_RESOURCES: 0xc000009a,
  NOT_SUPPORTED: 0xc00000bb,
  CANCELLED: 0xc0000120,
  DEVICE_NOT_READY: 0xc00000a3,
  NO_SUCH_DEVICE: 0xc000000e,
  INVALID_HANDLE: 0xc0000008,
  MUTANT_NOT_OWNED: 0xc0000046,
  // Exceptions raised by DDIs (ExRaiseStatus, ProbeForRead...) and by the exception dispatcher.
  DATATYPE_MISALIGNMENT: 0x80000002,
  ACCESS_VIOLATION: 0xc0000005,
  NONCONTINUABLE_EXCEPTION: 0xc0000025,
  BAD_STACK: 0xc0000028,
  DELETE_PENDING: 0xc0000056,
  /** A completion routine's answer: the IRP is not done yet (its driver will complete it again). */
  MORE_PROCESSING_REQUIRED: 0xc0000016,
  // The file system (kernel/io/file-system.ts).
  END_OF_FILE: 0xc0000011,
  INVALID_INFO_CLASS: 0xc0000003,
  FILE_IS_A_DIRECTORY: 0xc00000ba,
  BREAKPOINT: 0x80000003,
  SEMAPHORE_LIMIT_EXCEEDED: 0xc0000047,
  OBJECT_TYPE_MISMATCH: 0xc0000024,
  QUOTA_EXCEEDED: 0xc0000044,
  BUFFER_OVERFLOW: 0x80000005,
  INTEGER_OVERFLOW: 0xc0000095,
  RESOURCE_NOT_OWNED: 0xc0000264,
  NO_MEMORY: 0xc0000017,
  INVALID_PARAMETER_2: 0xc00000f0,
  // The registry (kernel/cm).
  NO_MORE_ENTRIES: 0x8000001a,
  OBJECT_PATH_NOT_FOUND: 0xc000003a,
  OBJECT_PATH_SYNTAX_BAD: 0xc000003b,
  CANNOT_DELETE: 0xc0000121,
  KEY_DELETED: 0xc000017c,
  CHILD_MUST_BE_VOLATILE: 0xc0000181,
  PROCEDURE_NOT_FOUND: 0xc000007a,
  CALLBACK_BYPASS: 0xc0000503,
  FLT_INSTANCE_ALTITUDE_COLLISION: 0xc01c0011,
  REVISION_MISMATCH: 0xc0000059,
  /** KTM: the transaction's outcome was already decided. */
  TRANSACTION_NOT_ACTIVE: 0xc0190003,
  /** KTM: TmCommitComplete / TmRollbackComplete with no such notification pending. */
  TRANSACTION_NOT_REQUESTED: 0xc0190014,
  /** KTM: an outcome was asked for while another is being delivered. */
  TRANSACTION_REQUEST_NOT_VALID: 0xc0190013,
  TRANSACTION_ALREADY_ABORTED: 0xc0190015,
  TRANSACTION_ALREADY_COMMITTED: 0xc0190016,
  /** IoConnectInterruptEx: a Version it does not know. */
  INVALID_PARAMETER_1: 0xc00000ef,
  /** IoConnectInterruptEx: a ProcessorEnableMask with no processor in it. */
  INVALID_PARAMETER_10: 0xc00000f8,
  /** IoConnectInterruptEx: the device has no interrupt of that kind. */
  NOT_FOUND: 0xc0000225,
  /** IoSetDeviceInterfaceState: the interface was already enabled (informational). */
  OBJECT_NAME_EXISTS: 0x40000000,
  /** A wait interrupted to deliver a kernel APC, which the wait re-issues: what a wait that unwound its stack returns on the way out (ke/suspend.ts). */
  KERNEL_APC: 0x00000100,
  DEVICE_BUSY: 0x80000011,
  IO_DEVICE_ERROR: 0xc0000185,
  // The framework (src/wdf): its own checks, and the WDF facility's codes (ntstatus.h, facility 0x20).
  INFO_LENGTH_MISMATCH: 0xc0000004,
  INVALID_DEVICE_STATE: 0xc0000184,
  DRIVER_INTERNAL_ERROR: 0xc0000183,
  INTERNAL_ERROR: 0xc00000e5,
  INVALID_SECURITY_DESCR: 0xc0000079,
  INVALID_USER_BUFFER: 0xc00000e8,
  WDF_INTERNAL_ERROR: 0xc0200201,
  WDF_PAUSED: 0xc0200203,
  WDF_BUSY: 0xc0200204,
  WDF_REQUEST_ALREADY_PENDING: 0xc0200207,
  WDF_OBJECT_ATTRIBUTES_INVALID: 0xc0200209,
  WDF_NO_CALLBACK: 0xc020020b,
  WDF_INCOMPATIBLE_EXECUTION_LEVEL: 0xc020020c,
  WDF_PARENT_ALREADY_ASSIGNED: 0xc020020d,
  WDF_PARENT_IS_SELF: 0xc020020e,
  WDF_PARENT_ASSIGNMENT_NOT_ALLOWED: 0xc020020f,
  WDF_SYNCHRONIZATION_SCOPE_INVALID: 0xc0200210,
  WDF_EXECUTION_LEVEL_INVALID: 0xc0200211,
  WDF_PARENT_NOT_SPECIFIED: 0xc0200212,
  INVALID_BUFFER_SIZE: 0xc0000206,
  WMI_GUID_NOT_FOUND: 0xc0000295,
} as const;

export type NTSTATUS = number;

/** NT_SUCCESS(): severity bits 00 (success) or 01 (informational). */
export function NT_SUCCESS(status: NTSTATUS): boolean {
  return (status >>> 0) < 0x80000000;
}

/** NT_ERROR(): severity 11 (error). */
export function NT_ERROR(status: NTSTATUS): boolean {
  return (status >>> 0) >= 0xc0000000;
}

export function statusName(status: NTSTATUS): string {
  const s = status >>> 0;
  for (const [name, value] of Object.entries(STATUS)) if (value === s) return `STATUS_${name}`;
  return `0x${s.toString(16).padStart(8, '0')}`;
}
