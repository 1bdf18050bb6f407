/*
 * UnlockPartialMdlClean (C twin of drivers/ts/rules/UnlockPartialMdlClean.ts): the partial MDL is
 * freed; only the source MDL is unlocked.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static DECLSPEC_NOINLINE NTSTATUS Transfer(VOID)
{
    PVOID buffer = ExAllocatePoolWithTag(PagedPool, 0x200, RULE_TAG);
    PMDL mdl = IoAllocateMdl(buffer, 0x200, FALSE, FALSE, NULL);
    PMDL record;
    MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
    record = IoAllocateMdl(buffer, 0x40, FALSE, FALSE, NULL);
    IoBuildPartialMdl(mdl, record, buffer, 0x40);
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
