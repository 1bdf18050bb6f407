/*
 * format.c - the printf engine of the driver runtime (format.h): one implementation for
 * RtlStringCb/CchPrintf{A,W}, RtlUnicodeStringPrintf and _snprintf/_snwprintf and friends.
 */
#include "format.h"

/* Elements past Capacity are counted, not written. */
static void Put(DV_OUTPUT *o, WCHAR c) {
  if (o->Length < o->Capacity && o->Buffer) {
    if (o->Wide) ((WCHAR *)o->Buffer)[o->Length] = c;
    else ((CHAR *)o->Buffer)[o->Length] = (CHAR)(c < 0x100 ? c : '?');
    o->Length++;
  }
  o->Total++;
}

static void PutPadding(DV_OUTPUT *o, WCHAR c, int n) {
  while (n-- > 0) Put(o, c);
}

/*
 * Narrow (wide == FALSE) or wide text of at most `max` characters (-1: up to the terminator). Wide
 * text printed narrow keeps ASCII and shows anything else as '?'; narrow text printed wide is widened.
 */
static void PutText(DV_OUTPUT *o, const void *text, BOOLEAN wide, int max, int width, BOOLEAN left) {
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
  for (int i = 0; i < n; i++) {
    WCHAR c = wide ? ((const WCHAR *)text)[i] : (UCHAR)((const char *)text)[i];
    Put(o, (!o->Wide && wide && c >= 0x80) ? '?' : c);
  }
  if (left) PutPadding(o, ' ', width - n);
}

typedef struct {
  BOOLEAN left, zero, plus, space, alt;
  int width;
  int precision;
} SPEC;

static void PutNumber(DV_OUTPUT *o, ULONGLONG v, BOOLEAN negative, unsigned base, BOOLEAN upper, const SPEC *s) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24];
  int n = 0;
  if (!(v == 0 && s->precision == 0)) {
    do {
      tmp[n++] = digits[v % base];
      v /= base;
    } while (v);
  }
  int zeros = s->precision > n ? s->precision - n : 0;
  char sign = negative ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
  const char *prefix = (s->alt && base == 16) ? (upper ? "0X" : "0x") : (s->alt && base == 8 && zeros == 0) ? "0" : "";
  int prefixLen = sign ? 1 : 0;
  for (const char *p = prefix; *p; p++) prefixLen++;
  int pad = s->width - n - zeros - prefixLen;
  BOOLEAN zeroPad = s->zero && s->precision < 0;
  if (!s->left && !zeroPad) PutPadding(o, ' ', pad);
  if (sign) Put(o, sign);
  for (const char *p = prefix; *p; p++) Put(o, *p);
  if (!s->left && zeroPad) PutPadding(o, '0', pad);
  PutPadding(o, '0', zeros);
  while (n) Put(o, tmp[--n]);
  if (s->left) PutPadding(o, ' ', pad);
}

enum { SIZE_INT, SIZE_SHORT, SIZE_CHAR, SIZE_64, SIZE_LONG_OR_WIDE, SIZE_NARROW };

void __dv_format(DV_OUTPUT *o, const void *format, BOOLEAN wideFormat, va_list ap) {
  const CHAR *nf = format;
  const WCHAR *wf = format;
  size_t i = 0;
#define AT(k) (wideFormat ? wf[i + (k)] : (WCHAR)(UCHAR)nf[i + (k)])
  while (AT(0)) {
    if (AT(0) != '%') {
      Put(o, AT(0));
      i++;
      continue;
    }
    size_t start = i++;
    SPEC s = { .precision = -1 };
    for (;; i++) {
      if (AT(0) == '-') s.left = TRUE;
      else if (AT(0) == '0') s.zero = TRUE;
      else if (AT(0) == '+') s.plus = TRUE;
      else if (AT(0) == ' ') s.space = TRUE;
      else if (AT(0) == '#') s.alt = TRUE;
      else break;
    }
    if (AT(0) == '*') {
      s.width = va_arg(ap, int);
      if (s.width < 0) s.left = TRUE, s.width = -s.width;
      i++;
    } else {
      while (AT(0) >= '0' && AT(0) <= '9') s.width = s.width * 10 + (AT(0) - '0'), i++;
    }
    if (AT(0) == '.') {
      i++;
      s.precision = 0;
      if (AT(0) == '*') {
        s.precision = va_arg(ap, int);
        i++;
      } else {
        while (AT(0) >= '0' && AT(0) <= '9') s.precision = s.precision * 10 + (AT(0) - '0'), i++;
      }
    }
    int size = SIZE_INT;
    if (AT(0) == 'I' && AT(1) == '6' && AT(2) == '4') size = SIZE_64, i += 3;
    else if (AT(0) == 'I' && AT(1) == '3' && AT(2) == '2') i += 3;
    else if (AT(0) == 'l' && AT(1) == 'l') size = SIZE_64, i += 2;
    else if (AT(0) == 'h' && AT(1) == 'h') size = SIZE_CHAR, i += 2;
    else if (AT(0) == 'h') size = SIZE_SHORT, i++;
    else if (AT(0) == 'l' || AT(0) == 'w') size = SIZE_LONG_OR_WIDE, i++; /* long is 32-bit; before s/c/Z it means wide */
    else if (AT(0) == 'z' || AT(0) == 'I' || AT(0) == 't' || AT(0) == 'j') i++;
    if (s.left) s.zero = FALSE;
    WCHAR conv = AT(0);
    /* %s/%c follow the format's width, %S/%C the other; h and l/w decide outright. */
    BOOLEAN wideArg = size == SIZE_LONG_OR_WIDE ? TRUE : size == SIZE_SHORT ? FALSE : ((conv == 'S' || conv == 'C') != wideFormat);
    switch (conv) {
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
      PutNumber(o, v, FALSE, conv == 'u' ? 10 : conv == 'o' ? 8 : 16, conv == 'X', &s);
      break;
    }
    case 'p': {
      SPEC p = { .zero = TRUE, .width = 2 * sizeof(PVOID), .precision = -1 };
      PutNumber(o, (ULONG_PTR)va_arg(ap, PVOID), FALSE, 16, TRUE, &p);
      break;
    }
    case 'c':
    case 'C': {
      int c = va_arg(ap, int);
      WCHAR ch = wideArg ? (WCHAR)c : (WCHAR)(UCHAR)c;
      if (!s.left) PutPadding(o, ' ', s.width - 1);
      Put(o, (!o->Wide && wideArg && ch >= 0x80) ? '?' : ch);
      if (s.left) PutPadding(o, ' ', s.width - 1);
      break;
    }
    case 's':
    case 'S':
      PutText(o, va_arg(ap, const void *), wideArg, s.precision, s.width, s.left);
      break;
    case 'Z': {
      /* %wZ: a PUNICODE_STRING, %Z (%hZ): a PANSI_STRING; Length bytes of it */
      if (size == SIZE_LONG_OR_WIDE) {
        PCUNICODE_STRING u = va_arg(ap, PCUNICODE_STRING);
        if (u == NULL || u->Buffer == NULL) PutText(o, NULL, FALSE, -1, s.width, s.left);
        else PutText(o, u->Buffer, TRUE, u->Length / (int)sizeof(WCHAR), s.width, s.left);
      } else {
        PCSTRING a = va_arg(ap, PCSTRING);
        if (a == NULL || a->Buffer == NULL) PutText(o, NULL, FALSE, -1, s.width, s.left);
        else PutText(o, a->Buffer, FALSE, a->Length, s.width, s.left);
      }
      break;
    }
    case '%':
      Put(o, '%');
      break;
    default:
      /* Unknown conversion: print it as written. */
      for (size_t k = start; k <= i && (wideFormat ? wf[k] : nf[k]); k++) Put(o, wideFormat ? wf[k] : (UCHAR)nf[k]);
      if (!AT(0)) return;
      break;
    }
    i++;
  }
#undef AT
}
