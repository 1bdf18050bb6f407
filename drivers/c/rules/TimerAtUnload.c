/*
 * TimerAtUnload (C twin of drivers/ts/rules/TimerAtUnload.ts): a statistics timer, a static KTIMER in
 * the driver's image, fires every second. DriverUnload never
 * cancels the timer: the kernel keeps a set timer in memory that is about to be unmapped.
 *
 * Driver Verifier, right after DriverUnload: 0xC7 / 0x0, Parameter 2 = the timer, 3-4 = the image
 * [start, end).
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KDEFERRED_ROUTINE StatisticsDpc;

static KTIMER g_StatisticsTimer;
static PKDPC StatisticsDpcObject;
static volatile ULONG Ticks;

/* Not inlined: the stop blames StartStatistics by name. */
static DECLSPEC_NOINLINE VOID StartStatistics(VOID)
{
    LARGE_INTEGER oneSecond;

    oneSecond.QuadPart = -10000000LL;
    KeInitializeTimer(&g_StatisticsTimer);
    KeInitializeDpc(StatisticsDpcObject, StatisticsDpc, NULL);
    KeSetTimerEx(&g_StatisticsTimer, oneSecond, 1000, StatisticsDpcObject); // VIOLATION: set here, never cancelled
}

VOID StatisticsDpc(_In_ PKDPC Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID Arg1, _In_opt_ PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    Ticks++;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = DriverUnload;
    StatisticsDpcObject = (PKDPC)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(KDPC), RULE_TAG);
    if (StatisticsDpcObject == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DbgPrint("TimerAtUnload: timer=%p\n", &g_StatisticsTimer);
    StartStatistics();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    /* Nothing: freeing the DPC's pool while the timer is still set would stop at that free (0xC7/0x1
       under Miscellaneous checks); this sample shows what the unload check finds. */
}
