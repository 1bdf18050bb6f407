/*
 * FuzzNeither: METHOD_NEITHER requests, whose buffers are the caller's own user addresses, and a request
 * the driver holds, each with a bug planted for `dv fuzz` to find (test/fuzz/FuzzNeither.test.ts):
 *   IOCTL_NEITHER_PEEK  reads a ULONG from the caller's buffer under __try but never probes it
 *                       (ProbeForRead): a kernel address for a pointer is read as if it were the
 *                       caller's (an unmapped one faults in the kernel: 0x50).
 *   IOCTL_NEITHER_CLEAR probes the caller's request, checks its Length against the record's size, then
 *                       reads Length from the caller's memory again to clear the record: a second thread
 *                       of the caller that rewrites it in between (a double fetch) overruns the record.
 *   IOCTL_NEITHER_WAIT  (METHOD_BUFFERED) holds the request until IOCTL_NEITHER_SIGNAL, cancelable as it
 *                       should be, except a wait whose input is WAIT_FOREVER: that one is held without a
 *                       cancel routine, so when its caller gives up nothing ever completes it.
 */
#include <ntddk.h>

#define TAG 'NzuF' /* shows as "FuzN" */
#define IOCTL_NEITHER_PEEK   CTL_CODE(FILE_DEVICE_UNKNOWN, 0x820, METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_NEITHER_CLEAR  CTL_CODE(FILE_DEVICE_UNKNOWN, 0x821, METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_NEITHER_WAIT   CTL_CODE(FILE_DEVICE_UNKNOWN, 0x822, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_NEITHER_SIGNAL CTL_CODE(FILE_DEVICE_UNKNOWN, 0x823, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define PEEK_TAG 0x4B454550 /* "PEEK" */
#define RECORD_SIZE 64
#define WAIT_FOREVER 0xFFFFFFFF

typedef struct _CLEAR_REQUEST {
    ULONG Length;
} CLEAR_REQUEST, *PCLEAR_REQUEST;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD NeitherUnload;
DRIVER_CANCEL CancelWait;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH NeitherCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH NeitherDeviceControl;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\FuzzNeither");
/* The one request a wait holds. */
static PIRP Waiting;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = NeitherCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = NeitherCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = NeitherDeviceControl;
    DriverObject->DriverUnload = NeitherUnload;
    return STATUS_SUCCESS;
}

VOID NeitherUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS NeitherCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* Planted: the caller's pointer is used without ProbeForRead; __try only covers bad user addresses. */
static NTSTATUS Peek(PVOID Input, ULONG Length)
{
    NTSTATUS status;

    if (Length < sizeof(ULONG)) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    __try {
        status = *(volatile ULONG *)Input == PEEK_TAG ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}

/* Planted: Length is checked, then fetched again from the caller's memory (capture it once instead). */
static NTSTATUS Clear(PCLEAR_REQUEST Request, ULONG Length)
{
    NTSTATUS status = STATUS_SUCCESS;
    PUCHAR record;

    __try {
        ProbeForRead(Request, Length, sizeof(ULONG));
        if (Length < sizeof(CLEAR_REQUEST) || Request->Length > RECORD_SIZE) {
            status = STATUS_INVALID_PARAMETER;
            __leave;
        }
        record = (PUCHAR)ExAllocatePoolWithTag(NonPagedPoolNx, RECORD_SIZE, TAG);
        if (record == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            __leave;
        }
        RtlZeroMemory(record, ((volatile CLEAR_REQUEST *)Request)->Length);
        ExFreePoolWithTag(record, TAG);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}

VOID CancelWait(_Inout_ PDEVICE_OBJECT DeviceObject, _Inout_ _IRQL_uses_cancel_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    Waiting = NULL;
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

/* Planted: a wait "forever" is held without a cancel routine: only a signal can end it. */
static NTSTATUS Wait(PIRP Irp, PULONG Input, ULONG Length)
{
    if (Waiting != NULL) {
        return STATUS_DEVICE_BUSY;
    }
    IoMarkIrpPending(Irp);
    Waiting = Irp;
    if (Length >= sizeof(ULONG) && Input[0] == WAIT_FOREVER) {
        return STATUS_PENDING;
    }
    IoSetCancelRoutine(Irp, CancelWait);
    if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
        /* Canceled before the routine was set: complete it here. */
        Waiting = NULL;
        Irp->IoStatus.Status = STATUS_CANCELLED;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
    }
    return STATUS_PENDING;
}

static NTSTATUS Signal(void)
{
    PIRP irp = Waiting;

    if (irp == NULL) {
        return STATUS_INVALID_DEVICE_STATE;
    }
    /* A cancelable wait whose cancel routine has started is the routine's to complete. */
    if (IoSetCancelRoutine(irp, NULL) == NULL && irp->Cancel) {
        return STATUS_INVALID_DEVICE_STATE;
    }
    Waiting = NULL;
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS NeitherDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    ULONG inLength = sp->Parameters.DeviceIoControl.InputBufferLength;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(DeviceObject);
    switch (sp->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_NEITHER_PEEK:
        status = Peek(sp->Parameters.DeviceIoControl.Type3InputBuffer, inLength);
        break;
    case IOCTL_NEITHER_CLEAR:
        status = Clear((PCLEAR_REQUEST)sp->Parameters.DeviceIoControl.Type3InputBuffer, inLength);
        break;
    case IOCTL_NEITHER_WAIT:
        status = Wait(Irp, (PULONG)Irp->AssociatedIrp.SystemBuffer, inLength);
        if (status == STATUS_PENDING) {
            return status;
        }
        break;
    case IOCTL_NEITHER_SIGNAL:
        status = Signal();
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
