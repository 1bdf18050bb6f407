/*
 * PnpFilter: an upper filter for any device stack, in C (the twin of drivers/ts/pnp/PnpFilter.ts).
 * AddDevice attaches a filter device above the function driver's, with its buffering and power flags;
 * every IRP goes down untouched (IoSkipCurrentIrpStackLocation), except IRP_MN_START_DEVICE, whose
 * stack location is copied down with a completion routine so the filter sees the start come back up.
 * REMOVE_DEVICE is passed down, then the filter detaches and deletes its device. A paging file's
 * DEVICE_USAGE_NOTIFICATION is handled as a storage filter must: the filter counts paging files and keeps
 * DO_POWER_PAGABLE right (set before the last one goes down, cleared after the first one succeeded). DbgPrint names each
 * PnP IRP on its way down and the START on its way up, so a run shows the order.
 *
 * PNPFILTER_ANSWERS_QUERY_REMOVE (PnpFilterAnswersQueryRemove.c, the violating twin): having nothing to
 * veto, the filter completes IRP_MN_QUERY_REMOVE_DEVICE itself with success instead of passing it
 * down: Driver Verifier's I/O verification stops the completion, 0xC9/0x22E.
 */
#include <wdm.h>

#define PNPFILTER_TAG 'tliF'

typedef struct _FILTER_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    ULONG PagingCount;
} FILTER_EXTENSION, *PFILTER_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_ADD_DEVICE AddDevice;
DRIVER_DISPATCH DispatchPassThrough;
_Dispatch_type_(IRP_MJ_PNP) DRIVER_DISPATCH DispatchPnp;
IO_COMPLETION_ROUTINE StartCompletion;

/* The names the filter prints for the minor codes it sees (a sparse table: the codes are small). */
static const char *const MinorNames[] = {
    [IRP_MN_START_DEVICE] = "IRP_MN_START_DEVICE",
    [IRP_MN_QUERY_REMOVE_DEVICE] = "IRP_MN_QUERY_REMOVE_DEVICE",
    [IRP_MN_REMOVE_DEVICE] = "IRP_MN_REMOVE_DEVICE",
    [IRP_MN_CANCEL_REMOVE_DEVICE] = "IRP_MN_CANCEL_REMOVE_DEVICE",
    [IRP_MN_STOP_DEVICE] = "IRP_MN_STOP_DEVICE",
    [IRP_MN_QUERY_STOP_DEVICE] = "IRP_MN_QUERY_STOP_DEVICE",
    [IRP_MN_CANCEL_STOP_DEVICE] = "IRP_MN_CANCEL_STOP_DEVICE",
    [IRP_MN_QUERY_DEVICE_RELATIONS] = "IRP_MN_QUERY_DEVICE_RELATIONS",
    [IRP_MN_QUERY_CAPABILITIES] = "IRP_MN_QUERY_CAPABILITIES",
    [IRP_MN_QUERY_ID] = "IRP_MN_QUERY_ID",
    [IRP_MN_QUERY_PNP_DEVICE_STATE] = "IRP_MN_QUERY_PNP_DEVICE_STATE",
    [IRP_MN_SURPRISE_REMOVAL] = "IRP_MN_SURPRISE_REMOVAL",
    [IRP_MN_DEVICE_USAGE_NOTIFICATION] = "IRP_MN_DEVICE_USAGE_NOTIFICATION",
};

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    ULONG i;
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = AddDevice;
    /* A filter passes every request it does not understand. */
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++) {
        DriverObject->MajorFunction[i] = DispatchPassThrough;
    }
    DriverObject->MajorFunction[IRP_MJ_PNP] = DispatchPnp;
    DriverObject->DriverUnload = DriverUnload;
    DbgPrint("PnpFilter: DriverEntry\n");
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    DbgPrint("PnpFilter: DriverUnload\n");
}

NTSTATUS AddDevice(_In_ PDRIVER_OBJECT DriverObject, _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT filter;
    PDEVICE_OBJECT lower;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(FILTER_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &filter);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    lower = IoAttachDeviceToDeviceStack(filter, PhysicalDeviceObject);
    if (lower == NULL) {
        IoDeleteDevice(filter);
        return STATUS_NO_SUCH_DEVICE;
    }
    ((PFILTER_EXTENSION)filter->DeviceExtension)->LowerDevice = lower;
    ((PFILTER_EXTENSION)filter->DeviceExtension)->PagingCount = 0;
    /* The I/O manager buffers for the stack as its top device says: take the function driver's choice. */
    filter->Flags |= lower->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO | DO_POWER_PAGABLE);
    filter->DeviceType = lower->DeviceType;
    filter->Characteristics = lower->Characteristics;
    filter->Flags &= ~DO_DEVICE_INITIALIZING;
    DbgPrint("PnpFilter: AddDevice\n");
    return STATUS_SUCCESS;
}

NTSTATUS DispatchPassThrough(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(((PFILTER_EXTENSION)DeviceObject->DeviceExtension)->LowerDevice, Irp);
}

/* START on its way back up: the devices below have started. */
NTSTATUS StartCompletion(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_opt_ PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    /* The pending bit travels up only if each level propagates it. */
    if (Irp->PendingReturned) {
        IoMarkIrpPending(Irp);
    }
    DbgPrint("PnpFilter: IRP_MN_START_DEVICE completed 0x%x\n", Irp->IoStatus.Status);
    return STATUS_CONTINUE_COMPLETION;
}

/*
 * A paging file arrives on the device or leaves it. A device in the paging path must not be paged out
 * (DO_POWER_PAGABLE clear): the bit is set before the last paging file's IRP goes down, and cleared
 * only after the stack succeeded the first one.
 */
static NTSTATUS PagingNotification(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PFILTER_EXTENSION ext = (PFILTER_EXTENSION)DeviceObject->DeviceExtension;
    BOOLEAN inPath = IoGetCurrentIrpStackLocation(Irp)->Parameters.UsageNotification.InPath;
    ULONG count = ext->PagingCount;
    BOOLEAN setFirst = !inPath && count == 1 && !(DeviceObject->Flags & DO_POWER_PAGABLE);
    NTSTATUS status;

    if (setFirst) DeviceObject->Flags |= DO_POWER_PAGABLE;
    IoForwardIrpSynchronously(ext->LowerDevice, Irp);
    status = Irp->IoStatus.Status;
    if (NT_SUCCESS(status)) {
        ext->PagingCount = inPath ? count + 1 : count - 1;
        if (inPath && count == 0) DeviceObject->Flags &= ~DO_POWER_PAGABLE;
    } else if (setFirst) {
        /* The paging file stays: so does the device in the paging path. */
        DeviceObject->Flags &= ~DO_POWER_PAGABLE;
    }
    DbgPrint("PnpFilter: IRP_MN_DEVICE_USAGE_NOTIFICATION completed 0x%x, paging files %u\n", status, ext->PagingCount);
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_OBJECT lower = ((PFILTER_EXTENSION)DeviceObject->DeviceExtension)->LowerDevice;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    if (sp->MinorFunction < ARRAYSIZE(MinorNames) && MinorNames[sp->MinorFunction] != NULL) {
        DbgPrint("PnpFilter: %s\n", MinorNames[sp->MinorFunction]);
    } else {
        DbgPrint("PnpFilter: IRP_MN_0x%x\n", sp->MinorFunction);
    }
    switch (sp->MinorFunction) {
    case IRP_MN_START_DEVICE:
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, StartCompletion, DeviceObject, TRUE, TRUE, TRUE);
        return IoCallDriver(lower, Irp);
    case IRP_MN_REMOVE_DEVICE:
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(lower, Irp);
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
        return status;
#ifdef PNPFILTER_ANSWERS_QUERY_REMOVE
    case IRP_MN_QUERY_REMOVE_DEVICE:
        /* The twin's shortcut: "nothing to veto here", so the IRP never reaches the function driver. */
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_SUCCESS;
#endif
    case IRP_MN_DEVICE_USAGE_NOTIFICATION:
        if (sp->Parameters.UsageNotification.Type == DeviceUsageTypePaging) return PagingNotification(DeviceObject, Irp);
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(lower, Irp);
    default:
        IoSkipCurrentIrpStackLocation(Irp);
        return IoCallDriver(lower, Irp);
    }
}
