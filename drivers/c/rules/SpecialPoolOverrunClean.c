/*
 * SpecialPoolOverrunClean: the same channel table, filled while i < count: every write stays inside
 * the pool block.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define CHANNELS 8

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PULONG Channels;

/* Not inlined, as in SpecialPoolOverrun.c. */
static DECLSPEC_NOINLINE NTSTATUS LoadChannels(_In_ ULONG Count)
{
    ULONG i;

    Channels = ExAllocatePoolWithTag(NonPagedPoolNx, Count * sizeof(ULONG), TAG);
    if (Channels == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (i = 0; i < Count; i++) {
        Channels[i] = 0x100 + i;
    }
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    return LoadChannels(CHANNELS);
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Channels, TAG);
}
