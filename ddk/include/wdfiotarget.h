/*
 * <wdfiotarget.h>: WDFIOTARGET. A device's local target (WdfDeviceGetIoTarget) is the next-lower
 * device of its stack; requests go to it with WdfRequestSend (wdfrequest.h).
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFIOTARGET_H_
#define _WDFIOTARGET_H_

EXTERN_C_START

typedef enum _WDF_IO_TARGET_STATE {
  WdfIoTargetStateUndefined = 0,
  WdfIoTargetStarted,
  WdfIoTargetStopped,
  WdfIoTargetClosedForQueryRemove,
  WdfIoTargetClosed,
  WdfIoTargetDeleted,
} WDF_IO_TARGET_STATE, *PWDF_IO_TARGET_STATE;

WDF_IMPORT(WdfIoTargetGetDevice)
WDFDEVICE WdfIoTargetGetDevice(WDFIOTARGET IoTarget);

WDF_IMPORT(WdfIoTargetWdmGetTargetDeviceObject)
PDEVICE_OBJECT WdfIoTargetWdmGetTargetDeviceObject(WDFIOTARGET IoTarget);

EXTERN_C_END

#endif /* _WDFIOTARGET_H_ */
