/*
 * KmdfFilter: a KMDF upper filter. EvtDriverDeviceAdd makes the device a filter
 * (WdfFdoInitSetFilter) with a parallel default queue that sees only IOCTLs: each goes down to the
 * local I/O target with a completion routine that counts it and completes the request with the
 * lower driver's status and information. Reads, writes and creates have no handler here: the
 * framework passes them down itself.
 *
 * KMDFFILTER_SYNC_AT_DISPATCH (the KmdfFilterSyncAtDispatch twin) sends each IOCTL synchronously
 * from DISPATCH_LEVEL, which the framework refuses (WdfRequestSend needs PASSIVE_LEVEL for that).
 * KMDFFILTER_POWER_POLICY_OWNER (the KmdfFilterPowerOwner twin) takes the power policy ownership
 * (WdfDeviceInitSetPowerPolicyOwnership) above a function driver that keeps it: at a sleep the D-IRP
 * the filter requests reaches an owner that did not request it, 0x10D/0xD.
 */
#include <ntddk.h>
#include <wdf.h>

typedef struct _FILTER_CONTEXT {
  ULONG Forwarded;
} FILTER_CONTEXT, *PFILTER_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FILTER_CONTEXT, FilterGetContext)

DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_DEVICE_ADD KmdfFilterEvtDeviceAdd;
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL KmdfFilterEvtIoDeviceControl;
EVT_WDF_REQUEST_COMPLETION_ROUTINE KmdfFilterCompletion;
EVT_WDF_OBJECT_CONTEXT_CLEANUP KmdfFilterEvtDeviceCleanup;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  WDF_DRIVER_CONFIG config;

  WDF_DRIVER_CONFIG_INIT(&config, KmdfFilterEvtDeviceAdd);
  return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, WDF_NO_HANDLE);
}

NTSTATUS KmdfFilterEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit) {
  WDF_OBJECT_ATTRIBUTES attributes;
  WDF_IO_QUEUE_CONFIG queueConfig;
  WDFDEVICE device;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(Driver);
  WdfFdoInitSetFilter(DeviceInit);
#ifdef KMDFFILTER_POWER_POLICY_OWNER
  /* The twin's bug: a filter taking the power policy while the function driver below keeps it. */
  WdfDeviceInitSetPowerPolicyOwnership(DeviceInit, TRUE);
#endif
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, FILTER_CONTEXT);
  attributes.EvtCleanupCallback = KmdfFilterEvtDeviceCleanup;
  status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
  if (!NT_SUCCESS(status)) return status;
  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchParallel);
  queueConfig.EvtIoDeviceControl = KmdfFilterEvtIoDeviceControl;
  return WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
}

VOID KmdfFilterEvtDeviceCleanup(WDFOBJECT Device) {
  DbgPrint("KmdfFilter: %lu IOCTLs forwarded\n", FilterGetContext(Device)->Forwarded);
}

VOID KmdfFilterEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength, ULONG IoControlCode) {
  WDFDEVICE device = WdfIoQueueGetDevice(Queue);
  WDFIOTARGET target = WdfDeviceGetIoTarget(device);

  UNREFERENCED_PARAMETER(OutputBufferLength);
  UNREFERENCED_PARAMETER(InputBufferLength);
  UNREFERENCED_PARAMETER(IoControlCode);
  WdfRequestFormatRequestUsingCurrentType(Request);
#ifdef KMDFFILTER_SYNC_AT_DISPATCH
  {
    WDF_REQUEST_SEND_OPTIONS options;
    KIRQL old;

    WDF_REQUEST_SEND_OPTIONS_INIT(&options, WDF_REQUEST_SEND_OPTION_SYNCHRONOUS);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    WdfRequestSend(Request, target, &options);
    KeLowerIrql(old);
    FilterGetContext(device)->Forwarded++;
    WdfRequestComplete(Request, WdfRequestGetStatus(Request));
  }
#else
  WdfRequestSetCompletionRoutine(Request, KmdfFilterCompletion, device);
  if (!WdfRequestSend(Request, target, WDF_NO_SEND_OPTIONS)) WdfRequestComplete(Request, WdfRequestGetStatus(Request));
#endif
}

VOID KmdfFilterCompletion(WDFREQUEST Request, WDFIOTARGET Target, PWDF_REQUEST_COMPLETION_PARAMS Params, WDFCONTEXT Context) {
  WDF_REQUEST_COMPLETION_PARAMS again;

  UNREFERENCED_PARAMETER(Target);
  /* The request keeps its completion parameters: the same as the routine's. */
  WDF_REQUEST_COMPLETION_PARAMS_INIT(&again);
  WdfRequestGetCompletionParams(Request, &again);
  if (again.Type != Params->Type || again.IoStatus.Status != Params->IoStatus.Status || again.IoStatus.Information != Params->IoStatus.Information) {
    DbgPrint("KmdfFilter: WdfRequestGetCompletionParams differs from the routine's parameters\n");
  }
  DbgPrint("KmdfFilter: completed IOCTL 0x%x with 0x%x\n", Params->Parameters.Ioctl.IoControlCode, Params->IoStatus.Status);
  FilterGetContext((WDFDEVICE)Context)->Forwarded++;
  WdfRequestCompleteWithInformation(Request, Params->IoStatus.Status, Params->IoStatus.Information);
}
