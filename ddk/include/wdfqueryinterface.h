/*
 * <wdfqueryinterface.h>: driver-defined interfaces (IRP_MN_QUERY_INTERFACE). A device adds an
 * interface (WdfDeviceAddQueryInterface) that the framework then hands out, a copy of the INTERFACE
 * structure the driver gave, to whoever asks the device's stack for its GUID.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFQUERYINTERFACE_H_
#define _WDFQUERYINTERFACE_H_

EXTERN_C_START

typedef NTSTATUS EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST(WDFDEVICE Device, LPGUID InterfaceType, PINTERFACE ExposedInterface, PVOID ExposedInterfaceSpecificData);
typedef EVT_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST *PFN_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST;

typedef struct _WDF_QUERY_INTERFACE_CONFIG {
  ULONG Size;
  PINTERFACE Interface;
  const GUID *InterfaceType;
  BOOLEAN SendQueryToParentStack;
  PFN_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST EvtDeviceProcessQueryInterfaceRequest;
  BOOLEAN ImportInterface;
} WDF_QUERY_INTERFACE_CONFIG, *PWDF_QUERY_INTERFACE_CONFIG;

FORCEINLINE VOID WDF_QUERY_INTERFACE_CONFIG_INIT(PWDF_QUERY_INTERFACE_CONFIG InterfaceConfig, PINTERFACE Interface, const GUID *InterfaceType,
                                                 PFN_WDF_DEVICE_PROCESS_QUERY_INTERFACE_REQUEST EvtDeviceProcessQueryInterfaceRequest) {
  RtlZeroMemory(InterfaceConfig, sizeof(WDF_QUERY_INTERFACE_CONFIG));
  InterfaceConfig->Size = sizeof(WDF_QUERY_INTERFACE_CONFIG);
  InterfaceConfig->Interface = Interface;
  InterfaceConfig->InterfaceType = InterfaceType;
  InterfaceConfig->EvtDeviceProcessQueryInterfaceRequest = EvtDeviceProcessQueryInterfaceRequest;
}

WDF_IMPORT(WdfDeviceAddQueryInterface)
NTSTATUS WdfDeviceAddQueryInterface(WDFDEVICE Device, PWDF_QUERY_INTERFACE_CONFIG InterfaceConfig);

/* The reference and dereference routines of an interface that needs neither (the framework's own, inline). */
FORCEINLINE VOID WdfDeviceInterfaceReferenceNoOp(PVOID Context) { UNREFERENCED_PARAMETER(Context); }
FORCEINLINE VOID WdfDeviceInterfaceDereferenceNoOp(PVOID Context) { UNREFERENCED_PARAMETER(Context); }

EXTERN_C_END

#endif /* _WDFQUERYINTERFACE_H_ */
