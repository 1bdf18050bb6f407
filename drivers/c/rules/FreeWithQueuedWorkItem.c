/*
 * FreeWithQueuedWorkItem: a request block carries the system work item (WORK_QUEUE_ITEM) that
 * finishes it at PASSIVE_LEVEL. The cancel path frees the block right after queueing it, before a
 * worker thread has run it: the work queue keeps an item in freed pool.
 *
 * Driver Verifier (Miscellaneous checks), at the free: 0xE4 WORKER_INVALID / 0x0, Parameter 2 = the
 * work item, 3 = the pool block, 4 = its size.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

typedef struct _REQUEST_BLOCK {
    WORK_QUEUE_ITEM Item;
    KEVENT Finished;
    ULONG Result;
} REQUEST_BLOCK, *PREQUEST_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
WORKER_THREAD_ROUTINE FinishWorker;

VOID FinishWorker(_In_ PVOID Parameter)
{
    PREQUEST_BLOCK request = (PREQUEST_BLOCK)Parameter;

    request->Result = 1;
    KeSetEvent(&request->Finished, IO_NO_INCREMENT, FALSE);
}

/* Not inlined: the stop blames CancelRequest by name. */
static DECLSPEC_NOINLINE VOID CancelRequest(PREQUEST_BLOCK request)
{
    ExFreePoolWithTag(request, RULE_TAG); // VIOLATION: its work item is still queued
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PREQUEST_BLOCK request;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    request = (PREQUEST_BLOCK)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(REQUEST_BLOCK), RULE_TAG);
    if (request == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    request->Result = 0;
    KeInitializeEvent(&request->Finished, NotificationEvent, FALSE);
    ExInitializeWorkItem(&request->Item, FinishWorker, request);
    DbgPrint("FreeWithQueuedWorkItem: block=%p item=%p\n", request, &request->Item);
    ExQueueWorkItem(&request->Item, DelayedWorkQueue);
    CancelRequest(request);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
