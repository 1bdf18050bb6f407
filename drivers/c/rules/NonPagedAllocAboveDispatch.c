/*
 * NonPagedAllocAboveDispatch: the interrupt path (device IRQL 5) allocates a nonpaged buffer for
 * the data it received. No pool may be allocated above DISPATCH_LEVEL.
 *
 * Driver Verifier: 0xC4 / 0x02, Parameter 2 = the IRQL (5), 3 = the pool type (0x200,
 * NonPagedPoolNx), 4 = the size (0x80).
 */
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

/* Not inlined: the verifier blames ServiceInterrupt by name (NonPagedAllocAboveDispatch!ServiceInterrupt). */
static DECLSPEC_NOINLINE VOID ServiceInterrupt(VOID)
{
    PULONG packet = ExAllocatePoolWithTag(NonPagedPoolNx, PACKET_SIZE, TAG); // VIOLATION: above DISPATCH_LEVEL
    Context->Packet = packet;
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
