/*
 * <wdfworkitem.h>: WDFWORKITEM. EvtWorkItemFunc runs at PASSIVE_LEVEL in a system worker thread;
 * enqueueing one already queued does nothing. Its parent must be a device or an object under one.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFWORKITEM_H_
#define _WDFWORKITEM_H_

EXTERN_C_START

typedef VOID EVT_WDF_WORKITEM(WDFWORKITEM WorkItem);
typedef EVT_WDF_WORKITEM *PFN_WDF_WORKITEM;

typedef struct _WDF_WORKITEM_CONFIG {
  ULONG Size;
  PFN_WDF_WORKITEM EvtWorkItemFunc;
  BOOLEAN AutomaticSerialization;
} WDF_WORKITEM_CONFIG, *PWDF_WORKITEM_CONFIG;

FORCEINLINE VOID WDF_WORKITEM_CONFIG_INIT(PWDF_WORKITEM_CONFIG Config, PFN_WDF_WORKITEM EvtWorkItemFunc) {
  RtlZeroMemory(Config, sizeof(WDF_WORKITEM_CONFIG));
  Config->Size = sizeof(WDF_WORKITEM_CONFIG);
  Config->EvtWorkItemFunc = EvtWorkItemFunc;
  Config->AutomaticSerialization = TRUE;
}

WDF_IMPORT(WdfWorkItemCreate)
NTSTATUS WdfWorkItemCreate(PWDF_WORKITEM_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes, WDFWORKITEM *WorkItem);

WDF_IMPORT(WdfWorkItemEnqueue)
VOID WdfWorkItemEnqueue(WDFWORKITEM WorkItem);

WDF_IMPORT(WdfWorkItemFlush)
VOID WdfWorkItemFlush(WDFWORKITEM WorkItem);

WDF_IMPORT(WdfWorkItemGetParentObject)
WDFOBJECT WdfWorkItemGetParentObject(WDFWORKITEM WorkItem);

EXTERN_C_END

#endif /* _WDFWORKITEM_H_ */
