/*
 * wchar.h - wide strings (wchar_t is 16-bit, as WCHAR): the routines are in the driver runtime
 * (ddk/crt/crt.c, strings.c, stdlib.c). Case-insensitive comparisons fold ASCII letters only.
 */
#ifndef DV_WCHAR_H
#define DV_WCHAR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef _WINT_T_DEFINED
#define _WINT_T_DEFINED
typedef unsigned short wint_t;
#endif
#define WEOF ((wint_t)0xFFFF)

size_t wcslen(const wchar_t *s);
size_t wcsnlen(const wchar_t *s, size_t max);
wchar_t *wcscpy(wchar_t *d, const wchar_t *s);
wchar_t *wcsncpy(wchar_t *d, const wchar_t *s, size_t n);
wchar_t *wcscat(wchar_t *d, const wchar_t *s);
wchar_t *wcsncat(wchar_t *d, const wchar_t *s, size_t n);
wchar_t *wcschr(const wchar_t *s, int c);
wchar_t *wcsrchr(const wchar_t *s, int c);
wchar_t *wcsstr(const wchar_t *h, const wchar_t *n);
int wcscmp(const wchar_t *a, const wchar_t *b);
int wcsncmp(const wchar_t *a, const wchar_t *b, size_t n);
int _wcsicmp(const wchar_t *a, const wchar_t *b);
int _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t n);
wchar_t *_wcslwr(wchar_t *s);
wchar_t *_wcsupr(wchar_t *s);
int iswalpha(wint_t c);
int iswupper(wint_t c);
int iswlower(wint_t c);
int iswdigit(wint_t c);
int iswxdigit(wint_t c);
int iswalnum(wint_t c);
int iswspace(wint_t c);
wint_t towupper(wint_t c);
wint_t towlower(wint_t c);
long wcstol(const wchar_t *s, wchar_t **end, int base);
unsigned long wcstoul(const wchar_t *s, wchar_t **end, int base);

#ifdef __cplusplus
}
#endif

#endif /* DV_WCHAR_H */
