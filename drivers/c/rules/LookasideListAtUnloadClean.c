/*
 * LookasideListAtUnloadClean (C twin of drivers/ts/rules/LookasideListAtUnloadClean.ts): the lookaside
 * list is deleted before the device that holds it.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'
#define CONTEXT_SIZE 0x30

typedef struct _DEVICE_EXTENSION {
    NPAGED_LOOKASIDE_LIST Contexts;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static DECLSPEC_NOINLINE VOID InitializeContexts(PDEVICE_EXTENSION ext)
{
    ExInitializeNPagedLookasideList(&ext->Contexts, NULL, NULL, 0, CONTEXT_SIZE, RULE_TAG, 0);
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
    InitializeContexts(ext);
    context = ExAllocateFromNPagedLookasideList(&ext->Contexts);
    if (context != NULL) {
        ExFreeToNPagedLookasideList(&ext->Contexts, context);
    }
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT device = DriverObject->DeviceObject;

    ExDeleteNPagedLookasideList(&((PDEVICE_EXTENSION)device->DeviceExtension)->Contexts);
    IoDeleteDevice(device);
}
