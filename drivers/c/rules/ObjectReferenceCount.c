/*
 * ObjectReferenceCount (C twin of drivers/ts/rules/ObjectReferenceCount.ts): the driver starts a worker
 * thread and keeps a pointer to its object. When the thread has finished and the driver has dropped its
 * own reference, the object's count is 0 and the object is gone; the driver then takes a new reference
 * through its stale pointer: 0 -> 1.
 *
 * Driver Verifier: 0xC4 / 0x3F, Parameter 2 = the object, 3 = 1 (the reference case), 4 = 0.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KSTART_ROUTINE Worker;

static PETHREAD Thread;

/* Reads the thread's exit state through the pointer it no longer holds a reference for.
 * Not inlined: the stop blames ReportExit by name. */
static DECLSPEC_NOINLINE VOID ReportExit(VOID)
{
    ObReferenceObjectByPointer(Thread, 0, NULL, KernelMode); // VIOLATION: the object is gone, count 0 -> 1
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
    DbgPrint("ObjectReferenceCount: thread=%p\n", Thread);
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
    ObDereferenceObject(Thread);
    ReportExit();
}
