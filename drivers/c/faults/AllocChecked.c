/*
 * AllocChecked: a driver that checks every allocation it makes, for low resources simulation
 * (0x4, 0x40000, dv run --faults exhaustive): whichever one fails, it answers with
 * STATUS_INSUFFICIENT_RESOURCES and leaves nothing behind. Its twin AllocUnchecked forgets one check.
 *
 * DriverEntry allocates the device's history buffer; IOCTL_ALLOC_RECORD (METHOD_BUFFERED) copies
 * the input into a new pool record, describes it with an MDL and queues a work item that frees both.
 */
#include <ntddk.h>

#define TAG 'cllA' /* shows as "Allc" */
#define IOCTL_ALLOC_RECORD CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define HISTORY_SIZE 0x40

typedef struct _RECORD {
    PIO_WORKITEM WorkItem;
    PMDL Mdl;
    ULONG Length;
    UCHAR Data[1];
} RECORD, *PRECORD;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD AllocUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH AllocCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH AllocDeviceControl;
IO_WORKITEM_ROUTINE AllocFreeRecord;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\AllocChecked");
static UNICODE_STRING LinkName = RTL_CONSTANT_STRING(L"\\DosDevices\\AllocChecked");
static PUCHAR History;
static KEVENT Idle;
static LONG Pending;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    History = (PUCHAR)ExAllocatePoolWithTag(NonPagedPoolNx, HISTORY_SIZE, TAG);
    if (History == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(History, HISTORY_SIZE);
    KeInitializeEvent(&Idle, NotificationEvent, TRUE);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(History, TAG);
        return status;
    }
    status = IoCreateSymbolicLink(&LinkName, &DeviceName);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        ExFreePoolWithTag(History, TAG);
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = AllocCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = AllocCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = AllocDeviceControl;
    DriverObject->DriverUnload = AllocUnload;
    return STATUS_SUCCESS;
}

VOID AllocUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    /* Every queued work item has freed its record. */
    KeWaitForSingleObject(&Idle, Executive, KernelMode, FALSE, NULL);
    IoDeleteSymbolicLink(&LinkName);
    IoDeleteDevice(DriverObject->DeviceObject);
    ExFreePoolWithTag(History, TAG);
}

NTSTATUS AllocCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* The work item: the record and its MDL go. */
VOID AllocFreeRecord(_In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PVOID Context)
{
    PRECORD record = (PRECORD)Context;
    PIO_WORKITEM item = record->WorkItem;

    UNREFERENCED_PARAMETER(DeviceObject);
    IoFreeMdl(record->Mdl);
    ExFreePoolWithTag(record, TAG);
    IoFreeWorkItem(item);
    if (InterlockedDecrement(&Pending) == 0) {
        KeSetEvent(&Idle, IO_NO_INCREMENT, FALSE);
    }
}

static NTSTATUS AllocRecord(PDEVICE_OBJECT DeviceObject, PUCHAR Input, ULONG Length)
{
    PRECORD record;

    record = (PRECORD)ExAllocatePoolWithTag(NonPagedPoolNx, FIELD_OFFSET(RECORD, Data) + Length + 1, TAG);
    if (record == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    record->Length = Length;
    RtlCopyMemory(record->Data, Input, Length);
    record->Mdl = IoAllocateMdl(record->Data, Length + 1, FALSE, FALSE, NULL);
    if (record->Mdl == NULL) {
        ExFreePoolWithTag(record, TAG);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    MmBuildMdlForNonPagedPool(record->Mdl);
    record->WorkItem = IoAllocateWorkItem(DeviceObject);
    if (record->WorkItem == NULL) {
        IoFreeMdl(record->Mdl);
        ExFreePoolWithTag(record, TAG);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    History[Length % HISTORY_SIZE]++;
    if (InterlockedIncrement(&Pending) == 1) {
        KeClearEvent(&Idle);
    }
    IoQueueWorkItem(record->WorkItem, AllocFreeRecord, DelayedWorkQueue, record);
    return STATUS_SUCCESS;
}

NTSTATUS AllocDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_INVALID_DEVICE_REQUEST;

    if (sp->Parameters.DeviceIoControl.IoControlCode == IOCTL_ALLOC_RECORD) {
        status = AllocRecord(DeviceObject, (PUCHAR)Irp->AssociatedIrp.SystemBuffer, sp->Parameters.DeviceIoControl.InputBufferLength);
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
