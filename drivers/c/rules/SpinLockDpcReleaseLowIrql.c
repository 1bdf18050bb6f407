/*
 * SpinLockDpcReleaseLowIrql: the driver raises to DISPATCH_LEVEL and takes the lock at DPC level,
 * but lowers IRQL back to PASSIVE_LEVEL before it lets the lock go with
 * KeReleaseSpinLockFromDpcLevel.
 *
 * Driver Verifier: 0xC4 / 0x41, Parameter 2 = the IRQL (0), 3 = the spin lock, 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK Lock;
    ULONG Value;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

/* Not inlined: the verifier blames Update by name (SpinLockDpcReleaseLowIrql!Update). */
static DECLSPEC_NOINLINE VOID Update(ULONG Value)
{
    PKSPIN_LOCK lock = &Context->Lock;
    KIRQL old = KeRaiseIrqlToDpcLevel();

    KeAcquireSpinLockAtDpcLevel(lock);
    Context->Value = Value;
    KeLowerIrql(old);
    KeReleaseSpinLockFromDpcLevel(lock); // VIOLATION: IRQL is already back at PASSIVE_LEVEL
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
    DbgPrint("SpinLockDpcReleaseLowIrql: lock=%p\n", &Context->Lock);
    Update(7);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
