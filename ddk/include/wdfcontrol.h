/* <wdfcontrol.h>: control devices (no device stack, no PnP): allocate an init, create, finish. */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFCONTROL_H_
#define _WDFCONTROL_H_

EXTERN_C_START

typedef enum _WDF_DEVICE_SHUTDOWN_FLAGS {
  WdfDeviceShutdown = 0x01,
  WdfDeviceLastChanceShutdown = 0x02,
} WDF_DEVICE_SHUTDOWN_FLAGS;

typedef VOID EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION(WDFDEVICE Device);
typedef EVT_WDF_DEVICE_SHUTDOWN_NOTIFICATION *PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION;

WDF_IMPORT(WdfControlDeviceInitAllocate)
PWDFDEVICE_INIT WdfControlDeviceInitAllocate(WDFDRIVER Driver, CONST UNICODE_STRING *SDDLString);

WDF_IMPORT(WdfControlDeviceInitSetShutdownNotification)
VOID WdfControlDeviceInitSetShutdownNotification(PWDFDEVICE_INIT DeviceInit, PFN_WDF_DEVICE_SHUTDOWN_NOTIFICATION Notification, UCHAR Flags);

WDF_IMPORT(WdfControlFinishInitializing)
VOID WdfControlFinishInitializing(WDFDEVICE Device);

EXTERN_C_END

#endif /* _WDFCONTROL_H_ */
