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
  // The registry (kernel/cm).
  BUFFER_OVERFLOW: 0x80000005,
  NO_MORE_ENTRIES: 0x8000001a,
  OBJECT_TYPE_MISMATCH: 0xc0000024,
  OBJECT_PATH_NOT_FOUND: 0xc000003a,
  OBJECT_PATH_SYNTAX_BAD: 0xc000003b,
  CANNOT_DELETE: 0xc0000121,
  KEY_DELETED: 0xc000017c,
  CHILD_MUST_BE_VOLATILE: 0xc0000181,
  CALLBACK_BYPASS: 0xc000042f,
  FLT_INSTANCE_ALTITUDE_COLLISION: 0xc01c0011,
} as const;

export type NTSTATUS = number;

/** NT_SUCCESS(): severity bits 00 (success) or 01 (informational). */
export function NT_SUCCESS(status: NTSTATUS): boolean {
  return (status >>> 0) < 0x80000000;
}

export function statusName(status: NTSTATUS): string {
  const s = status >>> 0;
  for (const [name, value] of Object.entries(STATUS)) if (value === s) return `STATUS_${name}`;
  return `0x${s.toString(16).padStart(8, '0')}`;
}
