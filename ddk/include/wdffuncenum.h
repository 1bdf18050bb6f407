/*
 * <wdffuncenum.h>: the WDK numbers each DDI's slot in a function table. Drivers here bind each DDI
 * as an import (wdf.h), so there is no table; the version the driver was built for is kept.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFFUNCENUM_H_
#define _WDFFUNCENUM_H_

#ifdef KMDF_MINIMUM_VERSION_REQUIRED
#define DV_WDF_MINIMUM_VERSION KMDF_MINIMUM_VERSION_REQUIRED
#else
#define DV_WDF_MINIMUM_VERSION KMDF_VERSION_MINOR
#endif

#ifndef WDF_STUB
__declspec(selectany) ULONG WdfMinimumVersionRequired = DV_WDF_MINIMUM_VERSION;
#endif

#endif /* _WDFFUNCENUM_H_ */
