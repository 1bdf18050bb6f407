/*
 * BadAccessAtDispatch: IOCTL_RULE_SET_LIMIT { ULONG Channel; ULONG Limit; } sets a channel's limit.
 * The channel table is shared with the driver's DPC, so the lookup and the update are done under its
 * spin lock, as they should be; but the lookup returns NULL for a channel the driver does not have,
 * and the driver writes through it unchecked.
 * `dv run drivers/c/rules/BadAccessAtDispatch.wasm --ioctl 0x222004:0900000040000000` sends channel 9.
 *
 * At DISPATCH_LEVEL no page fault can be taken, so the bad write is not an access violation but
 * 0xD1 DRIVER_IRQL_NOT_LESS_OR_EQUAL: Parameter 1 = the address written (NULL + 4, CHANNEL.Limit),
 * 2 = the IRQL (2), 3 = 1 (a write), 4 = the address of the writing instruction.
 */
#include <ntddk.h>

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

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\BadAccessAtDispatch");
static CHANNEL Channels[] = { { 1, 0x10 }, { 2, 0x10 }, { 3, 0x10 } };
static KSPIN_LOCK ChannelLock;

static PCHANNEL FindChannel(_In_ ULONG Number)
{
    ULONG i;

    for (i = 0; i < ARRAYSIZE(Channels); i++) {
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

    UNREFERENCED_PARAMETER(RegistryPath);
    KeInitializeSpinLock(&ChannelLock);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

/* Not inlined: the verifier blames SetLimit by name (BadAccessAtDispatch!SetLimit). */
static DECLSPEC_NOINLINE NTSTATUS SetLimit(_In_ PSET_LIMIT_INPUT Input)
{
    PCHANNEL channel;
    KIRQL irql;

    KeAcquireSpinLock(&ChannelLock, &irql);
    channel = FindChannel(Input->Channel);
    DbgPrint("BadAccessAtDispatch: channel=%p\n", channel);
    channel->Limit = Input->Limit; // VIOLATION: no such channel: NULL, written at DISPATCH_LEVEL
    KeReleaseSpinLock(&ChannelLock, irql);
    return STATUS_SUCCESS;
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
}
