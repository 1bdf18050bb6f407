/* SampleIo: a driver that does everything right. Shared declarations. */
#pragma once
#include <ntddk.h>

#define SAMPLEIO_TAG 'oIpS' /* shows as "SpIo" */
#define SAMPLEIO_DATA_SIZE 256

#define IOCTL_SAMPLEIO_CHECKSUM  CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SAMPLEIO_STORE     CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_IN_DIRECT, FILE_WRITE_ACCESS)
#define IOCTL_SAMPLEIO_FETCH     CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_OUT_DIRECT, FILE_READ_ACCESS)
#define IOCTL_SAMPLEIO_XOR       CTL_CODE(FILE_DEVICE_UNKNOWN, 0x903, METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_SAMPLEIO_WAIT_TICK CTL_CODE(FILE_DEVICE_UNKNOWN, 0x904, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _DEVICE_EXTENSION {
    /* Data stored by IOCTL_SAMPLEIO_STORE, returned by IOCTL_SAMPLEIO_FETCH. */
    UCHAR Data[SAMPLEIO_DATA_SIZE];
    ULONG DataLength;
    /* CRC-32 table, built by the system thread at load. */
    ULONG CrcTable[256];
    KEVENT TableReady;
    HANDLE TableThread;
    /* Pending IOCTL_SAMPLEIO_WAIT_TICK requests, completed by the timer's DPC. */
    IO_CSQ Queue;
    LIST_ENTRY PendingIrps;
    KSPIN_LOCK QueueLock;
    KTIMER Timer;
    KDPC TickDpc;
    ULONG Ticks;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

extern PDEVICE_EXTENSION SampleIoExtension;

DRIVER_DISPATCH SampleIoCreateClose;
DRIVER_DISPATCH SampleIoCleanup;
DRIVER_DISPATCH SampleIoDeviceControl;
KSTART_ROUTINE SampleIoBuildCrcTable;
KDEFERRED_ROUTINE SampleIoTick;
VOID SampleIoInitializeQueue(PDEVICE_EXTENSION Ext);
NTSTATUS SampleIoQueueForTick(PDEVICE_EXTENSION Ext, PIRP Irp);
VOID SampleIoCancelAll(PDEVICE_EXTENSION Ext);
