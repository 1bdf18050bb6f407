/*
 * KmdfNonPnp: a non-PnP KMDF driver with a control device and a sequential default queue. It keeps
 * a small buffer per device: IOCTL_KMDFNONPNP_SET stores the input (METHOD_BUFFERED),
 * IOCTL_KMDFNONPNP_GET returns it (METHOD_BUFFERED); a write stores its bytes, a read returns them.
 */
#pragma once
#include <ntddk.h>
#include <wdf.h>

#define KMDFNONPNP_DEVICE_NAME L"\\Device\\KmdfNonPnp"
#define KMDFNONPNP_LINK_NAME L"\\DosDevices\\KmdfNonPnp"
#define KMDFNONPNP_TAG 'PnmK'
#define KMDFNONPNP_BUFFER_SIZE 64

#define IOCTL_KMDFNONPNP_SET CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFNONPNP_GET CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Direct I/O: the stored bytes, through the output buffer's MDL. */
#define IOCTL_KMDFNONPNP_GET_DIRECT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
/* Neither I/O: the caller's input buffer, probed and locked in its own context (EvtIoInCallerContext). */
#define IOCTL_KMDFNONPNP_SET_NEITHER CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_NEITHER, FILE_ANY_ACCESS)

typedef struct _CONTROL_DEVICE_CONTEXT {
  ULONG Length;
  UCHAR Data[KMDFNONPNP_BUFFER_SIZE];
  ULONG OpenCount;
} CONTROL_DEVICE_CONTEXT, *PCONTROL_DEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(CONTROL_DEVICE_CONTEXT, ControlGetContext)

/* What EvtIoInCallerContext leaves a neither-I/O request: its locked input buffer. */
typedef struct _REQUEST_CONTEXT {
  WDFMEMORY InputMemory;
} REQUEST_CONTEXT, *PREQUEST_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(REQUEST_CONTEXT, RequestGetContext)

typedef struct _FILE_CONTEXT {
  ULONG Requests;
} FILE_CONTEXT, *PFILE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(FILE_CONTEXT, FileGetContext)

DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_UNLOAD KmdfNonPnpEvtDriverUnload;
EVT_WDF_DEVICE_FILE_CREATE KmdfNonPnpEvtDeviceFileCreate;
EVT_WDF_FILE_CLOSE KmdfNonPnpEvtFileClose;
EVT_WDF_IO_QUEUE_IO_READ KmdfNonPnpEvtIoRead;
EVT_WDF_IO_QUEUE_IO_WRITE KmdfNonPnpEvtIoWrite;
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL KmdfNonPnpEvtIoDeviceControl;
EVT_WDF_IO_IN_CALLER_CONTEXT KmdfNonPnpEvtIoInCallerContext;

#ifdef KMDFNONPNP_BUGS
/* The twin's misuses, by IOCTL (KmdfNonPnpBugs/bugs.c): TRUE when the code was one of them. */
BOOLEAN KmdfNonPnpBug(WDFQUEUE Queue, WDFREQUEST Request, ULONG IoControlCode);
#endif
