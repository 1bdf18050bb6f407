/*
 * UnmapPartialMdlClean (C twin of drivers/ts/rules/UnmapPartialMdlClean.ts): the mapped partial MDL
 * is freed with IoFreeMdl, which releases its mapping.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static DECLSPEC_NOINLINE NTSTATUS Transfer(VOID)
{
    PUCHAR buffer = (PUCHAR)ExAllocatePoolWithTag(PagedPool, 0x200, RULE_TAG);
    PMDL mdl = IoAllocateMdl(buffer, 0x200, FALSE, FALSE, NULL);
    PMDL record;
    PULONG mapped;
    MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
    record = IoAllocateMdl(buffer + 0x40, 0x40, FALSE, FALSE, NULL);
    IoBuildPartialMdl(mdl, record, buffer + 0x40, 0x40);
    mapped = (PULONG)MmMapLockedPagesSpecifyCache(record, KernelMode, MmCached, NULL, FALSE, NormalPagePriority);
    mapped[0] = 1;
    IoFreeMdl(record);
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
