/*
 * PagedAllocAboveApc: a log entry is allocated from paged pool while the log's spin lock is held,
 * at DISPATCH_LEVEL, where a page fault cannot be taken.
 *
 * Driver Verifier: 0xC4 / 0x01, Parameter 2 = the IRQL (2), 3 = the pool type (1, PagedPool),
 * 4 = the size (0x40).
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

/* Not inlined: the verifier blames AppendLogEntry by name (PagedAllocAboveApc!AppendLogEntry). */
static DECLSPEC_NOINLINE VOID AppendLogEntry(VOID)
{
    PVOID entry;

    KeAcquireSpinLock(&Context->Lock, &Context->OldIrql);
    entry = ExAllocatePoolWithTag(PagedPool, ENTRY_SIZE, TAG); // VIOLATION: paged pool at DISPATCH_LEVEL
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
