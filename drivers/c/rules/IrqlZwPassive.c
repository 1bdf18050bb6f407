/*
 * IrqlZwPassive: the driver keeps its service key open while it is loaded and guards the handle
 * with a fast mutex. CloseServiceKey() closes the handle while it holds the mutex, at APC_LEVEL;
 * ZwClose, like the Zw registry routines, may be called at PASSIVE_LEVEL only.
 *
 * Driver Verifier (DDI compliance checking): 0xC4 / 0x2001F, Parameter 2 = the text of the
 * violated condition, 3 and 4 = 0.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */

typedef struct _CONTEXT_BLOCK {
    FAST_MUTEX Mutex;
    HANDLE Key;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

/* Not inlined: the verifier blames CloseServiceKey by name (IrqlZwPassive!CloseServiceKey). */
static DECLSPEC_NOINLINE VOID CloseServiceKey(VOID)
{
    ExAcquireFastMutex(&Context->Mutex);
    if (Context->Key != NULL) {
        ZwClose(Context->Key); // VIOLATION: at APC_LEVEL, under the fast mutex
        Context->Key = NULL;
    }
    ExReleaseFastMutex(&Context->Mutex);
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
