/*
 * CriticalRegionLeaveAboveApcClean: the driver enters a critical region, takes its spin lock, and
 * releases the lock before it leaves the region (at PASSIVE_LEVEL).
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static KSPIN_LOCK TableLock;
static ULONG TableGeneration;

/* Not inlined, as in the violating twin: UpdateTable by name. */
static DECLSPEC_NOINLINE VOID UpdateTable(VOID)
{
    KIRQL oldIrql;

    KeEnterCriticalRegion();
    KeAcquireSpinLock(&TableLock, &oldIrql);
    TableGeneration++;
    KeReleaseSpinLock(&TableLock, oldIrql);
    KeLeaveCriticalRegion();
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&TableLock);
    UpdateTable();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
