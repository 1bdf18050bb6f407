/*
 * stdlib.c - the <stdlib.h> routines kernel code calls: integer conversions, abs, qsort/bsearch and
 * rand. rand is the C standard's example generator (RAND_MAX 0x7fff), so a run stays deterministic.
 */
#include <stdlib.h>
#include <ctype.h>
#include <wchar.h>

#define CRT __attribute__((weak))

CRT int abs(int n) { return n < 0 ? -n : n; }
CRT long labs(long n) { return n < 0 ? -n : n; }
CRT long long llabs(long long n) { return n < 0 ? -n : n; }
CRT long long _abs64(long long n) { return n < 0 ? -n : n; }

/*
 * One parser for every strto* and ato* form, narrow or wide: optional space and sign, base 0 (0x
 * hex, 0 octal, else decimal), 16 (0x allowed) or 2..36. The magnitude saturates at `limit` (the
 * result type's largest magnitude for the sign); *end is the first unparsed character.
 */
static unsigned long long Parse(const void *s, int wide, int base, unsigned long long limitPos, unsigned long long limitNeg, int *negative,
                                const void **end) {
#define CH(i) (wide ? (int)((const wchar_t *)s)[i] : (int)(unsigned char)((const char *)s)[i])
  size_t i = 0;
  while (isspace(CH(i))) i++;
  *negative = 0;
  if (CH(i) == '+' || CH(i) == '-') *negative = CH(i++) == '-';
  if ((base == 0 || base == 16) && CH(i) == '0' && (CH(i + 1) == 'x' || CH(i + 1) == 'X') && isxdigit(CH(i + 2))) i += 2, base = 16;
  else if (base == 0) base = CH(i) == '0' ? 8 : 10;
  unsigned long long limit = *negative ? limitNeg : limitPos, v = 0;
  size_t first = i;
  int over = 0;
  for (;; i++) {
    int c = CH(i), d = isdigit(c) ? c - '0' : isalpha(c) ? tolower(c) - 'a' + 10 : 99;
    if (d >= base) break;
    if (v > (limit - (unsigned)d) / (unsigned)base) over = 1;
    else v = v * (unsigned)base + (unsigned)d;
  }
  if (end) *end = (const char *)s + (i == first ? 0 : i * (wide ? sizeof(wchar_t) : 1));
  return over ? limit : v;
#undef CH
}

#define DV_STRTO(Name, C, T, Pos, Neg, Signed)                                     \
  CRT T Name(const C *s, C **end, int base) {                                      \
    int negative;                                                                  \
    const void *e;                                                                 \
    unsigned long long v = Parse(s, sizeof(C) != 1, base, Pos, Neg, &negative, &e); \
    if (end) *end = (C *)e;                                                        \
    return Signed ? (negative ? (T)(0 - v) : (T)v) : (negative ? (T)(0 - v) : (T)v); \
  }
DV_STRTO(strtol, char, long, 0x7fffffffULL, 0x80000000ULL, 1)
DV_STRTO(strtoul, char, unsigned long, 0xffffffffULL, 0xffffffffULL, 0)
DV_STRTO(strtoll, char, long long, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 1)
DV_STRTO(strtoull, char, unsigned long long, ~0ULL, ~0ULL, 0)
DV_STRTO(_strtoi64, char, long long, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 1)
DV_STRTO(_strtoui64, char, unsigned long long, ~0ULL, ~0ULL, 0)
DV_STRTO(wcstol, wchar_t, long, 0x7fffffffULL, 0x80000000ULL, 1)
DV_STRTO(wcstoul, wchar_t, unsigned long, 0xffffffffULL, 0xffffffffULL, 0)
DV_STRTO(wcstoll, wchar_t, long long, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 1)
DV_STRTO(wcstoull, wchar_t, unsigned long long, ~0ULL, ~0ULL, 0)
DV_STRTO(_wcstoi64, wchar_t, long long, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 1)
DV_STRTO(_wcstoui64, wchar_t, unsigned long long, ~0ULL, ~0ULL, 0)

CRT int atoi(const char *s) { return (int)strtol(s, 0, 10); }
CRT long atol(const char *s) { return strtol(s, 0, 10); }
CRT long long atoll(const char *s) { return strtoll(s, 0, 10); }
CRT long long _atoi64(const char *s) { return strtoll(s, 0, 10); }
CRT int _wtoi(const wchar_t *s) { return (int)wcstol(s, 0, 10); }
CRT long _wtol(const wchar_t *s) { return wcstol(s, 0, 10); }
CRT long long _wtoi64(const wchar_t *s) { return wcstoll(s, 0, 10); }

static unsigned long RandState = 1;
CRT void srand(unsigned int seed) { RandState = seed; }
CRT int rand(void) {
  RandState = RandState * 1103515245ul + 12345ul;
  return (int)((RandState / 65536ul) % 32768ul);
}

static void Swap(unsigned char *a, unsigned char *b, size_t size) {
  while (size--) {
    unsigned char t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

/* Insertion sort: stable, no recursion, no allocation; driver arrays are small. */
CRT void qsort(void *base, size_t count, size_t size, int (*compare)(const void *, const void *)) {
  unsigned char *a = base;
  for (size_t i = 1; i < count; i++)
    for (size_t j = i; j > 0 && compare(a + (j - 1) * size, a + j * size) > 0; j--) Swap(a + (j - 1) * size, a + j * size, size);
}

CRT void *bsearch(const void *key, const void *base, size_t count, size_t size, int (*compare)(const void *, const void *)) {
  const unsigned char *a = base;
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = compare(key, a + mid * size);
    if (c == 0) return (void *)(a + mid * size);
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return 0;
}
