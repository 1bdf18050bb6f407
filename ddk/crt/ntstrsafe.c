/*
 * ntstrsafe.c - the routines of ntstrsafe.h: bounded copies and a small printf. Part of every driver
 * image, like the WDK's inline versions; nothing here calls the kernel.
 */
#include <ntstrsafe.h>

#define CRT __attribute__((weak))

static NTSTATUS ValidateCch(size_t cch) {
  return (cch == 0 || cch > NTSTRSAFE_MAX_CCH) ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
}

/* --- Copies: as much as fits, always terminated --- */

CRT NTSTATUS RtlStringCchCopyA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszSrc) {
  if (!NT_SUCCESS(ValidateCch(cchDest))) return STATUS_INVALID_PARAMETER;
  while (cchDest > 1 && *pszSrc) {
    *pszDest++ = *pszSrc++;
    cchDest--;
  }
  *pszDest = '\0';
  return *pszSrc ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

CRT NTSTATUS RtlStringCchCopyW(NTSTRSAFE_PWSTR pszDest, size_t cchDest, NTSTRSAFE_PCWSTR pszSrc) {
  if (!NT_SUCCESS(ValidateCch(cchDest))) return STATUS_INVALID_PARAMETER;
  while (cchDest > 1 && *pszSrc) {
    *pszDest++ = *pszSrc++;
    cchDest--;
  }
  *pszDest = L'\0';
  return *pszSrc ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

CRT NTSTATUS RtlStringCbCopyA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszSrc) {
  return RtlStringCchCopyA(pszDest, cbDest / sizeof(CHAR), pszSrc);
}

CRT NTSTATUS RtlStringCbCopyW(NTSTRSAFE_PWSTR pszDest, size_t cbDest, NTSTRSAFE_PCWSTR pszSrc) {
  return RtlStringCchCopyW(pszDest, cbDest / sizeof(WCHAR), pszSrc);
}

/* --- Lengths --- */

CRT NTSTATUS RtlStringCbLengthA(NTSTRSAFE_PCSTR psz, size_t cbMax, size_t *pcbLength) {
  size_t n = 0;
  if (psz == NULL || cbMax > NTSTRSAFE_MAX_CCH) goto invalid;
  while (n < cbMax && psz[n]) n++;
  if (n == cbMax) goto invalid;
  if (pcbLength) *pcbLength = n;
  return STATUS_SUCCESS;
invalid:
  if (pcbLength) *pcbLength = 0;
  return STATUS_INVALID_PARAMETER;
}

CRT NTSTATUS RtlStringCbLengthW(NTSTRSAFE_PCWSTR psz, size_t cbMax, size_t *pcbLength) {
  size_t cchMax = cbMax / sizeof(WCHAR), n = 0;
  if (psz == NULL || cchMax > NTSTRSAFE_MAX_CCH) goto invalid;
  while (n < cchMax && psz[n]) n++;
  if (n == cchMax) goto invalid;
  if (pcbLength) *pcbLength = n * sizeof(WCHAR);
  return STATUS_SUCCESS;
invalid:
  if (pcbLength) *pcbLength = 0;
  return STATUS_INVALID_PARAMETER;
}

/* --- Formatting --- */

typedef struct {
  char *buf;
  size_t cap; /* characters, terminator included */
  size_t len;
  BOOLEAN truncated;
} OUTPUT;

static void Put(OUTPUT *o, char c) {
  if (o->len + 1 < o->cap) {
    o->buf[o->len++] = c;
  } else {
    o->truncated = TRUE;
  }
}

static void PutPadding(OUTPUT *o, char c, int n) {
  while (n-- > 0) Put(o, c);
}

/* A wide character prints as itself when it is ASCII, else as '?'. */
static char Narrow(WCHAR c) {
  return c < 0x80 ? (char)c : '?';
}

/* Narrow (wide == FALSE) or wide text of at most `max` characters (-1: up to the terminator). */
static void PutText(OUTPUT *o, const void *text, BOOLEAN wide, int max, int width, BOOLEAN left) {
  int n = 0;
  if (text == NULL) {
    text = "(null)";
    wide = FALSE;
  }
  if (wide) {
    while ((max < 0 || n < max) && ((const WCHAR *)text)[n]) n++;
  } else {
    while ((max < 0 || n < max) && ((const char *)text)[n]) n++;
  }
  if (!left) PutPadding(o, ' ', width - n);
  for (int i = 0; i < n; i++) Put(o, wide ? Narrow(((const WCHAR *)text)[i]) : ((const char *)text)[i]);
  if (left) PutPadding(o, ' ', width - n);
}

typedef struct {
  BOOLEAN left, zero, plus, space, alt;
  int width;
} SPEC;

static void PutNumber(OUTPUT *o, ULONGLONG v, BOOLEAN negative, unsigned base, BOOLEAN upper, const SPEC *s) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = digits[v % base];
    v /= base;
  } while (v);
  char sign = negative ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
  const char *prefix = (s->alt && base == 16) ? (upper ? "0X" : "0x") : (s->alt && base == 8) ? "0" : "";
  int prefixLen = sign ? 1 : 0;
  for (const char *p = prefix; *p; p++) prefixLen++;
  int pad = s->width - n - prefixLen;
  if (!s->left && !s->zero) PutPadding(o, ' ', pad);
  if (sign) Put(o, sign);
  for (const char *p = prefix; *p; p++) Put(o, *p);
  if (!s->left && s->zero) PutPadding(o, '0', pad);
  while (n) Put(o, tmp[--n]);
  if (s->left) PutPadding(o, ' ', pad);
}

enum { SIZE_INT, SIZE_SHORT, SIZE_CHAR, SIZE_64, SIZE_WIDE };

static void Format(OUTPUT *o, const char *f, va_list ap) {
  while (*f) {
    if (*f != '%') {
      Put(o, *f++);
      continue;
    }
    const char *start = f++;
    SPEC s = { 0 };
    for (;; f++) {
      if (*f == '-') s.left = TRUE;
      else if (*f == '0') s.zero = TRUE;
      else if (*f == '+') s.plus = TRUE;
      else if (*f == ' ') s.space = TRUE;
      else if (*f == '#') s.alt = TRUE;
      else break;
    }
    if (*f == '*') {
      s.width = va_arg(ap, int);
      if (s.width < 0) s.left = TRUE, s.width = -s.width;
      f++;
    } else {
      while (*f >= '0' && *f <= '9') s.width = s.width * 10 + (*f++ - '0');
    }
    int precision = -1;
    if (*f == '.') {
      f++;
      precision = 0;
      if (*f == '*') {
        precision = va_arg(ap, int);
        f++;
      } else {
        while (*f >= '0' && *f <= '9') precision = precision * 10 + (*f++ - '0');
      }
    }
    int size = SIZE_INT;
    if (f[0] == 'I' && f[1] == '6' && f[2] == '4') size = SIZE_64, f += 3;
    else if (f[0] == 'I' && f[1] == '3' && f[2] == '2') f += 3;
    else if (f[0] == 'l' && f[1] == 'l') size = SIZE_64, f += 2;
    else if (f[0] == 'h' && f[1] == 'h') size = SIZE_CHAR, f += 2;
    else if (*f == 'h') size = SIZE_SHORT, f++;
    else if (*f == 'l' || *f == 'w') size = SIZE_WIDE, f++; /* long is 32-bit; before s/c it means wide */
    else if (*f == 'z' || *f == 'I' || *f == 't' || *f == 'j') f++;
    if (s.left) s.zero = FALSE;
    switch (*f) {
    case 'd':
    case 'i': {
      LONGLONG v = size == SIZE_64 ? va_arg(ap, LONGLONG) : va_arg(ap, int);
      if (size == SIZE_SHORT) v = (SHORT)v;
      if (size == SIZE_CHAR) v = (SCHAR)v;
      PutNumber(o, v < 0 ? 0 - (ULONGLONG)v : (ULONGLONG)v, v < 0, 10, FALSE, &s);
      break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      ULONGLONG v = size == SIZE_64 ? va_arg(ap, ULONGLONG) : va_arg(ap, unsigned int);
      if (size == SIZE_SHORT) v = (USHORT)v;
      if (size == SIZE_CHAR) v = (UCHAR)v;
      PutNumber(o, v, FALSE, *f == 'u' ? 10 : *f == 'o' ? 8 : 16, *f == 'X', &s);
      break;
    }
    case 'p': {
      SPEC p = { .zero = TRUE, .width = 2 * sizeof(PVOID) };
      PutNumber(o, (ULONG_PTR)va_arg(ap, PVOID), FALSE, 16, TRUE, &p);
      break;
    }
    case 'c':
    case 'C': {
      int c = va_arg(ap, int);
      BOOLEAN wide = (*f == 'C') != (size == SIZE_WIDE);
      if (!s.left) PutPadding(o, ' ', s.width - 1);
      Put(o, wide ? Narrow((WCHAR)c) : (char)c);
      if (s.left) PutPadding(o, ' ', s.width - 1);
      break;
    }
    case 's':
    case 'S': {
      BOOLEAN wide = (*f == 'S') != (size == SIZE_WIDE);
      PutText(o, va_arg(ap, const void *), wide, precision, s.width, s.left);
      break;
    }
    case 'Z': {
      /* %wZ: a PUNICODE_STRING, Length bytes of it */
      PCUNICODE_STRING u = va_arg(ap, PCUNICODE_STRING);
      if (size != SIZE_WIDE || u == NULL || u->Buffer == NULL) PutText(o, NULL, FALSE, -1, s.width, s.left);
      else PutText(o, u->Buffer, TRUE, u->Length / (int)sizeof(WCHAR), s.width, s.left);
      break;
    }
    case '%':
      Put(o, '%');
      break;
    default:
      /* Unknown conversion: print it as written. */
      while (start <= f && *start) Put(o, *start++);
      if (!*f) return;
      break;
    }
    f++;
  }
}

CRT NTSTATUS RtlStringCbVPrintfA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszFormat, va_list argList) {
  if (!NT_SUCCESS(ValidateCch(cbDest))) return STATUS_INVALID_PARAMETER;
  OUTPUT o = { pszDest, cbDest, 0, FALSE };
  Format(&o, pszFormat, argList);
  pszDest[o.len] = '\0';
  return o.truncated ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

CRT NTSTATUS RtlStringCbPrintfA(NTSTRSAFE_PSTR pszDest, size_t cbDest, NTSTRSAFE_PCSTR pszFormat, ...) {
  va_list ap;
  va_start(ap, pszFormat);
  NTSTATUS status = RtlStringCbVPrintfA(pszDest, cbDest, pszFormat, ap);
  va_end(ap);
  return status;
}

CRT NTSTATUS RtlStringCchPrintfA(NTSTRSAFE_PSTR pszDest, size_t cchDest, NTSTRSAFE_PCSTR pszFormat, ...) {
  va_list ap;
  va_start(ap, pszFormat);
  NTSTATUS status = RtlStringCbVPrintfA(pszDest, cchDest * sizeof(CHAR), pszFormat, ap);
  va_end(ap);
  return status;
}
