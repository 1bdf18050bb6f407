/*
 * DeadlockAcquireMismatch: the context's first field is a union: the driver starts with it as a spin
 * lock, and after a mode switch reinitializes the same memory as a fast mutex and acquires it, while
 * the verifier still knows it as a spin lock (the memory was never freed).
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1008, Parameter 2 = the lock, 3 and 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

/* Context block: the lock (a spin lock or a fast mutex), the saved IRQL, the mode. */
typedef struct _CONTEXT_BLOCK {
    union {
        KSPIN_LOCK SpinLock;
        FAST_MUTEX Mutex;
    } Lock;
    KIRQL OldIrql;
    ULONG Mode;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static DECLSPEC_NOINLINE VOID SwitchToPassiveMode(VOID)
{
    ExInitializeFastMutex(&Context->Lock.Mutex);
    ExAcquireFastMutex(&Context->Lock.Mutex); // VIOLATION: the same lock was a spin lock
    Context->Mode = 2;
    ExReleaseFastMutex(&Context->Lock.Mutex);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolZero(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&Context->Lock.SpinLock);
    DbgPrint("DeadlockAcquireMismatch: lock=%p\n", &Context->Lock);
    KeAcquireSpinLock(&Context->Lock.SpinLock, &Context->OldIrql);
    Context->Mode = 1;
    KeReleaseSpinLock(&Context->Lock.SpinLock, Context->OldIrql);
    SwitchToPassiveMode();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
