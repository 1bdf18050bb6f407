/*
 * PnpRule.h: the frame the I/O verification PnP and power samples share. A WDM function driver for a
 * root-enumerated device: AddDevice creates an unnamed FDO and attaches it above the PDO; create and
 * close complete at once. The sample defines DispatchPnp (the rule's IRP_MJ_PNP handling) and, with
 * PNP_RULE_OWN_POWER defined, DispatchPower; otherwise power IRPs are passed down untouched.
 * AddDevice reports fdo=%p for the tests; with PNP_RULE_ON_START, the sample's OnStart runs once the
 * stack below has started, and SentIrpDone completes the IRPs it builds and waits for.
 */
#include <wdm.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _DEVICE_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_ADD_DEVICE AddDevice;
_Dispatch_type_(IRP_MJ_PNP) DRIVER_DISPATCH DispatchPnp;
_Dispatch_type_(IRP_MJ_POWER) DRIVER_DISPATCH DispatchPower;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH DispatchCreateClose;

#define LowerOf(DeviceObject) (((PDEVICE_EXTENSION)(DeviceObject)->DeviceExtension)->LowerDevice)

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = AddDevice;
    DriverObject->MajorFunction[IRP_MJ_PNP] = DispatchPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = DispatchPower;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = DispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = DispatchCreateClose;
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

NTSTATUS AddDevice(_In_ PDRIVER_OBJECT DriverObject, _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo = NULL;
    PDEVICE_EXTENSION ext;
    NTSTATUS status;

    status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ext = (PDEVICE_EXTENSION)fdo->DeviceExtension;
    ext->LowerDevice = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDevice == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    DbgPrint("PnpRule: fdo=%p\n", fdo);
    return STATUS_SUCCESS;
}

NTSTATUS DispatchCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* Down the stack with this driver's stack location, untouched. */
static __inline NTSTATUS PassDown(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp)
{
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(LowerOf(DeviceObject), Irp);
}

#ifdef PNP_RULE_ON_START
/* The sample's work once its stack has started the hardware. */
static VOID OnStart(_In_ PDEVICE_OBJECT DeviceObject);
#endif

/* IRP_MN_START_DEVICE: the bus starts the hardware first; the driver completes it on the way back up. */
static __inline NTSTATUS StartDevice(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    NTSTATUS status = IoForwardIrpSynchronously(LowerOf(DeviceObject), Irp) ? Irp->IoStatus.Status : STATUS_UNSUCCESSFUL;

#ifdef PNP_RULE_ON_START
    if (NT_SUCCESS(status)) {
        OnStart(DeviceObject);
    }
#endif
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

/* IRP_MN_REMOVE_DEVICE done right: down the stack, then leave it and delete the FDO. */
static __inline NTSTATUS RemoveDevice(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_OBJECT lower = LowerOf(DeviceObject);
    NTSTATUS status;

    Irp->IoStatus.Status = STATUS_SUCCESS;
    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(lower, Irp);
    IoDetachDevice(lower);
    IoDeleteDevice(DeviceObject);
    return status;
}

#ifndef PNP_RULE_OWN_POWER
NTSTATUS DispatchPower(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(LowerOf(DeviceObject), Irp);
}
#endif

#ifdef PNP_RULE_ON_START
/* An IRP the driver built, sent to the device below and waited for: its completion routine keeps it. */
static IO_COMPLETION_ROUTINE SentIrpDone;
static NTSTATUS SentIrpDone(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_opt_ PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}
#endif
