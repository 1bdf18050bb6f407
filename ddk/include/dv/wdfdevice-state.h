/*
 * wdfdevice.h's device capabilities, PnP state and properties: what a driver tells the framework to
 * answer IRP_MN_QUERY_CAPABILITIES and IRP_MN_QUERY_PNP_DEVICE_STATE with, WdfDeviceSetFailed, the
 * device's properties (IoGetDeviceProperty and the unified property model), and the small device
 * settings. Included by <wdfdevice.h>.
 */
#ifndef _DV_WDFDEVICE_STATE_H_
#define _DV_WDFDEVICE_STATE_H_

EXTERN_C_START

/* Each member but Size, Address and UINumber is a WDF_TRI_STATE; WdfUseDefault leaves the bus's answer. */
typedef struct _WDF_DEVICE_PNP_CAPABILITIES {
  ULONG Size;
  WDF_TRI_STATE LockSupported;
  WDF_TRI_STATE EjectSupported;
  WDF_TRI_STATE Removable;
  WDF_TRI_STATE DockDevice;
  WDF_TRI_STATE UniqueID;
  WDF_TRI_STATE SilentInstall;
  WDF_TRI_STATE SurpriseRemovalOK;
  WDF_TRI_STATE HardwareDisabled;
  WDF_TRI_STATE NoDisplayInUI;
  ULONG Address;  /* (ULONG)-1: not set */
  ULONG UINumber; /* (ULONG)-1: not set */
} WDF_DEVICE_PNP_CAPABILITIES, *PWDF_DEVICE_PNP_CAPABILITIES;

FORCEINLINE VOID WDF_DEVICE_PNP_CAPABILITIES_INIT(PWDF_DEVICE_PNP_CAPABILITIES Caps) {
  RtlZeroMemory(Caps, sizeof(WDF_DEVICE_PNP_CAPABILITIES));
  Caps->Size = sizeof(WDF_DEVICE_PNP_CAPABILITIES);
  Caps->LockSupported = WdfUseDefault;
  Caps->EjectSupported = WdfUseDefault;
  Caps->Removable = WdfUseDefault;
  Caps->DockDevice = WdfUseDefault;
  Caps->UniqueID = WdfUseDefault;
  Caps->SilentInstall = WdfUseDefault;
  Caps->SurpriseRemovalOK = WdfUseDefault;
  Caps->HardwareDisabled = WdfUseDefault;
  Caps->NoDisplayInUI = WdfUseDefault;
  Caps->Address = (ULONG)-1;
  Caps->UINumber = (ULONG)-1;
}

/* DeviceState[], DeviceWake: PowerDeviceMaximum is "not set"; SystemWake: PowerSystemMaximum; latencies (ULONG)-1. */
typedef struct _WDF_DEVICE_POWER_CAPABILITIES {
  ULONG Size;
  WDF_TRI_STATE DeviceD1;
  WDF_TRI_STATE DeviceD2;
  WDF_TRI_STATE WakeFromD0;
  WDF_TRI_STATE WakeFromD1;
  WDF_TRI_STATE WakeFromD2;
  WDF_TRI_STATE WakeFromD3;
  DEVICE_POWER_STATE DeviceState[PowerSystemMaximum];
  DEVICE_POWER_STATE DeviceWake;
  SYSTEM_POWER_STATE SystemWake;
  ULONG D1Latency;
  ULONG D2Latency;
  ULONG D3Latency;
  DEVICE_POWER_STATE IdealDxStateForSx;
} WDF_DEVICE_POWER_CAPABILITIES, *PWDF_DEVICE_POWER_CAPABILITIES;

FORCEINLINE VOID WDF_DEVICE_POWER_CAPABILITIES_INIT(PWDF_DEVICE_POWER_CAPABILITIES Caps) {
  ULONG i;
  RtlZeroMemory(Caps, sizeof(WDF_DEVICE_POWER_CAPABILITIES));
  Caps->Size = sizeof(WDF_DEVICE_POWER_CAPABILITIES);
  Caps->DeviceD1 = WdfUseDefault;
  Caps->DeviceD2 = WdfUseDefault;
  Caps->WakeFromD0 = WdfUseDefault;
  Caps->WakeFromD1 = WdfUseDefault;
  Caps->WakeFromD2 = WdfUseDefault;
  Caps->WakeFromD3 = WdfUseDefault;
  for (i = 0; i < sizeof(Caps->DeviceState) / sizeof(Caps->DeviceState[0]); i++) Caps->DeviceState[i] = PowerDeviceMaximum;
  Caps->DeviceWake = PowerDeviceMaximum;
  Caps->SystemWake = PowerSystemMaximum;
  Caps->D1Latency = (ULONG)-1;
  Caps->D2Latency = (ULONG)-1;
  Caps->D3Latency = (ULONG)-1;
  Caps->IdealDxStateForSx = PowerDeviceMaximum;
}

/* The PNP_DEVICE_* bits IRP_MN_QUERY_PNP_DEVICE_STATE returns: WdfTrue sets one, WdfFalse clears it. */
typedef struct _WDF_DEVICE_STATE {
  ULONG Size;
  WDF_TRI_STATE Disabled;
  WDF_TRI_STATE DontDisplayInUI;
  WDF_TRI_STATE Failed;
  WDF_TRI_STATE NotDisableable;
  WDF_TRI_STATE Removed;
  WDF_TRI_STATE ResourcesChanged;
} WDF_DEVICE_STATE, *PWDF_DEVICE_STATE;

FORCEINLINE VOID WDF_DEVICE_STATE_INIT(PWDF_DEVICE_STATE PnpDeviceState) {
  RtlZeroMemory(PnpDeviceState, sizeof(WDF_DEVICE_STATE));
  PnpDeviceState->Size = sizeof(WDF_DEVICE_STATE);
  PnpDeviceState->Disabled = WdfUseDefault;
  PnpDeviceState->DontDisplayInUI = WdfUseDefault;
  PnpDeviceState->Failed = WdfUseDefault;
  PnpDeviceState->NotDisableable = WdfUseDefault;
  PnpDeviceState->Removed = WdfUseDefault;
  PnpDeviceState->ResourcesChanged = WdfUseDefault;
}

typedef enum _WDF_DEVICE_FAILED_ACTION {
  WdfDeviceFailedUndefined = 0,
  WdfDeviceFailedAttemptRestart,
  WdfDeviceFailedNoRestart,
} WDF_DEVICE_FAILED_ACTION;

typedef struct _WDF_DEVICE_PROPERTY_DATA {
  ULONG Size;
  const DEVPROPKEY *PropertyKey;
  LCID Lcid;
  ULONG Flags;
} WDF_DEVICE_PROPERTY_DATA, *PWDF_DEVICE_PROPERTY_DATA;

FORCEINLINE VOID WDF_DEVICE_PROPERTY_DATA_INIT(PWDF_DEVICE_PROPERTY_DATA PropertyData, const DEVPROPKEY *PropertyKey) {
  RtlZeroMemory(PropertyData, sizeof(WDF_DEVICE_PROPERTY_DATA));
  PropertyData->Size = sizeof(WDF_DEVICE_PROPERTY_DATA);
  PropertyData->PropertyKey = PropertyKey;
}

WDF_IMPORT(WdfDeviceSetPnpCapabilities)
VOID WdfDeviceSetPnpCapabilities(WDFDEVICE Device, PWDF_DEVICE_PNP_CAPABILITIES PnpCapabilities);

WDF_IMPORT(WdfDeviceSetPowerCapabilities)
VOID WdfDeviceSetPowerCapabilities(WDFDEVICE Device, PWDF_DEVICE_POWER_CAPABILITIES PowerCapabilities);

/* The framework asks the PnP manager to query the state again (IoInvalidateDeviceState). */
WDF_IMPORT(WdfDeviceSetDeviceState)
VOID WdfDeviceSetDeviceState(WDFDEVICE Device, PWDF_DEVICE_STATE DeviceState);

WDF_IMPORT(WdfDeviceGetDeviceState)
VOID WdfDeviceGetDeviceState(WDFDEVICE Device, PWDF_DEVICE_STATE DeviceState);

WDF_IMPORT(WdfDeviceSetFailed)
VOID WdfDeviceSetFailed(WDFDEVICE Device, WDF_DEVICE_FAILED_ACTION FailedAction);

WDF_IMPORT(WdfDeviceQueryProperty)
NTSTATUS WdfDeviceQueryProperty(WDFDEVICE Device, DEVICE_REGISTRY_PROPERTY DeviceProperty, ULONG BufferLength, PVOID PropertyBuffer,
                                PULONG ResultLength);

WDF_IMPORT(WdfDeviceAllocAndQueryProperty)
NTSTATUS WdfDeviceAllocAndQueryProperty(WDFDEVICE Device, DEVICE_REGISTRY_PROPERTY DeviceProperty, POOL_TYPE PoolType,
                                        PWDF_OBJECT_ATTRIBUTES PropertyMemoryAttributes, WDFMEMORY *PropertyMemory);

WDF_IMPORT(WdfDeviceQueryPropertyEx)
NTSTATUS WdfDeviceQueryPropertyEx(WDFDEVICE Device, PWDF_DEVICE_PROPERTY_DATA DeviceProperty, ULONG BufferLength, PVOID PropertyBuffer,
                                  PULONG RequiredSize, PDEVPROPTYPE Type);

WDF_IMPORT(WdfDeviceAllocAndQueryPropertyEx)
NTSTATUS WdfDeviceAllocAndQueryPropertyEx(WDFDEVICE Device, PWDF_DEVICE_PROPERTY_DATA DeviceProperty, POOL_TYPE PoolType,
                                          PWDF_OBJECT_ATTRIBUTES PropertyMemoryAttributes, WDFMEMORY *PropertyMemory, PDEVPROPTYPE Type);

WDF_IMPORT(WdfDeviceAssignProperty)
NTSTATUS WdfDeviceAssignProperty(WDFDEVICE Device, PWDF_DEVICE_PROPERTY_DATA DeviceProperty, DEVPROPTYPE Type, ULONG Size, PVOID Data);

/* From EvtDriverDeviceAdd, before WdfDeviceCreate (declared by wdffdo.h in the WDK). */
WDF_IMPORT(WdfFdoInitQueryProperty)
NTSTATUS WdfFdoInitQueryProperty(PWDFDEVICE_INIT DeviceInit, DEVICE_REGISTRY_PROPERTY DeviceProperty, ULONG BufferLength,
                                 PVOID PropertyBuffer, PULONG ResultLength);

WDF_IMPORT(WdfFdoInitAllocAndQueryProperty)
NTSTATUS WdfFdoInitAllocAndQueryProperty(PWDFDEVICE_INIT DeviceInit, DEVICE_REGISTRY_PROPERTY DeviceProperty, POOL_TYPE PoolType,
                                         PWDF_OBJECT_ATTRIBUTES PropertyMemoryAttributes, WDFMEMORY *PropertyMemory);

WDF_IMPORT(WdfFdoInitQueryPropertyEx)
NTSTATUS WdfFdoInitQueryPropertyEx(PWDFDEVICE_INIT DeviceInit, PWDF_DEVICE_PROPERTY_DATA DeviceProperty, ULONG BufferLength,
                                   PVOID PropertyBuffer, PULONG ResultLength, PDEVPROPTYPE Type);

WDF_IMPORT(WdfFdoInitAllocAndQueryPropertyEx)
NTSTATUS WdfFdoInitAllocAndQueryPropertyEx(PWDFDEVICE_INIT DeviceInit, PWDF_DEVICE_PROPERTY_DATA DeviceProperty, POOL_TYPE PoolType,
                                           PWDF_OBJECT_ATTRIBUTES PropertyMemoryAttributes, WDFMEMORY *PropertyMemory,
                                           PDEVPROPTYPE Type);

/* FALSE: IRP_MN_QUERY_STOP_DEVICE and IRP_MN_QUERY_REMOVE_DEVICE fail until a matching TRUE. */
WDF_IMPORT(WdfDeviceSetStaticStopRemove)
VOID WdfDeviceSetStaticStopRemove(WDFDEVICE Device, BOOLEAN Stoppable);

/* DEVICE_OBJECT.AlignmentRequirement: FILE_xxx_ALIGNMENT, a power of two minus one. */
WDF_IMPORT(WdfDeviceSetAlignmentRequirement)
VOID WdfDeviceSetAlignmentRequirement(WDFDEVICE Device, ULONG AlignmentRequirement);

WDF_IMPORT(WdfDeviceGetAlignmentRequirement)
ULONG WdfDeviceGetAlignmentRequirement(WDFDEVICE Device);

EXTERN_C_END

#endif /* _DV_WDFDEVICE_STATE_H_ */
