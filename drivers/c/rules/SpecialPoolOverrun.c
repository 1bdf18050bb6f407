/*
 * SpecialPoolOverrun: DriverEntry builds a table of channel numbers, one ULONG per channel. The fill
 * loop runs while i <= count and writes one entry past the end of the pool block.
 *
 * Driver Verifier (special pool): 0xD6, Parameter 1 = the address written (the block + 0x20), 2 = 1
 * (a write), 3 = the address of the writing instruction, 4 = 0. Special pool puts the block at the
 * end of a page, so the first byte past it is in the guard page that follows.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define CHANNELS 8

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PULONG Channels;

/* Not inlined: the verifier blames LoadChannels by name (SpecialPoolOverrun!LoadChannels). */
static DECLSPEC_NOINLINE NTSTATUS LoadChannels(_In_ ULONG Count)
{
    ULONG i;

    Channels = ExAllocatePoolWithTag(NonPagedPoolNx, Count * sizeof(ULONG), TAG);
    if (Channels == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("SpecialPoolOverrun: channels=%p\n", Channels);
    for (i = 0; i <= Count; i++) {
        Channels[i] = 0x100 + i; // VIOLATION: i == Count is one entry past the end
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
