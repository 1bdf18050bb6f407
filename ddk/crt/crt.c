/*
 * crt.c - the memory and string routines every driver image carries. The compiler emits calls to
 * memset/memcpy/memmove/memcmp for struct copies and initialisers; -ffreestanding keeps it from
 * turning these loops back into calls to themselves. Definitions are weak so a driver that brings
 * its own wins.
 */
#include <string.h>

#undef memset
#undef memcpy
#undef memmove
#undef memcmp

#define CRT __attribute__((weak))

CRT void *memset(void *dest, int c, size_t n) {
  unsigned char *d = dest;
  while (n--) *d++ = (unsigned char)c;
  return dest;
}

CRT void *memcpy(void *restrict dest, const void *restrict src, size_t n) {
  unsigned char *d = dest;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dest;
}

CRT void *memmove(void *dest, const void *src, size_t n) {
  unsigned char *d = dest;
  const unsigned char *s = src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dest;
}

CRT int memcmp(const void *s1, const void *s2, size_t n) {
  const unsigned char *a = s1, *b = s2;
  for (; n; n--, a++, b++) {
    if (*a != *b) return *a - *b;
  }
  return 0;
}

CRT size_t strlen(const char *s) {
  const char *p = s;
  while (*p) p++;
  return (size_t)(p - s);
}

CRT size_t wcslen(const wchar_t *s) {
  const wchar_t *p = s;
  while (*p) p++;
  return (size_t)(p - s);
}

CRT int strcmp(const char *s1, const char *s2) {
  while (*s1 && *s1 == *s2) s1++, s2++;
  return (unsigned char)*s1 - (unsigned char)*s2;
}

CRT int strncmp(const char *s1, const char *s2, size_t n) {
  for (; n; n--, s1++, s2++) {
    if (*s1 != *s2 || !*s1) return (unsigned char)*s1 - (unsigned char)*s2;
  }
  return 0;
}
