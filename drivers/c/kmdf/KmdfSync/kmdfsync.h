/*
 * KmdfSync: a non-PnP KMDF driver whose control device asks for device-level synchronization
 * (WdfSynchronizationScopeDevice): its two queues' callbacks and its timer (AutomaticSerialization)
 * run one at a time under the device's callback lock, so they share the device context without a
 * lock of their own. A work item (which cannot serialize with a dispatch-level device) takes the
 * same lock with WdfObjectAcquireLock.
 * - IOCTL_KMDFSYNC_TICK: kept until the timer fires (10 ms); completed with the tick count.
 * - IOCTL_KMDFSYNC_WORK: kept until the work item has run; completed with the tick count.
 * - IOCTL_KMDFSYNC_IRQL: completed with the IRQL its callback runs at (4 bytes).
 * - reads (a second, parallel queue): the tick count (4 bytes).
 * KMDFSYNC_PASSIVE builds the same driver with WdfExecutionLevelPassive: the device's lock is a
 * fast mutex, the callbacks run at PASSIVE_LEVEL, the timer is a passive one-shot timer and the
 * work item serializes with the device automatically.
 * KMDFSYNC_BUGS adds the twin's misuses (bugs.h).
 */
#pragma once
#include <ntddk.h>
#include <wdf.h>

#define KMDFSYNC_DEVICE_NAME L"\\Device\\KmdfSync"
#define KMDFSYNC_TAG 'cySK'

#define IOCTL_KMDFSYNC_TICK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFSYNC_WORK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFSYNC_IRQL CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* The twin's misuses (KMDFSYNC_BUGS). */
#define IOCTL_KMDFSYNC_BUG_WAIT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x810, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFSYNC_BUG_RECURSIVE_LOCK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x811, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFSYNC_BUG_TIMER_LOCK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x812, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFSYNC_BUG_PASSIVE_DDI CTL_CODE(FILE_DEVICE_UNKNOWN, 0x813, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _DEVICE_CONTEXT {
  ULONG Ticks;
  WDFTIMER Timer;
  WDFWORKITEM WorkItem;
  /* The requests kept for the timer and the work item (one of each at a time). */
  WDFREQUEST TickRequest;
  WDFREQUEST WorkRequest;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, DeviceGetContext)

DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_UNLOAD KmdfSyncEvtDriverUnload;
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL KmdfSyncEvtIoDeviceControl;
EVT_WDF_IO_QUEUE_IO_READ KmdfSyncEvtIoRead;
EVT_WDF_TIMER KmdfSyncEvtTimer;
EVT_WDF_WORKITEM KmdfSyncEvtWorkItem;
