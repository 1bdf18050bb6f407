/*
 * <wdfassert.h>: WDFVERIFY and the IRQL assertions, active when the framework's VerifyOn is set. The
 * WDK calls RtlAssert, which breaks; the kernel here has no RtlAssert, so the message and the break
 * are made directly (DbgBreakPoint: kd> under --debugger, else 0x1E STATUS_BREAKPOINT).
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFASSERT_H_
#define _WDFASSERT_H_

#define WDF_VERIFY_ON() ((WdfDriverGlobals->DriverFlags & WdfVerifyOn) != 0)

#define WDFVERIFY(exp) \
  ((WDF_VERIFY_ON() && !(exp)) ? (DbgPrint("WDFVERIFY failed: %s, %s(%d)\n", #exp, __FILE__, __LINE__), DbgBreakPoint(), FALSE) : TRUE)

#define VERIFY_IS_IRQL_PASSIVE_LEVEL() WDFVERIFY(KeGetCurrentIrql() == PASSIVE_LEVEL)

#endif /* _WDFASSERT_H_ */
