/*
 * TimerRaceClean: TimerRace with the race fixed: the DPC only signals that the device is done, and
 * the request frees its context itself once it has written the result and the DPC has signalled, so
 * a delay anywhere changes nothing. (TimerRace: a request arms a 1 ms timer whose DPC frees the request's context ("the device is
 * done"), then updates statistics under a fast mutex, then writes its result into the context. The
 * write races the DPC: it is correct only if the thread gets there within the millisecond. In a run
 * that never delays the thread it always does; kernel synchronization delay fuzzing (0x800000)
 * delays it at the mutex release for some seeds, and the DPC's free comes first: a write to freed
 * pool.)
 */
#include <ntddk.h>

#define TAG 'ecaR' /* shows as "Race" */
#define IOCTL_RACE_REQUEST CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _CONTEXT_RECORD {
    ULONG Input;
    ULONG Result;
} CONTEXT_RECORD, *PCONTEXT_RECORD;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD RaceUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH RaceCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH RaceDeviceControl;
KDEFERRED_ROUTINE RaceDeviceDone;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\TimerRaceClean");
static KTIMER Timer;
static KDPC Dpc;
static KEVENT Idle;
static FAST_MUTEX StatsLock;
static ULONG Requests;
static PCONTEXT_RECORD Pending;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    KeInitializeTimer(&Timer);
    KeInitializeDpc(&Dpc, RaceDeviceDone, NULL);
    KeInitializeEvent(&Idle, NotificationEvent, TRUE);
    ExInitializeFastMutex(&StatsLock);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = RaceCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = RaceCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = RaceDeviceControl;
    DriverObject->DriverUnload = RaceUnload;
    return STATUS_SUCCESS;
}

VOID RaceUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    /* The last request's DPC has run. */
    KeWaitForSingleObject(&Idle, Executive, KernelMode, FALSE, NULL);
    IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS RaceCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* The device is done with the request. */
VOID RaceDeviceDone(_In_ PKDPC Dpc_, _In_opt_ PVOID Context, _In_opt_ PVOID Arg1, _In_opt_ PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc_);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    KeSetEvent(&Idle, IO_NO_INCREMENT, FALSE);
}

NTSTATUS RaceDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PCONTEXT_RECORD context;
    LARGE_INTEGER due;
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_RACE_REQUEST) {
        status = STATUS_INVALID_DEVICE_REQUEST;
    } else {
        /* One request at a time: the previous one's DPC has run. */
        KeWaitForSingleObject(&Idle, Executive, KernelMode, FALSE, NULL);
        context = (PCONTEXT_RECORD)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_RECORD), TAG);
        if (context == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
        } else {
            KeClearEvent(&Idle);
            context->Input = sp->Parameters.DeviceIoControl.InputBufferLength;
            Pending = context;
            due.QuadPart = -1LL * 10000;
            KeSetTimer(&Timer, due, &Dpc);
            ExAcquireFastMutex(&StatsLock);
            Requests++;
            ExReleaseFastMutex(&StatsLock);
            context->Result = context->Input * 2;
            KeWaitForSingleObject(&Idle, Executive, KernelMode, FALSE, NULL);
            Pending = NULL;
            ExFreePoolWithTag(context, TAG);
        }
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
