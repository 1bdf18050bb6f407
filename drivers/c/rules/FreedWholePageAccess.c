/*
 * FreedWholePageAccess: DriverEntry reads a firmware image into a 0x1800-byte pool buffer, checks
 * it, frees the buffer, and then traces the image's version from the freed buffer.
 *
 * A block of a page or more is whole pages of its own, and freeing it gives the pages back: the
 * address is no longer mapped. The read is a page fault on an invalid system address, which no
 * __try can take: 0x50 PAGE_FAULT_IN_NONPAGED_AREA, Parameter 1 = the address read (the buffer +
 * 0x1000, the version), 2 = 0 (a read), 3 = the address of the reading instruction, 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define IMAGE_SIZE 0x1800
#define VERSION_OFFSET 0x1000
#define FIRMWARE_VERSION 0x00030002

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static ULONG Checksum;

/* Not inlined: the verifier blames LoadFirmware by name (FreedWholePageAccess!LoadFirmware). */
static DECLSPEC_NOINLINE NTSTATUS LoadFirmware(VOID)
{
    PUCHAR image;
    ULONG i;

    image = ExAllocatePoolWithTag(NonPagedPoolNx, IMAGE_SIZE, TAG);
    if (image == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("FreedWholePageAccess: image=%p\n", image);
    for (i = 0; i < IMAGE_SIZE; i++) {
        image[i] = (UCHAR)(i * 7);
    }
    *(PULONG)(image + VERSION_OFFSET) = FIRMWARE_VERSION;
    Checksum = 0;
    for (i = 0; i < IMAGE_SIZE; i++) {
        Checksum += image[i];
    }
    ExFreePoolWithTag(image, TAG);
    DbgPrint("FreedWholePageAccess: firmware %08lx, checksum %08lx\n", *(PULONG)(image + VERSION_OFFSET), Checksum); // VIOLATION: the buffer was freed
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
