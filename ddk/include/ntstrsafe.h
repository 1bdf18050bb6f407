/*
 * ntstrsafe.h - bounded string copies and formatting. The routines live in the driver runtime
 * (ddk/crt), not in the kernel: they are part of the driver image, as the WDK's inline versions are.
 *
 * Every routine NUL-terminates the destination when it has room for anything at all, returns
 * STATUS_BUFFER_OVERFLOW when the result was truncated, and STATUS_INVALID_PARAMETER for a
 * zero-sized or oversized destination. Cb sizes are in bytes, Cch sizes in characters.
 *
 * RtlStringCbPrintfA understands %% %c %s %S/%ls/%ws (wide) %wZ (PUNICODE_STRING) %d %i %u %x %X %o
 * %p, with flags '-' and '0', a width, a precision for strings, and the size prefixes h, l, ll, I64,
 * I32, I and z.
 */
#ifndef DV_NTSTRSAFE_H
#define DV_NTSTRSAFE_H

#include <ntdef.h>
#include <ntstatus.h>
EXTERN_C_START /* C linkage for C++ drivers; its end is at the end of the file */
#define NTSTRSAFE_MAX_CCH 2147483647
#define NTSTRSAFE_UNICODE_STRING_MAX_CCH 32767

typedef CHAR *NTSTRSAFE_PSTR;
typedef const CHAR *NTSTRSAFE_PCSTR;
typedef WCHAR *NTSTRSAFE_PWSTR;
typedef const WCHAR *NTSTRSAFE_PCWSTR;

NTSTATUS RtlStringCbCopyA(_Out_writes_bytes_(cbDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cbDest, _In_ NTSTRSAFE_PCSTR pszSrc);
NTSTATUS RtlStringCbCopyW(_Out_writes_bytes_(cbDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cbDest, _In_ NTSTRSAFE_PCWSTR pszSrc);
NTSTATUS RtlStringCchCopyA(_Out_writes_(cchDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cchDest, _In_ NTSTRSAFE_PCSTR pszSrc);
NTSTATUS RtlStringCchCopyW(_Out_writes_(cchDest) NTSTRSAFE_PWSTR pszDest, _In_ size_t cchDest, _In_ NTSTRSAFE_PCWSTR pszSrc);

NTSTATUS RtlStringCbPrintfA(_Out_writes_bytes_(cbDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cbDest,
                            _In_ _Printf_format_string_ NTSTRSAFE_PCSTR pszFormat, ...);
NTSTATUS RtlStringCbVPrintfA(_Out_writes_bytes_(cbDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cbDest,
                             _In_ _Printf_format_string_ NTSTRSAFE_PCSTR pszFormat, _In_ va_list argList);
NTSTATUS RtlStringCchPrintfA(_Out_writes_(cchDest) NTSTRSAFE_PSTR pszDest, _In_ size_t cchDest,
                             _In_ _Printf_format_string_ NTSTRSAFE_PCSTR pszFormat, ...);

/* *pcbLength receives the length without the terminator; the string must end within cbMax bytes. */
NTSTATUS RtlStringCbLengthA(_In_reads_or_z_(cbMax) NTSTRSAFE_PCSTR psz, _In_ size_t cbMax, _Out_opt_ size_t *pcbLength);
NTSTATUS RtlStringCbLengthW(_In_reads_or_z_(cbMax / sizeof(wchar_t)) NTSTRSAFE_PCWSTR psz, _In_ size_t cbMax,
                            _Out_opt_ size_t *pcbLength);

EXTERN_C_END

#endif /* DV_NTSTRSAFE_H */
