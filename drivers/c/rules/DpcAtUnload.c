/*
 * DpcAtUnload (C twin of drivers/ts/rules/DpcAtUnload.ts): the retry timer lives in pool, but its DPC is
 * a static KDPC in the driver's image. DriverUnload returns without cancelling it: the
 * kernel still holds a set timer whose DPC object is in the image about to be unmapped.
 *
 * Driver Verifier, right after DriverUnload: 0xC7 / 0x1, Parameter 2 = the DPC object, 3-4 = the
 * image [start, end).
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KDEFERRED_ROUTINE RetryDpc;

static KDPC g_RetryDpc;
static PKTIMER RetryTimer;
static volatile ULONG Retries;

/* Not inlined: the stop blames ScheduleRetry by name. */
static DECLSPEC_NOINLINE VOID ScheduleRetry(VOID)
{
    LARGE_INTEGER retryDelay;

    retryDelay.QuadPart = -50000000LL;
    KeInitializeTimer(RetryTimer);
    KeInitializeDpc(&g_RetryDpc, RetryDpc, NULL);
    KeSetTimer(RetryTimer, retryDelay, &g_RetryDpc); // VIOLATION: set here, never cancelled
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
    DbgPrint("DpcAtUnload: dpc=%p\n", &g_RetryDpc);
    ScheduleRetry();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    /* Nothing: freeing the timer's pool while it is still set would stop at that free (0xC7/0x0 under
       Miscellaneous checks); this sample shows what the unload check finds. */
}
