/*
 * SyncObjectInSessionMemory (C twin of drivers/ts/rules/SyncObjectInSessionMemory.ts): a display driver
 * keeps its per-device state, an event included, in a block from EngAllocMem. That is session memory:
 * the same address means other memory in another Terminal Server session, and the kernel must reach a
 * synchronization object from any of them.
 *
 * Driver Verifier: 0xC4 / 0xDF, Parameter 2 = the event, 3 = 0, 4 = 0.
 */
#include <ntddk.h>
#include <winddi.h>

#define RULE_TAG 'eluR'

typedef struct _DEVICE_STATE {
    KEVENT Event;
    ULONG Mode;
} DEVICE_STATE, *PDEVICE_STATE;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PDEVICE_STATE State;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    State = (PDEVICE_STATE)EngAllocMem(FL_ZERO_MEMORY | FL_NONPAGED_MEMORY, sizeof(DEVICE_STATE), RULE_TAG);
    if (State == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("SyncObjectInSessionMemory: event=%p\n", &State->Event);
    KeInitializeEvent(&State->Event, NotificationEvent, FALSE); // VIOLATION: an event in session memory
    State->Mode = 1;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    EngFreeMem(State);
}
