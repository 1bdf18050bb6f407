/* <wdfio.h>: WDFQUEUE: queue configuration, the EvtIo* handlers, manual retrieval. */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFIO_H_
#define _WDFIO_H_

EXTERN_C_START

typedef enum _WDF_IO_QUEUE_DISPATCH_TYPE {
  WdfIoQueueDispatchInvalid = 0,
  WdfIoQueueDispatchSequential,
  WdfIoQueueDispatchParallel,
  WdfIoQueueDispatchManual,
  WdfIoQueueDispatchMax,
} WDF_IO_QUEUE_DISPATCH_TYPE;

typedef enum _WDF_REQUEST_STOP_ACTION_FLAGS {
  WdfRequestStopActionInvalid = 0,
  WdfRequestStopActionSuspend = 0x01,
  WdfRequestStopActionPurge = 0x2,
  WdfRequestStopRequestCancelable = 0x10000000,
} WDF_REQUEST_STOP_ACTION_FLAGS;

typedef VOID EVT_WDF_IO_QUEUE_IO_DEFAULT(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_DEFAULT *PFN_WDF_IO_QUEUE_IO_DEFAULT;
typedef VOID EVT_WDF_IO_QUEUE_IO_STOP(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags);
typedef EVT_WDF_IO_QUEUE_IO_STOP *PFN_WDF_IO_QUEUE_IO_STOP;
typedef VOID EVT_WDF_IO_QUEUE_IO_RESUME(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_RESUME *PFN_WDF_IO_QUEUE_IO_RESUME;
typedef VOID EVT_WDF_IO_QUEUE_IO_READ(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_READ *PFN_WDF_IO_QUEUE_IO_READ;
typedef VOID EVT_WDF_IO_QUEUE_IO_WRITE(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_WRITE *PFN_WDF_IO_QUEUE_IO_WRITE;
typedef VOID EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength, size_t InputBufferLength,
                                                ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL;
typedef VOID EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                                                         size_t InputBufferLength, ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL;
typedef VOID EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE *PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE;

typedef struct _WDF_IO_QUEUE_CONFIG {
  ULONG Size;
  WDF_IO_QUEUE_DISPATCH_TYPE DispatchType;
  WDF_TRI_STATE PowerManaged;
  BOOLEAN AllowZeroLengthRequests;
  BOOLEAN DefaultQueue;
  PFN_WDF_IO_QUEUE_IO_DEFAULT EvtIoDefault;
  PFN_WDF_IO_QUEUE_IO_READ EvtIoRead;
  PFN_WDF_IO_QUEUE_IO_WRITE EvtIoWrite;
  PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
  PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL EvtIoInternalDeviceControl;
  PFN_WDF_IO_QUEUE_IO_STOP EvtIoStop;
  PFN_WDF_IO_QUEUE_IO_RESUME EvtIoResume;
  PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE EvtIoCanceledOnQueue;
  union {
    struct {
      ULONG NumberOfPresentedRequests;
    } Parallel;
  } Settings;
  WDFDRIVER Driver;
} WDF_IO_QUEUE_CONFIG, *PWDF_IO_QUEUE_CONFIG;

FORCEINLINE VOID WDF_IO_QUEUE_CONFIG_INIT(PWDF_IO_QUEUE_CONFIG Config, WDF_IO_QUEUE_DISPATCH_TYPE DispatchType) {
  RtlZeroMemory(Config, sizeof(WDF_IO_QUEUE_CONFIG));
  Config->Size = sizeof(WDF_IO_QUEUE_CONFIG);
  Config->PowerManaged = WdfUseDefault;
  Config->DispatchType = DispatchType;
  if (Config->DispatchType == WdfIoQueueDispatchParallel) Config->Settings.Parallel.NumberOfPresentedRequests = (ULONG)-1;
}

FORCEINLINE VOID WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(PWDF_IO_QUEUE_CONFIG Config, WDF_IO_QUEUE_DISPATCH_TYPE DispatchType) {
  WDF_IO_QUEUE_CONFIG_INIT(Config, DispatchType);
  Config->DefaultQueue = TRUE;
}

WDF_IMPORT(WdfIoQueueCreate)
NTSTATUS WdfIoQueueCreate(WDFDEVICE Device, PWDF_IO_QUEUE_CONFIG Config, PWDF_OBJECT_ATTRIBUTES QueueAttributes, WDFQUEUE *Queue);

WDF_IMPORT(WdfIoQueueGetDevice)
WDFDEVICE WdfIoQueueGetDevice(WDFQUEUE Queue);

WDF_IMPORT(WdfIoQueueRetrieveNextRequest)
NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE Queue, WDFREQUEST *OutRequest);

/* Queue state changes (power-managed queues stop in Dx and start in D0 on their own). */
typedef VOID EVT_WDF_IO_QUEUE_STATE(WDFQUEUE Queue, WDFCONTEXT Context);
typedef EVT_WDF_IO_QUEUE_STATE *PFN_WDF_IO_QUEUE_STATE;

/* Cleanup and destroy callbacks named for queues (the object model's, wdfobject.h). */
typedef VOID EVT_WDF_IO_QUEUE_CONTEXT_CLEANUP_CALLBACK(WDFOBJECT Queue);
typedef EVT_WDF_IO_QUEUE_CONTEXT_CLEANUP_CALLBACK *PFN_WDF_IO_QUEUE_CONTEXT_CLEANUP_CALLBACK;
typedef VOID EVT_WDF_IO_QUEUE_CONTEXT_DESTROY_CALLBACK(WDFOBJECT Queue);
typedef EVT_WDF_IO_QUEUE_CONTEXT_DESTROY_CALLBACK *PFN_WDF_IO_QUEUE_CONTEXT_DESTROY_CALLBACK;

WDF_IMPORT(WdfIoQueueStart)
VOID WdfIoQueueStart(WDFQUEUE Queue);

WDF_IMPORT(WdfIoQueueStop)
VOID WdfIoQueueStop(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopComplete, WDFCONTEXT Context);

WDF_IMPORT(WdfIoQueueStopSynchronously)
VOID WdfIoQueueStopSynchronously(WDFQUEUE Queue);

WDF_IMPORT(WdfIoQueuePurge)
VOID WdfIoQueuePurge(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE PurgeComplete, WDFCONTEXT Context);

WDF_IMPORT(WdfIoQueuePurgeSynchronously)
VOID WdfIoQueuePurgeSynchronously(WDFQUEUE Queue);

/* Manual queues: searching the waiting requests, taking a found one, the queue's state, the ready notification (queue-find.ts). */
typedef enum _WDF_IO_QUEUE_STATE {
  WdfIoQueueAcceptRequests = 0x01,
  WdfIoQueueDispatchRequests = 0x02,
  WdfIoQueueNoRequests = 0x04,
  WdfIoQueueDriverNoRequests = 0x08,
  WdfIoQueuePnpHeld = 0x10,
} WDF_IO_QUEUE_STATE;

/* Neither requests waiting nor requests the driver owns. */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_IDLE(WDF_IO_QUEUE_STATE State) {
  return ((State & WdfIoQueueNoRequests) && (State & WdfIoQueueDriverNoRequests)) ? TRUE : FALSE;
}
/* Accepting and dispatching. */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_READY(WDF_IO_QUEUE_STATE State) {
  return ((State & WdfIoQueueDispatchRequests) && (State & WdfIoQueueAcceptRequests)) ? TRUE : FALSE;
}
/* Accepting but not dispatching, and the driver owns none of its requests. */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_STOPPED(WDF_IO_QUEUE_STATE State) {
  return (!(State & WdfIoQueueDispatchRequests) && (State & WdfIoQueueAcceptRequests) && (State & WdfIoQueueDriverNoRequests)) ? TRUE : FALSE;
}
/* Not accepting, and empty on both sides. */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_DRAINED(WDF_IO_QUEUE_STATE State) {
  return (!(State & WdfIoQueueAcceptRequests) && (State & WdfIoQueueNoRequests) && (State & WdfIoQueueDriverNoRequests)) ? TRUE : FALSE;
}
/* Purged: as drained (a purge leaves the queue refusing requests, with none waiting or owned). */
FORCEINLINE BOOLEAN WDF_IO_QUEUE_PURGED(WDF_IO_QUEUE_STATE State) {
  return WDF_IO_QUEUE_DRAINED(State);
}

WDF_IMPORT(WdfIoQueueFindRequest)
NTSTATUS WdfIoQueueFindRequest(WDFQUEUE Queue, WDFREQUEST FoundRequest, WDFFILEOBJECT FileObject, PWDF_REQUEST_PARAMETERS Parameters,
                               WDFREQUEST *OutRequest);

WDF_IMPORT(WdfIoQueueRetrieveFoundRequest)
NTSTATUS WdfIoQueueRetrieveFoundRequest(WDFQUEUE Queue, WDFREQUEST FoundRequest, WDFREQUEST *OutRequest);

WDF_IMPORT(WdfIoQueueGetState)
WDF_IO_QUEUE_STATE WdfIoQueueGetState(WDFQUEUE Queue, PULONG QueueRequests, PULONG DriverRequests);

WDF_IMPORT(WdfIoQueueReadyNotify)
NTSTATUS WdfIoQueueReadyNotify(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE QueueReady, WDFCONTEXT Context);

EXTERN_C_END

#endif /* _WDFIO_H_ */
