/*
 * strings.c - the rest of <string.h>, <wchar.h> and <ctype.h> that kernel code calls: copies,
 * searches and comparisons (case-insensitive ones compare ASCII letters without case, as the
 * kernel's C locale does), for char and wchar_t.
 */
#include <string.h>
#include <wchar.h>
#include <ctype.h>

#undef memchr
#define CRT __attribute__((weak))

CRT int isupper(int c) { return c >= 'A' && c <= 'Z'; }
CRT int islower(int c) { return c >= 'a' && c <= 'z'; }
CRT int isalpha(int c) { return isupper(c) || islower(c); }
CRT int isdigit(int c) { return c >= '0' && c <= '9'; }
CRT int isalnum(int c) { return isalpha(c) || isdigit(c); }
CRT int isxdigit(int c) { return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
CRT int isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
CRT int iscntrl(int c) { return (c >= 0 && c < 0x20) || c == 0x7f; }
CRT int isprint(int c) { return c >= 0x20 && c < 0x7f; }
CRT int isgraph(int c) { return c > 0x20 && c < 0x7f; }
CRT int ispunct(int c) { return isgraph(c) && !isalnum(c); }
CRT int toupper(int c) { return islower(c) ? c - 'a' + 'A' : c; }
CRT int tolower(int c) { return isupper(c) ? c - 'A' + 'a' : c; }
CRT int iswupper(wint_t c) { return c >= L'A' && c <= L'Z'; }
CRT int iswlower(wint_t c) { return c >= L'a' && c <= L'z'; }
CRT int iswalpha(wint_t c) { return iswupper(c) || iswlower(c); }
CRT int iswdigit(wint_t c) { return c >= L'0' && c <= L'9'; }
CRT int iswalnum(wint_t c) { return iswalpha(c) || iswdigit(c); }
CRT int iswxdigit(wint_t c) { return iswdigit(c) || (c >= L'a' && c <= L'f') || (c >= L'A' && c <= L'F'); }
CRT int iswspace(wint_t c) { return c == L' ' || (c >= L'\t' && c <= L'\r'); }
CRT wint_t towupper(wint_t c) { return iswlower(c) ? c - L'a' + L'A' : c; }
CRT wint_t towlower(wint_t c) { return iswupper(c) ? c - L'A' + L'a' : c; }

/* Each routine written once for char (C = char, U = unsigned char) and once for wchar_t. */
#define DV_STRINGS(C, U, cpy, ncpy, cat, ncat, chr, rchr, str, nlen, cmp, ncmp, icmp, nicmp, lwr, upr, lower, upper, len) \
  CRT C *cpy(C *d, const C *s) {                                                                                         \
    C *r = d;                                                                                                            \
    while ((*d++ = *s++)) {                                                                                              \
    }                                                                                                                    \
    return r;                                                                                                            \
  }                                                                                                                      \
  /* At most n characters; the rest of the n is filled with terminators, and none is added past n. */                   \
  CRT C *ncpy(C *d, const C *s, size_t n) {                                                                              \
    size_t i = 0;                                                                                                        \
    for (; i < n && s[i]; i++) d[i] = s[i];                                                                              \
    for (; i < n; i++) d[i] = 0;                                                                                         \
    return d;                                                                                                            \
  }                                                                                                                      \
  CRT C *cat(C *d, const C *s) {                                                                                         \
    cpy(d + len(d), s);                                                                                                  \
    return d;                                                                                                            \
  }                                                                                                                      \
  CRT C *ncat(C *d, const C *s, size_t n) {                                                                              \
    C *e = d + len(d);                                                                                                   \
    while (n-- && *s) *e++ = *s++;                                                                                       \
    *e = 0;                                                                                                              \
    return d;                                                                                                            \
  }                                                                                                                      \
  CRT C *chr(const C *s, int c) {                                                                                        \
    for (;; s++) {                                                                                                       \
      if (*s == (C)c) return (C *)s;                                                                                     \
      if (!*s) return 0;                                                                                                 \
    }                                                                                                                    \
  }                                                                                                                      \
  CRT C *rchr(const C *s, int c) {                                                                                       \
    const C *hit = 0;                                                                                                    \
    for (;; s++) {                                                                                                       \
      if (*s == (C)c) hit = s;                                                                                           \
      if (!*s) return (C *)hit;                                                                                          \
    }                                                                                                                    \
  }                                                                                                                      \
  CRT C *str(const C *h, const C *n) {                                                                                   \
    size_t k = len(n);                                                                                                   \
    for (; *h; h++)                                                                                                      \
      if (ncmp(h, n, k) == 0) return (C *)h;                                                                             \
    return k == 0 ? (C *)h : 0;                                                                                          \
  }                                                                                                                      \
  CRT size_t nlen(const C *s, size_t max) {                                                                              \
    size_t n = 0;                                                                                                        \
    while (n < max && s[n]) n++;                                                                                         \
    return n;                                                                                                            \
  }                                                                                                                      \
  CRT int nicmp(const C *a, const C *b, size_t n) {                                                                      \
    for (; n; n--, a++, b++) {                                                                                           \
      int x = lower((U)*a), y = lower((U)*b);                                                                            \
      if (x != y || !x) return x - y;                                                                                    \
    }                                                                                                                    \
    return 0;                                                                                                            \
  }                                                                                                                      \
  CRT int icmp(const C *a, const C *b) {                                                                                 \
    return nicmp(a, b, (size_t)-1);                                                                                      \
  }                                                                                                                      \
  CRT C *lwr(C *s) {                                                                                                     \
    for (C *p = s; *p; p++) *p = (C)lower((U)*p);                                                                        \
    return s;                                                                                                            \
  }                                                                                                                      \
  CRT C *upr(C *s) {                                                                                                     \
    for (C *p = s; *p; p++) *p = (C)upper((U)*p);                                                                        \
    return s;                                                                                                            \
  }

DV_STRINGS(char, unsigned char, strcpy, strncpy, strcat, strncat, strchr, strrchr, strstr, strnlen, strcmp, strncmp, _stricmp, _strnicmp,
           _strlwr, _strupr, tolower, toupper, strlen)
DV_STRINGS(wchar_t, wchar_t, wcscpy, wcsncpy, wcscat, wcsncat, wcschr, wcsrchr, wcsstr, wcsnlen, wcscmp, wcsncmp, _wcsicmp, _wcsnicmp,
           _wcslwr, _wcsupr, towlower, towupper, wcslen)

CRT int wcscmp(const wchar_t *a, const wchar_t *b) {
  while (*a && *a == *b) a++, b++;
  return (int)*a - (int)*b;
}

CRT int wcsncmp(const wchar_t *a, const wchar_t *b, size_t n) {
  for (; n; n--, a++, b++) {
    if (*a != *b || !*a) return (int)*a - (int)*b;
  }
  return 0;
}

CRT void *memchr(const void *s, int c, size_t n) {
  const unsigned char *p = s;
  for (; n; n--, p++)
    if (*p == (unsigned char)c) return (void *)p;
  return 0;
}
