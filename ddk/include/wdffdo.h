/*
 * <wdffdo.h>: the init calls of a function or filter driver's device (WDFDEVICE_INIT from
 * EvtDriverDeviceAdd): WdfFdoInitSetFilter makes the device a filter, whose unhandled requests the
 * framework passes to the next-lower driver.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFFDO_H_
#define _WDFFDO_H_

EXTERN_C_START

WDF_IMPORT(WdfFdoInitSetFilter)
VOID WdfFdoInitSetFilter(PWDFDEVICE_INIT DeviceInit);

WDF_IMPORT(WdfFdoInitWdmGetPhysicalDevice)
PDEVICE_OBJECT WdfFdoInitWdmGetPhysicalDevice(PWDFDEVICE_INIT DeviceInit);

EXTERN_C_END

#endif /* _WDFFDO_H_ */
