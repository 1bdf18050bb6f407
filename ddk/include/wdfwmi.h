/*
 * <wdfwmi.h>: WMI providers and instances (WDFWMIPROVIDER, WDFWMIINSTANCE): a device's WMI data
 * blocks, answered by the instance callbacks when WMI queries, sets or runs a method, and the events
 * a driver fires. The framework registers the device with WMI and answers IRP_MJ_SYSTEM_CONTROL
 * (src/wdf/wmi.ts, src/wdf/wmi-irp.ts).
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFWMI_H_
#define _WDFWMI_H_

EXTERN_C_START

typedef enum _WDF_WMI_PROVIDER_CONTROL {
  WdfWmiControlInvalid = 0,
  WdfWmiEventControl,
  WdfWmiInstanceControl,
} WDF_WMI_PROVIDER_CONTROL;

typedef enum _WDF_WMI_PROVIDER_FLAGS {
  WdfWmiProviderEventOnly = 0x0001,
  WdfWmiProviderExpensive = 0x0002,
  WdfWmiProviderTracing = 0x0004,
  WdfWmiProviderValidFlags = WdfWmiProviderEventOnly | WdfWmiProviderExpensive | WdfWmiProviderTracing,
} WDF_WMI_PROVIDER_FLAGS;

typedef NTSTATUS EVT_WDF_WMI_INSTANCE_QUERY_INSTANCE(WDFWMIINSTANCE WmiInstance, ULONG OutBufferSize, PVOID OutBuffer, PULONG BufferUsed);
typedef EVT_WDF_WMI_INSTANCE_QUERY_INSTANCE *PFN_WDF_WMI_INSTANCE_QUERY_INSTANCE;
typedef NTSTATUS EVT_WDF_WMI_INSTANCE_SET_INSTANCE(WDFWMIINSTANCE WmiInstance, ULONG InBufferSize, PVOID InBuffer);
typedef EVT_WDF_WMI_INSTANCE_SET_INSTANCE *PFN_WDF_WMI_INSTANCE_SET_INSTANCE;
typedef NTSTATUS EVT_WDF_WMI_INSTANCE_SET_ITEM(WDFWMIINSTANCE WmiInstance, ULONG DataItemId, ULONG InBufferSize, PVOID InBuffer);
typedef EVT_WDF_WMI_INSTANCE_SET_ITEM *PFN_WDF_WMI_INSTANCE_SET_ITEM;
typedef NTSTATUS EVT_WDF_WMI_INSTANCE_EXECUTE_METHOD(WDFWMIINSTANCE WmiInstance, ULONG MethodId, ULONG InBufferSize, ULONG OutBufferSize,
                                                     PVOID Buffer, PULONG BufferUsed);
typedef EVT_WDF_WMI_INSTANCE_EXECUTE_METHOD *PFN_WDF_WMI_INSTANCE_EXECUTE_METHOD;
typedef NTSTATUS EVT_WDF_WMI_PROVIDER_FUNCTION_CONTROL(WDFWMIPROVIDER WmiProvider, WDF_WMI_PROVIDER_CONTROL Control, BOOLEAN Enable);
typedef EVT_WDF_WMI_PROVIDER_FUNCTION_CONTROL *PFN_WDF_WMI_PROVIDER_FUNCTION_CONTROL;

typedef struct _WDF_WMI_PROVIDER_CONFIG {
  ULONG Size;
  GUID Guid;
  ULONG Flags;
  /* The size of an instance's data: smaller buffers are answered "too small" without asking the driver. */
  ULONG MinInstanceBufferSize;
  PFN_WDF_WMI_PROVIDER_FUNCTION_CONTROL EvtWmiProviderFunctionControl;
} WDF_WMI_PROVIDER_CONFIG, *PWDF_WMI_PROVIDER_CONFIG;

FORCEINLINE VOID WDF_WMI_PROVIDER_CONFIG_INIT(PWDF_WMI_PROVIDER_CONFIG Config, CONST GUID *Guid) {
  RtlZeroMemory(Config, sizeof(WDF_WMI_PROVIDER_CONFIG));
  Config->Size = sizeof(WDF_WMI_PROVIDER_CONFIG);
  RtlCopyMemory(&Config->Guid, Guid, sizeof(GUID));
}

typedef struct _WDF_WMI_INSTANCE_CONFIG {
  ULONG Size;
  /* One of the two: an existing provider, or the configuration of one to create with the instance. */
  WDFWMIPROVIDER Provider;
  PWDF_WMI_PROVIDER_CONFIG ProviderConfig;
  /* Queries answer the instance's context (no EvtWmiInstanceQueryInstance). */
  BOOLEAN UseContextForQuery;
  /* Register the instance with WMI as it is created (else WdfWmiInstanceRegister). */
  BOOLEAN Register;
  PFN_WDF_WMI_INSTANCE_QUERY_INSTANCE EvtWmiInstanceQueryInstance;
  PFN_WDF_WMI_INSTANCE_SET_INSTANCE EvtWmiInstanceSetInstance;
  PFN_WDF_WMI_INSTANCE_SET_ITEM EvtWmiInstanceSetItem;
  PFN_WDF_WMI_INSTANCE_EXECUTE_METHOD EvtWmiInstanceExecuteMethod;
} WDF_WMI_INSTANCE_CONFIG, *PWDF_WMI_INSTANCE_CONFIG;

FORCEINLINE VOID WDF_WMI_INSTANCE_CONFIG_INIT_PROVIDER(PWDF_WMI_INSTANCE_CONFIG Config, WDFWMIPROVIDER Provider) {
  RtlZeroMemory(Config, sizeof(WDF_WMI_INSTANCE_CONFIG));
  Config->Size = sizeof(WDF_WMI_INSTANCE_CONFIG);
  Config->Provider = Provider;
}

FORCEINLINE VOID WDF_WMI_INSTANCE_CONFIG_INIT_PROVIDER_CONFIG(PWDF_WMI_INSTANCE_CONFIG Config, PWDF_WMI_PROVIDER_CONFIG ProviderConfig) {
  RtlZeroMemory(Config, sizeof(WDF_WMI_INSTANCE_CONFIG));
  Config->Size = sizeof(WDF_WMI_INSTANCE_CONFIG);
  Config->ProviderConfig = ProviderConfig;
}

/* Pointer arithmetic on a WMI buffer, as WMI handlers write their blocks (the WDK declares these with the framework's core macros). */
#ifndef WDF_PTR_ADD_OFFSET
#define WDF_PTR_ADD_OFFSET_TYPE(_ptr, _offset, _type) ((_type)(((PUCHAR)(_ptr)) + (_offset)))
#define WDF_PTR_ADD_OFFSET(_ptr, _offset) WDF_PTR_ADD_OFFSET_TYPE(_ptr, _offset, PVOID)
#endif

/* A WMI string (USHORT length in bytes, then the characters) into Buffer; RequiredSize is its size. */
FORCEINLINE NTSTATUS WDF_WMI_BUFFER_APPEND_STRING(PVOID Buffer, ULONG BufferLength, PCUNICODE_STRING String, PULONG RequiredSize) {
  *RequiredSize = String->Length + sizeof(USHORT);
  if (BufferLength < *RequiredSize) return STATUS_BUFFER_TOO_SMALL;
  *(USHORT *)Buffer = String->Length;
  RtlCopyMemory((PUCHAR)Buffer + sizeof(USHORT), String->Buffer, String->Length);
  return STATUS_SUCCESS;
}

WDF_IMPORT(WdfWmiProviderCreate)
NTSTATUS WdfWmiProviderCreate(WDFDEVICE Device, PWDF_WMI_PROVIDER_CONFIG WmiProviderConfig, PWDF_OBJECT_ATTRIBUTES ProviderAttributes,
                              WDFWMIPROVIDER *WmiProvider);

WDF_IMPORT(WdfWmiProviderGetDevice)
WDFDEVICE WdfWmiProviderGetDevice(WDFWMIPROVIDER WmiProvider);

WDF_IMPORT(WdfWmiProviderIsEnabled)
BOOLEAN WdfWmiProviderIsEnabled(WDFWMIPROVIDER WmiProvider, WDF_WMI_PROVIDER_CONTROL ProviderControl);

WDF_IMPORT(WdfWmiProviderGetTracingHandle)
ULONGLONG WdfWmiProviderGetTracingHandle(WDFWMIPROVIDER WmiProvider);

WDF_IMPORT(WdfWmiInstanceCreate)
NTSTATUS WdfWmiInstanceCreate(WDFDEVICE Device, PWDF_WMI_INSTANCE_CONFIG InstanceConfig, PWDF_OBJECT_ATTRIBUTES InstanceAttributes,
                              WDFWMIINSTANCE *Instance);

WDF_IMPORT(WdfWmiInstanceRegister)
NTSTATUS WdfWmiInstanceRegister(WDFWMIINSTANCE WmiInstance);

WDF_IMPORT(WdfWmiInstanceDeregister)
VOID WdfWmiInstanceDeregister(WDFWMIINSTANCE WmiInstance);

WDF_IMPORT(WdfWmiInstanceGetDevice)
WDFDEVICE WdfWmiInstanceGetDevice(WDFWMIINSTANCE WmiInstance);

WDF_IMPORT(WdfWmiInstanceGetProvider)
WDFWMIPROVIDER WdfWmiInstanceGetProvider(WDFWMIINSTANCE WmiInstance);

WDF_IMPORT(WdfWmiInstanceFireEvent)
NTSTATUS WdfWmiInstanceFireEvent(WDFWMIINSTANCE WmiInstance, ULONG EventDataSize, PVOID EventData);

/* wdfdevice.h's, declared with the family it serves: the MOF resource WMI reads the device's classes from. */
WDF_IMPORT(WdfDeviceAssignMofResourceName)
NTSTATUS WdfDeviceAssignMofResourceName(WDFDEVICE Device, PCUNICODE_STRING MofResourceName);

EXTERN_C_END

#endif /* _WDFWMI_H_ */
