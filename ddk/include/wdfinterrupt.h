/*
 * <wdfinterrupt.h>: WDFINTERRUPT. The framework connects the device's interrupt resource when the
 * device enters D0 (EvtInterruptEnable after D0Entry) and disconnects it when it leaves (after
 * EvtInterruptDisable). EvtInterruptIsr runs at DIRQL; WdfInterruptQueueDpcForIsr leads to
 * EvtInterruptDpc at DISPATCH_LEVEL.
 */
/* Included alone, the header brings in the whole family, in wdf.h's order (this one included there). */
#include <wdf.h>
#ifndef _WDFINTERRUPT_H_
#define _WDFINTERRUPT_H_

EXTERN_C_START

typedef BOOLEAN EVT_WDF_INTERRUPT_ISR(WDFINTERRUPT Interrupt, ULONG MessageID);
typedef EVT_WDF_INTERRUPT_ISR *PFN_WDF_INTERRUPT_ISR;
typedef VOID EVT_WDF_INTERRUPT_DPC(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject);
typedef EVT_WDF_INTERRUPT_DPC *PFN_WDF_INTERRUPT_DPC;
typedef NTSTATUS EVT_WDF_INTERRUPT_ENABLE(WDFINTERRUPT Interrupt, WDFDEVICE AssociatedDevice);
typedef EVT_WDF_INTERRUPT_ENABLE *PFN_WDF_INTERRUPT_ENABLE;
typedef NTSTATUS EVT_WDF_INTERRUPT_DISABLE(WDFINTERRUPT Interrupt, WDFDEVICE AssociatedDevice);
typedef EVT_WDF_INTERRUPT_DISABLE *PFN_WDF_INTERRUPT_DISABLE;
typedef VOID EVT_WDF_INTERRUPT_WORKITEM(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject);
typedef EVT_WDF_INTERRUPT_WORKITEM *PFN_WDF_INTERRUPT_WORKITEM;
typedef BOOLEAN EVT_WDF_INTERRUPT_SYNCHRONIZE(WDFINTERRUPT Interrupt, WDFCONTEXT Context);
typedef EVT_WDF_INTERRUPT_SYNCHRONIZE *PFN_WDF_INTERRUPT_SYNCHRONIZE;

typedef struct _WDF_INTERRUPT_CONFIG {
  ULONG Size;
  WDFSPINLOCK SpinLock;
  WDF_TRI_STATE ShareVector;
  BOOLEAN FloatingSave;
  BOOLEAN AutomaticSerialization;
  PFN_WDF_INTERRUPT_ISR EvtInterruptIsr;
  PFN_WDF_INTERRUPT_DPC EvtInterruptDpc;
  PFN_WDF_INTERRUPT_ENABLE EvtInterruptEnable;
  PFN_WDF_INTERRUPT_DISABLE EvtInterruptDisable;
  PFN_WDF_INTERRUPT_WORKITEM EvtInterruptWorkItem;
  PCM_PARTIAL_RESOURCE_DESCRIPTOR InterruptRaw;
  PCM_PARTIAL_RESOURCE_DESCRIPTOR InterruptTranslated;
  WDFWAITLOCK WaitLock;
  BOOLEAN PassiveHandling;
  WDF_TRI_STATE ReportInactiveOnPowerDown;
  BOOLEAN CanWakeDevice;
} WDF_INTERRUPT_CONFIG, *PWDF_INTERRUPT_CONFIG;

FORCEINLINE VOID WDF_INTERRUPT_CONFIG_INIT(PWDF_INTERRUPT_CONFIG Configuration, PFN_WDF_INTERRUPT_ISR EvtInterruptIsr,
                                           PFN_WDF_INTERRUPT_DPC EvtInterruptDpc) {
  RtlZeroMemory(Configuration, sizeof(WDF_INTERRUPT_CONFIG));
  Configuration->Size = sizeof(WDF_INTERRUPT_CONFIG);
  Configuration->ShareVector = WdfUseDefault;
  Configuration->EvtInterruptIsr = EvtInterruptIsr;
  Configuration->EvtInterruptDpc = EvtInterruptDpc;
  Configuration->ReportInactiveOnPowerDown = WdfUseDefault;
}

WDF_IMPORT(WdfInterruptCreate)
NTSTATUS WdfInterruptCreate(WDFDEVICE Device, PWDF_INTERRUPT_CONFIG Configuration, PWDF_OBJECT_ATTRIBUTES Attributes,
                            WDFINTERRUPT *Interrupt);

WDF_IMPORT(WdfInterruptQueueDpcForIsr)
BOOLEAN WdfInterruptQueueDpcForIsr(WDFINTERRUPT Interrupt);

WDF_IMPORT(WdfInterruptGetDevice)
WDFDEVICE WdfInterruptGetDevice(WDFINTERRUPT Interrupt);

WDF_IMPORT(WdfInterruptSynchronize)
BOOLEAN WdfInterruptSynchronize(WDFINTERRUPT Interrupt, PFN_WDF_INTERRUPT_SYNCHRONIZE Callback, WDFCONTEXT Context);

WDF_IMPORT(WdfInterruptAcquireLock)
VOID WdfInterruptAcquireLock(WDFINTERRUPT Interrupt);

WDF_IMPORT(WdfInterruptReleaseLock)
VOID WdfInterruptReleaseLock(WDFINTERRUPT Interrupt);

EXTERN_C_END

#endif /* _WDFINTERRUPT_H_ */
