/*
 * dv/seh.h - structured exception handling for drivers built with dv build.
 *
 * clang supports __try only for Windows targets, so on wasm the keywords are macros over a setjmp
 * point (clang's setjmp lowering for wasm; ddk/crt/sjlj.c and the loader do the rest):
 *
 *   __try { body } __except (filter) { handler }
 *   __try { body } __finally { termination }
 *   __leave                                  leaves the body (the __finally block then runs)
 *
 * A __try registers a frame with the kernel. An exception raised inside the body - by a DDI such as
 * ExRaiseStatus, ProbeForRead or ProbeForWrite, or one the filter of an inner __try declined - comes
 * back to the frame: the filter runs with GetExceptionCode() and GetExceptionInformation(), and
 * EXCEPTION_EXECUTE_HANDLER runs the handler, EXCEPTION_CONTINUE_SEARCH sends the exception on to the
 * next frame out. A __finally block runs when the body ends, by its end or __leave, and when an
 * exception passes through it (AbnormalTermination() is TRUE then). An exception no frame takes is
 * the bug check Windows gives (KMODE_EXCEPTION_NOT_HANDLED, or SYSTEM_THREAD_EXCEPTION_NOT_HANDLED in
 * a system thread), with the exception code and the address it was raised at.
 *
 * Differences from MSVC, by construction:
 * - the body and a __finally block are a one-pass `for`, so `break` or `continue` in them meant for an
 *   enclosing loop or switch leave the __try statement instead, and `__leave` inside a loop of the body
 *   continues that loop; an __except handler comes after that loop, so its `break` and `continue` reach
 *   the enclosing loop or switch, as with MSVC;
 * - GetExceptionCode() in a handler is the code of the exception handled last in this source file
 *   (a handler that itself handles an inner exception sees the inner code from then on);
 * - `return`, `goto` or `break` out of the body skip its __finally block (the frame is still removed);
 * - a filter runs once the stack above its frame has unwound, so an inner __finally block runs before
 *   an outer filter;
 * - exceptions are noncontinuable: a filter returning EXCEPTION_CONTINUE_EXECUTION raises
 *   STATUS_NONCONTINUABLE_EXCEPTION, as Windows does for the exceptions DDIs raise;
 * - a wasm trap (a bad memory access, a divide by zero) is not an exception a __try can take.
 */
#ifndef DV_SEH_H
#define DV_SEH_H

#define EXCEPTION_EXECUTE_HANDLER 1
#define EXCEPTION_CONTINUE_SEARCH 0
#define EXCEPTION_CONTINUE_EXECUTION (-1)

#define EXCEPTION_NONCONTINUABLE 0x1
#define EXCEPTION_MAXIMUM_PARAMETERS 15

typedef struct _EXCEPTION_RECORD {
  NTSTATUS ExceptionCode;
  ULONG ExceptionFlags;
  struct _EXCEPTION_RECORD *ExceptionRecord;
  PVOID ExceptionAddress;
  ULONG NumberParameters;
  ULONG_PTR ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD, *PEXCEPTION_RECORD;

typedef struct _CONTEXT CONTEXT, *PCONTEXT;

typedef struct _EXCEPTION_POINTERS {
  PEXCEPTION_RECORD ExceptionRecord;
  PCONTEXT ContextRecord;
} EXCEPTION_POINTERS, *PEXCEPTION_POINTERS;

/* One __try statement, on the stack of the function it is in (src/nt/layout.ts lays it out). */
typedef struct _DV_SEH_FRAME {
  unsigned JumpBuffer[2];
  LONG State;
  EXCEPTION_RECORD ExceptionRecord;
  EXCEPTION_POINTERS ExceptionPointers;
} DV_SEH_FRAME;

/* DV_SEH_FRAME.State */
#define DV_SEH_NEW 0
#define DV_SEH_BODY 1
#define DV_SEH_EXCEPTION 2
#define DV_SEH_HANDLER 3
#define DV_SEH_NORMAL_END 4
#define DV_SEH_DONE 5

/* clang lowers calls to setjmp in a function into its setjmp points (ddk/crt/sjlj.c). */
int setjmp(unsigned *env) __attribute__((returns_twice));

/* The kernel's side (src/kernel/ke/except.ts), bound by the loader. */
#define DV_SEH_RUNTIME(Name) __attribute__((import_module("env"), import_name(#Name)))
DV_SEH_RUNTIME(__dv_seh_enter) void __dv_seh_enter(DV_SEH_FRAME *Frame);
DV_SEH_RUNTIME(__dv_seh_leave) void __dv_seh_leave(DV_SEH_FRAME *Frame);
DV_SEH_RUNTIME(__dv_seh_continue_search) __attribute__((noreturn)) void __dv_seh_continue_search(DV_SEH_FRAME *Frame, LONG Disposition);

/* The steps of the one-pass loop a __try statement is: body, then the __finally block, then done. */
static __inline int __dv_seh_next(DV_SEH_FRAME *f) {
  switch (f->State) {
  case DV_SEH_NEW:
    f->State = DV_SEH_BODY;
    return 1;
  case DV_SEH_BODY:
    __dv_seh_leave(f);
    f->State = DV_SEH_NORMAL_END;
    return 1;
  case DV_SEH_EXCEPTION:
    /* A __finally block ran as the exception passed: it goes on outwards. */
    __dv_seh_continue_search(f, EXCEPTION_CONTINUE_SEARCH);
  default:
    f->State = DV_SEH_DONE;
    return 0;
  }
}

static __inline int __dv_seh_body(DV_SEH_FRAME *f) {
  __dv_seh_enter(f);
  return 1;
}

/* What the filter and then the handler of the __except being run see: set before the filter runs, the
 * handler outside the frame's scope. The pending flag is read right after the frame's loop ends. */
static NTSTATUS __dv_seh_code __attribute__((unused));
static PEXCEPTION_POINTERS __dv_seh_pointers __attribute__((unused));
static int __dv_seh_handler_pending __attribute__((unused));

static __inline int __dv_seh_filtering(DV_SEH_FRAME *f) {
  __dv_seh_code = f->ExceptionRecord.ExceptionCode;
  __dv_seh_pointers = &f->ExceptionPointers;
  return 1;
}

static __inline int __dv_seh_filter(DV_SEH_FRAME *f, LONG disposition) {
  if (disposition > 0) {
    f->State = DV_SEH_HANDLER;
    __dv_seh_handler_pending = 1;
    return 1;
  }
  __dv_seh_continue_search(f, disposition);
}

static __inline int __dv_seh_take_handler(void) {
  int pending = __dv_seh_handler_pending;
  __dv_seh_handler_pending = 0;
  return pending;
}

static __inline void __dv_seh_cleanup(DV_SEH_FRAME *f) {
  if (f->State == DV_SEH_BODY) __dv_seh_leave(f);
}

#define __try                                                                                                \
  for (DV_SEH_FRAME __dv_seh __attribute__((cleanup(__dv_seh_cleanup))) = {{0}}; __dv_seh_next(&__dv_seh);) \
    if (__dv_seh.State == DV_SEH_BODY && (setjmp(__dv_seh.JumpBuffer) == 0 ? __dv_seh_body(&__dv_seh) : 0))
/* The loop ends at the filter; the handler is the statement after it, outside any loop of ours. */
#define __except(filter)                                                                                      \
  else if (__dv_seh.State == DV_SEH_EXCEPTION && __dv_seh_filtering(&__dv_seh) && __dv_seh_filter(&__dv_seh, (LONG)(filter))) \
    ;                                                                                                        \
  if (__dv_seh_take_handler())
#define __finally else if (__dv_seh.State == DV_SEH_NORMAL_END || __dv_seh.State == DV_SEH_EXCEPTION)
#define __leave continue

#define GetExceptionCode() (__dv_seh_code)
#define GetExceptionInformation() (__dv_seh_pointers)
#define AbnormalTermination() (__dv_seh.State == DV_SEH_EXCEPTION)
#define _exception_code GetExceptionCode
#define _exception_info GetExceptionInformation
#define _abnormal_termination AbnormalTermination

/* excpt.h's lower-case forms for C. */
#ifndef __cplusplus
#define try __try
#define except __except
#define finally __finally
#define leave __leave
#endif

/* Raising exceptions, and the probes of user-mode buffers that raise them. */
DDI_IMPORT(ExRaiseStatus) DECLSPEC_NORETURN VOID NTAPI ExRaiseStatus(_In_ NTSTATUS Status);
DDI_IMPORT(ExRaiseAccessViolation) DECLSPEC_NORETURN VOID NTAPI ExRaiseAccessViolation(VOID);
DDI_IMPORT(ExRaiseDatatypeMisalignment) DECLSPEC_NORETURN VOID NTAPI ExRaiseDatatypeMisalignment(VOID);
DDI_IMPORT(ProbeForRead) VOID NTAPI ProbeForRead(_In_reads_bytes_(Length) const volatile VOID *Address, _In_ SIZE_T Length, _In_ ULONG Alignment);
DDI_IMPORT(ProbeForWrite) VOID NTAPI ProbeForWrite(_Inout_updates_bytes_(Length) volatile VOID *Address, _In_ SIZE_T Length, _In_ ULONG Alignment);

#endif /* DV_SEH_H */
