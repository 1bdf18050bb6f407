/*
 * DeadlockThreadHoldsLocks: the driver's refresh thread takes the table mutex (a KMUTEX) and, on its
 * "nothing to do" path, ends without releasing it: the mutex is abandoned and every later waiter's
 * acquisition fails or waits forever.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x100A, Parameter 2 = the terminating thread, 3 and 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

/* Context block: the mutex, the number of entries. */
typedef struct _CONTEXT_BLOCK {
    KMUTEX Mutex;
    ULONG Entries;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KSTART_ROUTINE RefreshThread;

static PCONTEXT_BLOCK Context;

VOID RefreshThread(_In_ PVOID StartContext)
{
    UNREFERENCED_PARAMETER(StartContext);
    DbgPrint("DeadlockThreadHoldsLocks: thread=%p\n", KeGetCurrentThread());
    KeWaitForSingleObject(&Context->Mutex, Executive, KernelMode, FALSE, NULL);
    if (Context->Entries == 0) {
        PsTerminateSystemThread(STATUS_SUCCESS); // VIOLATION: the table mutex is still held
    }
    Context->Entries = 0;
    KeReleaseMutex(&Context->Mutex, FALSE);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    HANDLE handle;
    PVOID thread;

    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolZero(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeMutex(&Context->Mutex, 0);
    DbgPrint("DeadlockThreadHoldsLocks: mutex=%p\n", &Context->Mutex);
    if (NT_SUCCESS(PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, RefreshThread, NULL))) {
        if (NT_SUCCESS(ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, NULL, KernelMode, &thread, NULL))) {
            KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL);
            ObDereferenceObject(thread);
        }
        ZwClose(handle);
    }
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
