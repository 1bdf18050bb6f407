/*
 * PnpInterface: a WDM function driver that names its device by a device interface instead of a device
 * name, in C (the twin of drivers/ts/pnp/PnpInterface.ts). AddDevice attaches an unnamed FDO and
 * registers an interface of GUID_DEVINTERFACE_PNPINTERFACE for the PDO; START (on the way back up)
 * enables it; SURPRISE_REMOVAL and REMOVE_DEVICE disable it; power IRPs go down. It serves one IOCTL
 * (an echo, METHOD_BUFFERED). `dv run --open-interface {5C3C4C7A-0E2B-4F51-9A43-2D6E3F0B7A11}` reaches it,
 * and the PnpMonitor sample watches its class.
 */
#include <wdm.h>
#include <initguid.h>

DEFINE_GUID(GUID_DEVINTERFACE_PNPINTERFACE, 0x5c3c4c7a, 0x0e2b, 0x4f51, 0x9a, 0x43, 0x2d, 0x6e, 0x3f, 0x0b, 0x7a, 0x11);

#define IOCTL_PNPINTERFACE_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _INTERFACE_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    UNICODE_STRING Link;      /* the interface's symbolic link name (IoRegisterDeviceInterface allocates it) */
} INTERFACE_EXTENSION, *PINTERFACE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_ADD_DEVICE AddDevice;
_Dispatch_type_(IRP_MJ_PNP) DRIVER_DISPATCH DispatchPnp;
_Dispatch_type_(IRP_MJ_POWER) DRIVER_DISPATCH DispatchPower;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH DispatchCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH DispatchDeviceControl;

#define EXTENSION(device) ((PINTERFACE_EXTENSION)(device)->DeviceExtension)

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
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

NTSTATUS AddDevice(_In_ PDRIVER_OBJECT DriverObject, _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo;
    PINTERFACE_EXTENSION ext;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(INTERFACE_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(status)) return status;
    ext = EXTENSION(fdo);
    RtlZeroMemory(ext, sizeof(*ext));
    status = IoRegisterDeviceInterface(PhysicalDeviceObject, &GUID_DEVINTERFACE_PNPINTERFACE, NULL, &ext->Link);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(fdo);
        return status;
    }
    ext->LowerDevice = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDevice == NULL) {
        RtlFreeUnicodeString(&ext->Link);
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags |= DO_BUFFERED_IO;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

static NTSTATUS Complete(_Inout_ PIRP Irp, _In_ NTSTATUS Status, _In_ ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

static NTSTATUS PassDown(_In_ PINTERFACE_EXTENSION ext, _Inout_ PIRP Irp)
{
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->LowerDevice, Irp);
}

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PINTERFACE_EXTENSION ext = EXTENSION(DeviceObject);
    NTSTATUS status;

    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE:
        IoForwardIrpSynchronously(ext->LowerDevice, Irp);
        status = Irp->IoStatus.Status;
        /* Started: the interface may be opened now (the arrival is announced once START completes). */
        if (NT_SUCCESS(status)) IoSetDeviceInterfaceState(&ext->Link, TRUE);
        return Complete(Irp, status, 0);
    case IRP_MN_SURPRISE_REMOVAL:
        IoSetDeviceInterfaceState(&ext->Link, FALSE);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return PassDown(ext, Irp);
    case IRP_MN_REMOVE_DEVICE:
        /* After a surprise removal the interface is already disabled (OBJECT_NAME_NOT_FOUND: fine). */
        IoSetDeviceInterfaceState(&ext->Link, FALSE);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        status = PassDown(ext, Irp);
        RtlFreeUnicodeString(&ext->Link);
        IoDetachDevice(ext->LowerDevice);
        IoDeleteDevice(DeviceObject);
        return status;
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return PassDown(ext, Irp);
    default:
        return PassDown(ext, Irp);
    }
}

/* It owns no power policy: every power IRP goes down to the bus (a sleep/wake cycle passes through). */
NTSTATUS DispatchPower(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    return PassDown(EXTENSION(DeviceObject), Irp);
}

NTSTATUS DispatchCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return Complete(Irp, STATUS_SUCCESS, 0);
}

NTSTATUS DispatchDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    ULONG in = sp->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out = sp->Parameters.DeviceIoControl.OutputBufferLength;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_PNPINTERFACE_ECHO) return Complete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    /* METHOD_BUFFERED: the input is already in the buffer the output is copied from. */
    return Complete(Irp, STATUS_SUCCESS, in < out ? in : out);
}
