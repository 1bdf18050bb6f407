/*
 * DeadlockLockOrder: two spin locks guard a queue (lock A) and its statistics (lock B). IOCTL 0x222004
 * takes A then B; IOCTL 0x222008 takes B then A. The two requests never overlap, so nothing hangs in
 * this run, but on a machine where both paths run at once on two processors each waits for the other
 * forever. `dv run drivers/c/rules/DeadlockLockOrder.wasm --ioctl 0x222004 --ioctl 0x222008`.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1001, Parameter 2 = the lock whose acquisition closed
 * the cycle (A), 3 and 4 = 0. `!deadlock` shows the two orders with their stacks.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define IOCTL_QUEUE_PUSH CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_STATS_RESET CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Context block: lock A (the queue), lock B (the statistics), the saved IRQL, two counters. */
typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK LockA;
    KSPIN_LOCK LockB;
    KIRQL OldIrql;
    ULONG Queued;
    ULONG Resets;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\DeadlockLockOrder");
static PCONTEXT_BLOCK Context;

/* Lock A, then lock B inside it. Not inlined: stacks name it (DeadlockLockOrder!QueuePush). */
static DECLSPEC_NOINLINE VOID QueuePush(VOID)
{
    KeAcquireSpinLock(&Context->LockA, &Context->OldIrql);
    Context->Queued++;
    KeAcquireSpinLockAtDpcLevel(&Context->LockB);
    Context->Resets = 0;
    KeReleaseSpinLockFromDpcLevel(&Context->LockB);
    KeReleaseSpinLock(&Context->LockA, Context->OldIrql);
}

/* Lock B, then lock A inside it: the other order. */
static DECLSPEC_NOINLINE VOID StatsReset(VOID)
{
    KeAcquireSpinLock(&Context->LockB, &Context->OldIrql);
    Context->Resets++;
    KeAcquireSpinLockAtDpcLevel(&Context->LockA); // VIOLATION: B then A, where QueuePush takes A then B
    Context->Queued = 0;
    KeReleaseSpinLockFromDpcLevel(&Context->LockA);
    KeReleaseSpinLock(&Context->LockB, Context->OldIrql);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolZero(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(Context, TAG);
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&Context->LockA);
    KeInitializeSpinLock(&Context->LockB);
    DbgPrint("DeadlockLockOrder: lockA=%p lockB=%p\n", &Context->LockA, &Context->LockB);
    return STATUS_SUCCESS;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        switch (sp->Parameters.DeviceIoControl.IoControlCode) {
        case IOCTL_QUEUE_PUSH:
            QueuePush();
            break;
        case IOCTL_STATS_RESET:
            StatsReset();
            break;
        default:
            status = STATUS_INVALID_DEVICE_REQUEST;
            break;
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
    ExFreePoolWithTag(Context, TAG);
}
