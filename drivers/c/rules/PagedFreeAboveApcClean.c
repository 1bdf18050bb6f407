/* PagedFreeAboveApcClean: the entry is unlinked under the spin lock and freed after it is released. */
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

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&Context->Lock);
    Context->Last = ExAllocatePoolWithTag(PagedPool, ENTRY_SIZE, TAG);
    return STATUS_SUCCESS;
}

static VOID DropLogEntry(VOID)
{
    PVOID entry;

    KeAcquireSpinLock(&Context->Lock, &Context->OldIrql);
    entry = Context->Last;
    Context->Last = NULL;
    KeReleaseSpinLock(&Context->Lock, Context->OldIrql);
    if (entry != NULL) {
        ExFreePoolWithTag(entry, TAG);
    }
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    DropLogEntry();
    ExFreePoolWithTag(Context, TAG);
}
