/*
 * ProbeAndLockProcessWrongFlags (C twin of drivers/ts/rules/ProbeAndLockProcessWrongFlags.ts): Prepare
 * probes and locks the MDL, then Start locks it again with MmProbeAndLockProcessPages.
 *
 * Driver Verifier: 0xC4 / 0xB1, Parameter 2 = the MDL, 3 = its flags (MDL_PAGES_LOCKED), 4 = the
 * incorrect flags (MDL_PAGES_LOCKED).
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

/* Not inlined: Start is blamed by name; Prepare keeps the same shape as the TypeScript sample. */
static DECLSPEC_NOINLINE VOID Prepare(PMDL mdl)
{
    MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
}

static DECLSPEC_NOINLINE VOID Start(PMDL mdl)
{
    MmProbeAndLockProcessPages(mdl, PsGetCurrentProcess(), KernelMode, IoReadAccess); // VIOLATION: locked already
}

static DECLSPEC_NOINLINE NTSTATUS Transfer(VOID)
{
    PVOID buffer = ExAllocatePoolWithTag(PagedPool, 0x200, RULE_TAG);
    PMDL mdl = IoAllocateMdl(buffer, 0x200, FALSE, FALSE, NULL);
    DbgPrint("ProbeAndLockProcessWrongFlags: mdl=%p\n", mdl);
    Prepare(mdl);
    Start(mdl);
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
