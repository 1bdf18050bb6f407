/* KmdfPnp: the driver (see kmdfpnp.h). */
#include "kmdfpnp.h"

/* {6c1b9c2e-8f3a-4d57-9a0e-2b7d4e1f5a63}: the device's interface class. */
static const GUID GUID_DEVINTERFACE_KMDFPNP = {0x6c1b9c2e, 0x8f3a, 0x4d57, {0x9a, 0x0e, 0x2b, 0x7d, 0x4e, 0x1f, 0x5a, 0x63}};

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  WDF_DRIVER_CONFIG config;
  WDFDRIVER driver;
  WDFSTRING version;
  UNICODE_STRING text;
  NTSTATUS status;

  DbgPrint("KmdfPnp: DriverEntry\n");
  WDF_DRIVER_CONFIG_INIT(&config, KmdfPnpEvtDeviceAdd);
  config.DriverPoolTag = KMDFPNP_TAG;
  status = WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config, &driver);
  if (!NT_SUCCESS(status)) return status;
  /* The framework's version, into a string object that goes at once. */
  status = WdfStringCreate(NULL, WDF_NO_OBJECT_ATTRIBUTES, &version);
  if (!NT_SUCCESS(status)) return status;
  status = WdfDriverRetrieveVersionString(driver, version);
  if (NT_SUCCESS(status)) {
    WdfStringGetUnicodeString(version, &text);
    DbgPrint("KmdfPnp: %wZ\n", &text);
  }
  WdfObjectDelete(version);
  return status;
}

NTSTATUS KmdfPnpEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit) {
  WDF_PNPPOWER_EVENT_CALLBACKS pnp;
  WDF_OBJECT_ATTRIBUTES attributes;
  WDF_IO_QUEUE_CONFIG queueConfig;
  WDF_TIMER_CONFIG timerConfig;
  WDF_WORKITEM_CONFIG workConfig;
  WDF_DPC_CONFIG dpcConfig;
  WDF_INTERRUPT_CONFIG interruptConfig;
  PDEVICE_CONTEXT context;
  WDFDEVICE device;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(Driver);
  DbgPrint("KmdfPnp: EvtDriverDeviceAdd\n");
  WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnp);
  pnp.EvtDevicePrepareHardware = KmdfPnpEvtDevicePrepareHardware;
  pnp.EvtDeviceReleaseHardware = KmdfPnpEvtDeviceReleaseHardware;
  pnp.EvtDeviceD0Entry = KmdfPnpEvtDeviceD0Entry;
  pnp.EvtDeviceD0Exit = KmdfPnpEvtDeviceD0Exit;
  pnp.EvtDeviceSelfManagedIoInit = KmdfPnpEvtDeviceSelfManagedIoInit;
  pnp.EvtDeviceSelfManagedIoSuspend = KmdfPnpEvtDeviceSelfManagedIoSuspend;
  pnp.EvtDeviceSelfManagedIoRestart = KmdfPnpEvtDeviceSelfManagedIoRestart;
  pnp.EvtDeviceSelfManagedIoFlush = KmdfPnpEvtDeviceSelfManagedIoFlush;
  pnp.EvtDeviceSelfManagedIoCleanup = KmdfPnpEvtDeviceSelfManagedIoCleanup;
  pnp.EvtDeviceSurpriseRemoval = KmdfPnpEvtDeviceSurpriseRemoval;
  pnp.EvtDeviceQueryRemove = KmdfPnpEvtDeviceQueryRemove;
  pnp.EvtDeviceQueryStop = KmdfPnpEvtDeviceQueryStop;
  WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnp);
#ifdef KMDFPNP_WAKE
  KmdfPnpWakeInit(DeviceInit);
#endif

  WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, DEVICE_CONTEXT);
  attributes.EvtCleanupCallback = KmdfPnpEvtDeviceCleanup;
  status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
  if (!NT_SUCCESS(status)) return status;
  context = DeviceGetContext(device);

  status = WdfDeviceCreateDeviceInterface(device, &GUID_DEVINTERFACE_KMDFPNP, NULL);
  if (!NT_SUCCESS(status)) return status;
#ifdef KMDFPNP_IDLE
  {
    /* Power down after 100 ms without requests; a request powers the device up again. */
    WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS idle;
#ifdef KMDFPNP_WAKE
    WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT(&idle, IdleCanWakeFromS0);
#else
    WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS_INIT(&idle, IdleCannotWakeFromS0);
#endif
    idle.IdleTimeout = 100;
    status = WdfDeviceAssignS0IdleSettings(device, &idle);
    if (!NT_SUCCESS(status)) return status;
#ifdef KMDFPNP_WAKE
    status = KmdfPnpWakeAssign(device);
    if (!NT_SUCCESS(status)) return status;
#endif
  }
#endif

  WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&queueConfig, WdfIoQueueDispatchSequential);
  queueConfig.EvtIoDeviceControl = KmdfPnpEvtIoDeviceControl;
  queueConfig.EvtIoRead = KmdfPnpEvtIoRead;
#ifndef KMDFPNP_NO_IO_STOP
  queueConfig.EvtIoStop = KmdfPnpEvtIoStop;
  queueConfig.EvtIoResume = KmdfPnpEvtIoResume;
#endif
  status = WdfIoQueueCreate(device, &queueConfig, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
  if (!NT_SUCCESS(status)) return status;

  WDF_INTERRUPT_CONFIG_INIT(&interruptConfig, KmdfPnpEvtInterruptIsr, KmdfPnpEvtInterruptDpc);
  interruptConfig.EvtInterruptEnable = KmdfPnpEvtInterruptEnable;
  interruptConfig.EvtInterruptDisable = KmdfPnpEvtInterruptDisable;
  status = WdfInterruptCreate(device, &interruptConfig, WDF_NO_OBJECT_ATTRIBUTES, &context->Interrupt);
  if (!NT_SUCCESS(status)) return status;

  WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
  attributes.ParentObject = device;
  WDF_TIMER_CONFIG_INIT(&timerConfig, KmdfPnpEvtTimer);
  status = WdfTimerCreate(&timerConfig, &attributes, &context->Timer);
  if (!NT_SUCCESS(status)) return status;
  WDF_DPC_CONFIG_INIT(&dpcConfig, KmdfPnpEvtDpc);
  status = WdfDpcCreate(&dpcConfig, &attributes, &context->Dpc);
  if (!NT_SUCCESS(status)) return status;
  WDF_WORKITEM_CONFIG_INIT(&workConfig, KmdfPnpEvtWorkItem);
  status = WdfWorkItemCreate(&workConfig, &attributes, &context->WorkItem);
  if (!NT_SUCCESS(status)) return status;
  status = WdfSpinLockCreate(&attributes, &context->Lock);
  if (!NT_SUCCESS(status)) return status;
  status = WdfRequestCreate(&attributes, WdfDeviceGetIoTarget(device), &context->LowerRequest);
  if (!NT_SUCCESS(status)) return status;
  return WdfWaitLockCreate(&attributes, &context->WaitLock);
}

/* IOCTL_KMDFPNP_LOWER: ask the lower device, with the device's own request; the answer's status is the output. */
static NTSTATUS AskLower(WDFDEVICE Device, WDFREQUEST Request) {
  PDEVICE_CONTEXT context = DeviceGetContext(Device);
  WDFIOTARGET target = WdfDeviceGetIoTarget(Device);
  WDF_REQUEST_REUSE_PARAMS reuse;
  WDF_MEMORY_DESCRIPTOR input;
  WDF_MEMORY_DESCRIPTOR output;
  WDF_REQUEST_SEND_OPTIONS options;
  ULONG question = 0x4b;
  ULONG answer = 0;
  ULONG_PTR bytes = 0;
  PULONG out;
  NTSTATUS status;

  status = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), (PVOID *)&out, NULL);
  if (!NT_SUCCESS(status)) return status;
  WDF_REQUEST_REUSE_PARAMS_INIT(&reuse, WDF_REQUEST_REUSE_NO_FLAGS, STATUS_SUCCESS);
  status = WdfRequestReuse(context->LowerRequest, &reuse);
  if (!NT_SUCCESS(status)) return status;
  WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&input, &question, sizeof(question));
  WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(&output, &answer, sizeof(answer));
#ifdef KMDFPNP_RESEND
  /* The bug: a reset stops the target, the request waits in it, and the driver sends it again. */
  UNREFERENCED_PARAMETER(options);
  UNREFERENCED_PARAMETER(bytes);
  WdfIoTargetStop(target, WdfIoTargetLeaveSentIoPending);
  status = WdfIoTargetFormatRequestForIoctl(target, context->LowerRequest, IOCTL_KMDFPNP_LOWER_QUERY, NULL, NULL, NULL, NULL);
  if (!NT_SUCCESS(status)) return status;
  WdfRequestSend(context->LowerRequest, target, WDF_NO_SEND_OPTIONS);
  DbgPrint("KmdfPnp: no answer yet, sending again\n");
  WdfRequestSend(context->LowerRequest, target, WDF_NO_SEND_OPTIONS);
  *out = 0;
  return STATUS_SUCCESS;
#else
  /* A second of the simulated clock at most (relative: negative, in 100 ns). */
  WDF_REQUEST_SEND_OPTIONS_INIT(&options, WDF_REQUEST_SEND_OPTION_TIMEOUT);
  WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT(&options, WDF_REL_TIMEOUT_IN_SEC(1));
  status = WdfIoTargetSendIoctlSynchronously(target, context->LowerRequest, IOCTL_KMDFPNP_LOWER_QUERY, &input, &output, &options, &bytes);
  DbgPrint("KmdfPnp: the lower device answered 0x%x (%u bytes)\n", status, (ULONG)bytes);
  {
    /* Who it is: the hardware ID of the target's PDO, in a WDFMEMORY the target owns (deleted here). */
    WDFMEMORY id;
    if (NT_SUCCESS(WdfIoTargetAllocAndQueryTargetProperty(target, DevicePropertyHardwareID, NonPagedPoolNx, WDF_NO_OBJECT_ATTRIBUTES, &id))) {
      DbgPrint("KmdfPnp: the lower device is %ws\n", (PCWSTR)WdfMemoryGetBuffer(id, NULL));
      WdfObjectDelete(id);
    }
  }
  *out = (ULONG)status;
  return STATUS_SUCCESS;
#endif
}

/* IOCTL_KMDFPNP_FORWARD: the request goes down as it is; the completion routine completes it. */
static BOOLEAN Forward(WDFDEVICE Device, WDFREQUEST Request) {
  WdfRequestFormatRequestUsingCurrentType(Request);
  WdfRequestSetCompletionRoutine(Request, KmdfPnpEvtForwardComplete, Device);
  return WdfRequestSend(Request, WdfDeviceGetIoTarget(Device), WDF_NO_SEND_OPTIONS);
}

VOID KmdfPnpEvtForwardComplete(WDFREQUEST Request, WDFIOTARGET Target, PWDF_REQUEST_COMPLETION_PARAMS Params, WDFCONTEXT Context) {
  UNREFERENCED_PARAMETER(Target);
  UNREFERENCED_PARAMETER(Context);
  DbgPrint("KmdfPnp: forwarded IOCTL 0x%x came back with 0x%x\n", Params->Parameters.Ioctl.IoControlCode, Params->IoStatus.Status);
  WdfRequestComplete(Request, Params->IoStatus.Status);
}

VOID KmdfPnpEvtDeviceCleanup(WDFOBJECT Device) {
  DbgPrint("KmdfPnp: EvtCleanupCallback (%lu ticks)\n", DeviceGetContext(Device)->Ticks);
}

NTSTATUS KmdfPnpEvtDevicePrepareHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesRaw, WDFCMRESLIST ResourcesTranslated) {
  PDEVICE_CONTEXT context = DeviceGetContext(Device);
  ULONG i;

  context->Resources = WdfCmResourceListGetCount(ResourcesTranslated);
  for (i = 0; i < context->Resources; i++) {
    PCM_PARTIAL_RESOURCE_DESCRIPTOR d = WdfCmResourceListGetDescriptor(ResourcesTranslated, i);
    DbgPrint("KmdfPnp: resource %lu type %u\n", i, d->Type);
    if (d->Type == CmResourceTypeMemory && context->Registers == NULL) {
      context->Registers = (PULONG)MmMapIoSpace(d->u.Memory.Start, d->u.Memory.Length, MmNonCached);
      if (context->Registers == NULL) return STATUS_INSUFFICIENT_RESOURCES;
      context->RegistersLength = d->u.Memory.Length;
    }
  }
  DbgPrint("KmdfPnp: EvtDevicePrepareHardware (%lu raw, %lu translated)\n", WdfCmResourceListGetCount(ResourcesRaw), context->Resources);
  return STATUS_SUCCESS;
}

NTSTATUS KmdfPnpEvtDeviceReleaseHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesTranslated) {
  PDEVICE_CONTEXT context = DeviceGetContext(Device);

  if (context->Registers != NULL) {
    MmUnmapIoSpace(context->Registers, context->RegistersLength);
    context->Registers = NULL;
  }
  DbgPrint("KmdfPnp: EvtDeviceReleaseHardware (%lu)\n", WdfCmResourceListGetCount(ResourcesTranslated));
  return STATUS_SUCCESS;
}

NTSTATUS KmdfPnpEvtDeviceD0Entry(WDFDEVICE Device, WDF_POWER_DEVICE_STATE PreviousState) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceD0Entry (from D%d)\n", PreviousState == WdfPowerDeviceD3Final ? 3 : (int)PreviousState - 1);
  return STATUS_SUCCESS;
}

NTSTATUS KmdfPnpEvtDeviceD0Exit(WDFDEVICE Device, WDF_POWER_DEVICE_STATE TargetState) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceD0Exit (to %s)\n", TargetState == WdfPowerDeviceD3Final ? "D3Final" : "D3");
  return STATUS_SUCCESS;
}

NTSTATUS KmdfPnpEvtDeviceSelfManagedIoInit(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceSelfManagedIoInit\n");
  return STATUS_SUCCESS;
}

NTSTATUS KmdfPnpEvtDeviceSelfManagedIoSuspend(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceSelfManagedIoSuspend\n");
  return STATUS_SUCCESS;
}

NTSTATUS KmdfPnpEvtDeviceSelfManagedIoRestart(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceSelfManagedIoRestart\n");
  return STATUS_SUCCESS;
}

VOID KmdfPnpEvtDeviceSelfManagedIoFlush(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceSelfManagedIoFlush\n");
}

VOID KmdfPnpEvtDeviceSelfManagedIoCleanup(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceSelfManagedIoCleanup\n");
}

VOID KmdfPnpEvtDeviceSurpriseRemoval(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceSurpriseRemoval\n");
}

NTSTATUS KmdfPnpEvtDeviceQueryRemove(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceQueryRemove\n");
  return STATUS_SUCCESS;
}

NTSTATUS KmdfPnpEvtDeviceQueryStop(WDFDEVICE Device) {
  UNREFERENCED_PARAMETER(Device);
  DbgPrint("KmdfPnp: EvtDeviceQueryStop\n");
  return STATUS_SUCCESS;
}

/* Take the request the device keeps, if it is `Request` (or any, for NULL). */
static WDFREQUEST TakePending(PDEVICE_CONTEXT Context, WDFREQUEST Request) {
  WDFREQUEST taken = NULL;
  WdfSpinLockAcquire(Context->Lock);
  if (Context->Pending != NULL && (Request == NULL || Context->Pending == Request)) {
    taken = Context->Pending;
    Context->Pending = NULL;
  }
  WdfSpinLockRelease(Context->Lock);
  return taken;
}

VOID KmdfPnpEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength, ULONG IoControlCode) {
  PDEVICE_CONTEXT context = DeviceGetContext(WdfIoQueueGetDevice(Queue));
  PVOID in;
  PVOID out;
  size_t length;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(OutputBufferLength);
  UNREFERENCED_PARAMETER(InputBufferLength);
  switch (IoControlCode) {
  case IOCTL_KMDFPNP_ECHO:
    status = WdfRequestRetrieveInputBuffer(Request, 1, &in, &length);
    if (NT_SUCCESS(status)) status = WdfRequestRetrieveOutputBuffer(Request, length, &out, NULL);
    if (!NT_SUCCESS(status)) break;
    RtlCopyMemory(out, in, length);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, length);
    return;
  case IOCTL_KMDFPNP_RING:
    if (context->Registers == NULL) {
      status = STATUS_DEVICE_NOT_READY;
      break;
    }
    WdfSpinLockAcquire(context->Lock);
    context->Pending = Request;
    WdfSpinLockRelease(context->Lock);
    /* The doorbell: the interrupt, then the DPC that completes the request. */
    WRITE_REGISTER_ULONG(&context->Registers[0], 1);
    return;
  case IOCTL_KMDFPNP_TICK:
  case IOCTL_KMDFPNP_HOLD:
    /* A tick may be cancelled while it waits for the timer; a held request waits for the queue to stop. */
    if (IoControlCode == IOCTL_KMDFPNP_TICK) {
      status = WdfRequestMarkCancelableEx(Request, KmdfPnpEvtRequestCancel);
      if (!NT_SUCCESS(status)) break;
    }
    WdfSpinLockAcquire(context->Lock);
    context->Pending = Request;
    WdfSpinLockRelease(context->Lock);
    if (IoControlCode == IOCTL_KMDFPNP_TICK) WdfTimerStart(context->Timer, WDF_REL_TIMEOUT_IN_MS(10));
    return;
  case IOCTL_KMDFPNP_LOWER:
    status = AskLower(WdfIoQueueGetDevice(Queue), Request);
    if (!NT_SUCCESS(status)) break;
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, sizeof(ULONG));
    return;
  case IOCTL_KMDFPNP_FORWARD:
    if (Forward(WdfIoQueueGetDevice(Queue), Request)) return;
    status = WdfRequestGetStatus(Request);
    break;
  default:
    status = STATUS_INVALID_DEVICE_REQUEST;
    break;
  }
  WdfRequestComplete(Request, status);
}

VOID KmdfPnpEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length) {
  PVOID out;
  NTSTATUS status;

  UNREFERENCED_PARAMETER(Queue);
  status = WdfRequestRetrieveOutputBuffer(Request, Length, &out, NULL);
  if (NT_SUCCESS(status)) RtlFillMemory(out, Length, 'K');
  WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? Length : 0);
}

VOID KmdfPnpEvtIoStop(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags) {
  PDEVICE_CONTEXT context = DeviceGetContext(WdfIoQueueGetDevice(Queue));

  DbgPrint("KmdfPnp: EvtIoStop (%s)\n", (ActionFlags & WdfRequestStopActionPurge) ? "purge" : "suspend");
  if (ActionFlags & WdfRequestStopActionPurge) {
    if (TakePending(context, Request) != NULL) WdfRequestComplete(Request, STATUS_CANCELLED);
    return;
  }
  /* Kept across the power-down: EvtIoResume gets it back. */
  WdfRequestStopAcknowledge(Request, FALSE);
}

VOID KmdfPnpEvtIoResume(WDFQUEUE Queue, WDFREQUEST Request) {
  UNREFERENCED_PARAMETER(Queue);
  UNREFERENCED_PARAMETER(Request);
  DbgPrint("KmdfPnp: EvtIoResume\n");
}

VOID KmdfPnpEvtRequestCancel(WDFREQUEST Request) {
  PDEVICE_CONTEXT context = DeviceGetContext(WdfIoQueueGetDevice(WdfRequestGetIoQueue(Request)));
  if (TakePending(context, Request) != NULL) WdfRequestComplete(Request, STATUS_CANCELLED);
}

VOID KmdfPnpEvtTimer(WDFTIMER Timer) {
  /* DISPATCH_LEVEL: on to the DPC, then the work item, where the counting happens at PASSIVE_LEVEL. */
  WdfDpcEnqueue(DeviceGetContext(WdfTimerGetParentObject(Timer))->Dpc);
}

VOID KmdfPnpEvtDpc(WDFDPC Dpc) {
  WdfWorkItemEnqueue(DeviceGetContext(WdfDpcGetParentObject(Dpc))->WorkItem);
}

VOID KmdfPnpEvtWorkItem(WDFWORKITEM WorkItem) {
  PDEVICE_CONTEXT context = DeviceGetContext(WdfWorkItemGetParentObject(WorkItem));
  WDFREQUEST request;
  PULONG out;
  ULONG ticks;

  WdfWaitLockAcquire(context->WaitLock, NULL);
  ticks = ++context->Ticks;
  WdfWaitLockRelease(context->WaitLock);
  request = TakePending(context, NULL);
  if (request == NULL) return;
  /* STATUS_CANCELLED: the cancel routine has it (it found no pending request, so nothing to do here either). */
  if (WdfRequestUnmarkCancelable(request) == STATUS_CANCELLED) return;
  if (NT_SUCCESS(WdfRequestRetrieveOutputBuffer(request, sizeof(ULONG), (PVOID *)&out, NULL))) {
    *out = ticks;
    WdfRequestCompleteWithInformation(request, STATUS_SUCCESS, sizeof(ULONG));
  } else {
    WdfRequestComplete(request, STATUS_BUFFER_TOO_SMALL);
  }
}

BOOLEAN KmdfPnpEvtInterruptIsr(WDFINTERRUPT Interrupt, ULONG MessageID) {
  /* DIRQL: the doorbell is this device's only interrupt source; the rest waits for the DPC. */
  UNREFERENCED_PARAMETER(MessageID);
  DeviceGetContext(WdfInterruptGetDevice(Interrupt))->Interrupts++;
  WdfInterruptQueueDpcForIsr(Interrupt);
  return TRUE;
}

VOID KmdfPnpEvtInterruptDpc(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject) {
  PDEVICE_CONTEXT context = DeviceGetContext(AssociatedObject);
  WDFREQUEST request = TakePending(context, NULL);
  PULONG out;

  UNREFERENCED_PARAMETER(Interrupt);
  if (request == NULL) return;
  if (NT_SUCCESS(WdfRequestRetrieveOutputBuffer(request, sizeof(ULONG), (PVOID *)&out, NULL))) {
    *out = context->Interrupts;
    WdfRequestCompleteWithInformation(request, STATUS_SUCCESS, sizeof(ULONG));
  } else {
    WdfRequestComplete(request, STATUS_BUFFER_TOO_SMALL);
  }
}

NTSTATUS KmdfPnpEvtInterruptEnable(WDFINTERRUPT Interrupt, WDFDEVICE AssociatedDevice) {
  UNREFERENCED_PARAMETER(Interrupt);
  UNREFERENCED_PARAMETER(AssociatedDevice);
  DbgPrint("KmdfPnp: EvtInterruptEnable\n");
  return STATUS_SUCCESS;
}

NTSTATUS KmdfPnpEvtInterruptDisable(WDFINTERRUPT Interrupt, WDFDEVICE AssociatedDevice) {
  UNREFERENCED_PARAMETER(Interrupt);
  UNREFERENCED_PARAMETER(AssociatedDevice);
  DbgPrint("KmdfPnp: EvtInterruptDisable\n");
  return STATUS_SUCCESS;
}
