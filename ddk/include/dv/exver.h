/*
 * dv/exver.h - the caller's previous mode, and version checks by condition (src/kernel/ex/previous-mode.ts,
 * src/kernel/ps/verify-version.ts).
 */
#ifndef DV_EXVER_H
#define DV_EXVER_H

/* KernelMode in a system thread and for kernel callers; UserMode while the kernel serves the run's
   requests (an IRP the client sent, a registry call it made). */
DDI_IMPORT(ExGetPreviousMode) KPROCESSOR_MODE NTAPI ExGetPreviousMode(VOID);

/* RtlVerifyVersionInfo's TypeMask and the conditions VerSetConditionMask records (3 bits per type). */
#define VER_MINORVERSION 0x0000001
#define VER_MAJORVERSION 0x0000002
#define VER_BUILDNUMBER 0x0000004
#define VER_PLATFORMID 0x0000008
#define VER_SERVICEPACKMINOR 0x0000010
#define VER_SERVICEPACKMAJOR 0x0000020
#define VER_SUITENAME 0x0000040
#define VER_PRODUCT_TYPE 0x0000080
#define VER_EQUAL 1
#define VER_GREATER 2
#define VER_GREATER_EQUAL 3
#define VER_LESS 4
#define VER_LESS_EQUAL 5
#define VER_AND 6
#define VER_OR 7

DDI_IMPORT(VerSetConditionMask)
ULONGLONG NTAPI VerSetConditionMask(_In_ ULONGLONG ConditionMask, _In_ ULONG TypeMask, _In_ UCHAR Condition);
#define VER_SET_CONDITION(_m_, _t_, _c_) ((_m_) = VerSetConditionMask((_m_), (_t_), (_c_)))
/* STATUS_SUCCESS if the running version meets every condition of TypeMask, else STATUS_REVISION_MISMATCH. */
DDI_IMPORT(RtlVerifyVersionInfo)
NTSTATUS NTAPI RtlVerifyVersionInfo(_In_ PRTL_OSVERSIONINFOEXW VersionInfo, _In_ ULONG TypeMask, _In_ ULONGLONG ConditionMask);

#endif /* DV_EXVER_H */
