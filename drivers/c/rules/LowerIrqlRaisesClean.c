/* LowerIrqlRaisesClean: KeLowerIrql gets back the level KeRaiseIrql saved. */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _CONTEXT_BLOCK {
    KIRQL OldIrql;
    ULONG State;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

/* Not inlined, as in LowerIrqlRaises.c. */
static DECLSPEC_NOINLINE VOID SetState(ULONG State)
{
    KeRaiseIrql(APC_LEVEL, &Context->OldIrql);
    Context->State = State;
    KeLowerIrql(Context->OldIrql);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    SetState(1);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
