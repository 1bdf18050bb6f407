/*
 * MapLockedNotLocked (C twin of drivers/ts/rules/MapLockedNotLocked.ts): the MDL is mapped without
 * having been probed and locked first.
 *
 * Driver Verifier: 0xC4 / 0xB3, Parameter 2 = the MDL, 3 = its flags (0), 4 = the missing flags
 * (MDL_PAGES_LOCKED | MDL_PARTIAL).
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

/* Not inlined: the stop blames Transfer by name. */
static DECLSPEC_NOINLINE NTSTATUS Transfer(VOID)
{
    PVOID buffer = ExAllocatePoolWithTag(PagedPool, 0x200, RULE_TAG);
    PMDL mdl = IoAllocateMdl(buffer, 0x200, FALSE, FALSE, NULL);
    PULONG mapped;
    DbgPrint("MapLockedNotLocked: mdl=%p\n", mdl);
    mapped = (PULONG)MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE, NormalPagePriority); // VIOLATION: not locked
    mapped[0] = 1;
    MmUnmapLockedPages(mapped, mdl);
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
