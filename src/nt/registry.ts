/**
 * Registry constants drivers and the kernel share (wdm.h / winnt.h names without their prefix): value
 * types, information classes, create options and dispositions, and the RtlQueryRegistryValues flags.
 */

/** REG_*: registry value types. */
export const REG = {
  NONE: 0,
  SZ: 1,
  EXPAND_SZ: 2,
  BINARY: 3,
  DWORD: 4,
  DWORD_BIG_ENDIAN: 5,
  LINK: 6,
  MULTI_SZ: 7,
  RESOURCE_LIST: 8,
  FULL_RESOURCE_DESCRIPTOR: 9,
  RESOURCE_REQUIREMENTS_LIST: 10,
  QWORD: 11,
} as const;

/** The REG_* name of a type, for messages and the JSON seed format. */
export function regTypeName(type: number): string {
  for (const [name, v] of Object.entries(REG)) if (v === type) return `REG_${name}`;
  return `0x${type.toString(16)}`;
}

/** KEY_VALUE_INFORMATION_CLASS. */
export const KEY_VALUE_INFORMATION_CLASS = {
  KeyValueBasicInformation: 0,
  KeyValueFullInformation: 1,
  KeyValuePartialInformation: 2,
} as const;

/** KEY_INFORMATION_CLASS. */
export const KEY_INFORMATION_CLASS = {
  KeyBasicInformation: 0,
  KeyNodeInformation: 1,
  KeyFullInformation: 2,
  KeyNameInformation: 3,
} as const;

/** REG_OPTION_* of ZwCreateKey's CreateOptions. */
export const REG_OPTION = {
  NON_VOLATILE: 0,
  VOLATILE: 1,
} as const;

/** ZwCreateKey's *Disposition. */
export const REG_CREATED_NEW_KEY = 1;
export const REG_OPENED_EXISTING_KEY = 2;

/** RelativeTo of the Rtl*Registry* routines (the low bits), and the flags OR-ed into it. */
export const RTL_REGISTRY = {
  ABSOLUTE: 0,
  SERVICES: 1,
  CONTROL: 2,
  WINDOWS_NT: 3,
  DEVICEMAP: 4,
  USER: 5,
  MAXIMUM: 6,
  HANDLE: 0x40000000,
  OPTIONAL: 0x80000000,
} as const;

/** RTL_QUERY_REGISTRY_TABLE.Flags. */
export const RTL_QUERY_REGISTRY = {
  SUBKEY: 0x1,
  TOPKEY: 0x2,
  REQUIRED: 0x4,
  NOVALUE: 0x8,
  NOEXPAND: 0x10,
  DIRECT: 0x20,
  DELETE: 0x40,
  TYPECHECK: 0x100,
} as const;

/** With RTL_QUERY_REGISTRY_TYPECHECK, DefaultType carries the expected REG_* type in its top byte. */
export const RTL_QUERY_REGISTRY_TYPECHECK_SHIFT = 24;

/** Where each RTL_REGISTRY_* relative root is. */
export const RTL_REGISTRY_ROOTS: Readonly<Record<number, string>> = {
  [RTL_REGISTRY.ABSOLUTE]: '',
  [RTL_REGISTRY.SERVICES]: '\\Registry\\Machine\\System\\CurrentControlSet\\Services',
  [RTL_REGISTRY.CONTROL]: '\\Registry\\Machine\\System\\CurrentControlSet\\Control',
  [RTL_REGISTRY.WINDOWS_NT]: '\\Registry\\Machine\\Software\\Microsoft\\Windows NT\\CurrentVersion',
  [RTL_REGISTRY.DEVICEMAP]: '\\Registry\\Machine\\Hardware\\DeviceMap',
  // For a system process RTL_REGISTRY_USER is \Registry\User\.Default.
  [RTL_REGISTRY.USER]: '\\Registry\\User\\.Default',
};

/** IoOpenDeviceRegistryKey's DevInstKeyType. */
export const PLUGPLAY_REGKEY = {
  DEVICE: 1,
  DRIVER: 2,
  CURRENT_HWPROFILE: 4,
} as const;

/** REG_NOTIFY_CLASS: what a registry filtering callback is told (the classes the kernel raises). */
export const REG_NOTIFY_CLASS = {
  RegNtPreDeleteKey: 0,
  RegNtPreSetValueKey: 1,
  RegNtPreDeleteValueKey: 2,
  RegNtPreEnumerateKey: 5,
  RegNtPreEnumerateValueKey: 6,
  RegNtPreQueryKey: 7,
  RegNtPreQueryValueKey: 8,
  RegNtPreKeyHandleClose: 14,
  RegNtPostDeleteKey: 15,
  RegNtPostSetValueKey: 16,
  RegNtPostDeleteValueKey: 17,
  RegNtPostEnumerateKey: 20,
  RegNtPostEnumerateValueKey: 21,
  RegNtPostQueryKey: 22,
  RegNtPostQueryValueKey: 23,
  RegNtPostKeyHandleClose: 25,
  RegNtPreCreateKeyEx: 26,
  RegNtPostCreateKeyEx: 27,
  RegNtPreOpenKeyEx: 28,
  RegNtPostOpenKeyEx: 29,
  RegNtCallbackObjectContextCleanup: 40,
} as const;

/** IoOpenDriverRegistryKey's RegKeyType. */
export const DRIVER_REGKEY_TYPE = {
  DriverRegKeyParameters: 0,
  DriverRegKeyPersistentState: 1,
} as const;

/** OBJ_*: OBJECT_ATTRIBUTES.Attributes. */
export const OBJ = {
  INHERIT: 0x2,
  PERMANENT: 0x10,
  EXCLUSIVE: 0x20,
  CASE_INSENSITIVE: 0x40,
  OPENIF: 0x80,
  OPENLINK: 0x100,
  KERNEL_HANDLE: 0x200,
  FORCE_ACCESS_CHECK: 0x400,
  IGNORE_IMPERSONATED_DEVICEMAP: 0x800,
  DONT_REPARSE: 0x1000,
  VALID_ATTRIBUTES: 0x1ff2,
} as const;
