/*
 * PagedPoolAtDispatchClean: the same table, locked the same way, in nonpaged pool: memory touched at
 * DISPATCH_LEVEL must be resident.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define CHANNELS 3
#define IOCTL_RULE_SET_LIMIT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _CHANNEL {
    ULONG Number;
    ULONG Limit;
} CHANNEL, *PCHANNEL;

typedef struct _SET_LIMIT_INPUT {
    ULONG Channel;
    ULONG Limit;
} SET_LIMIT_INPUT, *PSET_LIMIT_INPUT;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PagedPoolAtDispatchClean");
static PCHANNEL Channels;
static KSPIN_LOCK ChannelLock;

/* Not inlined, as in the violating sample. */
static DECLSPEC_NOINLINE PCHANNEL FindChannel(_In_ ULONG Number)
{
    ULONG i;

    for (i = 0; i < CHANNELS; i++) {
        if (Channels[i].Number == Number) {
            return &Channels[i];
        }
    }
    return NULL;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;
    ULONG i;

    UNREFERENCED_PARAMETER(RegistryPath);
    KeInitializeSpinLock(&ChannelLock);
    Channels = ExAllocatePoolWithTag(NonPagedPoolNx, CHANNELS * sizeof(CHANNEL), TAG);
    if (Channels == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("PagedPoolAtDispatchClean: channels=%p\n", Channels);
    for (i = 0; i < CHANNELS; i++) {
        Channels[i].Number = i + 1;
        Channels[i].Limit = 0x10;
    }
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(Channels, TAG);
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

static NTSTATUS SetLimit(_In_ PSET_LIMIT_INPUT Input)
{
    PCHANNEL channel;
    KIRQL irql;
    NTSTATUS status = STATUS_INVALID_PARAMETER;

    KeAcquireSpinLock(&ChannelLock, &irql);
    channel = FindChannel(Input->Channel);
    if (channel != NULL) {
        channel->Limit = Input->Limit;
        status = STATUS_SUCCESS;
    }
    KeReleaseSpinLock(&ChannelLock, irql);
    return status;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_RULE_SET_LIMIT) {
            status = STATUS_INVALID_DEVICE_REQUEST;
        } else if (sp->Parameters.DeviceIoControl.InputBufferLength < sizeof(SET_LIMIT_INPUT)) {
            status = STATUS_INVALID_PARAMETER;
        } else {
            status = SetLimit(Irp->AssociatedIrp.SystemBuffer);
        }
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
    ExFreePoolWithTag(Channels, TAG);
}
