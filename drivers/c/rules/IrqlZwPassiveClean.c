/* IrqlZwPassiveClean: the handle is taken out under the fast mutex and closed after it is released, at PASSIVE_LEVEL. */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _CONTEXT_BLOCK {
    FAST_MUTEX Mutex;
    HANDLE Key;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static DECLSPEC_NOINLINE VOID CloseServiceKey(VOID)
{
    HANDLE key;

    ExAcquireFastMutex(&Context->Mutex);
    key = Context->Key;
    Context->Key = NULL;
    ExReleaseFastMutex(&Context->Mutex);
    if (key != NULL) {
        ZwClose(key);
    }
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    ExInitializeFastMutex(&Context->Mutex);
    InitializeObjectAttributes(&attributes, RegistryPath, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenKey(&Context->Key, KEY_READ, &attributes);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(Context, TAG);
        return status;
    }
    DriverObject->DriverUnload = DriverUnload;
    DbgPrint("IrqlZwPassive: key=%p\n", Context->Key);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    CloseServiceKey();
    ExFreePoolWithTag(Context, TAG);
}
