/* PagedAllocAboveApcClean: the entry is allocated (paged) before the spin lock is taken; only the link happens under it. */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define ENTRY_SIZE 0x40

typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
    PVOID Last;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static VOID AppendLogEntry(VOID)
{
    PVOID entry = ExAllocatePoolWithTag(PagedPool, ENTRY_SIZE, TAG);

    KeAcquireSpinLock(&Context->Lock, &Context->OldIrql);
    Context->Last = entry;
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
    KeInitializeSpinLock(&Context->Lock);
    AppendLogEntry();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (Context->Last != NULL) {
        ExFreePoolWithTag(Context->Last, TAG);
    }
    ExFreePoolWithTag(Context, TAG);
}
