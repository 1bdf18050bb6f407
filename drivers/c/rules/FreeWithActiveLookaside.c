/*
 * FreeWithActiveLookaside: a channel block carries the lookaside list its request contexts come
 * from. Closing the channel frees the block without deleting the list, which stays on the kernel's
 * list of lookaside lists, in freed pool.
 *
 * Driver Verifier (Miscellaneous checks), at the free: 0xC4 / 0xCC, Parameter 2 = the lookaside
 * list, 3 = the pool block, 4 = its size.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'
#define CONTEXT_SIZE 0x30

typedef struct _CHANNEL {
    ULONG Requests;
    NPAGED_LOOKASIDE_LIST Contexts;
} CHANNEL, *PCHANNEL;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;

/* Not inlined: the stop blames CloseChannel by name. */
static DECLSPEC_NOINLINE VOID CloseChannel(PCHANNEL channel)
{
    ExFreePoolWithTag(channel, RULE_TAG); // VIOLATION: its lookaside list was never deleted
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PCHANNEL channel;
    PVOID context;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    channel = (PCHANNEL)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CHANNEL), RULE_TAG);
    if (channel == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    channel->Requests = 0;
    ExInitializeNPagedLookasideList(&channel->Contexts, NULL, NULL, 0, CONTEXT_SIZE, RULE_TAG, 0);
    DbgPrint("FreeWithActiveLookaside: block=%p list=%p\n", channel, &channel->Contexts);
    context = ExAllocateFromNPagedLookasideList(&channel->Contexts);
    if (context != NULL) {
        channel->Requests++;
        ExFreeToNPagedLookasideList(&channel->Contexts, context);
    }
    CloseChannel(channel);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
