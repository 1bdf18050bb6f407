/*
 * ProbeAndLockWrongFlags (C twin of drivers/ts/rules/ProbeAndLockWrongFlags.ts): the buffer is nonpaged
 * pool and its MDL was built with MmBuildMdlForNonPagedPool; the driver then also probes and locks it
 * "to be safe". An MDL built for nonpaged pool describes resident memory and must never be probed and
 * locked.
 *
 * Driver Verifier: 0xC4 / 0xB0, Parameter 2 = the MDL, 3 = its flags (0x4,
 * MDL_SOURCE_IS_NONPAGED_POOL), 4 = the incorrect flags (0x4).
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

/* Not inlined: the stop blames Transfer by name. */
static DECLSPEC_NOINLINE NTSTATUS Transfer(VOID)
{
    PVOID buffer = ExAllocatePoolWithTag(NonPagedPoolNx, 0x200, RULE_TAG);
    PMDL mdl = IoAllocateMdl(buffer, 0x200, FALSE, FALSE, NULL);
    DbgPrint("ProbeAndLockWrongFlags: mdl=%p\n", mdl);
    MmBuildMdlForNonPagedPool(mdl);
    MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess); // VIOLATION: an MDL built for nonpaged pool
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
