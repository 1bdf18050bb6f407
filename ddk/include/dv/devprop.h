/*
 * dv/devprop.h - IoGetDeviceProperty (src/kernel/pnp/property.ts): what the PnP manager knows of a
 * device, asked through its PDO.
 */
#ifndef DV_DEVPROP_H
#define DV_DEVPROP_H

typedef enum _DEVICE_REGISTRY_PROPERTY {
  DevicePropertyDeviceDescription = 0x0,
  DevicePropertyHardwareID = 0x1,
  DevicePropertyCompatibleIDs = 0x2,
  DevicePropertyBootConfiguration = 0x3,
  DevicePropertyBootConfigurationTranslated = 0x4,
  DevicePropertyClassName = 0x5,
  DevicePropertyClassGuid = 0x6,
  DevicePropertyDriverKeyName = 0x7,
  DevicePropertyManufacturer = 0x8,
  DevicePropertyFriendlyName = 0x9,
  DevicePropertyLocationInformation = 0xa,
  DevicePropertyPhysicalDeviceObjectName = 0xb,
  DevicePropertyBusTypeGuid = 0xc,
  DevicePropertyLegacyBusType = 0xd,
  DevicePropertyBusNumber = 0xe,
  DevicePropertyEnumeratorName = 0xf,
  DevicePropertyAddress = 0x10,
  DevicePropertyUINumber = 0x11,
  DevicePropertyInstallState = 0x12,
  DevicePropertyRemovalPolicy = 0x13,
  DevicePropertyResourceRequirements = 0x14,
  DevicePropertyAllocatedResources = 0x15,
  DevicePropertyContainerID = 0x16
} DEVICE_REGISTRY_PROPERTY;

typedef enum _DEVICE_INSTALL_STATE {
  InstallStateInstalled,
  InstallStateNeedsReinstall,
  InstallStateFailedInstall,
  InstallStateFinishInstall
} DEVICE_INSTALL_STATE, *PDEVICE_INSTALL_STATE;

typedef enum _DEVICE_REMOVAL_POLICY {
  RemovalPolicyExpectNoRemoval = 1,
  RemovalPolicyExpectOrderlyRemoval = 2,
  RemovalPolicyExpectSurpriseRemoval = 3
} DEVICE_REMOVAL_POLICY, *PDEVICE_REMOVAL_POLICY;

DDI_IMPORT(IoGetDeviceProperty)
NTSTATUS NTAPI IoGetDeviceProperty(_In_ PDEVICE_OBJECT DeviceObject, _In_ DEVICE_REGISTRY_PROPERTY DeviceProperty, _In_ ULONG BufferLength,
                                   _Out_writes_bytes_opt_(BufferLength) PVOID PropertyBuffer, _Deref_out_range_(<=, BufferLength) PULONG ResultLength);

/* The unified property model (devpropdef.h in the WDK): a property is named by a DEVPROPKEY and typed by a DEVPROPTYPE. */
typedef ULONG LCID, *PLCID;
typedef ULONG DEVPROPTYPE, *PDEVPROPTYPE;
typedef GUID DEVPROPGUID, *PDEVPROPGUID;
typedef ULONG DEVPROPID, *PDEVPROPID;
typedef struct _DEVPROPKEY {
  DEVPROPGUID fmtid;
  DEVPROPID pid;
} DEVPROPKEY, *PDEVPROPKEY;

#define DEVPROP_TYPEMOD_ARRAY 0x00001000
#define DEVPROP_TYPEMOD_LIST 0x00002000
#define DEVPROP_TYPE_EMPTY 0x00000000
#define DEVPROP_TYPE_NULL 0x00000001
#define DEVPROP_TYPE_SBYTE 0x00000002
#define DEVPROP_TYPE_BYTE 0x00000003
#define DEVPROP_TYPE_INT16 0x00000004
#define DEVPROP_TYPE_UINT16 0x00000005
#define DEVPROP_TYPE_INT32 0x00000006
#define DEVPROP_TYPE_UINT32 0x00000007
#define DEVPROP_TYPE_INT64 0x00000008
#define DEVPROP_TYPE_UINT64 0x00000009
#define DEVPROP_TYPE_GUID 0x0000000D
#define DEVPROP_TYPE_FILETIME 0x00000010
#define DEVPROP_TYPE_BOOLEAN 0x00000011
#define DEVPROP_TYPE_STRING 0x00000012
#define DEVPROP_TYPE_STRING_LIST (DEVPROP_TYPE_STRING | DEVPROP_TYPEMOD_LIST)
#define DEVPROP_TYPE_BINARY (DEVPROP_TYPE_BYTE | DEVPROP_TYPEMOD_ARRAY)

#ifdef INITGUID
#define DEFINE_DEVPROPKEY(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8, pid) \
  const DEVPROPKEY name = {{l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}, pid}
#else
#define DEFINE_DEVPROPKEY(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8, pid) extern const DEVPROPKEY name
#endif

/* IoSetDevicePropertyData's Flags */
#define PLUGPLAY_PROPERTY_PERSISTENT 0x00000001
/* Lcid of a property that is not localized */
#ifndef LOCALE_NEUTRAL
#define LOCALE_NEUTRAL 0x0000
#endif

DDI_IMPORT(IoGetDevicePropertyData)
NTSTATUS NTAPI IoGetDevicePropertyData(_In_ PDEVICE_OBJECT Pdo, _In_ const DEVPROPKEY *PropertyKey, _In_ LCID Lcid, _Reserved_ ULONG Flags,
                                       _In_ ULONG Size, _Out_ PVOID Data, _Out_ PULONG RequiredSize, _Out_ PDEVPROPTYPE Type);
DDI_IMPORT(IoSetDevicePropertyData)
NTSTATUS NTAPI IoSetDevicePropertyData(_In_ PDEVICE_OBJECT Pdo, _In_ const DEVPROPKEY *PropertyKey, _In_ LCID Lcid, _In_ ULONG Flags,
                                       _In_ DEVPROPTYPE Type, _In_ ULONG Size, _In_opt_ PVOID Data);
DDI_IMPORT(IoOpenDeviceInterfaceRegistryKey)
NTSTATUS NTAPI IoOpenDeviceInterfaceRegistryKey(_In_ PUNICODE_STRING SymbolicLinkName, _In_ ACCESS_MASK DesiredAccess,
                                                _Out_ PHANDLE DeviceInterfaceRegKey);

#endif
