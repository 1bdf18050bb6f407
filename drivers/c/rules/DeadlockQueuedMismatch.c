/*
 * DeadlockQueuedMismatch: the request list's spin lock is taken as an in-stack queued spin lock by
 * InsertRequest and as an ordinary spin lock by CountRequests. A KSPIN_LOCK is either one or the other:
 * on a multiprocessor an ordinary acquisition does not see the queue of the queued ones.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1008, Parameter 2 = the spin lock, 3 and 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

/* Context block: the spin lock, the saved IRQL, the request count. */
typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    ULONG Count;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static DECLSPEC_NOINLINE VOID InsertRequest(VOID)
{
    KLOCK_QUEUE_HANDLE handle;

    KeAcquireInStackQueuedSpinLock(&Context->Lock, &handle);
    Context->Count++;
    KeReleaseInStackQueuedSpinLock(&handle);
}

static DECLSPEC_NOINLINE ULONG CountRequests(VOID)
{
    ULONG count;

    KeAcquireSpinLock(&Context->Lock, &Context->OldIrql); // VIOLATION: InsertRequest takes it as a queued spin lock
    count = Context->Count;
    KeReleaseSpinLock(&Context->Lock, Context->OldIrql);
    return count;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolZero(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&Context->Lock);
    DbgPrint("DeadlockQueuedMismatch: lock=%p\n", &Context->Lock);
    InsertRequest();
    CountRequests();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
