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
#include <wchar.h>
int strcmp(const char *s1, const char *s2);
int strncmp(const char *s1, const char *s2, size_t n);
/* ddk/crt/strings.c; the wide forms are in wchar.h */
void *memchr(const void *s, int c, size_t n);
size_t strnlen(const char *s, size_t max);
char *strcpy(char *d, const char *s);
char *strncpy(char *d, const char *s, size_t n);
char *strcat(char *d, const char *s);
char *strncat(char *d, const char *s, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *h, const char *n);
int _stricmp(const char *a, const char *b);
int _strnicmp(const char *a, const char *b, size_t n);
char *_strlwr(char *s);
char *_strupr(char *s);
#define stricmp _stricmp
#define strnicmp _strnicmp

#ifdef __cplusplus
}
#endif

/* -ffreestanding turns builtins off; these bring back inline expansion of small constant sizes. */
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

#endif /* DV_STRING_H */
