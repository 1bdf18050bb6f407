/*
 * NonPagedFreeAboveDispatch: the interrupt path (device IRQL 5) frees the packet buffer it has
 * consumed. No pool may be freed above DISPATCH_LEVEL.
 *
 * Driver Verifier: 0xC4 / 0x12, Parameter 2 = the IRQL (5), 3 = the pool type (0x200,
 * NonPagedPoolNx), 4 = the block.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define DEVICE_IRQL 5
#define PACKET_SIZE 0x80

typedef struct _CONTEXT_BLOCK {
    KIRQL OldIrql;
    PVOID Packet;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

static PCONTEXT_BLOCK Context;

/* Not inlined: the verifier blames ServiceInterrupt by name (NonPagedFreeAboveDispatch!ServiceInterrupt). */
static DECLSPEC_NOINLINE VOID ServiceInterrupt(VOID)
{
    PVOID packet = Context->Packet;

    Context->Packet = NULL;
    if (packet != NULL) {
        ExFreePoolWithTag(packet, TAG); // VIOLATION: above DISPATCH_LEVEL
    }
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PVOID packet;
    KIRQL old;

    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->DriverUnload = DriverUnload;
    packet = ExAllocatePoolWithTag(NonPagedPoolNx, PACKET_SIZE, TAG);
    Context->Packet = packet;
    DbgPrint("NonPagedFreeAboveDispatch: packet=%p\n", packet);
    KeRaiseIrql(DEVICE_IRQL, &Context->OldIrql);
    old = Context->OldIrql;
    ServiceInterrupt();
    KeLowerIrql(old);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExFreePoolWithTag(Context, TAG);
}
