/* MyDriver: shared declarations. */
#pragma once
#include <ntddk.h>

#define MYDRIVER_TAG 'vrdm' /* shows as "mdrv" */
#define WORK_BUFFER_SIZE 0x1008
#define HEADER_SIZE 8

#define IOCTL_MYDRIVER_PROCESS CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_NEITHER, FILE_ANY_ACCESS)

/* The request being worked on, kept in the device extension. */
typedef struct _DEVICE_EXTENSION {
    PIRP Irp;
    PVOID Buffer;
    PMDL Mdl;
    PIO_WORKITEM WorkItem;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_DISPATCH AllIRPDispatch;
DRIVER_DISPATCH NonPNPIRPDispatch;
DRIVER_DISPATCH DeviceControlDispatch;
IO_WORKITEM_ROUTINE ProcessRequestWorker;
PIO_WORKITEM GetNecessaryObjects(PDEVICE_OBJECT DeviceObject);
NTSTATUS CompleteRequest(PIRP Irp, NTSTATUS Status, ULONG_PTR Information);
