/*
 * DeadlockWrongThreadRelease: DriverEntry takes the configuration mutex (a KMUTEX) and hands the rest of
 * the set-up to a system thread, which releases the mutex when it is done. A KMUTEX belongs to the thread
 * that acquired it: only that thread may release it.
 *
 * Driver Verifier (Deadlock Detection): 0xC4 / 0x1004, Parameter 2 = the mutex, 3 = the thread that
 * acquired it (DriverEntry's), 4 = the thread releasing it (the system thread).
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

/* Context block: the mutex, a setting. */
typedef struct _CONTEXT_BLOCK {
    KMUTEX Mutex;
    ULONG Setting;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KSTART_ROUTINE FinishSetup;

static PCONTEXT_BLOCK Context;

VOID FinishSetup(_In_ PVOID StartContext)
{
    UNREFERENCED_PARAMETER(StartContext);
    Context->Setting = 1;
    KeReleaseMutex(&Context->Mutex, FALSE); // VIOLATION: DriverEntry's thread acquired it
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
    DbgPrint("DeadlockWrongThreadRelease: mutex=%p owner=%p\n", &Context->Mutex, KeGetCurrentThread());
    KeWaitForSingleObject(&Context->Mutex, Executive, KernelMode, FALSE, NULL);
    if (NT_SUCCESS(PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, FinishSetup, NULL))) {
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
