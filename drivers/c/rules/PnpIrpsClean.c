/*
 * PnpIrpsClean: the clean twin of every I/O verification PnP and power sample (PnpRule.h). At
 * IRP_MN_START_DEVICE it asks its stack for the device's capabilities and power sequence with IRPs it
 * builds, each started at STATUS_NOT_SUPPORTED; it fails IRP_MN_QUERY_PNP_DEVICE_STATE by completing
 * it; it passes every other PnP and power IRP down, and at IRP_MN_REMOVE_DEVICE passes the removal
 * down, detaches and deletes its device. `dv run drivers/c/rules/PnpIrpsClean.wasm --sleep`.
 */
#define PNP_RULE_ON_START
#include "PnpRule.h"

/* IRP_MN_QUERY_CAPABILITIES, built, sent to the device below and waited for. */
/* Not inlined: a stop blames it by name. */
static DECLSPEC_NOINLINE VOID QueryCapabilities(_In_ PDEVICE_OBJECT DeviceObject)
{
    DEVICE_CAPABILITIES caps;
    KEVENT event;
    PIO_STACK_LOCATION next;
    PIRP irp = IoAllocateIrp(LowerOf(DeviceObject)->StackSize, FALSE);

    if (irp == NULL) {
        return;
    }
    RtlZeroMemory(&caps, sizeof(caps));
    caps.Size = sizeof(caps);
    caps.Version = 1;
    caps.Address = (ULONG)-1;
    caps.UINumber = (ULONG)-1;
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    /* Whoever sends a PnP IRP starts it STATUS_NOT_SUPPORTED. */
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_PNP;
    next->MinorFunction = IRP_MN_QUERY_CAPABILITIES;
    next->Parameters.DeviceCapabilities.Capabilities = &caps;
    IoSetCompletionRoutine(irp, SentIrpDone, &event, TRUE, TRUE, TRUE);
    if (IoCallDriver(LowerOf(DeviceObject), irp) == STATUS_PENDING) {
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
    }
    IoFreeIrp(irp);
}

/* IRP_MN_POWER_SEQUENCE, the one power IRP a driver builds itself. */
/* Not inlined: a stop blames it by name. */
static DECLSPEC_NOINLINE VOID QueryPowerSequence(_In_ PDEVICE_OBJECT DeviceObject)
{
    POWER_SEQUENCE sequence;
    KEVENT event;
    PIO_STACK_LOCATION next;
    PIRP irp = IoAllocateIrp(LowerOf(DeviceObject)->StackSize, FALSE);

    if (irp == NULL) {
        return;
    }
    RtlZeroMemory(&sequence, sizeof(sequence));
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_POWER;
    next->MinorFunction = IRP_MN_POWER_SEQUENCE;
    next->Parameters.PowerSequence.PowerSequence = &sequence;
    IoSetCompletionRoutine(irp, SentIrpDone, &event, TRUE, TRUE, TRUE);
    if (PoCallDriver(LowerOf(DeviceObject), irp) == STATUS_PENDING) {
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
    }
    IoFreeIrp(irp);
}

static VOID OnStart(_In_ PDEVICE_OBJECT DeviceObject)
{
    QueryCapabilities(DeviceObject);
    QueryPowerSequence(DeviceObject);
}

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE:
        return StartDevice(DeviceObject, Irp);
    case IRP_MN_QUERY_PNP_DEVICE_STATE:
        /* The driver cannot read its hardware's state yet: a failure is completed here, not passed down. */
        Irp->IoStatus.Status = STATUS_DEVICE_NOT_READY;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_DEVICE_NOT_READY;
    case IRP_MN_REMOVE_DEVICE:
        return RemoveDevice(DeviceObject, Irp);
    default:
        return PassDown(DeviceObject, Irp);
    }
}
