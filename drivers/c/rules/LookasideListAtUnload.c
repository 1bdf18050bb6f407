/*
 * LookasideListAtUnload (C twin of drivers/ts/rules/LookasideListAtUnload.ts): request contexts come
 * from a nonpaged lookaside list in the device extension. DriverUnload deletes the device (the
 * extension's memory goes with it) but never deletes the list, which stays on the kernel's list of
 * lookaside lists, in freed memory.
 *
 * Driver Verifier, right after DriverUnload: 0xC4 / 0xCC, Parameter 2 = the lookaside list,
 * 3 = the memory that held it (the device object's allocation), 4 = that memory's size.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'
#define CONTEXT_SIZE 0x30

typedef struct _DEVICE_EXTENSION {
    NPAGED_LOOKASIDE_LIST Contexts;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

/* Not inlined: the stop blames InitializeContexts by name. */
static DECLSPEC_NOINLINE VOID InitializeContexts(PDEVICE_EXTENSION ext)
{
    ExInitializeNPagedLookasideList(&ext->Contexts, NULL, NULL, 0, CONTEXT_SIZE, RULE_TAG, 0); // VIOLATION: never deleted
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device = NULL;
    PDEVICE_EXTENSION ext;
    PVOID context;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    DriverObject->DriverUnload = DriverUnload;
    ext = (PDEVICE_EXTENSION)device->DeviceExtension;
    DbgPrint("LookasideListAtUnload: device=%p list=%p\n", device, &ext->Contexts);
    InitializeContexts(ext);
    context = ExAllocateFromNPagedLookasideList(&ext->Contexts);
    if (context != NULL) {
        ExFreeToNPagedLookasideList(&ext->Contexts, context);
    }
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
}
