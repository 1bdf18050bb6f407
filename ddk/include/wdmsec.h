/*
 * wdmsec.h - the SDDL strings for device objects that IoCreateDeviceSecure takes
 * (src/kernel/io/device-access.ts). In the WDK both come from wdmsec.lib; here the routine is the
 * kernel's, declared with the other I/O DDIs (dv/iodevice.h), and the strings are constants of this
 * header. Our own text; the SDDL values are the documented ones.
 */
#ifndef DV_WDMSEC_H
#define DV_WDMSEC_H

#include <wdm.h>

#define DV_SDDL_CONSTANT(Name, Text) \
  static const UNICODE_STRING Name __attribute__((unused)) = {sizeof(Text) - sizeof(WCHAR), sizeof(Text), (PWCH)(Text)}

DV_SDDL_CONSTANT(SDDL_DEVOBJ_KERNEL_ONLY, L"D:P");
#define SDDL_DEVOBJ_INF_SUPPLIED SDDL_DEVOBJ_KERNEL_ONLY
DV_SDDL_CONSTANT(SDDL_DEVOBJ_SYS_ALL, L"D:P(A;;GA;;;SY)");
DV_SDDL_CONSTANT(SDDL_DEVOBJ_SYS_ALL_ADM_ALL, L"D:P(A;;GA;;;SY)(A;;GA;;;BA)");
DV_SDDL_CONSTANT(SDDL_DEVOBJ_SYS_ALL_ADM_RX, L"D:P(A;;GA;;;SY)(A;;GRGX;;;BA)");
DV_SDDL_CONSTANT(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R, L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)");
DV_SDDL_CONSTANT(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R, L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)(A;;GR;;;RC)");
DV_SDDL_CONSTANT(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R, L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)");
DV_SDDL_CONSTANT(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX, L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)");

#endif /* DV_WDMSEC_H */
