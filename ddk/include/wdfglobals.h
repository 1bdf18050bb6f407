/*
 * <wdfglobals.h>: WDF_DRIVER_GLOBALS, the per-driver block the framework fills when it binds the
 * driver's imports. `WdfDriverGlobals` is the driver's pointer to it: an import of the driver's
 * variable (default visibility, as ntoskrnl's exported data), bound by the loader to a cell the
 * framework owns.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFGLOBALS_H_
#define _WDFGLOBALS_H_

EXTERN_C_START

typedef struct _WDF_DRIVER_GLOBALS {
  WDFDRIVER Driver;
  ULONG DriverFlags;
  ULONG DriverTag;
  CHAR DriverName[32];
  BOOLEAN DisplaceDriverUnload;
} WDF_DRIVER_GLOBALS, *PWDF_DRIVER_GLOBALS;

extern __attribute__((visibility("default"))) PWDF_DRIVER_GLOBALS WdfDriverGlobals;

EXTERN_C_END

#endif /* _WDFGLOBALS_H_ */
