/*
 * PagedFreeAboveApc: the log entry (paged pool) is unlinked and freed in one go, under the spin lock,
 * at DISPATCH_LEVEL.
 *
 * Driver Verifier: 0xC4 / 0x11, Parameter 2 = the IRQL (2), 3 = the pool type (1, PagedPool),
 * 4 = the block.
 */
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
    PVOID entry;

    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&Context->Lock);
    entry = ExAllocatePoolWithTag(PagedPool, ENTRY_SIZE, TAG);
    Context->Last = entry;
    DbgPrint("PagedFreeAboveApc: entry=%p\n", entry);
    return STATUS_SUCCESS;
}

/* Not inlined: the verifier blames DropLogEntry by name (PagedFreeAboveApc!DropLogEntry). */
static DECLSPEC_NOINLINE VOID DropLogEntry(VOID)
{
    PVOID entry;

    KeAcquireSpinLock(&Context->Lock, &Context->OldIrql);
    entry = Context->Last;
    Context->Last = NULL;
    if (entry != NULL) {
        ExFreePoolWithTag(entry, TAG); // VIOLATION: paged pool freed at DISPATCH_LEVEL
    }
    KeReleaseSpinLock(&Context->Lock, Context->OldIrql);
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    DropLogEntry();
    ExFreePoolWithTag(Context, TAG);
}
