/*
 * SyncObjectInSessionMemoryClean (C twin of drivers/ts/rules/SyncObjectInSessionMemoryClean.ts): the
 * per-device data stays in session memory, but the event lives in nonpaged pool (global system space),
 * where every session sees the same object.
 */
#include <ntddk.h>
#include <winddi.h>

#define RULE_TAG 'eluR'

typedef struct _DEVICE_STATE {
    ULONG Mode;
} DEVICE_STATE, *PDEVICE_STATE;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PDEVICE_STATE State;
static PKEVENT Event;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    State = (PDEVICE_STATE)EngAllocMem(FL_ZERO_MEMORY | FL_NONPAGED_MEMORY, sizeof(DEVICE_STATE), RULE_TAG);
    Event = (PKEVENT)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(KEVENT), RULE_TAG);
    if (State == NULL || Event == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    KeInitializeEvent(Event, NotificationEvent, FALSE);
    State->Mode = 1;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Event, RULE_TAG);
    EngFreeMem(State);
}
