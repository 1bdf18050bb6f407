/*
 * ObjectDereferenceBelowZero (C twin of drivers/ts/rules/ObjectDereferenceBelowZero.ts, a variant of
 * ObjectReferenceCount): the driver dereferences the thread object it referenced, and its unload path
 * dereferences it once more. The second one takes the count of a dead object below zero.
 *
 * Driver Verifier: 0xC4 / 0x3F, Parameter 2 = the object, 3 = -1 (the dereference case), 4 = 0.
 */
#include <ntddk.h>

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KSTART_ROUTINE Worker;

static PETHREAD Thread;

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
    DbgPrint("ObjectDereferenceBelowZero: thread=%p\n", Thread);
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
    ObDereferenceObject(Thread); // VIOLATION: one dereference too many
}
