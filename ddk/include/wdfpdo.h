/*
 * <wdfpdo.h>: a bus driver's child devices (PDOs). WdfPdoInitAllocate gives a WDFDEVICE_INIT for a
 * child of the parent's bus; the init calls give the IDs, text and rawness the framework answers the
 * PnP manager with; WdfDeviceCreate makes the PDO, which the parent then reports (WdfFdoAddStaticChild,
 * or from a child list's EvtChildListCreateDevice).
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFPDO_H_
#define _WDFPDO_H_

EXTERN_C_START

typedef NTSTATUS EVT_WDF_DEVICE_RESOURCES_QUERY(WDFDEVICE Device, WDFCMRESLIST Resources);
typedef EVT_WDF_DEVICE_RESOURCES_QUERY *PFN_WDF_DEVICE_RESOURCES_QUERY;
typedef NTSTATUS EVT_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY(WDFDEVICE Device, WDFIORESREQLIST IoResourceRequirementsList);
typedef EVT_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY *PFN_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY;
typedef NTSTATUS EVT_WDF_DEVICE_EJECT(WDFDEVICE Device);
typedef EVT_WDF_DEVICE_EJECT *PFN_WDF_DEVICE_EJECT;
typedef NTSTATUS EVT_WDF_DEVICE_SET_LOCK(WDFDEVICE Device, BOOLEAN IsLocked);
typedef EVT_WDF_DEVICE_SET_LOCK *PFN_WDF_DEVICE_SET_LOCK;
typedef NTSTATUS EVT_WDF_DEVICE_ENABLE_WAKE_AT_BUS(WDFDEVICE Device, SYSTEM_POWER_STATE PowerState);
typedef EVT_WDF_DEVICE_ENABLE_WAKE_AT_BUS *PFN_WDF_DEVICE_ENABLE_WAKE_AT_BUS;
typedef VOID EVT_WDF_DEVICE_DISABLE_WAKE_AT_BUS(WDFDEVICE Device);
typedef EVT_WDF_DEVICE_DISABLE_WAKE_AT_BUS *PFN_WDF_DEVICE_DISABLE_WAKE_AT_BUS;
typedef VOID EVT_WDF_DEVICE_REPORTED_MISSING(WDFDEVICE Device);
typedef EVT_WDF_DEVICE_REPORTED_MISSING *PFN_WDF_DEVICE_REPORTED_MISSING;

typedef struct _WDF_PDO_EVENT_CALLBACKS {
  ULONG Size;
  PFN_WDF_DEVICE_RESOURCES_QUERY EvtDeviceResourcesQuery;
  PFN_WDF_DEVICE_RESOURCE_REQUIREMENTS_QUERY EvtDeviceResourceRequirementsQuery;
  PFN_WDF_DEVICE_EJECT EvtDeviceEject;
  PFN_WDF_DEVICE_SET_LOCK EvtDeviceSetLock;
  PFN_WDF_DEVICE_ENABLE_WAKE_AT_BUS EvtDeviceEnableWakeAtBus;
  PFN_WDF_DEVICE_DISABLE_WAKE_AT_BUS EvtDeviceDisableWakeAtBus;
  PFN_WDF_DEVICE_REPORTED_MISSING EvtDeviceReportedMissing;
} WDF_PDO_EVENT_CALLBACKS, *PWDF_PDO_EVENT_CALLBACKS;

FORCEINLINE VOID WDF_PDO_EVENT_CALLBACKS_INIT(PWDF_PDO_EVENT_CALLBACKS Callbacks) {
  RtlZeroMemory(Callbacks, sizeof(WDF_PDO_EVENT_CALLBACKS));
  Callbacks->Size = sizeof(WDF_PDO_EVENT_CALLBACKS);
}

WDF_IMPORT(WdfPdoInitAllocate)
PWDFDEVICE_INIT WdfPdoInitAllocate(WDFDEVICE ParentDevice);

WDF_IMPORT(WdfPdoInitSetEventCallbacks)
VOID WdfPdoInitSetEventCallbacks(PWDFDEVICE_INIT DeviceInit, PWDF_PDO_EVENT_CALLBACKS DispatchTable);

WDF_IMPORT(WdfPdoInitAssignDeviceID)
NTSTATUS WdfPdoInitAssignDeviceID(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING DeviceID);

WDF_IMPORT(WdfPdoInitAssignInstanceID)
NTSTATUS WdfPdoInitAssignInstanceID(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING InstanceID);

WDF_IMPORT(WdfPdoInitAddHardwareID)
NTSTATUS WdfPdoInitAddHardwareID(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING HardwareID);

WDF_IMPORT(WdfPdoInitAddCompatibleID)
NTSTATUS WdfPdoInitAddCompatibleID(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING CompatibleID);

WDF_IMPORT(WdfPdoInitAssignContainerID)
NTSTATUS WdfPdoInitAssignContainerID(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING ContainerID);

WDF_IMPORT(WdfPdoInitAddDeviceText)
NTSTATUS WdfPdoInitAddDeviceText(PWDFDEVICE_INIT DeviceInit, PCUNICODE_STRING DeviceDescription, PCUNICODE_STRING DeviceLocation, LCID LocaleId);

WDF_IMPORT(WdfPdoInitSetDefaultLocale)
VOID WdfPdoInitSetDefaultLocale(PWDFDEVICE_INIT DeviceInit, LCID LocaleId);

WDF_IMPORT(WdfPdoInitAssignRawDevice)
NTSTATUS WdfPdoInitAssignRawDevice(PWDFDEVICE_INIT DeviceInit, const GUID *DeviceClassGuid);

WDF_IMPORT(WdfPdoInitAllowForwardingRequestToParent)
VOID WdfPdoInitAllowForwardingRequestToParent(PWDFDEVICE_INIT DeviceInit);

WDF_IMPORT(WdfPdoMarkMissing)
NTSTATUS WdfPdoMarkMissing(WDFDEVICE Device);

WDF_IMPORT(WdfPdoRequestEject)
VOID WdfPdoRequestEject(WDFDEVICE Device);

WDF_IMPORT(WdfPdoGetParent)
WDFDEVICE WdfPdoGetParent(WDFDEVICE Device);

WDF_IMPORT(WdfPdoRetrieveIdentificationDescription)
NTSTATUS WdfPdoRetrieveIdentificationDescription(WDFDEVICE Device, PWDF_CHILD_IDENTIFICATION_DESCRIPTION_HEADER IdentificationDescription);

WDF_IMPORT(WdfPdoRetrieveAddressDescription)
NTSTATUS WdfPdoRetrieveAddressDescription(WDFDEVICE Device, PWDF_CHILD_ADDRESS_DESCRIPTION_HEADER AddressDescription);

/* wdfrequest.h in the WDK: a PDO's request (its init allowed it) goes on to a queue of its parent device. */
typedef enum _WDF_REQUEST_FORWARD_OPTIONS_FLAGS {
  WDF_REQUEST_FORWARD_OPTION_SEND_AND_FORGET = 0x00000001,
} WDF_REQUEST_FORWARD_OPTIONS_FLAGS;

typedef struct _WDF_REQUEST_FORWARD_OPTIONS {
  ULONG Size;
  ULONG Flags;
} WDF_REQUEST_FORWARD_OPTIONS, *PWDF_REQUEST_FORWARD_OPTIONS;

FORCEINLINE VOID WDF_REQUEST_FORWARD_OPTIONS_INIT(PWDF_REQUEST_FORWARD_OPTIONS ForwardOptions) {
  RtlZeroMemory(ForwardOptions, sizeof(WDF_REQUEST_FORWARD_OPTIONS));
  ForwardOptions->Size = sizeof(WDF_REQUEST_FORWARD_OPTIONS);
  ForwardOptions->Flags = WDF_REQUEST_FORWARD_OPTION_SEND_AND_FORGET;
}

WDF_IMPORT(WdfRequestForwardToParentDeviceIoQueue)
NTSTATUS WdfRequestForwardToParentDeviceIoQueue(WDFREQUEST Request, WDFQUEUE ParentDeviceQueue, PWDF_REQUEST_FORWARD_OPTIONS ForwardOptions);

/* wdfdevice.h in the WDK: the bus information the framework answers its children's IRP_MN_QUERY_BUS_INFORMATION with. */
WDF_IMPORT(WdfDeviceSetBusInformationForChildren)
VOID WdfDeviceSetBusInformationForChildren(WDFDEVICE Device, PPNP_BUS_INFORMATION BusInformation);

EXTERN_C_END

#endif /* _WDFPDO_H_ */
