/*
 * WorkerThreadAtUnload (C twin of drivers/ts/rules/WorkerThreadAtUnload.ts): DriverUnload hands the
 * final flush to a new system thread and returns without waiting for it. The thread has not even
 * started when the image goes.
 *
 * Driver Verifier, right after DriverUnload: 0xCE DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS,
 * Parameter 1 = the thread's start routine, 2 = 0, 3 = the same address, 4 = 0: the stop Windows
 * raises when the thread later runs the unloaded code, raised at once.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KSTART_ROUTINE FlushThread;

static volatile ULONG Flushed;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    DbgPrint("WorkerThreadAtUnload: routine=%p\n", FlushThread);
    return STATUS_SUCCESS;
}

VOID FlushThread(_In_ PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    Flushed++;
    PsTerminateSystemThread(STATUS_SUCCESS);
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    HANDLE handle;

    UNREFERENCED_PARAMETER(DriverObject);
    if (NT_SUCCESS(PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, FlushThread, NULL))) { // VIOLATION: not waited for
        ZwClose(handle);
    }
}
