/*
 * <wdfresource.h>: WDFCMRESLIST, the framework's view of IRP_MN_START_DEVICE's raw and translated
 * CM_RESOURCE_LISTs, given to EvtDevicePrepareHardware and EvtDeviceReleaseHardware.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFRESOURCE_H_
#define _WDFRESOURCE_H_

EXTERN_C_START

WDF_IMPORT(WdfCmResourceListGetCount)
ULONG WdfCmResourceListGetCount(WDFCMRESLIST List);

WDF_IMPORT(WdfCmResourceListGetDescriptor)
PCM_PARTIAL_RESOURCE_DESCRIPTOR WdfCmResourceListGetDescriptor(WDFCMRESLIST List, ULONG Index);

EXTERN_C_END

#endif /* _WDFRESOURCE_H_ */
