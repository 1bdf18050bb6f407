/*
 * FreeWithActiveLookasideClean: a channel block carries the lookaside list its request contexts
 * come from. Closing the channel deletes the list (ExDeleteNPagedLookasideList), then frees the block.
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

/* Not inlined, as in the violating twin: CloseChannel by name. */
static DECLSPEC_NOINLINE VOID CloseChannel(PCHANNEL channel)
{
    ExDeleteNPagedLookasideList(&channel->Contexts);
    ExFreePoolWithTag(channel, RULE_TAG);
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
