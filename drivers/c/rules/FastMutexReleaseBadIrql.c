/*
 * FastMutexReleaseBadIrql: the fast mutex is taken first and the spin lock inside it, but they are
 * let go in the wrong order: the fast mutex is released while the spin lock still holds IRQL at
 * DISPATCH_LEVEL (and its release would drop IRQL to PASSIVE_LEVEL under the spin lock).
 *
 * Driver Verifier: 0xC4 / 0x34, Parameter 2 = the IRQL (2), 3 = the thread's APC-disable count (0),
 * 4 = the fast mutex.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _CONTEXT_BLOCK {
    FAST_MUTEX Mutex;
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    ULONG Config;
    ULONG Stats;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

/* Not inlined: the verifier blames Refresh by name (FastMutexReleaseBadIrql!Refresh). */
static DECLSPEC_NOINLINE VOID Refresh(VOID)
{
    ExAcquireFastMutex(&Context->Mutex);
    Context->Config = 1;
    KeAcquireSpinLock(&Context->Lock, &Context->OldIrql);
    Context->Stats++;
    ExReleaseFastMutex(&Context->Mutex); // VIOLATION: at DISPATCH_LEVEL, the spin lock still held
    KeReleaseSpinLock(&Context->Lock, Context->OldIrql);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    ExInitializeFastMutex(&Context->Mutex);
    KeInitializeSpinLock(&Context->Lock);
    DbgPrint("FastMutexReleaseBadIrql: mutex=%p\n", &Context->Mutex);
    Refresh();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
