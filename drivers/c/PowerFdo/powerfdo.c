/*
 * PowerFdo: a function driver that owns its device's power policy, the WDM way (the C twin of
 * drivers/ts/PowerFdo.ts). On a system set-power IRP (S-IRP) it passes the IRP down first and, in
 * its completion routine, requests the matching device set-power IRP (D-IRP: D0 for S0, D3 for a
 * sleep state) with PoRequestPowerIrp, holding the S-IRP (STATUS_MORE_PROCESSING_REQUIRED) until the
 * D-IRP's completion callback completes it with the D-IRP's status. On a D-IRP it tells the power
 * manager with PoSetPowerState before powering down and after powering up. Everything else goes
 * down with PoCallDriver.
 *
 * Its device has no name and no PnP start yet: DriverEntry creates it, and whoever builds the stack
 * (the PnP manager, or a test) stores the next-lower device in LowerDevice, the first member.
 */
#include <ntddk.h>

typedef struct _FDO_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    DEVICE_POWER_STATE DevicePowerState;
    SYSTEM_POWER_STATE SystemPowerState;
    ULONG CallbackIrql;      /* the IRQL the last D-IRP completion callback ran at */
    ULONG DIrpsRequested;
    ULONG DIrpsCompleted;
    DEVICE_POWER_STATE PreviousDeviceState; /* what PoSetPowerState returned at the last power-up */
} FDO_EXTENSION, *PFDO_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD PowerFdoUnload;
_Dispatch_type_(IRP_MJ_POWER) DRIVER_DISPATCH PowerDispatch;
IO_COMPLETION_ROUTINE SystemPowerComplete;
IO_COMPLETION_ROUTINE DevicePowerUpComplete;
REQUEST_POWER_COMPLETE DevicePowerRequestComplete;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT fdo;
    PFDO_EXTENSION ext;
    POWER_STATE state;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->MajorFunction[IRP_MJ_POWER] = PowerDispatch;
    DriverObject->DriverUnload = PowerFdoUnload;
    status = IoCreateDevice(DriverObject, sizeof(FDO_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ext = (PFDO_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    /* The device starts powered (what IRP_MN_START_DEVICE would report). */
    ext->DevicePowerState = PowerDeviceD0;
    ext->SystemPowerState = PowerSystemWorking;
    state.DeviceState = PowerDeviceD0;
    PoSetPowerState(fdo, DevicePowerState, state);
    fdo->Flags |= DO_POWER_PAGABLE;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

VOID PowerFdoUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    if (DriverObject->DeviceObject != NULL) {
        IoDeleteDevice(DriverObject->DeviceObject);
    }
}

NTSTATUS PowerDispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PFDO_EXTENSION ext = (PFDO_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);

    if (sp->MinorFunction == IRP_MN_SET_POWER) {
        if (sp->Parameters.Power.Type == SystemPowerState) {
            /* S-IRP: down first; the D-IRP is requested on the way back up. */
            IoMarkIrpPending(Irp);
            IoCopyCurrentIrpStackLocationToNext(Irp);
            IoSetCompletionRoutine(Irp, SystemPowerComplete, ext, TRUE, TRUE, TRUE);
            PoCallDriver(ext->LowerDevice, Irp);
            return STATUS_PENDING;
        }
        if (sp->Parameters.Power.State.DeviceState > ext->DevicePowerState) {
            /* Powering down: tell the power manager before leaving the current state. */
            PoSetPowerState(DeviceObject, DevicePowerState, sp->Parameters.Power.State);
            ext->DevicePowerState = sp->Parameters.Power.State.DeviceState;
            PoStartNextPowerIrp(Irp);
            IoSkipCurrentIrpStackLocation(Irp);
            return PoCallDriver(ext->LowerDevice, Irp);
        }
        /* Powering up: the bus driver powers the device first. */
        IoMarkIrpPending(Irp);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, DevicePowerUpComplete, ext, TRUE, TRUE, TRUE);
        PoCallDriver(ext->LowerDevice, Irp);
        return STATUS_PENDING;
    }
    /* QUERY_POWER (nothing here refuses a transition), WAIT_WAKE, POWER_SEQUENCE: the bus driver answers. */
    PoStartNextPowerIrp(Irp);
    IoSkipCurrentIrpStackLocation(Irp);
    return PoCallDriver(ext->LowerDevice, Irp);
}

NTSTATUS SystemPowerComplete(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_reads_opt_(_Inexpressible_("varies")) PVOID Context)
{
    PFDO_EXTENSION ext = (PFDO_EXTENSION)Context;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    POWER_STATE device;
    NTSTATUS status;

    if (!NT_SUCCESS(Irp->IoStatus.Status)) {
        PoStartNextPowerIrp(Irp);
        return STATUS_SUCCESS;
    }
    ext->SystemPowerState = sp->Parameters.Power.State.SystemState;
    device.DeviceState = ext->SystemPowerState == PowerSystemWorking ? PowerDeviceD0 : PowerDeviceD3;
    status = PoRequestPowerIrp(DeviceObject, IRP_MN_SET_POWER, device, DevicePowerRequestComplete, Irp, NULL);
    if (!NT_SUCCESS(status)) {
        Irp->IoStatus.Status = status;
        PoStartNextPowerIrp(Irp);
        return STATUS_SUCCESS;
    }
    ext->DIrpsRequested++;
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* The D-IRP is done: complete the S-IRP that asked for it (Context) with its status. */
VOID DevicePowerRequestComplete(_In_ PDEVICE_OBJECT DeviceObject, _In_ UCHAR MinorFunction, _In_ POWER_STATE PowerState,
                                _In_opt_ PVOID Context, _In_ PIO_STATUS_BLOCK IoStatus)
{
    PFDO_EXTENSION ext = (PFDO_EXTENSION)DeviceObject->DeviceExtension;
    PIRP sIrp = (PIRP)Context;

    UNREFERENCED_PARAMETER(MinorFunction);
    UNREFERENCED_PARAMETER(PowerState);
    ext->CallbackIrql = KeGetCurrentIrql();
    ext->DIrpsCompleted++;
    sIrp->IoStatus.Status = IoStatus->Status;
    PoStartNextPowerIrp(sIrp);
    IoCompleteRequest(sIrp, IO_NO_INCREMENT);
}

NTSTATUS DevicePowerUpComplete(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_reads_opt_(_Inexpressible_("varies")) PVOID Context)
{
    PFDO_EXTENSION ext = (PFDO_EXTENSION)Context;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);

    if (NT_SUCCESS(Irp->IoStatus.Status)) {
        ext->PreviousDeviceState = PoSetPowerState(DeviceObject, DevicePowerState, sp->Parameters.Power.State).DeviceState;
        ext->DevicePowerState = sp->Parameters.Power.State.DeviceState;
    }
    PoStartNextPowerIrp(Irp);
    return STATUS_SUCCESS;
}
