/*
 * format.h - the driver runtime's one printf engine, shared by <ntstrsafe.h> and <stdio.h>.
 * Narrow or wide format, narrow or wide output; the conversions are listed in ntstrsafe.h.
 */
#ifndef DV_CRT_FORMAT_H
#define DV_CRT_FORMAT_H

#include <ntdef.h>

typedef struct _DV_OUTPUT {
  void *Buffer;    /* CHAR or WCHAR elements, as Wide says; NULL to only count */
  size_t Capacity; /* elements that may be written */
  size_t Length;   /* elements written */
  size_t Total;    /* elements the whole result has, written or not */
  BOOLEAN Wide;
} DV_OUTPUT;

/*
 * Format into o. With a wide format (WideFormat), %s and %c take wide arguments and %S/%C narrow ones,
 * as in MSVC's wide printf; with a narrow one, the reverse. %hs/%ls/%ws are narrow/wide everywhere.
 */
void __dv_format(DV_OUTPUT *o, const void *Format, BOOLEAN WideFormat, va_list ap);

#endif /* DV_CRT_FORMAT_H */
