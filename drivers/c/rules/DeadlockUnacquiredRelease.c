/*
 * DeadlockUnacquiredRelease: the driver keeps two spin locks, one for reads and one for writes.
 * RecordRead takes the read lock and, by a copy-and-paste slip, releases the write lock, which nobody
 * holds.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1007, Parameter 2 = the lock released (the write
 * lock), 3 and 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

/* Context block: the read lock, the write lock, the saved IRQL, the read count. */
typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK ReadLock;
    KSPIN_LOCK WriteLock;
    KIRQL OldIrql;
    ULONG Reads;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static DECLSPEC_NOINLINE VOID RecordRead(VOID)
{
    KeAcquireSpinLock(&Context->ReadLock, &Context->OldIrql);
    Context->Reads++;
    KeReleaseSpinLock(&Context->WriteLock, Context->OldIrql); // VIOLATION: the read lock was taken, not the write lock
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolZero(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&Context->ReadLock);
    KeInitializeSpinLock(&Context->WriteLock);
    DbgPrint("DeadlockUnacquiredRelease: lock=%p\n", &Context->WriteLock);
    RecordRead();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
