/*
 * DpcRoutineAtUnloadClean (C twin of drivers/ts/rules/DpcRoutineAtUnloadClean.ts): the polling timer
 * is cancelled and its DPC flushed before the device (and its extension) goes.
 */
#include <ntddk.h>

typedef struct _DEVICE_EXTENSION {
    KTIMER Timer;
    KDPC Dpc;
    ULONG Polls;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KDEFERRED_ROUTINE PollDpc;

static DECLSPEC_NOINLINE VOID StartPolling(PDEVICE_EXTENSION ext)
{
    LARGE_INTEGER pollInterval;

    pollInterval.QuadPart = -1000000LL;
    KeInitializeTimer(&ext->Timer);
    KeInitializeDpc(&ext->Dpc, PollDpc, ext);
    KeSetTimerEx(&ext->Timer, pollInterval, 100, &ext->Dpc);
}

VOID PollDpc(_In_ PKDPC Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID Arg1, _In_opt_ PVOID Arg2)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    ext->Polls++;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device = NULL;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    DriverObject->DriverUnload = DriverUnload;
    StartPolling((PDEVICE_EXTENSION)device->DeviceExtension);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT device = DriverObject->DeviceObject;
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)device->DeviceExtension;

    KeCancelTimer(&ext->Timer);
    KeFlushQueuedDpcs();
    IoDeleteDevice(device);
}
