/**
 * Access masks and the kinds of dispatcher event: the ntdef.h and wdm.h values TypeScript drivers
 * and the kernel use. One table; the C headers are checked against it (src/build/layout-check.ts).
 */

/** Standard and generic rights (bits 16-23 and 28-31 of an ACCESS_MASK). */
export const ACCESS = {
  DELETE: 0x00010000,
  READ_CONTROL: 0x00020000,
  WRITE_DAC: 0x00040000,
  WRITE_OWNER: 0x00080000,
  SYNCHRONIZE: 0x00100000,
  STANDARD_RIGHTS_REQUIRED: 0x000f0000,
  STANDARD_RIGHTS_ALL: 0x001f0000,
  MAXIMUM_ALLOWED: 0x02000000,
  GENERIC_READ: 0x80000000,
  GENERIC_WRITE: 0x40000000,
  GENERIC_EXECUTE: 0x20000000,
  GENERIC_ALL: 0x10000000,
} as const;

/** The object-specific rights of a file (and so of a device opened as one). */
export const FILE_ACCESS = {
  FILE_READ_DATA: 0x0001,
  FILE_WRITE_DATA: 0x0002,
  FILE_APPEND_DATA: 0x0004,
  FILE_READ_EA: 0x0008,
  FILE_WRITE_EA: 0x0010,
  FILE_EXECUTE: 0x0020,
  FILE_READ_ATTRIBUTES: 0x0080,
  FILE_WRITE_ATTRIBUTES: 0x0100,
} as const;

/** EVENT_TYPE: a notification event stays signaled; a synchronization event releases one waiter. */
export const EVENT_TYPE = {
  NotificationEvent: 0,
  SynchronizationEvent: 1,
} as const;
