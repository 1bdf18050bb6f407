/*
 * LowerIrqlRaises: the driver raises to APC_LEVEL for a short section, then "restores" IRQL with a
 * constant, DISPATCH_LEVEL, instead of the level KeRaiseIrql saved: KeLowerIrql would raise.
 *
 * Driver Verifier: 0xC4 / 0x31, Parameter 2 = the current IRQL (1), 3 = the requested IRQL (2),
 * 4 = 0 (the new IRQL is bad).
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _CONTEXT_BLOCK {
    KIRQL OldIrql;
    ULONG State;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

/* Not inlined: the verifier blames SetState by name (LowerIrqlRaises!SetState). */
static DECLSPEC_NOINLINE VOID SetState(ULONG State)
{
    KeRaiseIrql(APC_LEVEL, &Context->OldIrql);
    Context->State = State;
    KeLowerIrql(DISPATCH_LEVEL); // VIOLATION: not the saved level; above the current one
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
