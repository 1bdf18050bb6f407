/*
 * PnpFunction: a WDM function driver for a root-enumerated device, in C (the twin of
 * drivers/ts/pnp/PnpFunction.ts). DriverEntry creates no device: AddDevice attaches an FDO above the
 * PDO the PnP manager hands it. Each PnP IRP is held under the remove lock and passed down (START is
 * forwarded synchronously and completed on the way back up); REMOVE_DEVICE waits for the requests in
 * flight, detaches and deletes the FDO. One IOCTL (an echo, METHOD_BUFFERED); after a surprise
 * removal requests fail with STATUS_DELETE_PENDING. DbgPrint names each PnP IRP as it arrives.
 */
#include <wdm.h>

#define PNPFUNCTION_TAG 'FpnP'
#define IOCTL_PNPFUNCTION_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _DEVICE_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    BOOLEAN Removed;
    IO_REMOVE_LOCK RemoveLock;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_ADD_DEVICE AddDevice;
_Dispatch_type_(IRP_MJ_PNP) DRIVER_DISPATCH DispatchPnp;
_Dispatch_type_(IRP_MJ_POWER) DRIVER_DISPATCH DispatchPower;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH DispatchCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH DispatchDeviceControl;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PnpFunction");

/* The names the driver prints for the minor codes it sees (a sparse table: the codes are small). */
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
};

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = AddDevice;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = DispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = DispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = DispatchDeviceControl;
    DriverObject->MajorFunction[IRP_MJ_PNP] = DispatchPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = DispatchPower;
    DriverObject->DriverUnload = DriverUnload;
    DbgPrint("PnpFunction: DriverEntry\n");
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    DbgPrint("PnpFunction: DriverUnload\n");
}

NTSTATUS AddDevice(_In_ PDRIVER_OBJECT DriverObject, _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo = NULL;
    PDEVICE_EXTENSION ext;
    NTSTATUS status;

    status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ext = (PDEVICE_EXTENSION)fdo->DeviceExtension;
    IoInitializeRemoveLock(&ext->RemoveLock, PNPFUNCTION_TAG, 0, 0);
    ext->Removed = FALSE;
    ext->LowerDevice = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDevice == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags |= DO_BUFFERED_IO;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    DbgPrint("PnpFunction: AddDevice\n");
    return STATUS_SUCCESS;
}

static NTSTATUS Complete(_In_ PIRP Irp, _In_ NTSTATUS Status, _In_ ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* Pass the IRP to the device below with this driver's stack location. */
static NTSTATUS PassDown(_In_ PDEVICE_EXTENSION Ext, _In_ PIRP Irp)
{
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Ext->LowerDevice, Irp);
}

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    UCHAR minor = sp->MinorFunction;
    NTSTATUS status;

    status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) {
        return Complete(Irp, status, 0);
    }
    if (minor < sizeof(MinorNames) / sizeof(MinorNames[0]) && MinorNames[minor] != NULL) {
        DbgPrint("PnpFunction: %s\n", MinorNames[minor]);
    } else {
        DbgPrint("PnpFunction: IRP_MN_0x%x\n", minor);
    }
    switch (minor) {
    case IRP_MN_START_DEVICE:
        /* The bus starts the hardware first; the function driver starts on the way back up. */
        IoForwardIrpSynchronously(ext->LowerDevice, Irp);
        status = Complete(Irp, Irp->IoStatus.Status, 0);
        break;
    case IRP_MN_SURPRISE_REMOVAL:
        ext->Removed = TRUE;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        status = PassDown(ext, Irp);
        break;
    case IRP_MN_REMOVE_DEVICE:
        ext->Removed = TRUE;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        status = PassDown(ext, Irp);
        /* Wait for the requests in flight, then leave the stack. */
        IoReleaseRemoveLockAndWait(&ext->RemoveLock, Irp);
        IoDetachDevice(ext->LowerDevice);
        IoDeleteDevice(DeviceObject);
        return status;
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        status = PassDown(ext, Irp);
        break;
    default:
        /* Not ours: down the stack untouched. */
        status = PassDown(ext, Irp);
        break;
    }
    IoReleaseRemoveLock(&ext->RemoveLock, Irp);
    return status;
}

NTSTATUS DispatchPower(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    return PassDown((PDEVICE_EXTENSION)DeviceObject->DeviceExtension, Irp);
}

NTSTATUS DispatchCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return Complete(Irp, STATUS_SUCCESS, 0);
}

NTSTATUS DispatchDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    ULONG_PTR information = 0;
    NTSTATUS status;

    status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) {
        return Complete(Irp, status, 0);
    }
    if (ext->Removed) {
        status = STATUS_DELETE_PENDING;
    } else if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_PNPFUNCTION_ECHO) {
        status = STATUS_INVALID_DEVICE_REQUEST;
    } else {
        /* METHOD_BUFFERED: input and output share the system buffer, so the echo is its length. */
        ULONG in = sp->Parameters.DeviceIoControl.InputBufferLength;
        ULONG out = sp->Parameters.DeviceIoControl.OutputBufferLength;
        information = in < out ? in : out;
        status = STATUS_SUCCESS;
    }
    Complete(Irp, status, information);
    IoReleaseRemoveLock(&ext->RemoveLock, Irp);
    return status;
}
