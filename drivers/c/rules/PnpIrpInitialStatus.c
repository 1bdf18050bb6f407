/*
 * PnpIrpInitialStatus: at IRP_MN_START_DEVICE the function driver asks its stack for the
 * device's capabilities with an IRP_MN_QUERY_CAPABILITIES IRP it builds, and sends it without starting
 * it at STATUS_NOT_SUPPORTED.
 * `dv run drivers/c/rules/PnpIrpInitialStatus.wasm`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x20E, Parameter 2 = the call site of IoCallDriver,
 * 3 = the IRP, 4 = the status it carried (0).
 * The clean twin is PnpIrpsClean.c.
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
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_PNP;
    next->MinorFunction = IRP_MN_QUERY_CAPABILITIES;
    next->Parameters.DeviceCapabilities.Capabilities = &caps;
    IoSetCompletionRoutine(irp, SentIrpDone, &event, TRUE, TRUE, TRUE);
    DbgPrint("PnpIrpInitialStatus: irp=%p\n", irp);
    /* Wrong: IoAllocateIrp leaves IoStatus.Status 0 (STATUS_SUCCESS); nobody answering would look like success. */
    if (IoCallDriver(LowerOf(DeviceObject), irp) == STATUS_PENDING) { // VIOLATION: sent without STATUS_NOT_SUPPORTED
        KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
    }
    IoFreeIrp(irp);
}

static VOID OnStart(_In_ PDEVICE_OBJECT DeviceObject)
{
    QueryCapabilities(DeviceObject);
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
