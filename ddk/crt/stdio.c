/*
 * stdio.c - the formatting routines of <stdio.h> kernel code uses, over the runtime's printf engine
 * (format.c). MSVC's _snprintf family writes at most `count` characters and returns -1 when the
 * result did not fit (and then leaves no terminator); snprintf/vsnprintf/swprintf are C99's: always
 * terminated when count > 0, returning the full length (swprintf: -1 when it did not fit).
 */
#include <stdio.h>
#include "format.h"

#define CRT __attribute__((weak))

static int Msvc(void *buffer, size_t count, BOOLEAN wide, const void *format, va_list ap) {
  DV_OUTPUT o = { buffer, count, 0, 0, wide };
  __dv_format(&o, format, wide, ap);
  if (o.Total < count) {
    if (wide) ((WCHAR *)buffer)[o.Total] = 0;
    else ((CHAR *)buffer)[o.Total] = 0;
  }
  return o.Total <= count ? (int)o.Total : -1;
}

/* C99: as much as fits in count - 1, terminated; the full length is returned. */
static size_t C99(void *buffer, size_t count, BOOLEAN wide, const void *format, va_list ap) {
  DV_OUTPUT o = { buffer, count ? count - 1 : 0, 0, 0, wide };
  __dv_format(&o, format, wide, ap);
  if (count > 0) {
    if (wide) ((WCHAR *)buffer)[o.Length] = 0;
    else ((CHAR *)buffer)[o.Length] = 0;
  }
  return o.Total;
}

CRT int _vsnprintf(char *buffer, size_t count, const char *format, va_list argptr) {
  return Msvc(buffer, count, FALSE, format, argptr);
}
CRT int _snprintf(char *buffer, size_t count, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = Msvc(buffer, count, FALSE, format, ap);
  va_end(ap);
  return n;
}
CRT int _vsnwprintf(wchar_t *buffer, size_t count, const wchar_t *format, va_list argptr) {
  return Msvc(buffer, count, TRUE, format, argptr);
}
CRT int _snwprintf(wchar_t *buffer, size_t count, const wchar_t *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = Msvc(buffer, count, TRUE, format, ap);
  va_end(ap);
  return n;
}
CRT int vsnprintf(char *buffer, size_t count, const char *format, va_list argptr) {
  return (int)C99(buffer, count, FALSE, format, argptr);
}
CRT int snprintf(char *buffer, size_t count, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = (int)C99(buffer, count, FALSE, format, ap);
  va_end(ap);
  return n;
}
/* sprintf has no bound: the caller promises room, as in C. */
CRT int vsprintf(char *buffer, const char *format, va_list argptr) {
  return (int)C99(buffer, 0x7fffffff, FALSE, format, argptr);
}
CRT int sprintf(char *buffer, const char *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = vsprintf(buffer, format, ap);
  va_end(ap);
  return n;
}
CRT int vswprintf(wchar_t *buffer, size_t count, const wchar_t *format, va_list argptr) {
  size_t total = C99(buffer, count, TRUE, format, argptr);
  return total < count ? (int)total : -1;
}
CRT int swprintf(wchar_t *buffer, size_t count, const wchar_t *format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = vswprintf(buffer, count, format, ap);
  va_end(ap);
  return n;
}
