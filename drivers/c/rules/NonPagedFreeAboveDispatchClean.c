/* NonPagedFreeAboveDispatchClean: the interrupt path only marks the packet consumed; it is freed at PASSIVE_LEVEL. */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define DEVICE_IRQL 5
#define PACKET_SIZE 0x80

typedef struct _CONTEXT_BLOCK {
    KIRQL OldIrql;
    PVOID Packet;
    ULONG Consumed;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static VOID ServiceInterrupt(VOID)
{
    Context->Consumed = 1;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    KIRQL old;

    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    Context->Packet = ExAllocatePoolWithTag(NonPagedPoolNx, PACKET_SIZE, TAG);
    KeRaiseIrql(DEVICE_IRQL, &Context->OldIrql);
    old = Context->OldIrql;
    ServiceInterrupt();
    KeLowerIrql(old);
    if (Context->Consumed) {
        ExFreePoolWithTag(Context->Packet, TAG);
        Context->Packet = NULL;
    }
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
