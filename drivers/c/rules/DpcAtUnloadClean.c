/*
 * DpcAtUnloadClean (C twin of drivers/ts/rules/DpcAtUnloadClean.ts): the retry timer is cancelled (and
 * its DPC flushed) before its memory is freed.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KDEFERRED_ROUTINE RetryDpc;

static KDPC g_RetryDpc;
static PKTIMER RetryTimer;
static volatile ULONG Retries;

static DECLSPEC_NOINLINE VOID ScheduleRetry(VOID)
{
    LARGE_INTEGER retryDelay;

    retryDelay.QuadPart = -50000000LL;
    KeInitializeTimer(RetryTimer);
    KeInitializeDpc(&g_RetryDpc, RetryDpc, NULL);
    KeSetTimer(RetryTimer, retryDelay, &g_RetryDpc);
}

VOID RetryDpc(_In_ PKDPC Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID Arg1, _In_opt_ PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    Retries++;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    RetryTimer = (PKTIMER)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(KTIMER), RULE_TAG);
    if (RetryTimer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    ScheduleRetry();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KeCancelTimer(RetryTimer);
    KeFlushQueuedDpcs();
    ExFreePoolWithTag(RetryTimer, RULE_TAG);
}
