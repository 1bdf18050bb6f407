/*
 * The cancel-safe queue of IOCTL_SAMPLEIO_WAIT_TICK requests. Each request arms a 10 ms timer;
 * the timer's DPC completes the oldest queued request with the tick count. Cleanup and unload
 * cancel whatever is still queued.
 */
#include "sampleio.h"

#define CONTAINING_EXT(Csq) CONTAINING_RECORD(Csq, DEVICE_EXTENSION, Queue)

static VOID InsertIrp(PIO_CSQ Csq, PIRP Irp)
{
    InsertTailList(&CONTAINING_EXT(Csq)->PendingIrps, &Irp->Tail.Overlay.ListEntry);
}

static VOID RemoveIrp(PIO_CSQ Csq, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}

static PIRP PeekNextIrp(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext)
{
    PLIST_ENTRY head = &CONTAINING_EXT(Csq)->PendingIrps;
    PLIST_ENTRY next = Irp == NULL ? head->Flink : Irp->Tail.Overlay.ListEntry.Flink;

    UNREFERENCED_PARAMETER(PeekContext);
    return next == head ? NULL : CONTAINING_RECORD(next, IRP, Tail.Overlay.ListEntry);
}

static VOID AcquireLock(PIO_CSQ Csq, PKIRQL Irql)
{
    KeAcquireSpinLock(&CONTAINING_EXT(Csq)->QueueLock, Irql);
}

static VOID ReleaseLock(PIO_CSQ Csq, KIRQL Irql)
{
    KeReleaseSpinLock(&CONTAINING_EXT(Csq)->QueueLock, Irql);
}

static VOID CompleteCanceledIrp(PIO_CSQ Csq, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    Irp->IoStatus.Status = STATUS_CANCELLED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

VOID SampleIoInitializeQueue(PDEVICE_EXTENSION Ext)
{
    InitializeListHead(&Ext->PendingIrps);
    KeInitializeSpinLock(&Ext->QueueLock);
    IoCsqInitialize(&Ext->Queue, InsertIrp, RemoveIrp, PeekNextIrp, AcquireLock, ReleaseLock, CompleteCanceledIrp);
}

NTSTATUS SampleIoQueueForTick(PDEVICE_EXTENSION Ext, PIRP Irp)
{
    LARGE_INTEGER due;

    IoCsqInsertIrp(&Ext->Queue, Irp, NULL);
    due.QuadPart = -10 * 1000 * 10; /* 10 ms, relative */
    KeSetTimer(&Ext->Timer, due, &Ext->TickDpc);
    return STATUS_PENDING;
}

VOID SampleIoTick(_In_ PKDPC Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID Arg1, _In_opt_ PVOID Arg2)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    PIRP irp;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    ext->Ticks++;
    irp = IoCsqRemoveNextIrp(&ext->Queue, NULL);
    if (irp != NULL) {
        PULONG out = (PULONG)irp->AssociatedIrp.SystemBuffer;
        ULONG length = IoGetCurrentIrpStackLocation(irp)->Parameters.DeviceIoControl.OutputBufferLength;
        if (out != NULL && length >= sizeof(ULONG)) {
            *out = ext->Ticks;
            irp->IoStatus.Information = sizeof(ULONG);
        } else {
            irp->IoStatus.Information = 0;
        }
        irp->IoStatus.Status = STATUS_SUCCESS;
        IoCompleteRequest(irp, IO_NO_INCREMENT);
    }
}

VOID SampleIoCancelAll(PDEVICE_EXTENSION Ext)
{
    PIRP irp;

    while ((irp = IoCsqRemoveNextIrp(&Ext->Queue, NULL)) != NULL) {
        CompleteCanceledIrp(&Ext->Queue, irp);
    }
}
