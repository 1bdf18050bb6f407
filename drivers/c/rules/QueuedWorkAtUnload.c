/*
 * QueuedWorkAtUnload (C twin of drivers/ts/rules/QueuedWorkAtUnload.ts): DriverUnload queues its
 * cleanup as a system work item (ExQueueWorkItem) and returns. Unlike IoQueueWorkItem, ExQueueWorkItem
 * holds no reference that would keep the image: the worker routine will run after the driver is gone.
 *
 * Driver Verifier, right after DriverUnload: 0xCE, Parameter 1 = the worker routine, 2 = 0,
 * 3 = the same address, 4 = 0.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
WORKER_THREAD_ROUTINE CleanupWorker;

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    DbgPrint("QueuedWorkAtUnload: routine=%p\n", CleanupWorker);
    return STATUS_SUCCESS;
}

VOID CleanupWorker(_In_ PVOID Parameter)
{
    ExFreePoolWithTag(Parameter, RULE_TAG);
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    PWORK_QUEUE_ITEM item;

    UNREFERENCED_PARAMETER(DriverObject);
    item = (PWORK_QUEUE_ITEM)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(WORK_QUEUE_ITEM), RULE_TAG);
    if (item == NULL) {
        return;
    }
    ExInitializeWorkItem(item, CleanupWorker, item);
    ExQueueWorkItem(item, DelayedWorkQueue); // VIOLATION: runs after the image is gone
}
