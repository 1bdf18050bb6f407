/*
 * PnpDevice in C (the twin of drivers/ts/pnp/PnpDevice.ts): the whole WDM function driver for a
 * loopback device with hardware (`dv run --resources mem:BASE:LEN,irq:N`).
 *
 * AddDevice attaches an FDO above the PDO; an IO_REMOVE_LOCK is held across every request, PnP and
 * power included, until it is completed. START (on the way back up from the bus) maps the register
 * block, connects the interrupt with IoConnectInterrupt from the translated descriptor, and takes a
 * bus-master DMA adapter (IoGetDmaAdapter on the PDO) and a page of common buffer. A write copies its
 * bytes into the common buffer, hands the buffer's logical address and length to the device and rings
 * the doorbell; the ISR acknowledges at DIRQL and requests its DPC with the length; the DPC completes
 * the oldest queued read with the bytes. Reads wait in a cancel-safe queue (IoCsq*): a cancel completes
 * one STATUS_CANCELLED, CLEANUP cancels the file's, SURPRISE_REMOVAL and REMOVE_DEVICE fail the rest
 * STATUS_NO_SUCH_DEVICE. The queue is held while the device is in D3, stopping or removing. The FDO
 * owns its power policy (a D-IRP requested with PoRequestPowerIrp for each system SET_POWER). STOP and
 * SURPRISE_REMOVAL give the hardware back; REMOVE_DEVICE drains the remove lock with
 * IoReleaseRemoveLockAndWait, detaches and deletes.
 *
 * PNPDEVICE_OWN_LIST (PnpDeviceOwnList.c, the violating twin): the DPC unlinks the oldest read from
 * the driver's own list instead of calling IoCsqRemoveNextIrp, so the read is completed with the
 * queue's cancel routine still set: Driver Verifier's I/O verification stops it, 0xC9/0x07.
 */
#include <wdm.h>

#define IOCTL_PNPDEVICE_STATS CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define TAG 'DnpP'
#define STATS 8

/* The device's registers (the first memory range): the model raises the line on a doorbell write. */
#define REG_DOORBELL 0
#define REG_STATUS 1
#define REG_DMA_ADDRESS 2
#define REG_DMA_LENGTH 3
#define STATUS_TRANSFER_DONE 1

/* The device's state as the driver tracks it. */
#define F_STARTED 1
#define F_POWERED 2
#define F_STOP_PENDING 4
#define F_REMOVE_PENDING 8
#define F_SURPRISE_REMOVED 16
#define F_REMOVED 32
#define F_GONE (F_SURPRISE_REMOVED | F_REMOVED)

typedef struct _DEVICE_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    PDEVICE_OBJECT Pdo;
    ULONG Flags;
    volatile ULONG *Registers;
    ULONG RegistersLength;
    PKINTERRUPT Interrupt;
    PDMA_ADAPTER Adapter;
    PUCHAR Common;
    PHYSICAL_ADDRESS CommonLogical;
    ULONG Available;
    KSPIN_LOCK QueueLock;
    KSPIN_LOCK DataLock;
    /* IOCTL_PNPDEVICE_STATS, in this order. */
    ULONG Isrs, Dpcs, ReadsDone, ReadsCancelled, IsrIrql, DpcIrql, DevicePower, MapRegisters;
    LIST_ENTRY ReadQueue;
    IO_CSQ Csq;
    IO_REMOVE_LOCK RemoveLock;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD DriverUnload;
static DRIVER_ADD_DEVICE AddDevice;
static DRIVER_DISPATCH DispatchCreateClose, DispatchCleanup, DispatchRead, DispatchWrite, DispatchDeviceControl, DispatchPnp, DispatchPower;
static KSERVICE_ROUTINE Isr;
static IO_DPC_ROUTINE DpcForIsr;
static IO_CSQ_INSERT_IRP CsqInsertIrp;
static IO_CSQ_REMOVE_IRP CsqRemoveIrp;
static IO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp;
static IO_CSQ_ACQUIRE_LOCK CsqAcquireLock;
static IO_CSQ_RELEASE_LOCK CsqReleaseLock;
static IO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp;
static IO_COMPLETION_ROUTINE SystemPowerComplete, DevicePowerUpComplete;
static REQUEST_POWER_COMPLETE DevicePowerRequestComplete;

#ifdef PNPDEVICE_OWN_LIST
static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PnpDeviceOwnList");
#else
static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PnpDeviceC");
#endif

#define EXTENSION(device) ((PDEVICE_EXTENSION)(device)->DeviceExtension)
#define SERVING(ext) (((ext)->Flags & (F_STARTED | F_POWERED | F_STOP_PENDING | F_REMOVE_PENDING | F_GONE)) == (F_STARTED | F_POWERED))

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = AddDevice;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = DispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = DispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = DispatchCleanup;
    DriverObject->MajorFunction[IRP_MJ_READ] = DispatchRead;
    DriverObject->MajorFunction[IRP_MJ_WRITE] = DispatchWrite;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = DispatchDeviceControl;
    DriverObject->MajorFunction[IRP_MJ_PNP] = DispatchPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = DispatchPower;
    DriverObject->DriverUnload = DriverUnload;
    DbgPrint("PnpDevice: DriverEntry\n");
    return STATUS_SUCCESS;
}

static VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    DbgPrint("PnpDevice: DriverUnload\n");
}

static NTSTATUS AddDevice(_In_ PDRIVER_OBJECT DriverObject, _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo = NULL;
    PDEVICE_EXTENSION ext;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(status)) return status;
    ext = EXTENSION(fdo);
    RtlZeroMemory(ext, sizeof(*ext));
    ext->Pdo = PhysicalDeviceObject;
    ext->DevicePower = PowerDeviceD3;
    IoInitializeRemoveLock(&ext->RemoveLock, TAG, 0, 0);
    KeInitializeSpinLock(&ext->QueueLock);
    KeInitializeSpinLock(&ext->DataLock);
    InitializeListHead(&ext->ReadQueue);
    IoCsqInitialize(&ext->Csq, CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock, CsqCompleteCanceledIrp);
    IoInitializeDpcRequest(fdo, DpcForIsr);
    ext->LowerDevice = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDevice == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags |= DO_BUFFERED_IO | DO_POWER_PAGABLE;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    DbgPrint("PnpDevice: AddDevice\n");
    return STATUS_SUCCESS;
}

static NTSTATUS Complete(_In_ PIRP Irp, _In_ NTSTATUS Status, _In_ ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* Complete a request that holds the remove lock, then give the hold back. */
static NTSTATUS CompleteAndRelease(_In_ PDEVICE_EXTENSION ext, _In_ PIRP Irp, _In_ NTSTATUS Status, _In_ ULONG_PTR Information)
{
    Complete(Irp, Status, Information);
    IoReleaseRemoveLock(&ext->RemoveLock, Irp);
    return Status;
}

static NTSTATUS PassDown(_In_ PDEVICE_EXTENSION ext, _In_ PIRP Irp)
{
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->LowerDevice, Irp);
}

/* ---- the cancel-safe read queue ---------------------------------------------------------------- */

static VOID CsqInsertIrp(_In_ PIO_CSQ Csq, _In_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = CONTAINING_RECORD(Csq, DEVICE_EXTENSION, Csq);
    InsertTailList(&ext->ReadQueue, &Irp->Tail.Overlay.ListEntry);
}

static VOID CsqRemoveIrp(_In_ PIO_CSQ Csq, _In_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}

/* The IRP after Irp (the first when Irp is NULL) whose file object is PeekContext (any, when NULL). */
static PIRP CsqPeekNextIrp(_In_ PIO_CSQ Csq, _In_opt_ PIRP Irp, _In_opt_ PVOID PeekContext)
{
    PDEVICE_EXTENSION ext = CONTAINING_RECORD(Csq, DEVICE_EXTENSION, Csq);
    PLIST_ENTRY entry = Irp == NULL ? ext->ReadQueue.Flink : Irp->Tail.Overlay.ListEntry.Flink;
    for (; entry != &ext->ReadQueue; entry = entry->Flink) {
        PIRP next = CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
        if (PeekContext == NULL || IoGetCurrentIrpStackLocation(next)->FileObject == (PFILE_OBJECT)PeekContext) return next;
    }
    return NULL;
}

static VOID CsqAcquireLock(_In_ PIO_CSQ Csq, _Out_ PKIRQL Irql)
{
    KeAcquireSpinLock(&CONTAINING_RECORD(Csq, DEVICE_EXTENSION, Csq)->QueueLock, Irql);
}

static VOID CsqReleaseLock(_In_ PIO_CSQ Csq, _In_ KIRQL Irql)
{
    KeReleaseSpinLock(&CONTAINING_RECORD(Csq, DEVICE_EXTENSION, Csq)->QueueLock, Irql);
}

static VOID CsqCompleteCanceledIrp(_In_ PIO_CSQ Csq, _In_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = CONTAINING_RECORD(Csq, DEVICE_EXTENSION, Csq);
    ext->ReadsCancelled++;
    CompleteAndRelease(ext, Irp, STATUS_CANCELLED, 0);
}

/* Complete every queued read (of one file, or all) with Status. */
static VOID FlushReads(_In_ PDEVICE_EXTENSION ext, _In_opt_ PFILE_OBJECT FileObject, _In_ NTSTATUS Status)
{
    PIRP irp;
    while ((irp = IoCsqRemoveNextIrp(&ext->Csq, FileObject)) != NULL) {
        if (Status == STATUS_CANCELLED) ext->ReadsCancelled++;
        CompleteAndRelease(ext, irp, Status, 0);
    }
}

/* Let the DPC serve the queue (it runs before this returns below DISPATCH_LEVEL). */
static VOID KickQueue(_In_ PDEVICE_OBJECT DeviceObject)
{
    IoRequestDpc(DeviceObject, NULL, NULL);
}

/* ---- the hardware -------------------------------------------------------------------------------- */

/* Map the registers, connect the interrupt, take the DMA adapter and its common buffer. */
static NTSTATUS StartHardware(_In_ PDEVICE_OBJECT DeviceObject, _In_ PDEVICE_EXTENSION ext, _In_opt_ PCM_RESOURCE_LIST Translated)
{
    PCM_PARTIAL_RESOURCE_DESCRIPTOR interrupt = NULL;
    DEVICE_DESCRIPTION description;
    NTSTATUS status;
    ULONG i;

    if (Translated == NULL || Translated->Count == 0) return STATUS_INSUFFICIENT_RESOURCES;
    for (i = 0; i < Translated->List[0].PartialResourceList.Count; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = &Translated->List[0].PartialResourceList.PartialDescriptors[i];
        if (d->Type == CmResourceTypeMemory && ext->Registers == NULL) {
            ext->Registers = (volatile ULONG *)MmMapIoSpace(d->u.Memory.Start, d->u.Memory.Length, MmNonCached);
            if (ext->Registers == NULL) return STATUS_INSUFFICIENT_RESOURCES;
            ext->RegistersLength = d->u.Memory.Length;
        } else if (d->Type == CmResourceTypeInterrupt) {
            interrupt = d;
        }
    }
    if (ext->Registers == NULL || interrupt == NULL) return STATUS_INSUFFICIENT_RESOURCES;
    status = IoConnectInterrupt(&ext->Interrupt, Isr, DeviceObject, NULL, interrupt->u.Interrupt.Vector, (KIRQL)interrupt->u.Interrupt.Level,
                                (KIRQL)interrupt->u.Interrupt.Level, (interrupt->Flags & CM_RESOURCE_INTERRUPT_LATCHED) ? Latched : LevelSensitive,
                                interrupt->ShareDisposition == CmResourceShareShared, interrupt->u.Interrupt.Affinity, FALSE);
    if (!NT_SUCCESS(status)) return status;
    RtlZeroMemory(&description, sizeof(description));
    description.Version = DEVICE_DESCRIPTION_VERSION;
    description.Master = TRUE;
    description.Dma32BitAddresses = TRUE;
    description.MaximumLength = PAGE_SIZE;
    ext->Adapter = IoGetDmaAdapter(ext->Pdo, &description, &ext->MapRegisters);
    if (ext->Adapter == NULL) return STATUS_INSUFFICIENT_RESOURCES;
    ext->Common = (PUCHAR)ext->Adapter->DmaOperations->AllocateCommonBuffer(ext->Adapter, PAGE_SIZE, &ext->CommonLogical, FALSE);
    if (ext->Common == NULL) return STATUS_INSUFFICIENT_RESOURCES;
    ext->Available = 0;
    return STATUS_SUCCESS;
}

/* Give back what StartHardware took (any part of it). */
static VOID StopHardware(_In_ PDEVICE_EXTENSION ext)
{
    if (ext->Common != NULL) {
        ext->Adapter->DmaOperations->FreeCommonBuffer(ext->Adapter, PAGE_SIZE, ext->CommonLogical, ext->Common, FALSE);
        ext->Common = NULL;
    }
    if (ext->Adapter != NULL) {
        ext->Adapter->DmaOperations->PutDmaAdapter(ext->Adapter);
        ext->Adapter = NULL;
    }
    if (ext->Interrupt != NULL) {
        IoDisconnectInterrupt(ext->Interrupt);
        ext->Interrupt = NULL;
    }
    if (ext->Registers != NULL) {
        MmUnmapIoSpace((PVOID)ext->Registers, ext->RegistersLength);
        ext->Registers = NULL;
    }
}

static BOOLEAN Isr(_In_ PKINTERRUPT Interrupt, _In_opt_ PVOID Context)
{
    PDEVICE_OBJECT device = (PDEVICE_OBJECT)Context;
    PDEVICE_EXTENSION ext = EXTENSION(device);
    ULONG length;

    UNREFERENCED_PARAMETER(Interrupt);
    /* The line may be shared: not ours unless the device says a transfer is done. */
    if ((READ_REGISTER_ULONG(&ext->Registers[REG_STATUS]) & STATUS_TRANSFER_DONE) == 0) return FALSE;
    length = READ_REGISTER_ULONG(&ext->Registers[REG_DMA_LENGTH]);
    WRITE_REGISTER_ULONG(&ext->Registers[REG_STATUS], 0);
    ext->Isrs++;
    ext->IsrIrql = KeGetCurrentIrql();
    IoRequestDpc(device, NULL, (PVOID)(ULONG_PTR)length);
    return TRUE;
}

#ifdef PNPDEVICE_OWN_LIST
/* The twin's shortcut: the oldest read, unlinked from the driver's own list behind the queue's back. */
static PIRP TakeOldestRead(_In_ PDEVICE_EXTENSION ext)
{
    PLIST_ENTRY entry;
    if (IsListEmpty(&ext->ReadQueue)) return NULL;
    entry = RemoveHeadList(&ext->ReadQueue);
    return CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry);
}
#endif

/* The DPC for the ISR (Context = the bytes the device moved), and the queue's server (Context NULL). */
static VOID DpcForIsr(_In_ PKDPC Dpc, _In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Unused, _In_opt_ PVOID Context)
{
    PDEVICE_EXTENSION ext = EXTENSION(DeviceObject);
    PIRP irp = NULL;
    ULONG length = 0;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Unused);
    KeAcquireSpinLockAtDpcLevel(&ext->DataLock);
    if (Context != NULL) {
        ext->Dpcs++;
        ext->DpcIrql = KeGetCurrentIrql();
        ext->Available = (ULONG)(ULONG_PTR)Context;
    }
    if (ext->Available != 0 && SERVING(ext)) {
#ifdef PNPDEVICE_OWN_LIST
        irp = TakeOldestRead(ext);
#else
        irp = IoCsqRemoveNextIrp(&ext->Csq, NULL);
#endif
        if (irp != NULL) {
            length = IoGetCurrentIrpStackLocation(irp)->Parameters.Read.Length;
            if (length > ext->Available) length = ext->Available;
            RtlCopyMemory(irp->AssociatedIrp.SystemBuffer, ext->Common, length);
            ext->Available = 0;
        }
    }
    KeReleaseSpinLockFromDpcLevel(&ext->DataLock);
    if (irp != NULL) {
        ext->ReadsDone++;
        CompleteAndRelease(ext, irp, STATUS_SUCCESS, length);
    }
}

/* ---- requests ------------------------------------------------------------------------------------ */

static NTSTATUS DispatchCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = EXTENSION(DeviceObject);
    UCHAR major = IoGetCurrentIrpStackLocation(Irp)->MajorFunction;
    NTSTATUS status;

    DbgPrint(major == IRP_MJ_CREATE ? "PnpDevice: IRP_MJ_CREATE\n" : "PnpDevice: IRP_MJ_CLOSE\n");
    status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) return Complete(Irp, status, 0);
    /* A device that is gone takes no new handle; a close always succeeds. */
    return CompleteAndRelease(ext, Irp, major == IRP_MJ_CREATE && (ext->Flags & F_GONE) ? STATUS_NO_SUCH_DEVICE : STATUS_SUCCESS, 0);
}

static NTSTATUS DispatchCleanup(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = EXTENSION(DeviceObject);
    NTSTATUS status;

    DbgPrint("PnpDevice: IRP_MJ_CLEANUP\n");
    status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) return Complete(Irp, status, 0);
    /* The handle is closing: its reads will never be collected. */
    FlushReads(ext, IoGetCurrentIrpStackLocation(Irp)->FileObject, STATUS_CANCELLED);
    return CompleteAndRelease(ext, Irp, STATUS_SUCCESS, 0);
}

static NTSTATUS DispatchRead(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = EXTENSION(DeviceObject);
    NTSTATUS status;

    DbgPrint("PnpDevice: IRP_MJ_READ\n");
    status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) return Complete(Irp, status, 0);
    if (ext->Flags & F_GONE) return CompleteAndRelease(ext, Irp, STATUS_NO_SUCH_DEVICE, 0);
    if (IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Length == 0) return CompleteAndRelease(ext, Irp, STATUS_SUCCESS, 0);
    /* Queued (marked pending, cancelable) with its remove lock hold; whoever completes it releases that. */
    IoCsqInsertIrp(&ext->Csq, Irp, NULL);
    if (SERVING(ext)) KickQueue(DeviceObject);
    return STATUS_PENDING;
}

static NTSTATUS DispatchWrite(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = EXTENSION(DeviceObject);
    ULONG length;
    KIRQL irql;
    BOOLEAN busy;
    NTSTATUS status;

    DbgPrint("PnpDevice: IRP_MJ_WRITE\n");
    status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) return Complete(Irp, status, 0);
    if (ext->Flags & F_GONE) return CompleteAndRelease(ext, Irp, STATUS_NO_SUCH_DEVICE, 0);
    /* Writes are not held: one that finds the device stopped or asleep fails. */
    if (!SERVING(ext)) return CompleteAndRelease(ext, Irp, STATUS_DEVICE_NOT_READY, 0);
    length = IoGetCurrentIrpStackLocation(Irp)->Parameters.Write.Length;
    if (length > PAGE_SIZE) length = PAGE_SIZE;
    if (length == 0) return CompleteAndRelease(ext, Irp, STATUS_SUCCESS, 0);
    KeAcquireSpinLock(&ext->DataLock, &irql);
    /* The device holds one transfer until a read takes it. */
    busy = ext->Available != 0;
    if (!busy) RtlCopyMemory(ext->Common, Irp->AssociatedIrp.SystemBuffer, length);
    KeReleaseSpinLock(&ext->DataLock, irql);
    if (busy) return CompleteAndRelease(ext, Irp, STATUS_DEVICE_NOT_READY, 0);
    /* Hand the buffer to the device and ring: it interrupts when the transfer is done. */
    WRITE_REGISTER_ULONG(&ext->Registers[REG_DMA_ADDRESS], ext->CommonLogical.LowPart);
    WRITE_REGISTER_ULONG(&ext->Registers[REG_DMA_LENGTH], length);
    WRITE_REGISTER_ULONG(&ext->Registers[REG_STATUS], STATUS_TRANSFER_DONE);
    WRITE_REGISTER_ULONG(&ext->Registers[REG_DOORBELL], 1);
    return CompleteAndRelease(ext, Irp, STATUS_SUCCESS, length);
}

/* IOCTL_PNPDEVICE_STATS: ISRs, DPCs, reads completed, reads cancelled, ISR IRQL, DPC IRQL, device power state, map registers. */
static NTSTATUS DispatchDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = EXTENSION(DeviceObject);
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;

    DbgPrint("PnpDevice: IRP_MJ_DEVICE_CONTROL\n");
    status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) return Complete(Irp, status, 0);
    if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_PNPDEVICE_STATS) return CompleteAndRelease(ext, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    if (sp->Parameters.DeviceIoControl.OutputBufferLength < STATS * sizeof(ULONG)) return CompleteAndRelease(ext, Irp, STATUS_BUFFER_TOO_SMALL, 0);
    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, &ext->Isrs, STATS * sizeof(ULONG));
    return CompleteAndRelease(ext, Irp, STATUS_SUCCESS, STATS * sizeof(ULONG));
}

/* ---- Plug and Play ------------------------------------------------------------------------------- */

static const char *PnpName(UCHAR minor)
{
    switch (minor) {
    case IRP_MN_START_DEVICE: return "IRP_MN_START_DEVICE";
    case IRP_MN_QUERY_REMOVE_DEVICE: return "IRP_MN_QUERY_REMOVE_DEVICE";
    case IRP_MN_REMOVE_DEVICE: return "IRP_MN_REMOVE_DEVICE";
    case IRP_MN_CANCEL_REMOVE_DEVICE: return "IRP_MN_CANCEL_REMOVE_DEVICE";
    case IRP_MN_STOP_DEVICE: return "IRP_MN_STOP_DEVICE";
    case IRP_MN_QUERY_STOP_DEVICE: return "IRP_MN_QUERY_STOP_DEVICE";
    case IRP_MN_CANCEL_STOP_DEVICE: return "IRP_MN_CANCEL_STOP_DEVICE";
    case IRP_MN_QUERY_DEVICE_RELATIONS: return "IRP_MN_QUERY_DEVICE_RELATIONS";
    case IRP_MN_QUERY_CAPABILITIES: return "IRP_MN_QUERY_CAPABILITIES";
    case IRP_MN_QUERY_PNP_DEVICE_STATE: return "IRP_MN_QUERY_PNP_DEVICE_STATE";
    case IRP_MN_DEVICE_USAGE_NOTIFICATION: return "IRP_MN_DEVICE_USAGE_NOTIFICATION";
    case IRP_MN_SURPRISE_REMOVAL: return "IRP_MN_SURPRISE_REMOVAL";
    default: return "IRP_MJ_PNP (other)";
    }
}

static NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = EXTENSION(DeviceObject);
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    UCHAR minor = sp->MinorFunction;
    NTSTATUS status, result;

    DbgPrint("PnpDevice: %s\n", PnpName(minor));
    status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) return Complete(Irp, status, 0);
    switch (minor) {
    case IRP_MN_START_DEVICE:
        /* The bus starts the device first; the function driver starts on the way back up. */
        IoForwardIrpSynchronously(ext->LowerDevice, Irp);
        status = Irp->IoStatus.Status;
        if (NT_SUCCESS(status) && ext->Interrupt == NULL) {
            status = StartHardware(DeviceObject, ext, sp->Parameters.StartDevice.AllocatedResourcesTranslated);
            if (!NT_SUCCESS(status)) StopHardware(ext);
        }
        if (NT_SUCCESS(status)) {
            POWER_STATE d0;
            d0.DeviceState = PowerDeviceD0;
            ext->Flags = (ext->Flags | F_STARTED | F_POWERED) & ~F_STOP_PENDING;
            ext->DevicePower = PowerDeviceD0;
            PoSetPowerState(DeviceObject, DevicePowerState, d0);
            KickQueue(DeviceObject);
        }
        result = Complete(Irp, status, 0);
        break;
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_QUERY_REMOVE_DEVICE:
        /* Hold the queue: reads wait until the device is back (or fail when it leaves). */
        ext->Flags |= minor == IRP_MN_QUERY_STOP_DEVICE ? F_STOP_PENDING : F_REMOVE_PENDING;
        Irp->IoStatus.Status = STATUS_SUCCESS;
        result = PassDown(ext, Irp);
        break;
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        /* The lower drivers go back first; then the queue is released. */
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoForwardIrpSynchronously(ext->LowerDevice, Irp);
        ext->Flags &= ~(minor == IRP_MN_CANCEL_STOP_DEVICE ? F_STOP_PENDING : F_REMOVE_PENDING);
        if (SERVING(ext)) KickQueue(DeviceObject);
        result = Complete(Irp, Irp->IoStatus.Status, 0);
        break;
    case IRP_MN_STOP_DEVICE:
        /* The resources may change: give the hardware back. Queued reads stay for the next START. */
        ext->Flags &= ~F_STARTED;
        StopHardware(ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        result = PassDown(ext, Irp);
        break;
    case IRP_MN_SURPRISE_REMOVAL:
        /* The hardware is gone: fail what waits for it, stop touching it, give its resources back. */
        ext->Flags = (ext->Flags | F_SURPRISE_REMOVED) & ~F_STARTED;
        FlushReads(ext, NULL, STATUS_NO_SUCH_DEVICE);
        StopHardware(ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        result = PassDown(ext, Irp);
        break;
    case IRP_MN_REMOVE_DEVICE:
        ext->Flags = (ext->Flags | F_REMOVED) & ~F_STARTED;
        FlushReads(ext, NULL, STATUS_NO_SUCH_DEVICE);
        StopHardware(ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        result = PassDown(ext, Irp);
        /* Wait for every request still holding the lock, then leave the stack. */
        IoReleaseRemoveLockAndWait(&ext->RemoveLock, Irp);
        IoDetachDevice(ext->LowerDevice);
        IoDeleteDevice(DeviceObject);
        return result;
    default:
        result = PassDown(ext, Irp);
    }
    IoReleaseRemoveLock(&ext->RemoveLock, Irp);
    return result;
}

/* ---- power: the FDO owns the device's power policy ---------------------------------------------- */

static const char *SystemStateName(SYSTEM_POWER_STATE s)
{
    return s == PowerSystemWorking ? "PowerSystemWorking" : s == PowerSystemSleeping3 ? "PowerSystemSleeping3" : "PowerSystem (other)";
}

static NTSTATUS DispatchPower(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = EXTENSION(DeviceObject);
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    BOOLEAN system = sp->Parameters.Power.Type == SystemPowerState;
    const char *minor = sp->MinorFunction == IRP_MN_SET_POWER ? "IRP_MN_SET_POWER" : sp->MinorFunction == IRP_MN_QUERY_POWER ? "IRP_MN_QUERY_POWER" : "IRP_MJ_POWER";
    NTSTATUS status;

    if (system) DbgPrint("PnpDevice: %s (%s)\n", minor, SystemStateName(sp->Parameters.Power.State.SystemState));
    else DbgPrint("PnpDevice: %s (PowerDeviceD%d)\n", minor, (int)sp->Parameters.Power.State.DeviceState - 1);
    status = IoAcquireRemoveLock(&ext->RemoveLock, Irp);
    if (!NT_SUCCESS(status)) {
        PoStartNextPowerIrp(Irp);
        return Complete(Irp, status, 0);
    }
    if (sp->MinorFunction == IRP_MN_SET_POWER && system) {
        /* S-IRP: down first; the D-IRP is requested on the way back up, and completes this one. */
        IoMarkIrpPending(Irp);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, SystemPowerComplete, ext, TRUE, TRUE, TRUE);
        PoCallDriver(ext->LowerDevice, Irp);
        return STATUS_PENDING;
    }
    if (sp->MinorFunction == IRP_MN_SET_POWER && (ULONG)sp->Parameters.Power.State.DeviceState > ext->DevicePower) {
        /* Powering down: hold the queue, tell the power manager, then the bus powers the device off. */
        ext->Flags &= ~F_POWERED;
        ext->DevicePower = sp->Parameters.Power.State.DeviceState;
        PoSetPowerState(DeviceObject, DevicePowerState, sp->Parameters.Power.State);
        PoStartNextPowerIrp(Irp);
        status = PassDown(ext, Irp);
        IoReleaseRemoveLock(&ext->RemoveLock, Irp);
        return status;
    }
    if (sp->MinorFunction == IRP_MN_SET_POWER) {
        /* Powering up: the bus powers the device first; the queue is released on the way back up. */
        IoMarkIrpPending(Irp);
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, DevicePowerUpComplete, ext, TRUE, TRUE, TRUE);
        PoCallDriver(ext->LowerDevice, Irp);
        return STATUS_PENDING;
    }
    /* QUERY_POWER (nothing here refuses a transition), WAIT_WAKE, POWER_SEQUENCE: the bus answers. */
    PoStartNextPowerIrp(Irp);
    status = PassDown(ext, Irp);
    IoReleaseRemoveLock(&ext->RemoveLock, Irp);
    return status;
}

static NTSTATUS SystemPowerComplete(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_reads_opt_(_Inexpressible_("varies")) PVOID Context)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    if (NT_SUCCESS(Irp->IoStatus.Status)) {
        POWER_STATE device;
        NTSTATUS status;
        device.DeviceState = IoGetCurrentIrpStackLocation(Irp)->Parameters.Power.State.SystemState == PowerSystemWorking ? PowerDeviceD0 : PowerDeviceD3;
        status = PoRequestPowerIrp(DeviceObject, IRP_MN_SET_POWER, device, DevicePowerRequestComplete, Irp, NULL);
        if (NT_SUCCESS(status)) return STATUS_MORE_PROCESSING_REQUIRED;
        Irp->IoStatus.Status = status;
    }
    PoStartNextPowerIrp(Irp);
    IoReleaseRemoveLock(&ext->RemoveLock, Irp);
    return STATUS_SUCCESS;
}

/* The D-IRP is done: complete the S-IRP that asked for it (Context) with its status. */
static VOID DevicePowerRequestComplete(_In_ PDEVICE_OBJECT DeviceObject, _In_ UCHAR MinorFunction, _In_ POWER_STATE PowerState,
                                       _In_opt_ PVOID Context, _In_ PIO_STATUS_BLOCK IoStatus)
{
    PDEVICE_EXTENSION ext = EXTENSION(DeviceObject);
    PIRP sIrp = (PIRP)Context;

    UNREFERENCED_PARAMETER(MinorFunction);
    UNREFERENCED_PARAMETER(PowerState);
    sIrp->IoStatus.Status = IoStatus->Status;
    PoStartNextPowerIrp(sIrp);
    IoCompleteRequest(sIrp, IO_NO_INCREMENT);
    IoReleaseRemoveLock(&ext->RemoveLock, sIrp);
}

static NTSTATUS DevicePowerUpComplete(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_reads_opt_(_Inexpressible_("varies")) PVOID Context)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    if (NT_SUCCESS(Irp->IoStatus.Status)) {
        POWER_STATE state = IoGetCurrentIrpStackLocation(Irp)->Parameters.Power.State;
        PoSetPowerState(DeviceObject, DevicePowerState, state);
        ext->DevicePower = state.DeviceState;
        if (state.DeviceState == PowerDeviceD0) {
            ext->Flags |= F_POWERED;
            if (SERVING(ext)) KickQueue(DeviceObject);
        }
    }
    PoStartNextPowerIrp(Irp);
    IoReleaseRemoveLock(&ext->RemoveLock, Irp);
    return STATUS_SUCCESS;
}
