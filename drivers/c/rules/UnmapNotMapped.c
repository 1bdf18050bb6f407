/*
 * UnmapNotMapped (C twin of drivers/ts/rules/UnmapNotMapped.ts): Cleanup unmaps the buffer's own
 * (pool) address through an MDL that was locked but never mapped.
 *
 * Driver Verifier: 0xC4 / 0xB6, Parameter 2 = the MDL, 3 = its flags (MDL_PAGES_LOCKED), 4 = the
 * missing flag (MDL_MAPPED_TO_SYSTEM_VA).
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

/* Not inlined: the stop blames Cleanup by name. */
static DECLSPEC_NOINLINE VOID Cleanup(PMDL mdl, PVOID buffer)
{
    MmUnmapLockedPages(buffer, mdl); // VIOLATION: the MDL was never mapped
    MmUnlockPages(mdl);
    IoFreeMdl(mdl);
}

static DECLSPEC_NOINLINE NTSTATUS Transfer(VOID)
{
    PVOID buffer = ExAllocatePoolWithTag(PagedPool, 0x200, RULE_TAG);
    PMDL mdl = IoAllocateMdl(buffer, 0x200, FALSE, FALSE, NULL);
    ULONG value;
    DbgPrint("UnmapNotMapped: mdl=%p\n", mdl);
    MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
    value = *(volatile ULONG *)buffer;
    Cleanup(mdl, buffer);
    ExFreePoolWithTag(buffer, RULE_TAG);
    return value == 0 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    return Transfer();
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
