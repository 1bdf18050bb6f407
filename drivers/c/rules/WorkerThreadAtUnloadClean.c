/*
 * WorkerThreadAtUnloadClean (C twin of drivers/ts/rules/WorkerThreadAtUnloadClean.ts): DriverUnload
 * waits on the flush thread's object until the thread has ended.
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
    PETHREAD thread;

    UNREFERENCED_PARAMETER(DriverObject);
    if (NT_SUCCESS(PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, FlushThread, NULL))) {
        if (NT_SUCCESS(ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, NULL, KernelMode, (PVOID *)&thread, NULL))) {
            KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL);
            ObDereferenceObject(thread);
        }
        ZwClose(handle);
    }
}
