/* string.h - the memory and string routines of the driver runtime (ddk/crt/crt.c), linked into every driver.
 * Compiled code calls memcpy/memset for struct copies and initialisers, so they must exist. C linkage in C++. */
#ifndef DV_STRING_H
#define DV_STRING_H

#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void *memset(void *dest, int c, size_t n);
void *memcpy(void *__restrict dest, const void *__restrict src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
int memcmp(const void *s1, const void *s2, size_t n);
size_t strlen(const char *s);
size_t wcslen(const wchar_t *s);
int strcmp(const char *s1, const char *s2);
int strncmp(const char *s1, const char *s2, size_t n);

#ifdef __cplusplus
}
#endif

/* -ffreestanding turns builtins off; these bring back inline expansion of small constant sizes. */
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

#endif /* DV_STRING_H */
