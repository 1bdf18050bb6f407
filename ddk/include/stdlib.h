/*
 * stdlib.h - the parts kernel code uses: integer conversions, abs, qsort/bsearch, rand (a fixed
 * generator, so runs stay deterministic). No malloc: kernel memory is ExAllocatePool2's.
 * The routines are in the driver runtime (ddk/crt/stdlib.c).
 */
#ifndef DV_STDLIB_H
#define DV_STDLIB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

int abs(int n);
long labs(long n);
long long llabs(long long n);
long long _abs64(long long n);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
long long _strtoi64(const char *s, char **end, int base);
unsigned long long _strtoui64(const char *s, char **end, int base);
long wcstol(const wchar_t *s, wchar_t **end, int base);
unsigned long wcstoul(const wchar_t *s, wchar_t **end, int base);
long long wcstoll(const wchar_t *s, wchar_t **end, int base);
unsigned long long wcstoull(const wchar_t *s, wchar_t **end, int base);
long long _wcstoi64(const wchar_t *s, wchar_t **end, int base);
unsigned long long _wcstoui64(const wchar_t *s, wchar_t **end, int base);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);
long long _atoi64(const char *s);
int _wtoi(const wchar_t *s);
long _wtol(const wchar_t *s);
long long _wtoi64(const wchar_t *s);
void qsort(void *base, size_t count, size_t size, int (*compare)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t count, size_t size, int (*compare)(const void *, const void *));
int rand(void);
void srand(unsigned int seed);

#define RAND_MAX 0x7fff
#define __min(a, b) (((a) < (b)) ? (a) : (b))
#define __max(a, b) (((a) > (b)) ? (a) : (b))
#ifndef _countof
#define _countof(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifdef __cplusplus
}
#endif

#endif /* DV_STDLIB_H */
