/* SpinLockDpcReleaseLowIrqlClean: the lock is released at DPC level first, then IRQL is lowered. */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK Lock;
    ULONG Value;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static VOID Update(ULONG Value)
{
    PKSPIN_LOCK lock = &Context->Lock;
    KIRQL old = KeRaiseIrqlToDpcLevel();

    KeAcquireSpinLockAtDpcLevel(lock);
    Context->Value = Value;
    KeReleaseSpinLockFromDpcLevel(lock);
    KeLowerIrql(old);
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
    Update(7);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
