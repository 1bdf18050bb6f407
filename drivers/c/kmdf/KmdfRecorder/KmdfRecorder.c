/*
 * KmdfRecorder: a KMDF function driver that traces with WPP in recorder mode (trace.h). DriverEntry
 * starts tracing (and so the recorder, with the driver's default log); each device gets a log of
 * its own (WppRecorderLogCreate, named "device" and its address), which TraceDevice writes to, and
 * deletes it in its cleanup. Verbose messages reach the trace session but not the recorder. A
 * request (IOCTL 0x222000) traces its input length and prints what the recorder's queries answer.
 */
#include <ntddk.h>
#include <wdf.h>
#include "trace.h"
#include "KmdfRecorder.tmh"

typedef struct _DEVICE_CONTEXT {
  RECORDER_LOG Log;
  ULONG Requests;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, GetDeviceContext)

DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_DEVICE_ADD KmdfRecorderEvtDeviceAdd;
EVT_WDF_DRIVER_UNLOAD KmdfRecorderEvtDriverUnload;
EVT_WDF_DEVICE_D0_ENTRY KmdfRecorderEvtD0Entry;
EVT_WDF_OBJECT_CONTEXT_CLEANUP KmdfRecorderEvtDeviceCleanup;
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL KmdfRecorderEvtIoDeviceControl;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  WDF_DRIVER_CONFIG config;
  RECORDER_CONFIGURE_PARAMS recorder;
  NTSTATUS status;

  WPP_INIT_TRACING(DriverObject, RegistryPath);
  RECORDER_CONFIGURE_PARAMS_INIT(&recorder);
  WppRecorderConfigure(&recorder);
  TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_DRIVER, "%!FUNC! %wZ", RegistryPath);
  WDF_DRIVER_CONFIG_INIT(&config, KmdfRecorderEvtDeviceAdd);
  config.EvtDriverUnload = KmdfRecorderEvtDriverUnload;
  status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, WDF_NO_HANDLE);
  if (!NT_SUCCESS(status)) {
    TraceEvents(TRACE_LEVEL_ERROR, TRACE_DRIVER, "WdfDriverCreate failed %!STATUS!", status);
    WPP_CLEANUP(DriverObject);
  }
  return status;
}

VOID KmdfRecorderEvtDriverUnload(WDFDRIVER Driver) {
  TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_DRIVER, "%!FUNC!");
  WPP_CLEANUP(WdfDriverWdmGetDriverObject(Driver));
}

NTSTATUS KmdfRecorderEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit) {
  WDF_PNPPOWER_EVENT_CALLBACKS pnp;
  WDF_OBJECT_ATTRIBUTES attributes;
  WDF_IO_QUEUE_CONFIG queue;
  RECORDER_LOG_CREATE_PARAMS params;
  PDEVICE_CONTEXT context;
  WDFDEVICE device;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(Driver);
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnp);
  pnp.EvtDeviceD0Entry = KmdfRecorderEvtD0Entry;
  WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnp);
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, DEVICE_CONTEXT);
  attributes.EvtCleanupCallback = KmdfRecorderEvtDeviceCleanup;
  status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
  if (!NT_SUCCESS(status)) return status;
  context = GetDeviceContext(device);
  RECORDER_LOG_CREATE_PARAMS_INIT(&params, "device");
  RECORDER_LOG_CREATE_PARAMS_INIT_APPEND_POINTER(&params, device);
  params.TotalBufferSize = 512;
  status = WppRecorderLogCreate(&params, &context->Log);
  if (!NT_SUCCESS(status)) {
    TraceEvents(TRACE_LEVEL_ERROR, TRACE_DEVICE, "WppRecorderLogCreate failed %!STATUS!", status);
    context->Log = WppRecorderLogGetDefault();
  }
  TraceDevice(context->Log, "device %p added", device);
  TraceEvents(TRACE_LEVEL_VERBOSE, TRACE_DEVICE, "verbose: not in the recorder");
  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queue, WdfIoQueueDispatchSequential);
  queue.EvtIoDeviceControl = KmdfRecorderEvtIoDeviceControl;
  return WdfIoQueueCreate(device, &queue, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
}

NTSTATUS KmdfRecorderEvtD0Entry(WDFDEVICE Device, WDF_POWER_DEVICE_STATE PreviousState) {
  TraceDevice(GetDeviceContext(Device)->Log, "D0 entry from %d", PreviousState);
  return STATUS_SUCCESS;
}

VOID KmdfRecorderEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength, ULONG IoControlCode) {
  PDEVICE_CONTEXT context = GetDeviceContext(WdfIoQueueGetDevice(Queue));
  PVOID buffer = NULL;
  ULONG length = 0;
  GUID guid;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(OutputBufferLength);
  context->Requests++;
  TraceDevice(context->Log, "request %u: IOCTL 0x%x, %Iu bytes in", context->Requests, IoControlCode, InputBufferLength);
  status = WppRecorderDumpLiveDriverData(&buffer, &length, &guid);
  DbgPrint("KmdfRecorder: default log %d, is the default %d, live data 0x%x %d bytes, guid %08lx\n", WppRecorderIsDefaultLogAvailable(),
           WppRecorderLogGetDefault() == buffer, status, length, guid.Data1);
  WppRecorderLogSetIdentifier(context->Log, "dev-log");
  WdfRequestComplete(Request, STATUS_SUCCESS);
}

VOID KmdfRecorderEvtDeviceCleanup(WDFOBJECT Device) {
  PDEVICE_CONTEXT context = GetDeviceContext(Device);
  TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_DEVICE, "%!FUNC! after %u requests", context->Requests);
  if (context->Log != WppRecorderLogGetDefault()) WppRecorderLogDelete(context->Log);
  context->Log = NULL;
}
