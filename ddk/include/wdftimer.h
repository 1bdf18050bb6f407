/*
 * <wdftimer.h>: WDFTIMER. EvtTimerFunc runs at DISPATCH_LEVEL (a DPC) when the timer is due, every
 * Period ms for a periodic one. A timer's parent must be a device or an object under one.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFTIMER_H_
#define _WDFTIMER_H_

EXTERN_C_START

typedef VOID EVT_WDF_TIMER(WDFTIMER Timer);
typedef EVT_WDF_TIMER *PFN_WDF_TIMER;

typedef struct _WDF_TIMER_CONFIG {
  ULONG Size;
  PFN_WDF_TIMER EvtTimerFunc;
  ULONG Period;
  BOOLEAN AutomaticSerialization;
  ULONG TolerableDelay;
  BOOLEAN UseHighResolutionTimer;
} WDF_TIMER_CONFIG, *PWDF_TIMER_CONFIG;

FORCEINLINE VOID WDF_TIMER_CONFIG_INIT(PWDF_TIMER_CONFIG Config, PFN_WDF_TIMER EvtTimerFunc) {
  RtlZeroMemory(Config, sizeof(WDF_TIMER_CONFIG));
  Config->Size = sizeof(WDF_TIMER_CONFIG);
  Config->EvtTimerFunc = EvtTimerFunc;
  Config->Period = 0;
  Config->AutomaticSerialization = TRUE;
  Config->TolerableDelay = 0;
}

FORCEINLINE VOID WDF_TIMER_CONFIG_INIT_PERIODIC(PWDF_TIMER_CONFIG Config, PFN_WDF_TIMER EvtTimerFunc, LONG Period) {
  RtlZeroMemory(Config, sizeof(WDF_TIMER_CONFIG));
  Config->Size = sizeof(WDF_TIMER_CONFIG);
  Config->EvtTimerFunc = EvtTimerFunc;
  Config->Period = Period;
  Config->AutomaticSerialization = TRUE;
  Config->TolerableDelay = 0;
}

/* Due times in 100 ns units: negative is relative. */
#define WDF_REL_TIMEOUT_IN_SEC(Time) ((LONGLONG)(Time) * -10000000LL)
#define WDF_REL_TIMEOUT_IN_MS(Time) ((LONGLONG)(Time) * -10000LL)
#define WDF_REL_TIMEOUT_IN_US(Time) ((LONGLONG)(Time) * -10LL)
#define WDF_ABS_TIMEOUT_IN_SEC(Time) ((LONGLONG)(Time) * 10000000LL)
#define WDF_ABS_TIMEOUT_IN_MS(Time) ((LONGLONG)(Time) * 10000LL)
#define WDF_ABS_TIMEOUT_IN_US(Time) ((LONGLONG)(Time) * 10LL)

WDF_IMPORT(WdfTimerCreate)
NTSTATUS WdfTimerCreate(PWDF_TIMER_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes, WDFTIMER *Timer);

WDF_IMPORT(WdfTimerStart)
BOOLEAN WdfTimerStart(WDFTIMER Timer, LONGLONG DueTime);

WDF_IMPORT(WdfTimerStop)
BOOLEAN WdfTimerStop(WDFTIMER Timer, BOOLEAN Wait);

WDF_IMPORT(WdfTimerGetParentObject)
WDFOBJECT WdfTimerGetParentObject(WDFTIMER Timer);

EXTERN_C_END

#endif /* _WDFTIMER_H_ */
