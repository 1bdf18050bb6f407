/*
 * dv/seh.h - structured exception handling, compile-only.
 *
 * wasm has no SEH, and clang supports __try only for Windows targets, so the keywords are macros:
 *   __try { body }  __except (filter) { handler }   the body runs; the filter and handler never do.
 *   __try { body }  __finally { termination }       the termination block runs after the body.
 *   __leave                                          leaves the body (then __finally runs).
 * An exception inside the body - a trap, an access violation - is therefore never handled by the
 * driver: it reaches the kernel, which stops the machine with the bug check Windows gives an
 * exception no handler takes (KMODE_EXCEPTION_NOT_HANDLED, or SYSTEM_THREAD_EXCEPTION_NOT_HANDLED in
 * a system thread).
 *
 * Differences from MSVC, by construction: the body is a one-pass do/while, so a `break` or `continue`
 * meant for an enclosing loop leaves only the __try body; and `return` or `goto` out of the body skips
 * the __finally block (AbnormalTermination() is always FALSE).
 */
#ifndef DV_SEH_H
#define DV_SEH_H

typedef struct _EXCEPTION_POINTERS *PEXCEPTION_POINTERS;

#define EXCEPTION_EXECUTE_HANDLER 1
#define EXCEPTION_CONTINUE_SEARCH 0
#define EXCEPTION_CONTINUE_EXECUTION (-1)

#define __try do
/* sizeof keeps the filter type-checked without evaluating it. */
#define __except(filter) while (0); if (0 && sizeof(filter))
#define __finally while (0);
#define __leave break

/* Only reachable from handlers, which never run. */
#define GetExceptionCode() ((NTSTATUS)STATUS_UNSUCCESSFUL)
#define GetExceptionInformation() ((PEXCEPTION_POINTERS)0)
#define AbnormalTermination() FALSE
#define _exception_code GetExceptionCode
#define _abnormal_termination AbnormalTermination

#endif /* DV_SEH_H */
