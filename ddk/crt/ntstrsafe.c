/*
 * ntstrsafe.c - the routines of ntstrsafe.h: bounded copies, concatenations, printf and lengths of
 * C strings (each written once in ntstrsafe_t.h, instantiated for CHAR and WCHAR) and the
 * UNICODE_STRING forms. Part of every driver image, like the WDK's inline versions; nothing here
 * calls the kernel.
 */
#include <ntstrsafe.h>
#include "format.h"

#define CRT __attribute__((weak))

#define T CHAR
#define N(x) x##A
#define WIDE 0
#include "ntstrsafe_t.h"
#undef T
#undef N
#undef WIDE

#define T WCHAR
#define N(x) x##W
#define WIDE 1
#include "ntstrsafe_t.h"
#undef T
#undef N
#undef WIDE

/* --- UNICODE_STRING: Length and MaximumLength in bytes, even, no terminator --- */

static BOOLEAN ValidUnicodeString(PCUNICODE_STRING s, BOOLEAN allowNull) {
  if (s == NULL) return allowNull;
  if ((s->Length & 1) || (s->MaximumLength & 1) || s->Length > s->MaximumLength) return FALSE;
  if (s->MaximumLength > NTSTRSAFE_UNICODE_STRING_MAX_CCH * sizeof(WCHAR)) return FALSE;
  return s->Buffer != NULL || s->MaximumLength == 0;
}

CRT NTSTATUS RtlUnicodeStringValidate(PCUNICODE_STRING SourceString) {
  return ValidUnicodeString(SourceString, FALSE) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

CRT NTSTATUS RtlUnicodeStringInit(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc) {
  if (DestinationString == NULL) return STATUS_INVALID_PARAMETER;
  DestinationString->Length = DestinationString->MaximumLength = 0;
  DestinationString->Buffer = (PWCH)pszSrc;
  if (pszSrc == NULL) return STATUS_SUCCESS;
  size_t n = 0;
  while (pszSrc[n]) {
    if (++n > NTSTRSAFE_UNICODE_STRING_MAX_CCH - 1) return STATUS_INVALID_PARAMETER;
  }
  DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
  DestinationString->MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));
  return STATUS_SUCCESS;
}

/* Write `count` characters of src at dest->Buffer + at (characters), as many as fit. */
static NTSTATUS UnicodeAppend(PUNICODE_STRING dest, size_t at, const WCHAR *src, size_t count) {
  size_t cap = dest->MaximumLength / sizeof(WCHAR);
  size_t n = count <= cap - at ? count : cap - at;
  __builtin_memmove(dest->Buffer + at, src, n * sizeof(WCHAR));
  dest->Length = (USHORT)((at + n) * sizeof(WCHAR));
  return n < count ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

static size_t WideLength(const WCHAR *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

CRT NTSTATUS RtlUnicodeStringCopy(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString) {
  if (!ValidUnicodeString(DestinationString, FALSE) || !ValidUnicodeString(SourceString, FALSE)) return STATUS_INVALID_PARAMETER;
  return UnicodeAppend(DestinationString, 0, SourceString->Buffer, SourceString->Length / sizeof(WCHAR));
}

CRT NTSTATUS RtlUnicodeStringCopyString(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc) {
  if (!ValidUnicodeString(DestinationString, FALSE) || pszSrc == NULL) return STATUS_INVALID_PARAMETER;
  return UnicodeAppend(DestinationString, 0, pszSrc, WideLength(pszSrc));
}

CRT NTSTATUS RtlUnicodeStringCat(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString) {
  if (!ValidUnicodeString(DestinationString, FALSE) || !ValidUnicodeString(SourceString, FALSE)) return STATUS_INVALID_PARAMETER;
  return UnicodeAppend(DestinationString, DestinationString->Length / sizeof(WCHAR), SourceString->Buffer, SourceString->Length / sizeof(WCHAR));
}

CRT NTSTATUS RtlUnicodeStringCatString(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszSrc) {
  if (!ValidUnicodeString(DestinationString, FALSE) || pszSrc == NULL) return STATUS_INVALID_PARAMETER;
  return UnicodeAppend(DestinationString, DestinationString->Length / sizeof(WCHAR), pszSrc, WideLength(pszSrc));
}

CRT NTSTATUS RtlUnicodeStringVPrintf(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszFormat, va_list argList) {
  if (!ValidUnicodeString(DestinationString, FALSE) || pszFormat == NULL) return STATUS_INVALID_PARAMETER;
  DV_OUTPUT o = { DestinationString->Buffer, DestinationString->MaximumLength / sizeof(WCHAR), 0, 0, TRUE };
  __dv_format(&o, pszFormat, TRUE, argList);
  DestinationString->Length = (USHORT)(o.Length * sizeof(WCHAR));
  return o.Total > o.Length ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

CRT NTSTATUS RtlUnicodeStringPrintf(PUNICODE_STRING DestinationString, NTSTRSAFE_PCWSTR pszFormat, ...) {
  va_list ap;
  va_start(ap, pszFormat);
  NTSTATUS status = RtlUnicodeStringVPrintf(DestinationString, pszFormat, ap);
  va_end(ap);
  return status;
}
