/*
 * UnmapNotMappedClean (C twin of drivers/ts/rules/UnmapNotMappedClean.ts): Cleanup unmaps only a
 * mapping it made (none here).
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PVOID Mapped;

static DECLSPEC_NOINLINE VOID Cleanup(PMDL mdl)
{
    if (Mapped != NULL) {
        MmUnmapLockedPages(Mapped, mdl);
    }
    MmUnlockPages(mdl);
    IoFreeMdl(mdl);
}

static DECLSPEC_NOINLINE NTSTATUS Transfer(VOID)
{
    PVOID buffer = ExAllocatePoolWithTag(PagedPool, 0x200, RULE_TAG);
    PMDL mdl = IoAllocateMdl(buffer, 0x200, FALSE, FALSE, NULL);
    ULONG value;
    MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
    value = *(volatile ULONG *)buffer;
    Cleanup(mdl);
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
