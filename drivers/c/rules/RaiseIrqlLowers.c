/*
 * RaiseIrqlLowers: Flush() wants "at least APC_LEVEL" and raises to it with KeRaiseIrql, but its
 * caller holds a spin lock: IRQL is DISPATCH_LEVEL, and KeRaiseIrql cannot lower it.
 *
 * Driver Verifier: 0xC4 / 0x30, Parameter 2 = the current IRQL (2), 3 = the requested IRQL (1), 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK Lock;
    KIRQL LockIrql;
    KIRQL FlushIrql;
    ULONG Dirty;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

/* Not inlined: the verifier blames Flush by name (RaiseIrqlLowers!Flush). */
static DECLSPEC_NOINLINE VOID Flush(VOID)
{
    KeRaiseIrql(APC_LEVEL, &Context->FlushIrql); // VIOLATION: lowers from DISPATCH_LEVEL
    Context->Dirty = 0;
    KeLowerIrql(Context->FlushIrql);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&Context->Lock);
    KeAcquireSpinLock(&Context->Lock, &Context->LockIrql);
    Flush();
    KeReleaseSpinLock(&Context->Lock, Context->LockIrql);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
