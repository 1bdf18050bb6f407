/*
 * ntstrsafe_t.h - the body of ntstrsafe.c, written once for CHAR and once for WCHAR: ntstrsafe.c
 * includes it with T (the character type), N(x) (x##A or x##W) and WIDE (0 or 1) defined.
 * Sizes are in characters here; the Cb forms convert.
 */

/* The settings of one Ex call: the fill byte (low 8 bits of dwFlags) and the STRSAFE_* flags. */
static NTSTATUS N(Finish)(T *dest, size_t cch, size_t len, NTSTATUS status, ULONG flags, T **end, size_t *remaining, size_t keep) {
  if (!NT_SUCCESS(status) || status == STATUS_BUFFER_OVERFLOW) {
    if (cch > 0 && dest != NULL) {
      if (flags & STRSAFE_FILL_ON_FAILURE) {
        __builtin_memset(dest, (int)(flags & 0xff), cch * sizeof(T));
        dest[cch - 1] = 0;
        len = cch - 1;
      }
      if (flags & (STRSAFE_NULL_ON_FAILURE | STRSAFE_NO_TRUNCATION)) {
        /* NO_TRUNCATION keeps what the destination held before (a Cat's original text). */
        len = (flags & STRSAFE_NULL_ON_FAILURE) ? 0 : keep;
        dest[len] = 0;
      }
    }
  } else if ((flags & STRSAFE_FILL_BEHIND_NULL) && len + 1 < cch) {
    __builtin_memset(dest + len + 1, (int)(flags & 0xff), (cch - len - 1) * sizeof(T));
  }
  if (end) *end = dest ? dest + len : NULL;
  if (remaining) *remaining = cch > len ? cch - len : 0;
  return status;
}

/* Copy at most `max` characters of src after dest[at], within cch; the result is terminated. */
static NTSTATUS N(Append)(T *dest, size_t cch, size_t at, const T *src, size_t max, size_t *len) {
  size_t i = at;
  while (max > 0 && *src && i + 1 < cch) dest[i++] = *src++, max--;
  dest[i] = 0;
  *len = i;
  return (max > 0 && *src) ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

CRT NTSTATUS N(RtlStringCchCopyNEx)(T *pszDest, size_t cchDest, const T *pszSrc, size_t cchToCopy, T **ppszDestEnd, size_t *pcchRemaining,
                                    ULONG dwFlags) {
  static const T empty[1] = { 0 };
  if (cchDest == 0 || cchDest > NTSTRSAFE_MAX_CCH || cchToCopy > NTSTRSAFE_MAX_CCH || pszDest == NULL)
    return N(Finish)(pszDest, cchDest > NTSTRSAFE_MAX_CCH ? 0 : cchDest, 0, STATUS_INVALID_PARAMETER, dwFlags & ~STRSAFE_FILL_ON_FAILURE, ppszDestEnd, pcchRemaining, 0);
  if (pszSrc == NULL) {
    if (!(dwFlags & STRSAFE_IGNORE_NULLS)) return N(Finish)(pszDest, cchDest, 0, STATUS_INVALID_PARAMETER, dwFlags, ppszDestEnd, pcchRemaining, 0);
    pszSrc = empty;
  }
  size_t len;
  NTSTATUS status = N(Append)(pszDest, cchDest, 0, pszSrc, cchToCopy, &len);
  return N(Finish)(pszDest, cchDest, len, status, dwFlags, ppszDestEnd, pcchRemaining, 0);
}

CRT NTSTATUS N(RtlStringCchCopyEx)(T *pszDest, size_t cchDest, const T *pszSrc, T **ppszDestEnd, size_t *pcchRemaining, ULONG dwFlags) {
  return N(RtlStringCchCopyNEx)(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, ppszDestEnd, pcchRemaining, dwFlags);
}
CRT NTSTATUS N(RtlStringCchCopyN)(T *pszDest, size_t cchDest, const T *pszSrc, size_t cchToCopy) {
  return N(RtlStringCchCopyNEx)(pszDest, cchDest, pszSrc, cchToCopy, NULL, NULL, 0);
}
CRT NTSTATUS N(RtlStringCchCopy)(T *pszDest, size_t cchDest, const T *pszSrc) {
  return N(RtlStringCchCopyNEx)(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, NULL, NULL, 0);
}
CRT NTSTATUS N(RtlStringCbCopy)(T *pszDest, size_t cbDest, const T *pszSrc) {
  return N(RtlStringCchCopy)(pszDest, cbDest / sizeof(T), pszSrc);
}
CRT NTSTATUS N(RtlStringCbCopyN)(T *pszDest, size_t cbDest, const T *pszSrc, size_t cbToCopy) {
  return N(RtlStringCchCopyN)(pszDest, cbDest / sizeof(T), pszSrc, cbToCopy / sizeof(T));
}
CRT NTSTATUS N(RtlStringCbCopyEx)(T *pszDest, size_t cbDest, const T *pszSrc, T **ppszDestEnd, size_t *pcbRemaining, ULONG dwFlags) {
  size_t cch = 0;
  NTSTATUS status = N(RtlStringCchCopyEx)(pszDest, cbDest / sizeof(T), pszSrc, ppszDestEnd, &cch, dwFlags);
  if (pcbRemaining) *pcbRemaining = cch * sizeof(T) + cbDest % sizeof(T);
  return status;
}
CRT NTSTATUS N(RtlStringCbCopyNEx)(T *pszDest, size_t cbDest, const T *pszSrc, size_t cbToCopy, T **ppszDestEnd, size_t *pcbRemaining,
                                   ULONG dwFlags) {
  size_t cch = 0;
  NTSTATUS status = N(RtlStringCchCopyNEx)(pszDest, cbDest / sizeof(T), pszSrc, cbToCopy / sizeof(T), ppszDestEnd, &cch, dwFlags);
  if (pcbRemaining) *pcbRemaining = cch * sizeof(T) + cbDest % sizeof(T);
  return status;
}

/* Cat: the destination must already be terminated within cchDest. */
CRT NTSTATUS N(RtlStringCchCatNEx)(T *pszDest, size_t cchDest, const T *pszSrc, size_t cchToAppend, T **ppszDestEnd, size_t *pcchRemaining,
                                   ULONG dwFlags) {
  static const T empty[1] = { 0 };
  if (cchDest == 0 || cchDest > NTSTRSAFE_MAX_CCH || cchToAppend > NTSTRSAFE_MAX_CCH || pszDest == NULL)
    return N(Finish)(pszDest, 0, 0, STATUS_INVALID_PARAMETER, 0, ppszDestEnd, pcchRemaining, 0);
  size_t at = 0;
  while (at < cchDest && pszDest[at]) at++;
  if (at == cchDest) return N(Finish)(pszDest, 0, 0, STATUS_INVALID_PARAMETER, 0, ppszDestEnd, pcchRemaining, 0);
  if (pszSrc == NULL) {
    if (!(dwFlags & STRSAFE_IGNORE_NULLS)) return N(Finish)(pszDest, cchDest, at, STATUS_INVALID_PARAMETER, dwFlags, ppszDestEnd, pcchRemaining, at);
    pszSrc = empty;
  }
  size_t len;
  NTSTATUS status = N(Append)(pszDest, cchDest, at, pszSrc, cchToAppend, &len);
  return N(Finish)(pszDest, cchDest, len, status, dwFlags, ppszDestEnd, pcchRemaining, at);
}
CRT NTSTATUS N(RtlStringCchCatEx)(T *pszDest, size_t cchDest, const T *pszSrc, T **ppszDestEnd, size_t *pcchRemaining, ULONG dwFlags) {
  return N(RtlStringCchCatNEx)(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, ppszDestEnd, pcchRemaining, dwFlags);
}
CRT NTSTATUS N(RtlStringCchCatN)(T *pszDest, size_t cchDest, const T *pszSrc, size_t cchToAppend) {
  return N(RtlStringCchCatNEx)(pszDest, cchDest, pszSrc, cchToAppend, NULL, NULL, 0);
}
CRT NTSTATUS N(RtlStringCchCat)(T *pszDest, size_t cchDest, const T *pszSrc) {
  return N(RtlStringCchCatNEx)(pszDest, cchDest, pszSrc, NTSTRSAFE_MAX_CCH, NULL, NULL, 0);
}
CRT NTSTATUS N(RtlStringCbCat)(T *pszDest, size_t cbDest, const T *pszSrc) {
  return N(RtlStringCchCat)(pszDest, cbDest / sizeof(T), pszSrc);
}
CRT NTSTATUS N(RtlStringCbCatN)(T *pszDest, size_t cbDest, const T *pszSrc, size_t cbToAppend) {
  return N(RtlStringCchCatN)(pszDest, cbDest / sizeof(T), pszSrc, cbToAppend / sizeof(T));
}
CRT NTSTATUS N(RtlStringCbCatEx)(T *pszDest, size_t cbDest, const T *pszSrc, T **ppszDestEnd, size_t *pcbRemaining, ULONG dwFlags) {
  size_t cch = 0;
  NTSTATUS status = N(RtlStringCchCatEx)(pszDest, cbDest / sizeof(T), pszSrc, ppszDestEnd, &cch, dwFlags);
  if (pcbRemaining) *pcbRemaining = cch * sizeof(T) + cbDest % sizeof(T);
  return status;
}
CRT NTSTATUS N(RtlStringCbCatNEx)(T *pszDest, size_t cbDest, const T *pszSrc, size_t cbToAppend, T **ppszDestEnd, size_t *pcbRemaining,
                                  ULONG dwFlags) {
  size_t cch = 0;
  NTSTATUS status = N(RtlStringCchCatNEx)(pszDest, cbDest / sizeof(T), pszSrc, cbToAppend / sizeof(T), ppszDestEnd, &cch, dwFlags);
  if (pcbRemaining) *pcbRemaining = cch * sizeof(T) + cbDest % sizeof(T);
  return status;
}

/* Printf: as much of the result as fits, terminated; STATUS_BUFFER_OVERFLOW when it did not all fit. */
CRT NTSTATUS N(RtlStringCchVPrintfEx)(T *pszDest, size_t cchDest, T **ppszDestEnd, size_t *pcchRemaining, ULONG dwFlags, const T *pszFormat,
                                      va_list argList) {
  if (cchDest == 0 || cchDest > NTSTRSAFE_MAX_CCH || pszDest == NULL)
    return N(Finish)(pszDest, 0, 0, STATUS_INVALID_PARAMETER, 0, ppszDestEnd, pcchRemaining, 0);
  if (pszFormat == NULL) {
    static const T empty[1] = { 0 };
    if (!(dwFlags & STRSAFE_IGNORE_NULLS)) return N(Finish)(pszDest, cchDest, 0, STATUS_INVALID_PARAMETER, dwFlags, ppszDestEnd, pcchRemaining, 0);
    pszFormat = empty;
  }
  DV_OUTPUT o = { pszDest, cchDest - 1, 0, 0, WIDE };
  __dv_format(&o, pszFormat, WIDE, argList);
  pszDest[o.Length] = 0;
  return N(Finish)(pszDest, cchDest, o.Length, o.Total > o.Length ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS, dwFlags, ppszDestEnd,
                   pcchRemaining, 0);
}
CRT NTSTATUS N(RtlStringCchVPrintf)(T *pszDest, size_t cchDest, const T *pszFormat, va_list argList) {
  return N(RtlStringCchVPrintfEx)(pszDest, cchDest, NULL, NULL, 0, pszFormat, argList);
}
CRT NTSTATUS N(RtlStringCbVPrintf)(T *pszDest, size_t cbDest, const T *pszFormat, va_list argList) {
  return N(RtlStringCchVPrintfEx)(pszDest, cbDest / sizeof(T), NULL, NULL, 0, pszFormat, argList);
}
CRT NTSTATUS N(RtlStringCbVPrintfEx)(T *pszDest, size_t cbDest, T **ppszDestEnd, size_t *pcbRemaining, ULONG dwFlags, const T *pszFormat,
                                     va_list argList) {
  size_t cch = 0;
  NTSTATUS status = N(RtlStringCchVPrintfEx)(pszDest, cbDest / sizeof(T), ppszDestEnd, &cch, dwFlags, pszFormat, argList);
  if (pcbRemaining) *pcbRemaining = cch * sizeof(T) + cbDest % sizeof(T);
  return status;
}
CRT NTSTATUS N(RtlStringCchPrintf)(T *pszDest, size_t cchDest, const T *pszFormat, ...) {
  va_list ap;
  va_start(ap, pszFormat);
  NTSTATUS status = N(RtlStringCchVPrintfEx)(pszDest, cchDest, NULL, NULL, 0, pszFormat, ap);
  va_end(ap);
  return status;
}
CRT NTSTATUS N(RtlStringCbPrintf)(T *pszDest, size_t cbDest, const T *pszFormat, ...) {
  va_list ap;
  va_start(ap, pszFormat);
  NTSTATUS status = N(RtlStringCchVPrintfEx)(pszDest, cbDest / sizeof(T), NULL, NULL, 0, pszFormat, ap);
  va_end(ap);
  return status;
}
CRT NTSTATUS N(RtlStringCchPrintfEx)(T *pszDest, size_t cchDest, T **ppszDestEnd, size_t *pcchRemaining, ULONG dwFlags, const T *pszFormat, ...) {
  va_list ap;
  va_start(ap, pszFormat);
  NTSTATUS status = N(RtlStringCchVPrintfEx)(pszDest, cchDest, ppszDestEnd, pcchRemaining, dwFlags, pszFormat, ap);
  va_end(ap);
  return status;
}
CRT NTSTATUS N(RtlStringCbPrintfEx)(T *pszDest, size_t cbDest, T **ppszDestEnd, size_t *pcbRemaining, ULONG dwFlags, const T *pszFormat, ...) {
  va_list ap;
  va_start(ap, pszFormat);
  NTSTATUS status = N(RtlStringCbVPrintfEx)(pszDest, cbDest, ppszDestEnd, pcbRemaining, dwFlags, pszFormat, ap);
  va_end(ap);
  return status;
}

/* Lengths: the string must end within the maximum; the length excludes the terminator. */
CRT NTSTATUS N(RtlStringCchLength)(const T *psz, size_t cchMax, size_t *pcchLength) {
  size_t n = 0;
  if (psz == NULL || cchMax == 0 || cchMax > NTSTRSAFE_MAX_CCH) goto invalid;
  while (n < cchMax && psz[n]) n++;
  if (n == cchMax) goto invalid;
  if (pcchLength) *pcchLength = n;
  return STATUS_SUCCESS;
invalid:
  if (pcchLength) *pcchLength = 0;
  return STATUS_INVALID_PARAMETER;
}
CRT NTSTATUS N(RtlStringCbLength)(const T *psz, size_t cbMax, size_t *pcbLength) {
  size_t cch = 0;
  NTSTATUS status = N(RtlStringCchLength)(psz, cbMax / sizeof(T), &cch);
  if (pcbLength) *pcbLength = cch * sizeof(T);
  return status;
}
