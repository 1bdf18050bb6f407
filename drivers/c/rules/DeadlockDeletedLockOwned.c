/*
 * DeadlockDeletedLockOwned: Teardown takes the session's spin lock to unlink it, and frees the session
 * block (which holds the lock) before releasing the lock.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x100B, Parameter 2 = the spin lock, 3 = the thread
 * that owns it, 4 = 0. Raised at the free.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

/* Session block: the spin lock, the saved IRQL, a state word. */
typedef struct _SESSION {
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    ULONG State;
} SESSION, *PSESSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static DECLSPEC_NOINLINE VOID Teardown(PSESSION Session)
{
    KIRQL oldIrql;

    KeAcquireSpinLock(&Session->Lock, &Session->OldIrql);
    Session->State = 0;
    oldIrql = Session->OldIrql;
    ExFreePoolWithTag(Session, TAG); // VIOLATION: its spin lock is still held
    KeReleaseSpinLock(&Session->Lock, oldIrql);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PSESSION session;

    UNREFERENCED_PARAMETER(RegistryPath);
    session = ExAllocatePoolZero(NonPagedPoolNx, sizeof(SESSION), TAG);
    if (session == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&session->Lock);
    DbgPrint("DeadlockDeletedLockOwned: lock=%p\n", &session->Lock);
    Teardown(session);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
