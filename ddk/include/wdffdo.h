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

/* A bus driver's children: static ones the driver adds, and the default dynamic child list. */
WDF_IMPORT(WdfFdoAddStaticChild)
NTSTATUS WdfFdoAddStaticChild(WDFDEVICE Fdo, WDFDEVICE Child);

WDF_IMPORT(WdfFdoLockStaticChildListForIteration)
VOID WdfFdoLockStaticChildListForIteration(WDFDEVICE Fdo);

WDF_IMPORT(WdfFdoRetrieveNextStaticChild)
WDFDEVICE WdfFdoRetrieveNextStaticChild(WDFDEVICE Fdo, WDFDEVICE PreviousChild, ULONG Flags);

WDF_IMPORT(WdfFdoUnlockStaticChildListFromIteration)
VOID WdfFdoUnlockStaticChildListFromIteration(WDFDEVICE Fdo);

WDF_IMPORT(WdfFdoInitSetDefaultChildListConfig)
VOID WdfFdoInitSetDefaultChildListConfig(PWDFDEVICE_INIT DeviceInit, PWDF_CHILD_LIST_CONFIG Config, PWDF_OBJECT_ATTRIBUTES DefaultChildListAttributes);

WDF_IMPORT(WdfFdoGetDefaultChildList)
WDFCHILDLIST WdfFdoGetDefaultChildList(WDFDEVICE Fdo);

WDF_IMPORT(WdfFdoQueryForInterface)
NTSTATUS WdfFdoQueryForInterface(WDFDEVICE Fdo, LPCGUID InterfaceType, PINTERFACE Interface, USHORT Size, USHORT Version, PVOID InterfaceSpecificData);

EXTERN_C_END

#endif /* _WDFFDO_H_ */
