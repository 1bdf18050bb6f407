/*
 * KmdfPnp: a KMDF PnP function driver. EvtDriverDeviceAdd creates the device with PnP/power
 * callbacks (each says so with DbgPrint), a device interface, a sequential power-managed default
 * queue with EvtIoStop/EvtIoResume, a timer, a DPC, a work item, a spin lock and a wait lock.
 * DriverEntry prints the framework's version string. IOCTL_KMDFPNP_ECHO returns its input;
 * IOCTL_KMDFPNP_TICK waits (cancelable) for the timer, whose callback queues a DPC, which queues the work item, which
 * counts the tick, unmarks the request and completes it with the count;
 * IOCTL_KMDFPNP_HOLD stays pending until the queue stops (EvtIoStop acknowledges it on a
 * power-down, cancels it on a purge). With resources (a memory range and an interrupt), the
 * device's WDFINTERRUPT is connected in D0 and IOCTL_KMDFPNP_RING writes the doorbell register:
 * the ISR queues the DPC, which completes the request with the interrupt count. A read returns 'K'
 * bytes.
 *
 * KMDFPNP_NO_IO_STOP (the KmdfPnpNoIoStop twin) leaves out EvtIoStop: a held request keeps the
 * device from leaving D0. KMDFPNP_IDLE (the KmdfPnpIdle variant) powers the device down after
 * 100 ms without requests (WdfDeviceAssignS0IdleSettings). KMDFPNP_WAKE (the KmdfPnpWake variant, with
 * KMDFPNP_IDLE) arms the device to wake from S0 idle and from a system sleep (../KmdfPnpWake/wake.c).
 *
 * The I/O target to the lower device (WdfDeviceGetIoTarget): IOCTL_KMDFPNP_LOWER reuses the device's
 * own request (WdfRequestCreate in EvtDriverDeviceAdd) to send IOCTL_KMDFPNP_LOWER_QUERY down
 * synchronously (WdfIoTargetSendIoctlSynchronously, with a timeout) and returns the status the lower
 * device answered; IOCTL_KMDFPNP_FORWARD forwards the request itself, asynchronously, and its
 * completion routine completes it with the lower device's status. KMDFPNP_RESEND (the KmdfPnpResend
 * twin) stops the target for a reset, sends the device's request asynchronously (it waits in the
 * stopped target) and, seeing no answer, sends it again: 0x10D/0x6/0x3 REQUEST_ALREADY_SENT.
 */
#pragma once
#include <ntddk.h>
#include <wdf.h>

#define KMDFPNP_TAG 'PdmK'

#define IOCTL_KMDFPNP_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFPNP_TICK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFPNP_HOLD CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFPNP_RING CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFPNP_LOWER CTL_CODE(FILE_DEVICE_UNKNOWN, 0x820, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFPNP_FORWARD CTL_CODE(FILE_DEVICE_UNKNOWN, 0x821, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* What KmdfPnp asks the lower device (a PDO of the root bus answers it STATUS_INVALID_DEVICE_REQUEST). */
#define IOCTL_KMDFPNP_LOWER_QUERY CTL_CODE(FILE_DEVICE_UNKNOWN, 0x830, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _DEVICE_CONTEXT {
  WDFTIMER Timer;
  WDFDPC Dpc;
  WDFWORKITEM WorkItem;
  WDFSPINLOCK Lock;
  WDFWAITLOCK WaitLock;
  /* The request IOCTL_KMDFPNP_TICK or _HOLD keeps (under Lock). */
  WDFREQUEST Pending;
  WDFINTERRUPT Interrupt;
  /* The first memory resource, mapped in EvtDevicePrepareHardware: its register 0 rings the interrupt. */
  PULONG Registers;
  SIZE_T RegistersLength;
  ULONG Ticks;
  ULONG Interrupts;
  ULONG Resources;
  /* The device's own request to the lower device, reused for each IOCTL_KMDFPNP_LOWER. */
  WDFREQUEST LowerRequest;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, DeviceGetContext)

DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_DEVICE_ADD KmdfPnpEvtDeviceAdd;
EVT_WDF_OBJECT_CONTEXT_CLEANUP KmdfPnpEvtDeviceCleanup;
EVT_WDF_DEVICE_PREPARE_HARDWARE KmdfPnpEvtDevicePrepareHardware;
EVT_WDF_DEVICE_RELEASE_HARDWARE KmdfPnpEvtDeviceReleaseHardware;
EVT_WDF_DEVICE_D0_ENTRY KmdfPnpEvtDeviceD0Entry;
EVT_WDF_DEVICE_D0_EXIT KmdfPnpEvtDeviceD0Exit;
EVT_WDF_DEVICE_SELF_MANAGED_IO_INIT KmdfPnpEvtDeviceSelfManagedIoInit;
EVT_WDF_DEVICE_SELF_MANAGED_IO_SUSPEND KmdfPnpEvtDeviceSelfManagedIoSuspend;
EVT_WDF_DEVICE_SELF_MANAGED_IO_RESTART KmdfPnpEvtDeviceSelfManagedIoRestart;
EVT_WDF_DEVICE_SELF_MANAGED_IO_FLUSH KmdfPnpEvtDeviceSelfManagedIoFlush;
EVT_WDF_DEVICE_SELF_MANAGED_IO_CLEANUP KmdfPnpEvtDeviceSelfManagedIoCleanup;
EVT_WDF_DEVICE_SURPRISE_REMOVAL KmdfPnpEvtDeviceSurpriseRemoval;
EVT_WDF_DEVICE_QUERY_REMOVE KmdfPnpEvtDeviceQueryRemove;
EVT_WDF_DEVICE_QUERY_STOP KmdfPnpEvtDeviceQueryStop;
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL KmdfPnpEvtIoDeviceControl;
EVT_WDF_IO_QUEUE_IO_READ KmdfPnpEvtIoRead;
EVT_WDF_IO_QUEUE_IO_STOP KmdfPnpEvtIoStop;
EVT_WDF_IO_QUEUE_IO_RESUME KmdfPnpEvtIoResume;
EVT_WDF_REQUEST_CANCEL KmdfPnpEvtRequestCancel;
EVT_WDF_TIMER KmdfPnpEvtTimer;
EVT_WDF_INTERRUPT_ISR KmdfPnpEvtInterruptIsr;
EVT_WDF_INTERRUPT_DPC KmdfPnpEvtInterruptDpc;
EVT_WDF_INTERRUPT_ENABLE KmdfPnpEvtInterruptEnable;
EVT_WDF_INTERRUPT_DISABLE KmdfPnpEvtInterruptDisable;
EVT_WDF_DPC KmdfPnpEvtDpc;
EVT_WDF_WORKITEM KmdfPnpEvtWorkItem;

#ifdef KMDFPNP_WAKE
VOID KmdfPnpWakeInit(PWDFDEVICE_INIT DeviceInit);
NTSTATUS KmdfPnpWakeAssign(WDFDEVICE Device);
#endif
EVT_WDF_REQUEST_COMPLETION_ROUTINE KmdfPnpEvtForwardComplete;
