/** I/O manager constants: major functions, transfer methods, IOCTL encoding, device types. */
export const IRP_MJ = {
  CREATE: 0x00,
  CREATE_NAMED_PIPE: 0x01,
  CLOSE: 0x02,
  READ: 0x03,
  WRITE: 0x04,
  QUERY_INFORMATION: 0x05,
  SET_INFORMATION: 0x06,
  QUERY_EA: 0x07,
  SET_EA: 0x08,
  FLUSH_BUFFERS: 0x09,
  QUERY_VOLUME_INFORMATION: 0x0a,
  SET_VOLUME_INFORMATION: 0x0b,
  DIRECTORY_CONTROL: 0x0c,
  FILE_SYSTEM_CONTROL: 0x0d,
  DEVICE_CONTROL: 0x0e,
  INTERNAL_DEVICE_CONTROL: 0x0f,
  SHUTDOWN: 0x10,
  LOCK_CONTROL: 0x11,
  CLEANUP: 0x12,
  CREATE_MAILSLOT: 0x13,
  QUERY_SECURITY: 0x14,
  SET_SECURITY: 0x15,
  POWER: 0x16,
  SYSTEM_CONTROL: 0x17,
  DEVICE_CHANGE: 0x18,
  QUERY_QUOTA: 0x19,
  SET_QUOTA: 0x1a,
  PNP: 0x1b,
} as const;
export const IRP_MJ_MAXIMUM_FUNCTION = 0x1b;

export const METHOD_BUFFERED = 0;
export const METHOD_IN_DIRECT = 1;
export const METHOD_OUT_DIRECT = 2;
export const METHOD_NEITHER = 3;

export const FILE_ANY_ACCESS = 0;
export const FILE_READ_ACCESS = 1;
export const FILE_WRITE_ACCESS = 2;

export const FILE_DEVICE_UNKNOWN = 0x22;

/** CTL_CODE(DeviceType, Function, Method, Access) */
export function CTL_CODE(deviceType: number, fn: number, method: number, access: number): number {
  return ((deviceType << 16) | (access << 14) | (fn << 2) | method) >>> 0;
}

export function ioctlMethod(code: number): number {
  return code & 3;
}

/** IO_NO_INCREMENT and friends: the priority boost argument of IoCompleteRequest. */
export const IO_NO_INCREMENT = 0;

/** Object type codes stored in the Type field of I/O structures. */
export const IO_TYPE = {
  ADAPTER: 1,
  CONTROLLER: 2,
  DEVICE: 3,
  DRIVER: 4,
  FILE: 5,
  IRP: 6,
  MASTER_ADAPTER: 7,
  OPEN_PACKET: 8,
  TIMER: 9,
  VPB: 10,
  ERROR_LOG: 11,
  ERROR_MESSAGE: 12,
  DEVICE_OBJECT_EXTENSION: 13,
} as const;

/** MDL_* flags (wdm.h). */
export const MDL = {
  MAPPED_TO_SYSTEM_VA: 0x0001,
  PAGES_LOCKED: 0x0002,
  SOURCE_IS_NONPAGED_POOL: 0x0004,
  ALLOCATED_FIXED_SIZE: 0x0008,
  PARTIAL: 0x0010,
  PARTIAL_HAS_BEEN_MAPPED: 0x0020,
  IO_PAGE_READ: 0x0040,
  WRITE_OPERATION: 0x0080,
  LOCKED_PAGE_TABLES: 0x0100,
  FREE_EXTRA_PTES: 0x0200,
  DESCRIBES_AWE: 0x0400,
  IO_SPACE: 0x0800,
  NETWORK_HEADER: 0x1000,
  MAPPING_CAN_FAIL: 0x2000,
  ALLOCATED_MUST_SUCCEED: 0x4000,
  INTERNAL: 0x8000,
} as const;

/** DO_* device object flags. */
export const DO = {
  VERIFY_VOLUME: 0x2,
  BUFFERED_IO: 0x4,
  EXCLUSIVE: 0x8,
  DIRECT_IO: 0x10,
  MAP_IO_BUFFER: 0x20,
  DEVICE_INITIALIZING: 0x80,
  BUS_ENUMERATED_DEVICE: 0x1000,
  SHUTDOWN_REGISTERED: 0x800,
  /** The power manager may send this device's power IRPs at PASSIVE_LEVEL. */
  POWER_PAGABLE: 0x2000,
} as const;

/** Flags of an IO_STACK_LOCATION's Control byte. */
export const SL = {
  PENDING_RETURNED: 0x01,
  ERROR_RETURNED: 0x02,
  INVOKE_ON_CANCEL: 0x20,
  INVOKE_ON_SUCCESS: 0x40,
  INVOKE_ON_ERROR: 0x80,
} as const;

/** IRP_* flags of Irp->Flags (wdm.h): how the I/O manager buffered a request, and what to undo at completion. */
export const IRP_FLAG = {
  NOCACHE: 0x0001,
  PAGING_IO: 0x0002,
  SYNCHRONOUS_API: 0x0004,
  ASSOCIATED_IRP: 0x0008,
  BUFFERED_IO: 0x0010,
  DEALLOCATE_BUFFER: 0x0020,
  INPUT_OPERATION: 0x0040,
  CREATE_OPERATION: 0x0080,
  READ_OPERATION: 0x0100,
  WRITE_OPERATION: 0x0200,
  CLOSE_OPERATION: 0x0400,
  DEFER_IO_COMPLETION: 0x0800,
} as const;
