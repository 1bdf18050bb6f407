/*
 * FreeWithSetTimer: a poller block carries a timer and its DPC. Stopping the poller frees the block
 * while the timer is still set: the kernel's timer list keeps a timer in freed pool.
 *
 * Driver Verifier (Miscellaneous checks), at the free: 0xC7 / 0x0, Parameter 2 = the timer,
 * 3-4 = the pool block [start, end).
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

typedef struct _POLLER {
    KTIMER Timer;
    KDPC Dpc;
    ULONG Polls;
} POLLER, *PPOLLER;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KDEFERRED_ROUTINE PollDpc;

VOID PollDpc(_In_ PKDPC Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID Arg1, _In_opt_ PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    ((PPOLLER)Context)->Polls++;
}

/* Not inlined: the stop blames StopPoller by name. */
static DECLSPEC_NOINLINE VOID StopPoller(PPOLLER poller)
{
    ExFreePoolWithTag(poller, RULE_TAG); // VIOLATION: its timer is still set
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PPOLLER poller;
    LARGE_INTEGER due;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    poller = (PPOLLER)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(POLLER), RULE_TAG);
    if (poller == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    poller->Polls = 0;
    KeInitializeTimer(&poller->Timer);
    KeInitializeDpc(&poller->Dpc, PollDpc, poller);
    due.QuadPart = -10 * 1000 * 1000; /* one second */
    KeSetTimer(&poller->Timer, due, &poller->Dpc);
    DbgPrint("FreeWithSetTimer: block=%p timer=%p\n", poller, &poller->Timer);
    StopPoller(poller);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}
