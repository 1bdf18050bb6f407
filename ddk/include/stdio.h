/*
 * stdio.h - formatting into buffers, as kernel code uses it (there are no streams in the kernel).
 * The routines are in the driver runtime (ddk/crt/stdio.c); conversions as in ntstrsafe.h.
 * Prefer <ntstrsafe.h>: these are here because real drivers call them.
 */
#ifndef DV_STDIO_H
#define DV_STDIO_H

#include <stddef.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MSVC: at most count characters; -1 (and no terminator) when the result does not fit. */
int _snprintf(char *buffer, size_t count, const char *format, ...);
int _vsnprintf(char *buffer, size_t count, const char *format, va_list argptr);
int _snwprintf(wchar_t *buffer, size_t count, const wchar_t *format, ...);
int _vsnwprintf(wchar_t *buffer, size_t count, const wchar_t *format, va_list argptr);
/* C99: terminated within count; snprintf returns the full length, swprintf -1 when it did not fit. */
int snprintf(char *buffer, size_t count, const char *format, ...);
int vsnprintf(char *buffer, size_t count, const char *format, va_list argptr);
int swprintf(wchar_t *buffer, size_t count, const wchar_t *format, ...);
int vswprintf(wchar_t *buffer, size_t count, const wchar_t *format, va_list argptr);
int sprintf(char *buffer, const char *format, ...);
int vsprintf(char *buffer, const char *format, va_list argptr);

#ifndef EOF
#define EOF (-1)
#endif

#ifdef __cplusplus
}
#endif

#endif /* DV_STDIO_H */
