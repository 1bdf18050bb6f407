/*
 * UserModeWaitOnStackObjectClean: a request waits for its hardware on a KEVENT kept on the kernel
 * stack, in KernelMode: the stack stays resident while the thread waits.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

/* Not inlined, as in the violating twin: WaitForHardware by name, and its frame holds the event. */
static DECLSPEC_NOINLINE NTSTATUS WaitForHardware(VOID)
{
    KEVENT ready;

    KeInitializeEvent(&ready, NotificationEvent, FALSE);
    DbgPrint("UserModeWaitOnStackObject: event=%p\n", &ready);
    KeSetEvent(&ready, IO_NO_INCREMENT, FALSE); /* the hardware is ready at once */
    return KeWaitForSingleObject(&ready, Executive, KernelMode, FALSE, NULL);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    return WaitForHardware();
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
