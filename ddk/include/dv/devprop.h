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

/* The unified property model: DEVPROPKEY, DEVPROPTYPE, DEFINE_DEVPROPKEY. */
#include <devpropdef.h>

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
