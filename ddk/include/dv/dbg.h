/*
 * dv/dbg.h - breakpoints (src/kernel/rtl/breakpoint.ts): with `dv run --debugger` the machine stops at
 * a kd> prompt; without a debugger the breakpoint is an exception no handler takes, bug check 0x1E.
 */
#ifndef DV_DBG_H
#define DV_DBG_H

#define DBG_STATUS_CONTROL_C 1
#define DBG_STATUS_SYSRQ 2
#define DBG_STATUS_BUGCHECK_FIRST 3
#define DBG_STATUS_BUGCHECK_SECOND 4
#define DBG_STATUS_FATAL 5
#define DBG_STATUS_DEBUG_CONTROL 6
#define DBG_STATUS_WORKER 7

DDI_IMPORT(DbgBreakPoint) VOID NTAPI DbgBreakPoint(VOID);
DDI_IMPORT(DbgBreakPointWithStatus) VOID NTAPI DbgBreakPointWithStatus(_In_ ULONG Status);
/*
 * The intrinsic NT_ASSERT uses (int 2c on x86/x64): an assertion failure exception, which with no
 * debugger and no handler is KMODE_EXCEPTION_NOT_HANDLED with STATUS_ASSERTION_FAILURE.
 */
#define DbgRaiseAssertionFailure() ExRaiseStatus(STATUS_ASSERTION_FAILURE)
/* MSVC's int 3 intrinsic: a breakpoint, as DbgBreakPoint (clang's own builtin would be a wasm trap). */
#define __debugbreak() DbgBreakPoint()

#endif /* DV_DBG_H */
