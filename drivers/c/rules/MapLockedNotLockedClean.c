/*
 * MapLockedNotLockedClean (C twin of drivers/ts/rules/MapLockedNotLockedClean.ts): probe and lock,
 * then map.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static DECLSPEC_NOINLINE NTSTATUS Transfer(VOID)
{
    PVOID buffer = ExAllocatePoolWithTag(PagedPool, 0x200, RULE_TAG);
    PMDL mdl = IoAllocateMdl(buffer, 0x200, FALSE, FALSE, NULL);
    PULONG mapped;
    MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
    mapped = (PULONG)MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE, NormalPagePriority);
    mapped[0] = 1;
    MmUnmapLockedPages(mapped, mdl);
    MmUnlockPages(mdl);
    IoFreeMdl(mdl);
    ExFreePoolWithTag(buffer, RULE_TAG);
    return STATUS_SUCCESS;
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
