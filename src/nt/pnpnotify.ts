/** Device interfaces and PnP notifications: the constants of wdm.h and wdmguid.h (dv/pnpnotify.h). */

/** IO_NOTIFICATION_EVENT_CATEGORY. */
export const EVENT_CATEGORY = {
  Reserved: 0,
  HardwareProfileChange: 1,
  DeviceInterfaceChange: 2,
  TargetDeviceChange: 3,
  KernelSoftRestart: 4,
} as const;

/** IoRegisterPlugPlayNotification's EventCategoryFlags. */
export const PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES = 0x00000001;
/** IoGetDeviceInterfaces' Flags: list disabled interfaces too. */
export const DEVICE_INTERFACE_INCLUDE_NONACTIVE = 0x00000001;

/** wdmguid.h, in registry text form. */
export const GUID_HWPROFILE_QUERY_CHANGE = '{CB3A4001-46F0-11D0-B08F-00609713053F}';
export const GUID_HWPROFILE_CHANGE_CANCELLED = '{CB3A4002-46F0-11D0-B08F-00609713053F}';
export const GUID_HWPROFILE_CHANGE_COMPLETE = '{CB3A4003-46F0-11D0-B08F-00609713053F}';
export const GUID_DEVICE_INTERFACE_ARRIVAL = '{CB3A4004-46F0-11D0-B08F-00609713053F}';
export const GUID_DEVICE_INTERFACE_REMOVAL = '{CB3A4005-46F0-11D0-B08F-00609713053F}';
export const GUID_TARGET_DEVICE_QUERY_REMOVE = '{CB3A4006-46F0-11D0-B08F-00609713053F}';
export const GUID_TARGET_DEVICE_REMOVE_CANCELLED = '{CB3A4007-46F0-11D0-B08F-00609713053F}';
export const GUID_TARGET_DEVICE_REMOVE_COMPLETE = '{CB3A4008-46F0-11D0-B08F-00609713053F}';
