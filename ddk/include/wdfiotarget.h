/*
 * <wdfiotarget.h>: WDFIOTARGET. A device's local target (WdfDeviceGetIoTarget) is the next-lower
 * device of its stack; a remote target (WdfIoTargetCreate + WdfIoTargetOpen) is any other device,
 * opened by its DEVICE_OBJECT or by name. Requests go to either with WdfRequestSend (wdfrequest.h),
 * or with the formatting and synchronous-send routines here.
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
  WdfIoTargetPurged,
} WDF_IO_TARGET_STATE, *PWDF_IO_TARGET_STATE;

typedef enum _WDF_IO_TARGET_OPEN_TYPE {
  WdfIoTargetOpenUndefined = 0,
  WdfIoTargetOpenUseExistingDevice = 1,
  WdfIoTargetOpenByName = 2,
  WdfIoTargetOpenReopen = 3,
  WdfIoTargetOpenLocalTargetByFile = 4,
} WDF_IO_TARGET_OPEN_TYPE;

typedef enum _WDF_IO_TARGET_SENT_IO_ACTION {
  WdfIoTargetSentIoUndefined = 0,
  WdfIoTargetCancelSentIo,
  WdfIoTargetWaitForSentIoToComplete,
  WdfIoTargetLeaveSentIoPending,
} WDF_IO_TARGET_SENT_IO_ACTION;

typedef enum _WDF_IO_TARGET_PURGE_IO_ACTION {
  WdfIoTargetPurgeIoUndefined = 0,
  WdfIoTargetPurgeIoAndWait = 1,
  WdfIoTargetPurgeIo = 2,
} WDF_IO_TARGET_PURGE_IO_ACTION;

typedef NTSTATUS EVT_WDF_IO_TARGET_QUERY_REMOVE(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_QUERY_REMOVE *PFN_WDF_IO_TARGET_QUERY_REMOVE;
typedef VOID EVT_WDF_IO_TARGET_REMOVE_CANCELED(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_REMOVE_CANCELED *PFN_WDF_IO_TARGET_REMOVE_CANCELED;
typedef VOID EVT_WDF_IO_TARGET_REMOVE_COMPLETE(WDFIOTARGET IoTarget);
typedef EVT_WDF_IO_TARGET_REMOVE_COMPLETE *PFN_WDF_IO_TARGET_REMOVE_COMPLETE;

typedef struct _WDF_IO_TARGET_OPEN_PARAMS {
  ULONG Size;
  WDF_IO_TARGET_OPEN_TYPE Type;
  PFN_WDF_IO_TARGET_QUERY_REMOVE EvtIoTargetQueryRemove;
  PFN_WDF_IO_TARGET_REMOVE_CANCELED EvtIoTargetRemoveCanceled;
  PFN_WDF_IO_TARGET_REMOVE_COMPLETE EvtIoTargetRemoveComplete;
  /* WdfIoTargetOpenUseExistingDevice */
  PDEVICE_OBJECT TargetDeviceObject;
  PFILE_OBJECT TargetFileObject;
  /* WdfIoTargetOpenByName: what ZwCreateFile is given */
  UNICODE_STRING TargetDeviceName;
  ACCESS_MASK DesiredAccess;
  ULONG ShareAccess;
  ULONG FileAttributes;
  ULONG CreateDisposition;
  ULONG CreateOptions;
  PVOID EaBuffer;
  ULONG EaBufferLength;
  PLONGLONG AllocationSize;
  ULONG FileInformation;
  /* WdfIoTargetOpenLocalTargetByFile (UMDF only) */
  UNICODE_STRING FileName;
} WDF_IO_TARGET_OPEN_PARAMS, *PWDF_IO_TARGET_OPEN_PARAMS;

FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_EXISTING_DEVICE(PWDF_IO_TARGET_OPEN_PARAMS Params, PDEVICE_OBJECT DeviceObject) {
  RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
  Params->Size = sizeof(WDF_IO_TARGET_OPEN_PARAMS);
  Params->Type = WdfIoTargetOpenUseExistingDevice;
  Params->TargetDeviceObject = DeviceObject;
}

/* The name's file is replaced if it exists, created if not (KMDF: Size, Type, name, access, CreateOptions). */
FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME(PWDF_IO_TARGET_OPEN_PARAMS Params, PCUNICODE_STRING TargetDeviceName,
                                                               ACCESS_MASK DesiredAccess) {
  RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
  Params->Size = sizeof(WDF_IO_TARGET_OPEN_PARAMS);
  Params->Type = WdfIoTargetOpenByName;
  RtlCopyMemory(&Params->TargetDeviceName, TargetDeviceName, sizeof(UNICODE_STRING));
  Params->DesiredAccess = DesiredAccess;
  Params->CreateOptions = FILE_NON_DIRECTORY_FILE;
}

/* An existing name only (KMDF: CreateDisposition FILE_OPEN). */
FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME(PWDF_IO_TARGET_OPEN_PARAMS Params, PCUNICODE_STRING TargetDeviceName,
                                                             ACCESS_MASK DesiredAccess) {
  WDF_IO_TARGET_OPEN_PARAMS_INIT_CREATE_BY_NAME(Params, TargetDeviceName, DesiredAccess);
  Params->CreateDisposition = FILE_OPEN;
}

/* Reopen what the target had open, with the same parameters (after EvtIoTargetRemoveCanceled). */
FORCEINLINE VOID WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN(PWDF_IO_TARGET_OPEN_PARAMS Params) {
  RtlZeroMemory(Params, sizeof(WDF_IO_TARGET_OPEN_PARAMS));
  Params->Size = sizeof(WDF_IO_TARGET_OPEN_PARAMS);
  Params->Type = WdfIoTargetOpenReopen;
}

WDF_IMPORT(WdfIoTargetCreate)
NTSTATUS WdfIoTargetCreate(WDFDEVICE Device, PWDF_OBJECT_ATTRIBUTES IoTargetAttributes, WDFIOTARGET *IoTarget);

WDF_IMPORT(WdfIoTargetOpen)
NTSTATUS WdfIoTargetOpen(WDFIOTARGET IoTarget, PWDF_IO_TARGET_OPEN_PARAMS OpenParams);

WDF_IMPORT(WdfIoTargetCloseForQueryRemove)
VOID WdfIoTargetCloseForQueryRemove(WDFIOTARGET IoTarget);

WDF_IMPORT(WdfIoTargetClose)
VOID WdfIoTargetClose(WDFIOTARGET IoTarget);

WDF_IMPORT(WdfIoTargetStart)
NTSTATUS WdfIoTargetStart(WDFIOTARGET IoTarget);

WDF_IMPORT(WdfIoTargetStop)
VOID WdfIoTargetStop(WDFIOTARGET IoTarget, WDF_IO_TARGET_SENT_IO_ACTION Action);

WDF_IMPORT(WdfIoTargetPurge)
VOID WdfIoTargetPurge(WDFIOTARGET IoTarget, WDF_IO_TARGET_PURGE_IO_ACTION Action);

WDF_IMPORT(WdfIoTargetGetState)
WDF_IO_TARGET_STATE WdfIoTargetGetState(WDFIOTARGET IoTarget);

WDF_IMPORT(WdfIoTargetWdmGetTargetFileObject)
PFILE_OBJECT WdfIoTargetWdmGetTargetFileObject(WDFIOTARGET IoTarget);

WDF_IMPORT(WdfIoTargetWdmGetTargetPhysicalDevice)
PDEVICE_OBJECT WdfIoTargetWdmGetTargetPhysicalDevice(WDFIOTARGET IoTarget);

WDF_IMPORT(WdfIoTargetWdmGetTargetFileHandle)
HANDLE WdfIoTargetWdmGetTargetFileHandle(WDFIOTARGET IoTarget);

WDF_IMPORT(WdfIoTargetQueryTargetProperty)
NTSTATUS WdfIoTargetQueryTargetProperty(WDFIOTARGET IoTarget, DEVICE_REGISTRY_PROPERTY DeviceProperty, ULONG BufferLength,
                                        PVOID PropertyBuffer, PULONG ResultLength);

WDF_IMPORT(WdfIoTargetAllocAndQueryTargetProperty)
NTSTATUS WdfIoTargetAllocAndQueryTargetProperty(WDFIOTARGET IoTarget, DEVICE_REGISTRY_PROPERTY DeviceProperty, POOL_TYPE PoolType,
                                                PWDF_OBJECT_ATTRIBUTES PropertyMemoryAttributes, WDFMEMORY *PropertyMemory);

/* Formatting a request for a target: the next stack location, and the buffers as memory objects or a driver's buffer. */
WDF_IMPORT(WdfIoTargetFormatRequestForRead)
NTSTATUS WdfIoTargetFormatRequestForRead(WDFIOTARGET IoTarget, WDFREQUEST Request, WDFMEMORY OutputBuffer,
                                         PWDFMEMORY_OFFSET OutputBufferOffset, PLONGLONG DeviceOffset);

WDF_IMPORT(WdfIoTargetFormatRequestForWrite)
NTSTATUS WdfIoTargetFormatRequestForWrite(WDFIOTARGET IoTarget, WDFREQUEST Request, WDFMEMORY InputBuffer,
                                          PWDFMEMORY_OFFSET InputBufferOffset, PLONGLONG DeviceOffset);

WDF_IMPORT(WdfIoTargetFormatRequestForIoctl)
NTSTATUS WdfIoTargetFormatRequestForIoctl(WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode, WDFMEMORY InputBuffer,
                                          PWDFMEMORY_OFFSET InputBufferOffset, WDFMEMORY OutputBuffer,
                                          PWDFMEMORY_OFFSET OutputBufferOffset);

WDF_IMPORT(WdfIoTargetFormatRequestForInternalIoctl)
NTSTATUS WdfIoTargetFormatRequestForInternalIoctl(WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode, WDFMEMORY InputBuffer,
                                                  PWDFMEMORY_OFFSET InputBufferOffset, WDFMEMORY OutputBuffer,
                                                  PWDFMEMORY_OFFSET OutputBufferOffset);

/* Synchronous sends (PASSIVE_LEVEL): Request may be NULL (the framework makes one). */
WDF_IMPORT(WdfIoTargetSendReadSynchronously)
NTSTATUS WdfIoTargetSendReadSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request, PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                                          PLONGLONG DeviceOffset, PWDF_REQUEST_SEND_OPTIONS RequestOptions, PULONG_PTR BytesRead);

WDF_IMPORT(WdfIoTargetSendWriteSynchronously)
NTSTATUS WdfIoTargetSendWriteSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request, PWDF_MEMORY_DESCRIPTOR InputBuffer,
                                           PLONGLONG DeviceOffset, PWDF_REQUEST_SEND_OPTIONS RequestOptions, PULONG_PTR BytesWritten);

WDF_IMPORT(WdfIoTargetSendIoctlSynchronously)
NTSTATUS WdfIoTargetSendIoctlSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode, PWDF_MEMORY_DESCRIPTOR InputBuffer,
                                           PWDF_MEMORY_DESCRIPTOR OutputBuffer, PWDF_REQUEST_SEND_OPTIONS RequestOptions,
                                           PULONG_PTR BytesReturned);

WDF_IMPORT(WdfIoTargetSendInternalIoctlSynchronously)
NTSTATUS WdfIoTargetSendInternalIoctlSynchronously(WDFIOTARGET IoTarget, WDFREQUEST Request, ULONG IoctlCode,
                                                   PWDF_MEMORY_DESCRIPTOR InputBuffer, PWDF_MEMORY_DESCRIPTOR OutputBuffer,
                                                   PWDF_REQUEST_SEND_OPTIONS RequestOptions, PULONG_PTR BytesReturned);

WDF_IMPORT(WdfIoTargetGetDevice)
WDFDEVICE WdfIoTargetGetDevice(WDFIOTARGET IoTarget);

WDF_IMPORT(WdfIoTargetWdmGetTargetDeviceObject)
PDEVICE_OBJECT WdfIoTargetWdmGetTargetDeviceObject(WDFIOTARGET IoTarget);

EXTERN_C_END

#endif /* _WDFIOTARGET_H_ */
