/*
 * KmdfNonPnpBugs: KmdfNonPnp (the same sources, built with KMDFNONPNP_BUGS) plus one IOCTL per misuse
 * of the framework. Each is what the framework or its verifier catches:
 *   0x222100 completes the request twice                      (verifier: "already completed" + break)
 *   0x222104 uses a WDFMEMORY handle after deleting it        (0x10D/0x5)
 *   0x222108 deletes the framework-owned default queue        (ignored; verifier: IFR + break)
 *   0x22210C dereferences a WDFOBJECT it never deleted to 0   (0x10D/0x7)
 *   0x222110 completes a read-sized IOCTL with more Information than its output buffer (0x10D/0x6/0x4)
 *   0x222114 passes NULL for a required parameter             (0x10D/0x4)
 *   0x222118 completes a request still marked cancelable      (verifier: IFR + break)
 *   0x22211C calls WdfStringCreate (PASSIVE_LEVEL) at DISPATCH_LEVEL (verifier: refused, IFR + break)
 */
#define KMDFNONPNP_BUGS 1
#include "../KmdfNonPnp/driver.c"
#include "../KmdfNonPnp/queue.c"

#define IOCTL_BUG(n) CTL_CODE(FILE_DEVICE_UNKNOWN, 0x840 + (n), METHOD_BUFFERED, FILE_ANY_ACCESS)

static VOID BugCancel(WDFREQUEST Request) {
  WdfRequestComplete(Request, STATUS_CANCELLED);
}

BOOLEAN KmdfNonPnpBug(WDFQUEUE Queue, WDFREQUEST Request, ULONG IoControlCode) {
  WDFMEMORY memory;
  WDFOBJECT object;
  PVOID buffer;
  NTSTATUS status;

  switch (IoControlCode) {
  case IOCTL_BUG(0):
    WdfRequestComplete(Request, STATUS_SUCCESS);
    WdfRequestComplete(Request, STATUS_SUCCESS);
    return TRUE;
  case IOCTL_BUG(1):
    status = WdfMemoryCreate(WDF_NO_OBJECT_ATTRIBUTES, NonPagedPoolNx, KMDFNONPNP_TAG, 16, &memory, &buffer);
    if (NT_SUCCESS(status)) {
      WdfObjectDelete(memory);
      RtlZeroMemory(WdfMemoryGetBuffer(memory, NULL), 16);
    }
    WdfRequestComplete(Request, status);
    return TRUE;
  case IOCTL_BUG(2):
    WdfObjectDelete(Queue);
    WdfRequestComplete(Request, STATUS_SUCCESS);
    return TRUE;
  case IOCTL_BUG(3):
    status = WdfObjectCreate(WDF_NO_OBJECT_ATTRIBUTES, &object);
    if (NT_SUCCESS(status)) WdfObjectDereference(object);
    WdfRequestComplete(Request, status);
    return TRUE;
  case IOCTL_BUG(4):
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0x1000);
    return TRUE;
  case IOCTL_BUG(5):
    WdfRequestRetrieveInputBuffer(Request, 0, NULL, NULL);
    WdfRequestComplete(Request, STATUS_SUCCESS);
    return TRUE;
  case IOCTL_BUG(6):
    WdfRequestMarkCancelable(Request, BugCancel);
    WdfRequestComplete(Request, STATUS_SUCCESS);
    return TRUE;
  case IOCTL_BUG(7): {
    KIRQL irql;
    WDFSTRING string;
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    status = WdfStringCreate(NULL, WDF_NO_OBJECT_ATTRIBUTES, &string);
    KeLowerIrql(irql);
    if (NT_SUCCESS(status)) WdfObjectDelete(string);
    WdfRequestComplete(Request, status);
    return TRUE;
  }
  default:
    return FALSE;
  }
}
