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
