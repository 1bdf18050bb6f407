/*
 * CriticalRegionLeaveAboveApc: updating a shared table, the driver enters a critical region and takes
 * its spin lock, but leaves the region before releasing the lock: at DISPATCH_LEVEL.
 *
 * Driver Verifier (Force IRQL checking): 0xC4 / 0x11B, Parameter 2 = the current IRQL (2),
 * 3-4 = 0.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static KSPIN_LOCK TableLock;
static ULONG TableGeneration;

/* Not inlined: the stop blames UpdateTable by name. */
static DECLSPEC_NOINLINE VOID UpdateTable(VOID)
{
    KIRQL oldIrql;

    KeEnterCriticalRegion();
    KeAcquireSpinLock(&TableLock, &oldIrql);
    TableGeneration++;
    KeLeaveCriticalRegion(); // VIOLATION: still holding the spin lock
    KeReleaseSpinLock(&TableLock, oldIrql);
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
