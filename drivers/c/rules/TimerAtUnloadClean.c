/*
 * TimerAtUnloadClean (C twin of drivers/ts/rules/TimerAtUnloadClean.ts): DriverUnload cancels the
 * timer and waits for a DPC it may have queued before it frees anything the timer uses.
 */
#include <ntddk.h>

#define RULE_TAG 'eluR'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
KDEFERRED_ROUTINE StatisticsDpc;

static KTIMER g_StatisticsTimer;
static PKDPC StatisticsDpcObject;
static volatile ULONG Ticks;

static DECLSPEC_NOINLINE VOID StartStatistics(VOID)
{
    LARGE_INTEGER oneSecond;

    oneSecond.QuadPart = -10000000LL;
    KeInitializeTimer(&g_StatisticsTimer);
    KeInitializeDpc(StatisticsDpcObject, StatisticsDpc, NULL);
    KeSetTimerEx(&g_StatisticsTimer, oneSecond, 1000, StatisticsDpcObject);
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
    StartStatistics();
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KeCancelTimer(&g_StatisticsTimer);
    KeFlushQueuedDpcs();
    ExFreePoolWithTag(StatisticsDpcObject, RULE_TAG);
}
