/*
 * <wdfdpc.h>: WDFDPC. EvtDpcFunc runs at DISPATCH_LEVEL once per enqueue while the DPC is not
 * already queued. Its parent must be a device or an object under one.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFDPC_H_
#define _WDFDPC_H_

EXTERN_C_START

typedef VOID EVT_WDF_DPC(WDFDPC Dpc);
typedef EVT_WDF_DPC *PFN_WDF_DPC;

typedef struct _WDF_DPC_CONFIG {
  ULONG Size;
  PFN_WDF_DPC EvtDpcFunc;
  BOOLEAN AutomaticSerialization;
} WDF_DPC_CONFIG, *PWDF_DPC_CONFIG;

FORCEINLINE VOID WDF_DPC_CONFIG_INIT(PWDF_DPC_CONFIG Config, PFN_WDF_DPC EvtDpcFunc) {
  RtlZeroMemory(Config, sizeof(WDF_DPC_CONFIG));
  Config->Size = sizeof(WDF_DPC_CONFIG);
  Config->EvtDpcFunc = EvtDpcFunc;
  Config->AutomaticSerialization = TRUE;
}

WDF_IMPORT(WdfDpcCreate)
NTSTATUS WdfDpcCreate(PWDF_DPC_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes, WDFDPC *Dpc);

WDF_IMPORT(WdfDpcEnqueue)
BOOLEAN WdfDpcEnqueue(WDFDPC Dpc);

WDF_IMPORT(WdfDpcCancel)
BOOLEAN WdfDpcCancel(WDFDPC Dpc, BOOLEAN Wait);

WDF_IMPORT(WdfDpcGetParentObject)
WDFOBJECT WdfDpcGetParentObject(WDFDPC Dpc);

WDF_IMPORT(WdfDpcWdmGetDpc)
PKDPC WdfDpcWdmGetDpc(WDFDPC Dpc);

EXTERN_C_END

#endif /* _WDFDPC_H_ */
