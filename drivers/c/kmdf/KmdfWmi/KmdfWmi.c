/*
 * KmdfWmi: a KMDF function driver that is a WMI data provider. Its device has one block (GUID
 * KMDFWMI_GUID, a KMDFWMI_DATA per instance) with two instances: instance 0 answers through its
 * callbacks (query, set, set item 1 = Value, method 1 adds its ULONG input to Value and returns the
 * sum, method 2 fires an event carrying Value); instance 1 answers queries with its context
 * (UseContextForQuery). The provider's EvtWmiProviderFunctionControl counts what WMI enabled.
 * EvtDriverDeviceAdd also prints what the framework says to two mistakes: a second provider of the
 * same GUID, an instance config naming both a provider and a provider config.
 */
#include <ntddk.h>
#include <wdf.h>

/* {5C2B6D1E-3A7F-4E21-9B8C-0D1E2F3A4B5C} */
static const GUID KMDFWMI_GUID = {0x5c2b6d1e, 0x3a7f, 0x4e21, {0x9b, 0x8c, 0x0d, 0x1e, 0x2f, 0x3a, 0x4b, 0x5c}};

typedef struct _KMDFWMI_DATA {
  ULONG Value;
  ULONG Sets;
} KMDFWMI_DATA, *PKMDFWMI_DATA;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(KMDFWMI_DATA, KmdfWmiGetData)

DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_DEVICE_ADD KmdfWmiEvtDeviceAdd;
EVT_WDF_WMI_INSTANCE_QUERY_INSTANCE KmdfWmiQuery;
EVT_WDF_WMI_INSTANCE_SET_INSTANCE KmdfWmiSet;
EVT_WDF_WMI_INSTANCE_SET_ITEM KmdfWmiSetItem;
EVT_WDF_WMI_INSTANCE_EXECUTE_METHOD KmdfWmiMethod;
EVT_WDF_WMI_PROVIDER_FUNCTION_CONTROL KmdfWmiFunctionControl;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  WDF_DRIVER_CONFIG config;

  WDF_DRIVER_CONFIG_INIT(&config, KmdfWmiEvtDeviceAdd);
  return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, WDF_NO_HANDLE);
}

NTSTATUS KmdfWmiEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit) {
  DECLARE_CONST_UNICODE_STRING(mof, L"KmdfWmiMof");
  WDF_OBJECT_ATTRIBUTES attributes;
  WDF_WMI_PROVIDER_CONFIG providerConfig;
  WDF_WMI_INSTANCE_CONFIG instanceConfig;
  WDFWMIPROVIDER provider, second;
  WDFWMIINSTANCE instance;
  WDFDEVICE device;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(Driver);
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, KMDFWMI_DATA);
  status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
  if (!NT_SUCCESS(status)) return status;
  KmdfWmiGetData(device)->Value = 7;
  status = WdfDeviceAssignMofResourceName(device, &mof);
  if (!NT_SUCCESS(status)) return status;
  DbgPrint("KmdfWmi: mof again 0x%x\n", WdfDeviceAssignMofResourceName(device, &mof));

  WDF_WMI_PROVIDER_CONFIG_INIT(&providerConfig, &KMDFWMI_GUID);
  providerConfig.MinInstanceBufferSize = sizeof(KMDFWMI_DATA);
  providerConfig.EvtWmiProviderFunctionControl = KmdfWmiFunctionControl;
  status = WdfWmiProviderCreate(device, &providerConfig, WDF_NO_OBJECT_ATTRIBUTES, &provider);
  if (!NT_SUCCESS(status)) return status;
  DbgPrint("KmdfWmi: same GUID 0x%x\n", WdfWmiProviderCreate(device, &providerConfig, WDF_NO_OBJECT_ATTRIBUTES, &second));

  WDF_WMI_INSTANCE_CONFIG_INIT_PROVIDER(&instanceConfig, provider);
  instanceConfig.ProviderConfig = &providerConfig;
  DbgPrint("KmdfWmi: both 0x%x\n", WdfWmiInstanceCreate(device, &instanceConfig, WDF_NO_OBJECT_ATTRIBUTES, &instance));

  /* Instance 0: the callbacks, over the device's context. */
  WDF_WMI_INSTANCE_CONFIG_INIT_PROVIDER(&instanceConfig, provider);
  instanceConfig.Register = TRUE;
  instanceConfig.EvtWmiInstanceQueryInstance = KmdfWmiQuery;
  instanceConfig.EvtWmiInstanceSetInstance = KmdfWmiSet;
  instanceConfig.EvtWmiInstanceSetItem = KmdfWmiSetItem;
  instanceConfig.EvtWmiInstanceExecuteMethod = KmdfWmiMethod;
  status = WdfWmiInstanceCreate(device, &instanceConfig, WDF_NO_OBJECT_ATTRIBUTES, &instance);
  if (!NT_SUCCESS(status)) return status;
  DbgPrint("KmdfWmi: instance device %d provider %d\n", WdfWmiInstanceGetDevice(instance) == device, WdfWmiInstanceGetProvider(instance) == provider);

  /* Instance 1: its own context answers, registered after creation. */
  WDF_WMI_INSTANCE_CONFIG_INIT_PROVIDER(&instanceConfig, provider);
  instanceConfig.UseContextForQuery = TRUE;
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, KMDFWMI_DATA);
  status = WdfWmiInstanceCreate(device, &instanceConfig, &attributes, &instance);
  if (!NT_SUCCESS(status)) return status;
  KmdfWmiGetData(instance)->Value = 0x1234;
  KmdfWmiGetData(instance)->Sets = 0;
  return WdfWmiInstanceRegister(instance);
}

NTSTATUS KmdfWmiQuery(WDFWMIINSTANCE WmiInstance, ULONG OutBufferSize, PVOID OutBuffer, PULONG BufferUsed) {
  PKMDFWMI_DATA data = KmdfWmiGetData(WdfWmiInstanceGetDevice(WmiInstance));

  if (OutBufferSize < sizeof(KMDFWMI_DATA)) {
    *BufferUsed = sizeof(KMDFWMI_DATA);
    return STATUS_BUFFER_TOO_SMALL;
  }
  RtlCopyMemory(OutBuffer, data, sizeof(KMDFWMI_DATA));
  *BufferUsed = sizeof(KMDFWMI_DATA);
  return STATUS_SUCCESS;
}

NTSTATUS KmdfWmiSet(WDFWMIINSTANCE WmiInstance, ULONG InBufferSize, PVOID InBuffer) {
  PKMDFWMI_DATA data = KmdfWmiGetData(WdfWmiInstanceGetDevice(WmiInstance));

  UNREFERENCED_PARAMETER(InBufferSize);
  data->Value = ((PKMDFWMI_DATA)InBuffer)->Value;
  data->Sets++;
  return STATUS_SUCCESS;
}

NTSTATUS KmdfWmiSetItem(WDFWMIINSTANCE WmiInstance, ULONG DataItemId, ULONG InBufferSize, PVOID InBuffer) {
  PKMDFWMI_DATA data = KmdfWmiGetData(WdfWmiInstanceGetDevice(WmiInstance));

  if (DataItemId != 1) return STATUS_WMI_ITEMID_NOT_FOUND;
  if (InBufferSize < sizeof(ULONG)) return STATUS_BUFFER_TOO_SMALL;
  data->Value = *(PULONG)InBuffer;
  data->Sets++;
  return STATUS_SUCCESS;
}

NTSTATUS KmdfWmiMethod(WDFWMIINSTANCE WmiInstance, ULONG MethodId, ULONG InBufferSize, ULONG OutBufferSize, PVOID Buffer, PULONG BufferUsed) {
  PKMDFWMI_DATA data = KmdfWmiGetData(WdfWmiInstanceGetDevice(WmiInstance));

  switch (MethodId) {
    case 1:
      if (InBufferSize < sizeof(ULONG)) return STATUS_INVALID_PARAMETER;
      if (OutBufferSize < sizeof(ULONG)) {
        *BufferUsed = sizeof(ULONG);
        return STATUS_BUFFER_TOO_SMALL;
      }
      data->Value += *(PULONG)Buffer;
      *(PULONG)Buffer = data->Value;
      *BufferUsed = sizeof(ULONG);
      return STATUS_SUCCESS;
    case 2:
      /* The event only when WMI enabled it, as the DDI reference asks. */
      if (!WdfWmiProviderIsEnabled(WdfWmiInstanceGetProvider(WmiInstance), WdfWmiEventControl)) return STATUS_UNSUCCESSFUL;
      *BufferUsed = 0;
      return WdfWmiInstanceFireEvent(WmiInstance, sizeof(ULONG), &data->Value);
    default:
      return STATUS_WMI_ITEMID_NOT_FOUND;
  }
}

NTSTATUS KmdfWmiFunctionControl(WDFWMIPROVIDER WmiProvider, WDF_WMI_PROVIDER_CONTROL Control, BOOLEAN Enable) {
  DbgPrint("KmdfWmi: %s %s, device %d\n", Control == WdfWmiEventControl ? "events" : "collection", Enable ? "on" : "off",
           WdfWmiProviderGetDevice(WmiProvider) != NULL);
  return STATUS_SUCCESS;
}
