/*
 * FreedWholePageAccessClean: the same firmware check; the version is read before the buffer is freed.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define IMAGE_SIZE 0x1800
#define VERSION_OFFSET 0x1000
#define FIRMWARE_VERSION 0x00030002

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static ULONG Checksum;

/* Not inlined, as in FreedWholePageAccess.c. */
static DECLSPEC_NOINLINE NTSTATUS LoadFirmware(VOID)
{
    PUCHAR image;
    ULONG i;
    ULONG version;

    image = ExAllocatePoolWithTag(NonPagedPoolNx, IMAGE_SIZE, TAG);
    if (image == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (i = 0; i < IMAGE_SIZE; i++) {
        image[i] = (UCHAR)(i * 7);
    }
    *(PULONG)(image + VERSION_OFFSET) = FIRMWARE_VERSION;
    Checksum = 0;
    for (i = 0; i < IMAGE_SIZE; i++) {
        Checksum += image[i];
    }
    version = *(PULONG)(image + VERSION_OFFSET);
    ExFreePoolWithTag(image, TAG);
    DbgPrint("FreedWholePageAccessClean: firmware %08lx, checksum %08lx\n", version, Checksum);
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    return LoadFirmware();
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
