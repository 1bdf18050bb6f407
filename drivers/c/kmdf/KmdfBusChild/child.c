/*
 * KmdfBusChild: the function driver of KmdfBus's children. It asks its PDO for the bus interface
 * (WdfFdoQueryForInterface) when its hardware is prepared and learns its serial from it, exposes a
 * device interface, and sends every IOCTL it gets down to its PDO (which forwards it to the bus).
 */
#include "../KmdfBus/kmdfbus.h"

typedef struct _CHILD_CONTEXT {
  ULONG Serial;
} CHILD_CONTEXT, *PCHILD_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(CHILD_CONTEXT, ChildGetContext)

DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_DEVICE_ADD KmdfBusChildEvtDeviceAdd;
EVT_WDF_DEVICE_PREPARE_HARDWARE KmdfBusChildEvtPrepareHardware;
EVT_WDF_DEVICE_SURPRISE_REMOVAL KmdfBusChildEvtSurpriseRemoval;
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL KmdfBusChildEvtIoDeviceControl;
EVT_WDF_REQUEST_COMPLETION_ROUTINE KmdfBusChildCompletion;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  WDF_DRIVER_CONFIG config;

  WDF_DRIVER_CONFIG_INIT(&config, KmdfBusChildEvtDeviceAdd);
  return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, WDF_NO_HANDLE);
}

NTSTATUS KmdfBusChildEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit) {
  WDF_PNPPOWER_EVENT_CALLBACKS pnp;
  WDF_OBJECT_ATTRIBUTES attributes;
  WDF_IO_QUEUE_CONFIG queueConfig;
  WDFDEVICE device;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(Driver);
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnp);
  pnp.EvtDevicePrepareHardware = KmdfBusChildEvtPrepareHardware;
  pnp.EvtDeviceSurpriseRemoval = KmdfBusChildEvtSurpriseRemoval;
  WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnp);
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, CHILD_CONTEXT);
  status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
  if (!NT_SUCCESS(status)) return status;
  status = WdfDeviceCreateDeviceInterface(device, &GUID_DEVINTERFACE_KMDFBUSCHILD, NULL);
  if (!NT_SUCCESS(status)) return status;
  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
  queueConfig.EvtIoDeviceControl = KmdfBusChildEvtIoDeviceControl;
  return WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
}

NTSTATUS KmdfBusChildEvtPrepareHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesRaw, WDFCMRESLIST ResourcesTranslated) {
  KMDFBUS_INTERFACE busInterface;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(ResourcesRaw);
  UNREFERENCED_PARAMETER(ResourcesTranslated);
  status = WdfFdoQueryForInterface(Device, &GUID_KMDFBUS_INTERFACE, (PINTERFACE)&busInterface, sizeof(busInterface), 1, NULL);
  if (!NT_SUCCESS(status)) {
    DbgPrint("KmdfBusChild: no bus interface (0x%x)\n", status);
    return status;
  }
  ChildGetContext(Device)->Serial = busInterface.GetSerial(busInterface.Header.Context);
  busInterface.Header.InterfaceDereference(busInterface.Header.Context);
  DbgPrint("KmdfBusChild: child %lu prepared\n", ChildGetContext(Device)->Serial);
  return STATUS_SUCCESS;
}

VOID KmdfBusChildEvtSurpriseRemoval(WDFDEVICE Device) {
  DbgPrint("KmdfBusChild: child %lu surprise-removed\n", ChildGetContext(Device)->Serial);
}

VOID KmdfBusChildEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength, ULONG IoControlCode) {
  UNREFERENCED_PARAMETER(OutputBufferLength);
  UNREFERENCED_PARAMETER(InputBufferLength);
  UNREFERENCED_PARAMETER(IoControlCode);
  WdfRequestFormatRequestUsingCurrentType(Request);
  WdfRequestSetCompletionRoutine(Request, KmdfBusChildCompletion, WDF_NO_CONTEXT);
  if (!WdfRequestSend(Request, WdfDeviceGetIoTarget(WdfIoQueueGetDevice(Queue)), WDF_NO_SEND_OPTIONS)) WdfRequestComplete(Request, WdfRequestGetStatus(Request));
}

VOID KmdfBusChildCompletion(WDFREQUEST Request, WDFIOTARGET Target, PWDF_REQUEST_COMPLETION_PARAMS Params, WDFCONTEXT Context) {
  UNREFERENCED_PARAMETER(Target);
  UNREFERENCED_PARAMETER(Context);
  WdfRequestCompleteWithInformation(Request, Params->IoStatus.Status, Params->IoStatus.Information);
}
