/* KmdfNonPnp: the file and queue callbacks. */
#include "kmdfnonpnp.h"

VOID KmdfNonPnpEvtDeviceFileCreate(WDFDEVICE Device, WDFREQUEST Request, WDFFILEOBJECT FileObject) {
  ControlGetContext(Device)->OpenCount++;
  FileGetContext(FileObject)->Requests = 0;
  WdfRequestComplete(Request, STATUS_SUCCESS);
}

VOID KmdfNonPnpEvtFileClose(WDFFILEOBJECT FileObject) {
  ControlGetContext(WdfFileObjectGetDevice(FileObject))->OpenCount--;
}

static PCONTROL_DEVICE_CONTEXT QueueContext(WDFQUEUE Queue) {
  return ControlGetContext(WdfIoQueueGetDevice(Queue));
}

static VOID CountRequest(WDFREQUEST Request) {
  WDFFILEOBJECT file = WdfRequestGetFileObject(Request);
  if (file != NULL) FileGetContext(file)->Requests++;
}

VOID KmdfNonPnpEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length) {
  PCONTROL_DEVICE_CONTEXT context = QueueContext(Queue);
  PVOID buffer;
  size_t available;
  NTSTATUS status;
  ULONG copied = 0;

  CountRequest(Request);
  status = WdfRequestRetrieveOutputBuffer(Request, 1, &buffer, &available);
  if (NT_SUCCESS(status)) {
    copied = (ULONG)min(min(Length, available), (size_t)context->Length);
    RtlCopyMemory(buffer, context->Data, copied);
  }
  WdfRequestCompleteWithInformation(Request, status, copied);
}

VOID KmdfNonPnpEvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length) {
  PCONTROL_DEVICE_CONTEXT context = QueueContext(Queue);
  PVOID buffer;
  size_t available;
  NTSTATUS status;

  CountRequest(Request);
  status = WdfRequestRetrieveInputBuffer(Request, 1, &buffer, &available);
  if (NT_SUCCESS(status)) {
    context->Length = (ULONG)min(min(Length, available), (size_t)KMDFNONPNP_BUFFER_SIZE);
    RtlCopyMemory(context->Data, buffer, context->Length);
  }
  WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? context->Length : 0);
}

VOID KmdfNonPnpEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength, ULONG IoControlCode) {
  PCONTROL_DEVICE_CONTEXT context = QueueContext(Queue);
  PVOID buffer;
  size_t length;
  NTSTATUS status;
  ULONG_PTR information = 0;

  UNREFERENCED_PARAMETER(OutputBufferLength);
  UNREFERENCED_PARAMETER(InputBufferLength);
  CountRequest(Request);
  switch (IoControlCode) {
  case IOCTL_KMDFNONPNP_SET:
    status = WdfRequestRetrieveInputBuffer(Request, 1, &buffer, &length);
    if (!NT_SUCCESS(status)) break;
    context->Length = (ULONG)min(length, (size_t)KMDFNONPNP_BUFFER_SIZE);
    RtlCopyMemory(context->Data, buffer, context->Length);
    break;
  case IOCTL_KMDFNONPNP_GET_DIRECT: {
    PMDL mdl;
    status = WdfRequestRetrieveOutputWdmMdl(Request, &mdl);
    if (!NT_SUCCESS(status)) break;
    status = WdfRequestRetrieveOutputBuffer(Request, context->Length ? context->Length : 1, &buffer, &length);
    if (!NT_SUCCESS(status)) break;
    RtlCopyMemory(buffer, context->Data, context->Length);
    information = context->Length;
    break;
  }
  case IOCTL_KMDFNONPNP_SET_NEITHER: {
    PREQUEST_CONTEXT requestContext = RequestGetContext(Request);
    size_t size;
    if (requestContext == NULL || requestContext->InputMemory == NULL) {
      status = STATUS_INVALID_DEVICE_REQUEST;
      break;
    }
    WdfMemoryGetBuffer(requestContext->InputMemory, &size);
    context->Length = (ULONG)min(size, (size_t)KMDFNONPNP_BUFFER_SIZE);
    status = WdfMemoryCopyToBuffer(requestContext->InputMemory, 0, context->Data, context->Length);
    break;
  }
  case IOCTL_KMDFNONPNP_GET:
    status = WdfRequestRetrieveOutputBuffer(Request, context->Length ? context->Length : 1, &buffer, &length);
    if (!NT_SUCCESS(status)) break;
    RtlCopyMemory(buffer, context->Data, context->Length);
    information = context->Length;
    break;
  default:
#ifdef KMDFNONPNP_BUGS
    /* The violating twin: one IOCTL per misuse (bugs.c); each completes the request itself. */
    if (KmdfNonPnpBug(Queue, Request, IoControlCode)) return;
#endif
    status = STATUS_INVALID_DEVICE_REQUEST;
    break;
  }
  WdfRequestCompleteWithInformation(Request, status, information);
}

/*
 * Every request passes here first, in the caller's context: a neither-I/O IOCTL's input buffer is
 * probed and locked now (only here is the caller's address space the current one), kept in the
 * request's context, and the request goes on to the queue.
 */
VOID KmdfNonPnpEvtIoInCallerContext(WDFDEVICE Device, WDFREQUEST Request) {
  WDF_REQUEST_PARAMETERS params;
  WDF_OBJECT_ATTRIBUTES attributes;
  PREQUEST_CONTEXT requestContext;
  PVOID input;
  size_t length;
  NTSTATUS status;

  WDF_REQUEST_PARAMETERS_INIT(&params);
  WdfRequestGetParameters(Request, &params);
  if (params.Type == WdfRequestTypeDeviceControl && params.Parameters.DeviceIoControl.IoControlCode == IOCTL_KMDFNONPNP_SET_NEITHER) {
    status = WdfRequestRetrieveUnsafeUserInputBuffer(Request, 1, &input, &length);
    if (!NT_SUCCESS(status)) goto fail;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, REQUEST_CONTEXT);
    status = WdfObjectAllocateContext(Request, &attributes, (PVOID *)&requestContext);
    if (!NT_SUCCESS(status)) goto fail;
    status = WdfRequestProbeAndLockUserBufferForRead(Request, input, length, &requestContext->InputMemory);
    if (!NT_SUCCESS(status)) goto fail;
  }
  status = WdfDeviceEnqueueRequest(Device, Request);
  if (NT_SUCCESS(status)) return;
fail:
  WdfRequestComplete(Request, status);
}
