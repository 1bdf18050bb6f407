/* NonPagedAllocAboveDispatchClean: the packet buffer is allocated ahead of time, at PASSIVE_LEVEL; the interrupt path only fills it. */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define DEVICE_IRQL 5
#define PACKET_SIZE 0x80

typedef struct _CONTEXT_BLOCK {
    KIRQL OldIrql;
    PULONG Packet;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

static VOID ServiceInterrupt(VOID)
{
    PULONG packet = Context->Packet;

    if (packet != NULL) {
        *packet = 0x1234;
    }
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
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (Context->Packet != NULL) {
        ExFreePoolWithTag(Context->Packet, TAG);
    }
    ExFreePoolWithTag(Context, TAG);
}
