/*
 * PowerIrpInitialStatus: at IRP_MN_START_DEVICE the function driver asks its bus for the
 * device's power sequence with an IRP_MN_POWER_SEQUENCE IRP it builds, and sends it (PoCallDriver)
 * without starting it at STATUS_NOT_SUPPORTED.
 * `dv run drivers/c/rules/PowerIrpInitialStatus.wasm`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x20F, Parameter 2 = the call site of PoCallDriver,
 * 3 = the IRP, 4 = the status it carried (0).
 * The clean twin is PnpIrpsClean.c.
 */
#define PNP_RULE_ON_START
#include "PnpRule.h"

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
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_POWER;
    next->MinorFunction = IRP_MN_POWER_SEQUENCE;
    next->Parameters.PowerSequence.PowerSequence = &sequence;
    IoSetCompletionRoutine(irp, SentIrpDone, &event, TRUE, TRUE, TRUE);
    DbgPrint("PowerIrpInitialStatus: irp=%p\n", irp);
    if (PoCallDriver(LowerOf(DeviceObject), irp) == STATUS_PENDING) { // VIOLATION: sent without STATUS_NOT_SUPPORTED
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
    }
    IoFreeIrp(irp);
}

static VOID OnStart(_In_ PDEVICE_OBJECT DeviceObject)
{
    QueryPowerSequence(DeviceObject);
}

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE:
        return StartDevice(DeviceObject, Irp);
    case IRP_MN_REMOVE_DEVICE:
        return RemoveDevice(DeviceObject, Irp);
    default:
        return PassDown(DeviceObject, Irp);
    }
}
