/*
 * CriticalRegionAboveApc: updating a shared table, the driver takes its spin lock and then enters a
 * critical region, at DISPATCH_LEVEL, where only the IRQL keeps APCs out.
 *
 * Driver Verifier (Force IRQL checking): 0xC4 / 0x11A, Parameter 2 = the current IRQL (2),
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

    KeAcquireSpinLock(&TableLock, &oldIrql);
    KeEnterCriticalRegion(); // VIOLATION: at DISPATCH_LEVEL
    TableGeneration++;
    KeLeaveCriticalRegion();
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
