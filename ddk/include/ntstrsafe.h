/*
 * ntstrsafe.h - bounded string copies, concatenations, formatting and lengths. The routines live in
 * the driver runtime (ddk/crt), not in the kernel: they are part of the driver image, as the WDK's
 * inline versions are.
 *
 * Each routine NUL-terminates the destination when it has room for anything at all, returns
 * STATUS_BUFFER_OVERFLOW when the result was truncated, and STATUS_INVALID_PARAMETER for a
 * zero-sized or oversized destination (or a Cat destination with no terminator). Cb sizes are in
 * bytes, Cch sizes in characters. The Ex forms return the end of the result (*ppszDestEnd, at the
 * terminator) and the room left (terminator included), and take STRSAFE_* flags with a fill byte in
 * the low 8 bits. The RtlUnicodeString* forms work on a UNICODE_STRING's Length/MaximumLength.
 *
 * The printf routines understand %% %c %C %s %S %hs %ls %ws %wZ (PUNICODE_STRING) %Z (PANSI_STRING)
 * %d %i %u %x %X %o %p, the flags '-' '+' ' ' '#' '0', width and precision (with '*'), and the size
 * prefixes hh h l ll w I64 I32 I z t j. With a wide format (the W routines), %s and %c are wide and
 * %S/%C narrow, as in MSVC; wide text written narrow shows non-ASCII characters as '?'.
 */
#ifndef DV_NTSTRSAFE_H
#define DV_NTSTRSAFE_H

#include <ntdef.h>
#include <ntstatus.h>
/* As the WDK's ntstrsafe.h: drivers that include it call memcpy, wcsstr and _vsnprintf without more includes. */
#include <stdio.h>
#include <string.h>
#include <stdarg.h>
EXTERN_C_START /* C linkage for C++ drivers; its end is at the end of the file */
#define NTSTRSAFE_MAX_CCH 2147483647
#define NTSTRSAFE_MAX_LENGTH (NTSTRSAFE_MAX_CCH - 1)
#define NTSTRSAFE_UNICODE_STRING_MAX_CCH 32767

#define STRSAFE_IGNORE_NULLS 0x00000100
#define STRSAFE_FILL_BEHIND_NULL 0x00000200
#define STRSAFE_FILL_ON_FAILURE 0x00000400
#define STRSAFE_NULL_ON_FAILURE 0x00000800
#define STRSAFE_NO_TRUNCATION 0x00001000
#define STRSAFE_FILL_BYTE(x) ((ULONG)(((x) & 0x000000FF) | STRSAFE_FILL_BEHIND_NULL))
#define STRSAFE_FAILURE_BYTE(x) ((ULONG)(((x) & 0x000000FF) | STRSAFE_FILL_ON_FAILURE))

typedef CHAR *NTSTRSAFE_PSTR;
typedef const CHAR *NTSTRSAFE_PCSTR;
typedef WCHAR *NTSTRSAFE_PWSTR;
typedef const WCHAR *NTSTRSAFE_PCWSTR;
typedef const WCHAR *NTSTRSAFE_PCUWSTR;

/* The C-string routines, declared once for each character type: S is A or W, P/PC the string types. */
#define DV_NTSTRSAFE_DECLARE(S, P, PC)                                                                                                  \
  NTSTATUS RtlStringCchCopy##S(_Out_writes_(cchDest) P pszDest, _In_ size_t cchDest, _In_ PC pszSrc);                                 \
  NTSTATUS RtlStringCbCopy##S(_Out_writes_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _In_ PC pszSrc);                              \
  NTSTATUS RtlStringCchCopyN##S(_Out_writes_(cchDest) P pszDest, _In_ size_t cchDest, _In_reads_or_z_(cchToCopy) PC pszSrc,            \
                                _In_ size_t cchToCopy);                                                                               \
  NTSTATUS RtlStringCbCopyN##S(_Out_writes_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _In_ PC pszSrc, _In_ size_t cbToCopy);       \
  NTSTATUS RtlStringCchCopyEx##S(_Out_writes_(cchDest) P pszDest, _In_ size_t cchDest, _In_ PC pszSrc, _Outptr_opt_ P *ppszDestEnd,   \
                                 _Out_opt_ size_t *pcchRemaining, _In_ ULONG dwFlags);                                                \
  NTSTATUS RtlStringCbCopyEx##S(_Out_writes_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _In_ PC pszSrc, _Outptr_opt_ P *ppszDestEnd, \
                                _Out_opt_ size_t *pcbRemaining, _In_ ULONG dwFlags);                                                  \
  NTSTATUS RtlStringCchCopyNEx##S(_Out_writes_(cchDest) P pszDest, _In_ size_t cchDest, _In_ PC pszSrc, _In_ size_t cchToCopy,        \
                                  _Outptr_opt_ P *ppszDestEnd, _Out_opt_ size_t *pcchRemaining, _In_ ULONG dwFlags);                  \
  NTSTATUS RtlStringCbCopyNEx##S(_Out_writes_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _In_ PC pszSrc, _In_ size_t cbToCopy,      \
                                 _Outptr_opt_ P *ppszDestEnd, _Out_opt_ size_t *pcbRemaining, _In_ ULONG dwFlags);                    \
  NTSTATUS RtlStringCchCat##S(_Inout_updates_(cchDest) P pszDest, _In_ size_t cchDest, _In_ PC pszSrc);                               \
  NTSTATUS RtlStringCbCat##S(_Inout_updates_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _In_ PC pszSrc);                            \
  NTSTATUS RtlStringCchCatN##S(_Inout_updates_(cchDest) P pszDest, _In_ size_t cchDest, _In_ PC pszSrc, _In_ size_t cchToAppend);     \
  NTSTATUS RtlStringCbCatN##S(_Inout_updates_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _In_ PC pszSrc, _In_ size_t cbToAppend);   \
  NTSTATUS RtlStringCchCatEx##S(_Inout_updates_(cchDest) P pszDest, _In_ size_t cchDest, _In_ PC pszSrc, _Outptr_opt_ P *ppszDestEnd, \
                                _Out_opt_ size_t *pcchRemaining, _In_ ULONG dwFlags);                                                 \
  NTSTATUS RtlStringCbCatEx##S(_Inout_updates_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _In_ PC pszSrc,                           \
                               _Outptr_opt_ P *ppszDestEnd, _Out_opt_ size_t *pcbRemaining, _In_ ULONG dwFlags);                      \
  NTSTATUS RtlStringCchCatNEx##S(_Inout_updates_(cchDest) P pszDest, _In_ size_t cchDest, _In_ PC pszSrc, _In_ size_t cchToAppend,    \
                                 _Outptr_opt_ P *ppszDestEnd, _Out_opt_ size_t *pcchRemaining, _In_ ULONG dwFlags);                   \
  NTSTATUS RtlStringCbCatNEx##S(_Inout_updates_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _In_ PC pszSrc, _In_ size_t cbToAppend,  \
                                _Outptr_opt_ P *ppszDestEnd, _Out_opt_ size_t *pcbRemaining, _In_ ULONG dwFlags);                     \
  NTSTATUS RtlStringCchPrintf##S(_Out_writes_(cchDest) P pszDest, _In_ size_t cchDest, _In_ _Printf_format_string_ PC pszFormat, ...); \
  NTSTATUS RtlStringCbPrintf##S(_Out_writes_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _In_ _Printf_format_string_ PC pszFormat,   \
                                ...);                                                                                                 \
  NTSTATUS RtlStringCchPrintfEx##S(_Out_writes_(cchDest) P pszDest, _In_ size_t cchDest, _Outptr_opt_ P *ppszDestEnd,                 \
                                   _Out_opt_ size_t *pcchRemaining, _In_ ULONG dwFlags, _In_ _Printf_format_string_ PC pszFormat,     \
                                   ...);                                                                                              \
  NTSTATUS RtlStringCbPrintfEx##S(_Out_writes_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _Outptr_opt_ P *ppszDestEnd,              \
                                  _Out_opt_ size_t *pcbRemaining, _In_ ULONG dwFlags, _In_ _Printf_format_string_ PC pszFormat, ...); \
  NTSTATUS RtlStringCchVPrintf##S(_Out_writes_(cchDest) P pszDest, _In_ size_t cchDest, _In_ _Printf_format_string_ PC pszFormat,     \
                                  _In_ va_list argList);                                                                              \
  NTSTATUS RtlStringCbVPrintf##S(_Out_writes_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _In_ _Printf_format_string_ PC pszFormat,  \
                                 _In_ va_list argList);                                                                               \
  NTSTATUS RtlStringCchVPrintfEx##S(_Out_writes_(cchDest) P pszDest, _In_ size_t cchDest, _Outptr_opt_ P *ppszDestEnd,                \
                                    _Out_opt_ size_t *pcchRemaining, _In_ ULONG dwFlags, _In_ _Printf_format_string_ PC pszFormat,    \
                                    _In_ va_list argList);                                                                            \
  NTSTATUS RtlStringCbVPrintfEx##S(_Out_writes_bytes_(cbDest) P pszDest, _In_ size_t cbDest, _Outptr_opt_ P *ppszDestEnd,             \
                                   _Out_opt_ size_t *pcbRemaining, _In_ ULONG dwFlags, _In_ _Printf_format_string_ PC pszFormat,      \
                                   _In_ va_list argList);                                                                             \
  NTSTATUS RtlStringCchLength##S(_In_reads_or_z_(cchMax) PC psz, _In_ size_t cchMax, _Out_opt_ size_t *pcchLength);                   \
  NTSTATUS RtlStringCbLength##S(_In_reads_or_z_(cbMax) PC psz, _In_ size_t cbMax, _Out_opt_ size_t *pcbLength);

DV_NTSTRSAFE_DECLARE(A, NTSTRSAFE_PSTR, NTSTRSAFE_PCSTR)
DV_NTSTRSAFE_DECLARE(W, NTSTRSAFE_PWSTR, NTSTRSAFE_PCWSTR)
#undef DV_NTSTRSAFE_DECLARE

/* UNICODE_STRING forms: Length becomes the result's length; no terminator is written. */
NTSTATUS RtlUnicodeStringInit(_Out_ PUNICODE_STRING DestinationString, _In_opt_ NTSTRSAFE_PCWSTR pszSrc);
NTSTATUS RtlUnicodeStringValidate(_In_opt_ PCUNICODE_STRING SourceString);
NTSTATUS RtlUnicodeStringCopy(_Inout_ PUNICODE_STRING DestinationString, _In_ PCUNICODE_STRING SourceString);
NTSTATUS RtlUnicodeStringCopyString(_Inout_ PUNICODE_STRING DestinationString, _In_ NTSTRSAFE_PCWSTR pszSrc);
NTSTATUS RtlUnicodeStringCat(_Inout_ PUNICODE_STRING DestinationString, _In_ PCUNICODE_STRING SourceString);
NTSTATUS RtlUnicodeStringCatString(_Inout_ PUNICODE_STRING DestinationString, _In_ NTSTRSAFE_PCWSTR pszSrc);
NTSTATUS RtlUnicodeStringPrintf(_Inout_ PUNICODE_STRING DestinationString, _In_ _Printf_format_string_ NTSTRSAFE_PCWSTR pszFormat, ...);
NTSTATUS RtlUnicodeStringVPrintf(_Inout_ PUNICODE_STRING DestinationString, _In_ _Printf_format_string_ NTSTRSAFE_PCWSTR pszFormat,
                                 _In_ va_list argList);

EXTERN_C_END

#endif /* DV_NTSTRSAFE_H */
