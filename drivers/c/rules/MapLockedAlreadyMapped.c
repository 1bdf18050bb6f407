/*
 * MapLockedAlreadyMapped (C twin of drivers/ts/rules/MapLockedAlreadyMapped.ts): Transfer maps the
 * locked MDL for the header, then MapData maps the same MDL again for the data.
 *
 * Driver Verifier: 0xC4 / 0xB2, Parameter 2 = the MDL, 3 = its flags, 4 = MDL_MAPPED_TO_SYSTEM_VA.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

/* Not inlined: the stop blames MapData by name. */
static DECLSPEC_NOINLINE PVOID MapData(PMDL mdl)
{
    return MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE, NormalPagePriority); // VIOLATION: mapped already
}

static DECLSPEC_NOINLINE NTSTATUS Transfer(VOID)
{
    PVOID buffer = ExAllocatePoolWithTag(PagedPool, 0x200, RULE_TAG);
    PMDL mdl = IoAllocateMdl(buffer, 0x200, FALSE, FALSE, NULL);
    PULONG header;
    PULONG data;
    DbgPrint("MapLockedAlreadyMapped: mdl=%p\n", mdl);
    MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
    header = (PULONG)MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE, NormalPagePriority);
    header[0] = 0x200;
    data = (PULONG)MapData(mdl);
    data[1] = 1;
    MmUnmapLockedPages(header, mdl);
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
