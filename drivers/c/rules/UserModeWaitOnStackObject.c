/*
 * UserModeWaitOnStackObject: a request waits for its hardware on a KEVENT kept on the kernel stack,
 * as drivers do, but asks for a UserMode wait. A thread waiting in UserMode lets the kernel page
 * out (swap) its process, kernel stack included, while another thread may still signal the event.
 *
 * Driver Verifier (Miscellaneous checks), at the wait: 0xC4 / 0x123, Parameter 2 = the event,
 * 3-4 = 0.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

/* Not inlined: the stop blames WaitForHardware by name, and its frame holds the event. */
static DECLSPEC_NOINLINE NTSTATUS WaitForHardware(VOID)
{
    KEVENT ready;

    KeInitializeEvent(&ready, NotificationEvent, FALSE);
    DbgPrint("UserModeWaitOnStackObject: event=%p\n", &ready);
    KeSetEvent(&ready, IO_NO_INCREMENT, FALSE); /* the hardware is ready at once */
    return KeWaitForSingleObject(&ready, UserRequest, UserMode, FALSE, NULL); // VIOLATION: UserMode wait on a stack object
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
