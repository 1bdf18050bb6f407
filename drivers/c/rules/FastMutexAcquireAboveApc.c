/*
 * FastMutexAcquireAboveApc: the configuration is guarded by a fast mutex, the statistics by a spin
 * lock. Refresh() takes the fast mutex while it still holds the spin lock, at DISPATCH_LEVEL; a
 * fast mutex may be acquired at APC_LEVEL at most (acquiring it can wait).
 *
 * Driver Verifier: 0xC4 / 0x33, Parameter 2 = the IRQL (2), 3 = the fast mutex, 4 = 0.
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

/* Not inlined: the verifier blames Refresh by name (FastMutexAcquireAboveApc!Refresh). */
static DECLSPEC_NOINLINE VOID Refresh(VOID)
{
    KeAcquireSpinLock(&Context->Lock, &Context->OldIrql);
    Context->Stats++;
    ExAcquireFastMutex(&Context->Mutex); // VIOLATION: at DISPATCH_LEVEL, under the spin lock
    Context->Config = 1;
    ExReleaseFastMutex(&Context->Mutex);
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
    DbgPrint("FastMutexAcquireAboveApc: mutex=%p\n", &Context->Mutex);
    Refresh();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
