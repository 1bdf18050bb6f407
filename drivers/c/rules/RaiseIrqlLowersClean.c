/* RaiseIrqlLowersClean: Flush() raises only when IRQL is below APC_LEVEL, and lowers back to where it was. */
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

/* Not inlined, as in RaiseIrqlLowers.c: the same function at the same place in the stack. */
static DECLSPEC_NOINLINE VOID Flush(VOID)
{
    BOOLEAN raise = KeGetCurrentIrql() < APC_LEVEL;

    if (raise) {
        KeRaiseIrql(APC_LEVEL, &Context->FlushIrql);
    }
    Context->Dirty = 0;
    if (raise) {
        KeLowerIrql(Context->FlushIrql);
    }
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
    Flush();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
