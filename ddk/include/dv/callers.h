/*
 * dv/callers.h - who called the caller: RtlGetCallersAddress, and _ReturnAddress() over it.
 */
#ifndef DV_CALLERS_H
#define DV_CALLERS_H

/* Each out-parameter receives a code address inside the routine's caller and the caller's caller (NULL past the stack's end). */
DDI_IMPORT(RtlGetCallersAddress)
VOID NTAPI RtlGetCallersAddress(_Out_ PVOID *CallersAddress, _Out_ PVOID *CallersCaller);

/*
 * _ReturnAddress(): an address inside the caller of the routine that uses it (the call site, not the
 * instruction after it). A macro, not a function, so that "the routine that uses it" is the one it is
 * written in.
 */
#undef _ReturnAddress
#define _ReturnAddress()                          \
  __extension__({                                 \
    PVOID DvCallers_[2];                          \
    RtlGetCallersAddress(&DvCallers_[0], &DvCallers_[1]); \
    DvCallers_[0];                                \
  })

#endif /* DV_CALLERS_H */
