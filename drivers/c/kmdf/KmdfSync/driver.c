/* KmdfSync: the driver (see kmdfsync.h). */
#include "kmdfsync.h"

#ifdef KMDFSYNC_PASSIVE
#define KMDFSYNC_LEVEL WdfExecutionLevelPassive
#else
#define KMDFSYNC_LEVEL WdfExecutionLevelDispatch
#endif

static NTSTATUS KmdfSyncCreateDevice(WDFDRIVER Driver) {
  DECLARE_CONST_UNICODE_STRING(deviceName, KMDFSYNC_DEVICE_NAME);
  WDF_OBJECT_ATTRIBUTES attributes;
  WDF_IO_QUEUE_CONFIG queueConfig;
  WDF_TIMER_CONFIG timerConfig;
  WDF_WORKITEM_CONFIG workConfig;
  PDEVICE_CONTEXT context;
  PWDFDEVICE_INIT init;
  WDFDEVICE device;
  WDFQUEUE reads;
  NTSTATUS status;

  init = WdfControlDeviceInitAllocate(Driver, &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R);
  if (init == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  WdfDeviceInitSetIoType(init, WdfDeviceIoBuffered);
  status = WdfDeviceInitAssignName(init, &deviceName);
  if (!NT_SUCCESS(status)) {
    WdfDeviceInitFree(init);
    return status;
  }
  /* One lock for the device: its queues and its serialized timer take it (the queues inherit it). */
  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, DEVICE_CONTEXT);
  attributes.SynchronizationScope = WdfSynchronizationScopeDevice;
  attributes.ExecutionLevel = KMDFSYNC_LEVEL;
  status = WdfDeviceCreate(&init, &attributes, &device);
  if (!NT_SUCCESS(status)) {
    WdfDeviceInitFree(init);
    return status;
  }
  context = DeviceGetContext(device);

  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchSequential);
  queueConfig.EvtIoDeviceControl = KmdfSyncEvtIoDeviceControl;
  status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
  if (!NT_SUCCESS(status)) goto Failed;
  WDF_IO_QUEUE_CONFIG_INIT(&queueConfig, WdfIoQueueDispatchParallel);
  queueConfig.EvtIoRead = KmdfSyncEvtIoRead;
  status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, &reads);
  if (!NT_SUCCESS(status)) goto Failed;
  status = WdfDeviceConfigureRequestDispatching(device, reads, WdfRequestTypeRead);
  if (!NT_SUCCESS(status)) goto Failed;

  WDF_TIMER_CONFIG_INIT(&timerConfig, KmdfSyncEvtTimer);
  WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
  attributes.ParentObject = device;
#ifdef KMDFSYNC_PASSIVE
  /* A passive device's lock is a fast mutex: only a passive (one-shot) timer may take it. */
  attributes.ExecutionLevel = WdfExecutionLevelPassive;
#endif
  status = WdfTimerCreate(&timerConfig, &attributes, &context->Timer);
  if (!NT_SUCCESS(status)) goto Failed;

  WDF_WORKITEM_CONFIG_INIT(&workConfig, KmdfSyncEvtWorkItem);
#ifndef KMDFSYNC_PASSIVE
  /* A work item runs at PASSIVE_LEVEL: it cannot serialize with a dispatch-level device; it locks itself. */
  workConfig.AutomaticSerialization = FALSE;
#endif
  WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
  attributes.ParentObject = device;
  status = WdfWorkItemCreate(&workConfig, &attributes, &context->WorkItem);
  if (!NT_SUCCESS(status)) goto Failed;

  WdfControlFinishInitializing(device);
  return STATUS_SUCCESS;
Failed:
  DbgPrint("KmdfSync: device setup failed 0x%x\n", status);
  WdfObjectDelete(device);
  return status;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  WDF_DRIVER_CONFIG config;
  WDFDRIVER driver;
  NTSTATUS status;

  WDF_DRIVER_CONFIG_INIT(&config, WDF_NO_EVENT_CALLBACK);
  config.DriverInitFlags |= WdfDriverInitNonPnpDriver;
  config.DriverPoolTag = KMDFSYNC_TAG;
  config.EvtDriverUnload = KmdfSyncEvtDriverUnload;
  status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, &driver);
  if (!NT_SUCCESS(status)) return status;
  return KmdfSyncCreateDevice(driver);
}

VOID KmdfSyncEvtDriverUnload(WDFDRIVER Driver) {
  UNREFERENCED_PARAMETER(Driver);
  DbgPrint("KmdfSync: unloading\n");
}

/* Complete a kept request with the tick count (the callers hold the device's lock). */
static VOID CompleteWithTicks(PDEVICE_CONTEXT Context, WDFREQUEST *Kept) {
  WDFREQUEST request = *Kept;
  PULONG out;
  NTSTATUS status;

  *Kept = NULL;
  if (request == NULL) return;
  status = WdfRequestRetrieveOutputBuffer(request, sizeof(ULONG), (PVOID *)&out, NULL);
  if (NT_SUCCESS(status)) *out = Context->Ticks;
  WdfRequestCompleteWithInformation(request, status, NT_SUCCESS(status) ? sizeof(ULONG) : 0);
}

#ifdef KMDFSYNC_BUGS
#include "../KmdfSyncBugs/bugs.h"
#endif

VOID KmdfSyncEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength, ULONG IoControlCode) {
  WDFDEVICE device = WdfIoQueueGetDevice(Queue);
  PDEVICE_CONTEXT context = DeviceGetContext(device);
  PULONG out;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(OutputBufferLength);
  UNREFERENCED_PARAMETER(InputBufferLength);
#ifdef KMDFSYNC_BUGS
  if (KmdfSyncBug(device, Request, IoControlCode)) return;
#endif
  switch (IoControlCode) {
    case IOCTL_KMDFSYNC_TICK:
      if (context->TickRequest != NULL) break;
      context->TickRequest = Request;
      WdfTimerStart(context->Timer, WDF_REL_TIMEOUT_IN_MS(10));
      return;
    case IOCTL_KMDFSYNC_WORK:
      if (context->WorkRequest != NULL) break;
      context->WorkRequest = Request;
      WdfWorkItemEnqueue(context->WorkItem);
      return;
    case IOCTL_KMDFSYNC_IRQL:
      status = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), (PVOID *)&out, NULL);
      if (NT_SUCCESS(status)) *out = KeGetCurrentIrql();
      WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? sizeof(ULONG) : 0);
      return;
  }
  WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
}

VOID KmdfSyncEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length) {
  PDEVICE_CONTEXT context = DeviceGetContext(WdfIoQueueGetDevice(Queue));
  PULONG out;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(Length);
  status = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), (PVOID *)&out, NULL);
  if (NT_SUCCESS(status)) *out = context->Ticks;
  WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? sizeof(ULONG) : 0);
}

/* Serialized with the queues (AutomaticSerialization): the context is this callback's alone. */
VOID KmdfSyncEvtTimer(WDFTIMER Timer) {
  PDEVICE_CONTEXT context = DeviceGetContext(WdfTimerGetParentObject(Timer));

  context->Ticks++;
  DbgPrint("KmdfSync: tick %lu at IRQL %u\n", context->Ticks, (ULONG)KeGetCurrentIrql());
  CompleteWithTicks(context, &context->TickRequest);
}

VOID KmdfSyncEvtWorkItem(WDFWORKITEM WorkItem) {
  WDFDEVICE device = (WDFDEVICE)WdfWorkItemGetParentObject(WorkItem);
  PDEVICE_CONTEXT context = DeviceGetContext(device);

#ifndef KMDFSYNC_PASSIVE
  /* Not serialized by the framework: the device's lock by hand (returns at DISPATCH_LEVEL). */
  WdfObjectAcquireLock(device);
#endif
  context->Ticks += 100;
  DbgPrint("KmdfSync: work item at IRQL %u\n", (ULONG)KeGetCurrentIrql());
  CompleteWithTicks(context, &context->WorkRequest);
#ifndef KMDFSYNC_PASSIVE
  WdfObjectReleaseLock(device);
#endif
}
