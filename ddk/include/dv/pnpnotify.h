/*
 * dv/pnpnotify.h - device interfaces and PnP notifications (src/kernel/pnp/interfaces.ts, notify.ts):
 * IoRegisterDeviceInterface, IoSetDeviceInterfaceState, IoGetDeviceInterfaces, IoGetDeviceInterfaceAlias, and
 * IoRegisterPlugPlayNotification for interface arrival and removal (the GUIDs are in wdmguid.h; the
 * callback type DRIVER_NOTIFICATION_CALLBACK_ROUTINE in dv/po.h). Declared in wdm.h in the WDK.
 */
#ifndef DV_PNPNOTIFY_H
#define DV_PNPNOTIFY_H

/* A list of strings, each NUL-terminated, ended by an empty one (REG_MULTI_SZ). */
typedef WCHAR *PZZWSTR;

typedef enum _IO_NOTIFICATION_EVENT_CATEGORY {
  EventCategoryReserved,
  EventCategoryHardwareProfileChange,
  EventCategoryDeviceInterfaceChange,
  EventCategoryTargetDeviceChange,
  EventCategoryKernelSoftRestart
} IO_NOTIFICATION_EVENT_CATEGORY;

/* IoRegisterPlugPlayNotification's EventCategoryFlags */
#define PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES 0x00000001
/* IoGetDeviceInterfaces' Flags: disabled interfaces too */
#define DEVICE_INTERFACE_INCLUDE_NONACTIVE 0x00000001

/* What every notification structure starts with. */
typedef struct _PLUGPLAY_NOTIFICATION_HEADER {
  USHORT Version;
  USHORT Size;
  GUID Event;
} PLUGPLAY_NOTIFICATION_HEADER, *PPLUGPLAY_NOTIFICATION_HEADER;

/* EventCategoryDeviceInterfaceChange: Event is GUID_DEVICE_INTERFACE_ARRIVAL or _REMOVAL. */
typedef struct _DEVICE_INTERFACE_CHANGE_NOTIFICATION {
  USHORT Version;
  USHORT Size;
  GUID Event;
  GUID InterfaceClassGuid;
  PUNICODE_STRING SymbolicLinkName;
} DEVICE_INTERFACE_CHANGE_NOTIFICATION, *PDEVICE_INTERFACE_CHANGE_NOTIFICATION;

/* EventCategoryTargetDeviceChange: Event is GUID_TARGET_DEVICE_QUERY_REMOVE, _REMOVE_CANCELLED or _REMOVE_COMPLETE;
   FileObject is the one the driver registered with. */
typedef struct _TARGET_DEVICE_REMOVAL_NOTIFICATION {
  USHORT Version;
  USHORT Size;
  GUID Event;
  struct _FILE_OBJECT *FileObject;
} TARGET_DEVICE_REMOVAL_NOTIFICATION, *PTARGET_DEVICE_REMOVAL_NOTIFICATION;

/* EventCategoryHardwareProfileChange: Event is GUID_HWPROFILE_QUERY_CHANGE, _CHANGE_CANCELLED or _CHANGE_COMPLETE. */
typedef struct _HWPROFILE_CHANGE_NOTIFICATION {
  USHORT Version;
  USHORT Size;
  GUID Event;
} HWPROFILE_CHANGE_NOTIFICATION, *PHWPROFILE_CHANGE_NOTIFICATION;

DDI_IMPORT(IoRegisterDeviceInterface)
NTSTATUS NTAPI IoRegisterDeviceInterface(_In_ struct _DEVICE_OBJECT *PhysicalDeviceObject, _In_ const GUID *InterfaceClassGuid,
                                         _In_opt_ PUNICODE_STRING ReferenceString, _Out_ PUNICODE_STRING SymbolicLinkName);
DDI_IMPORT(IoSetDeviceInterfaceState) NTSTATUS NTAPI IoSetDeviceInterfaceState(_In_ PUNICODE_STRING SymbolicLinkName, _In_ BOOLEAN Enable);
DDI_IMPORT(IoGetDeviceInterfaces)
NTSTATUS NTAPI IoGetDeviceInterfaces(_In_ const GUID *InterfaceClassGuid, _In_opt_ struct _DEVICE_OBJECT *PhysicalDeviceObject, _In_ ULONG Flags,
                                     _Outptr_result_nullonfailure_ PZZWSTR *SymbolicLinkList);
DDI_IMPORT(IoGetDeviceInterfaceAlias)
NTSTATUS NTAPI IoGetDeviceInterfaceAlias(_In_ PUNICODE_STRING SymbolicLinkName, _In_ const GUID *AliasInterfaceClassGuid,
                                         _Out_ PUNICODE_STRING AliasSymbolicLinkName);
DDI_IMPORT(IoRegisterPlugPlayNotification)
NTSTATUS NTAPI IoRegisterPlugPlayNotification(_In_ IO_NOTIFICATION_EVENT_CATEGORY EventCategory, _In_ ULONG EventCategoryFlags,
                                              _In_opt_ PVOID EventCategoryData, _In_ struct _DRIVER_OBJECT *DriverObject,
                                              _In_ PDRIVER_NOTIFICATION_CALLBACK_ROUTINE CallbackRoutine, _Inout_opt_ PVOID Context,
                                              _Out_ PVOID *NotificationEntry);
DDI_IMPORT(IoUnregisterPlugPlayNotification) NTSTATUS NTAPI IoUnregisterPlugPlayNotification(_In_ PVOID NotificationEntry);
DDI_IMPORT(IoUnregisterPlugPlayNotificationEx) NTSTATUS NTAPI IoUnregisterPlugPlayNotificationEx(_In_ PVOID NotificationEntry);

#endif /* DV_PNPNOTIFY_H */
