/*
 * ObjectReferenceCountClean (C twin of drivers/ts/rules/ObjectReferenceCountClean.ts): everything the
 * driver reads of the thread is read while it still holds its reference.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KSTART_ROUTINE Worker;

static PETHREAD Thread;

static DECLSPEC_NOINLINE VOID ReportExit(VOID)
{
    ObReferenceObjectByPointer(Thread, 0, NULL, KernelMode);
    ObDereferenceObject(Thread);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    HANDLE handle;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    status = PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, Worker, NULL);
    if (NT_SUCCESS(status)) {
        status = ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, NULL, KernelMode, (PVOID *)&Thread, NULL);
        ZwClose(handle);
    }
    return status;
}

VOID Worker(_In_ PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KeWaitForSingleObject(Thread, Executive, KernelMode, FALSE, NULL);
    ReportExit();
    ObDereferenceObject(Thread);
}
