/*
 * PnpChild: the function driver of PnpBus's children, in C (the twin of drivers/ts/pnp/PnpChild.ts).
 * AddDevice attaches an unnamed FDO above the child's PDO. On START_DEVICE, once the bus has started the
 * child, it asks its PDO for the bus interface (IRP_MN_QUERY_INTERFACE, an IRP of its own: the
 * bus-interface pattern) and learns its child index through it; REMOVE_DEVICE dereferences the
 * interface, passes the IRP down, detaches and deletes the FDO. Every other PnP IRP goes down
 * untouched. DbgPrint names each IRP, so a run shows the order.
 */
#include <wdm.h>
#include "../PnpBus/PnpBusInterface.h"

#define PNPCHILD_TAG 'dhCP'
#define UNKNOWN_INDEX 0xffffffff

typedef struct _DEVICE_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    BOOLEAN HasInterface;
    PNPBUS_INTERFACE Interface;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_ADD_DEVICE AddDevice;
_Dispatch_type_(IRP_MJ_PNP) DRIVER_DISPATCH DispatchPnp;
_Dispatch_type_(IRP_MJ_POWER) DRIVER_DISPATCH DispatchPower;
IO_COMPLETION_ROUTINE QueryInterfaceDone;

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
    [IRP_MN_FILTER_RESOURCE_REQUIREMENTS] = "IRP_MN_FILTER_RESOURCE_REQUIREMENTS",
    [IRP_MN_QUERY_PNP_DEVICE_STATE] = "IRP_MN_QUERY_PNP_DEVICE_STATE",
    [IRP_MN_SURPRISE_REMOVAL] = "IRP_MN_SURPRISE_REMOVAL",
};

static const char *MinorName(UCHAR Minor)
{
    return Minor < sizeof(MinorNames) / sizeof(MinorNames[0]) && MinorNames[Minor] ? MinorNames[Minor] : "IRP_MN_(other)";
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = AddDevice;
    DriverObject->MajorFunction[IRP_MJ_PNP] = DispatchPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = DispatchPower;
    DriverObject->DriverUnload = DriverUnload;
    DbgPrint("PnpChild: DriverEntry\n");
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    DbgPrint("PnpChild: DriverUnload\n");
}

NTSTATUS AddDevice(_In_ PDRIVER_OBJECT DriverObject, _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo;
    PDEVICE_EXTENSION ext;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ext = (PDEVICE_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->LowerDevice = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDevice == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    DbgPrint("PnpChild: AddDevice\n");
    return STATUS_SUCCESS;
}

/* The IRP is ours: signal the waiter and keep it (it is freed after the wait). */
NTSTATUS QueryInterfaceDone(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_opt_ PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* IRP_MN_QUERY_INTERFACE for the bus interface, sent to the PDO and waited for. */
static VOID QueryBusInterface(PDEVICE_EXTENSION Ext)
{
    KEVENT event;
    PIO_STACK_LOCATION next;
    PIRP irp = IoAllocateIrp(Ext->LowerDevice->StackSize, FALSE);
    if (irp == NULL) {
        return;
    }
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    /* Whoever sends a PnP IRP starts it STATUS_NOT_SUPPORTED. */
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    irp->IoStatus.Information = 0;
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_PNP;
    next->MinorFunction = IRP_MN_QUERY_INTERFACE;
    next->Parameters.QueryInterface.InterfaceType = &GUID_PNPBUS_INTERFACE;
    next->Parameters.QueryInterface.Size = sizeof(PNPBUS_INTERFACE);
    next->Parameters.QueryInterface.Version = PNPBUS_INTERFACE_VERSION;
    next->Parameters.QueryInterface.Interface = (PINTERFACE)&Ext->Interface;
    next->Parameters.QueryInterface.InterfaceSpecificData = NULL;
    IoSetCompletionRoutine(irp, QueryInterfaceDone, &event, TRUE, TRUE, TRUE);
    if (IoCallDriver(Ext->LowerDevice, irp) == STATUS_PENDING) {
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
    }
    Ext->HasInterface = NT_SUCCESS(irp->IoStatus.Status);
    IoFreeIrp(irp);
}

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;
    if (ext->HasInterface) {
        DbgPrint("PnpChild %lu: %s\n", ext->Interface.GetChildIndex(ext->Interface.Header.Context), MinorName(stack->MinorFunction));
    } else {
        DbgPrint("PnpChild: %s\n", MinorName(stack->MinorFunction));
    }
    switch (stack->MinorFunction) {
    case IRP_MN_START_DEVICE:
        IoForwardIrpSynchronously(ext->LowerDevice, Irp);
        status = Irp->IoStatus.Status;
        if (NT_SUCCESS(status) && !ext->HasInterface) {
            QueryBusInterface(ext);
        }
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return status;
    case IRP_MN_REMOVE_DEVICE: {
        PDEVICE_OBJECT lower = ext->LowerDevice;
        if (ext->HasInterface) {
            ext->Interface.Header.InterfaceDereference(ext->Interface.Header.Context);
            ext->HasInterface = FALSE;
        }
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoSkipCurrentIrpStackLocation(Irp);
        status = IoCallDriver(lower, Irp);
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
        return status;
    }
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        break;
    default:
        break;
    }
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->LowerDevice, Irp);
}

NTSTATUS DispatchPower(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(((PDEVICE_EXTENSION)DeviceObject->DeviceExtension)->LowerDevice, Irp);
}
