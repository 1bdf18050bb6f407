/*
 * QueuedWorkAtUnloadClean (C twin of drivers/ts/rules/QueuedWorkAtUnloadClean.ts): DriverUnload queues
 * the cleanup and waits for the worker to signal that it has run.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

typedef struct _CLEANUP_ITEM {
    WORK_QUEUE_ITEM Item;
    KEVENT Done;
} CLEANUP_ITEM, *PCLEANUP_ITEM;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
WORKER_THREAD_ROUTINE CleanupWorker;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

VOID CleanupWorker(_In_ PVOID Parameter)
{
    KeSetEvent(&((PCLEANUP_ITEM)Parameter)->Done, IO_NO_INCREMENT, FALSE);
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    PCLEANUP_ITEM cleanup;

    UNREFERENCED_PARAMETER(DriverObject);
    cleanup = (PCLEANUP_ITEM)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CLEANUP_ITEM), RULE_TAG);
    if (cleanup == NULL) {
        return;
    }
    KeInitializeEvent(&cleanup->Done, NotificationEvent, FALSE);
    ExInitializeWorkItem(&cleanup->Item, CleanupWorker, cleanup);
    ExQueueWorkItem(&cleanup->Item, DelayedWorkQueue);
    KeWaitForSingleObject(&cleanup->Done, Executive, KernelMode, FALSE, NULL);
    ExFreePoolWithTag(cleanup, RULE_TAG);
}
