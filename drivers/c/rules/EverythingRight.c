/*
 * EverythingRight (C twin of drivers/ts/rules/EverythingRight.ts): a driver that uses every kind of
 * object the verifier watches, and uses each one right, so Driver Verifier (/standard) has nothing to
 * say: it loads, serves requests, unloads and the machine shuts down with no stop. The
 * no-false-positive sample of drivers/c/rules.
 *
 * - pool: paged at PASSIVE_LEVEL, nonpaged under a spin lock; every block freed once;
 * - a lookaside list of request contexts, deleted at unload;
 * - MDLs: one built for nonpaged pool with a partial MDL mapped and freed, one probed, locked,
 *   mapped, unmapped and unlocked;
 * - a fast mutex around the configuration, a KMUTEX around the log, a spin lock around statistics;
 * - a periodic heartbeat timer and DPC, cancelled and flushed at unload; a one-shot timer whose
 *   DPC signals an event the request waits for;
 * - an IO_WORKITEM that finishes each request (IoQueueWorkItem holds the device while it runs);
 * - a system thread that prepares the tables at load, waited for (by its object) at unload;
 * - IoRegisterShutdownNotification, with an IRP_MJ_SHUTDOWN routine that completes at once,
 *   unregistered at unload;
 * - every allocation checked: under low resources simulation (`--faults exhaustive`) a failed one
 *   refuses the load or the request with STATUS_INSUFFICIENT_RESOURCES and leaves nothing behind.
 *
 * `dv run drivers/c/rules/EverythingRight.wasm --ioctl 0x222008:0102030405060708:8`
 */
#include <ntddk.h>

#define IOCTL_EVERYTHING_PROCESS CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define EVERYTHING_TAG 'yrvE'
#define CONTEXT_SIZE 0x40
#define TABLE_SIZE 0x100

typedef struct _DEVICE_EXTENSION {
    NPAGED_LOOKASIDE_LIST Lookaside;
    FAST_MUTEX ConfigMutex;
    KMUTEX LogMutex;
    KSPIN_LOCK StatsLock;
    KTIMER HeartbeatTimer;
    KDPC HeartbeatDpc;
    KTIMER DoneTimer;
    KDPC DoneDpc;
    KEVENT Done;
    PIO_WORKITEM WorkItem;
    PETHREAD Thread;
    PULONG Table;
    ULONG Heartbeats;
    ULONG Requests;
    PIRP Irp;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;
KSTART_ROUTINE PrepareTables;
KDEFERRED_ROUTINE HeartbeatDpc;
KDEFERRED_ROUTINE HardwareDoneDpc;
IO_WORKITEM_ROUTINE FinishRequest;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\EverythingRight");

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device = NULL;
    PDEVICE_EXTENSION ext;
    LARGE_INTEGER heartbeat;
    HANDLE handle;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ext = (PDEVICE_EXTENSION)device->DeviceExtension;
    ext->WorkItem = IoAllocateWorkItem(device);
    if (ext->WorkItem == NULL) {
        IoDeleteDevice(device);
        return STATUS_INSUFFICIENT_RESOURCES;
    }

    ExInitializeNPagedLookasideList(&ext->Lookaside, NULL, NULL, 0, CONTEXT_SIZE, EVERYTHING_TAG, 0);
    ExInitializeFastMutex(&ext->ConfigMutex);
    KeInitializeMutex(&ext->LogMutex, 0);
    KeInitializeSpinLock(&ext->StatsLock);
    KeInitializeEvent(&ext->Done, NotificationEvent, FALSE);
    KeInitializeTimer(&ext->HeartbeatTimer);
    KeInitializeDpc(&ext->HeartbeatDpc, HeartbeatDpc, ext);
    KeInitializeTimer(&ext->DoneTimer);
    KeInitializeDpc(&ext->DoneDpc, HardwareDoneDpc, ext);
    heartbeat.QuadPart = -100LL * 10000;
    KeSetTimerEx(&ext->HeartbeatTimer, heartbeat, 100, &ext->HeartbeatDpc);

    if (NT_SUCCESS(PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, PrepareTables, ext))) {
        PETHREAD thread;
        if (NT_SUCCESS(ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, NULL, KernelMode, (PVOID *)&thread, NULL))) {
            ext->Thread = thread;
        }
        ZwClose(handle);
    }

    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_SHUTDOWN] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    return IoRegisterShutdownNotification(device);
}

/* The system thread: builds the lookup table (paged pool, at PASSIVE_LEVEL) and ends. */
VOID PrepareTables(_In_ PVOID Context)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    PULONG table = (PULONG)ExAllocatePoolWithTag(PagedPool, TABLE_SIZE, EVERYTHING_TAG);
    ULONG i;

    if (table != NULL) {
        for (i = 0; i < TABLE_SIZE / sizeof(ULONG); i++) {
            table[i] = i * sizeof(ULONG);
        }
    }
    ext->Table = table;
    PsTerminateSystemThread(STATUS_SUCCESS);
}

VOID HeartbeatDpc(_In_ PKDPC Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID Arg1, _In_opt_ PVOID Arg2)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    KeAcquireSpinLockAtDpcLevel(&ext->StatsLock);
    ext->Heartbeats++;
    KeReleaseSpinLockFromDpcLevel(&ext->StatsLock);
}

VOID HardwareDoneDpc(_In_ PKDPC Dpc, _In_opt_ PVOID Context, _In_opt_ PVOID Arg1, _In_opt_ PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    KeSetEvent(&((PDEVICE_EXTENSION)Context)->Done, IO_NO_INCREMENT, FALSE);
}

/* An MDL built for nonpaged pool, and a partial MDL of its second half, mapped and freed. */
static NTSTATUS TransferNonPaged(PUCHAR buffer)
{
    PMDL mdl = IoAllocateMdl(buffer, CONTEXT_SIZE, FALSE, FALSE, NULL);
    PMDL half = IoAllocateMdl(buffer + CONTEXT_SIZE / 2, CONTEXT_SIZE / 2, FALSE, FALSE, NULL);
    volatile ULONG *mapped = NULL;

    if (mdl != NULL && half != NULL) {
        MmBuildMdlForNonPagedPool(mdl);
        IoBuildPartialMdl(mdl, half, buffer + CONTEXT_SIZE / 2, CONTEXT_SIZE / 2);
        mapped = (volatile ULONG *)MmGetSystemAddressForMdlSafe(half, NormalPagePriority);
        if (mapped != NULL) {
            *mapped = 0xfeed;
        }
    }
    if (half != NULL) {
        IoFreeMdl(half);
    }
    if (mdl != NULL) {
        IoFreeMdl(mdl);
    }
    return mapped != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* The lookup table (paged): probed and locked, mapped, read, unmapped, unlocked. */
static NTSTATUS TransferPaged(PDEVICE_EXTENSION ext)
{
    PMDL mdl;
    volatile ULONG *mapped;
    NTSTATUS status = STATUS_SUCCESS;

    if (ext->Table == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES; /* the table thread could not allocate it */
    }
    mdl = IoAllocateMdl(ext->Table, TABLE_SIZE, FALSE, FALSE, NULL);
    if (mdl == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    __try {
        MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    if (!NT_SUCCESS(status)) {
        IoFreeMdl(mdl);
        return status;
    }
    mapped = (volatile ULONG *)MmMapLockedPagesSpecifyCache(mdl, KernelMode, MmCached, NULL, FALSE, NormalPagePriority);
    if (mapped != NULL) {
        (void)mapped[1];
        MmUnmapLockedPages((PVOID)mapped, mdl);
    } else {
        status = STATUS_INSUFFICIENT_RESOURCES;
    }
    MmUnlockPages(mdl);
    IoFreeMdl(mdl);
    return status;
}

/* The request ends at once with `status` (an allocation failed). */
static NTSTATUS Fail(PIRP Irp, NTSTATUS status)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS DeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp, PIO_STACK_LOCATION sp)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PVOID system;
    ULONG length;
    PVOID entry;
    PVOID context;
    PVOID copy;
    KIRQL oldIrql;
    LARGE_INTEGER latency;
    NTSTATUS status;

    if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_EVERYTHING_PROCESS) {
        return Fail(Irp, STATUS_INVALID_DEVICE_REQUEST);
    }
    system = Irp->AssociatedIrp.SystemBuffer;
    length = min(sp->Parameters.DeviceIoControl.InputBufferLength, CONTEXT_SIZE);

    /* Configuration under the fast mutex; the log under the KMUTEX. */
    ExAcquireFastMutex(&ext->ConfigMutex);
    ext->Requests++;
    ExReleaseFastMutex(&ext->ConfigMutex);
    KeWaitForSingleObject(&ext->LogMutex, Executive, KernelMode, FALSE, NULL);
    entry = ExAllocatePoolWithTag(PagedPool, 0x20, EVERYTHING_TAG);
    if (entry != NULL) { /* the log entry is optional: none is written when pool is short */
        ExFreePoolWithTag(entry, EVERYTHING_TAG);
    }
    KeReleaseMutex(&ext->LogMutex, FALSE);

    /* A request context from the lookaside list; a nonpaged copy made under the spin lock. */
    context = ExAllocateFromNPagedLookasideList(&ext->Lookaside);
    if (context == NULL) {
        return Fail(Irp, STATUS_INSUFFICIENT_RESOURCES);
    }
    RtlCopyMemory(context, system, length);
    KeAcquireSpinLock(&ext->StatsLock, &oldIrql);
    copy = ExAllocatePoolWithTag(NonPagedPoolNx, CONTEXT_SIZE, EVERYTHING_TAG);
    KeReleaseSpinLock(&ext->StatsLock, oldIrql);
    if (copy == NULL) {
        ExFreeToNPagedLookasideList(&ext->Lookaside, context);
        return Fail(Irp, STATUS_INSUFFICIENT_RESOURCES);
    }
    RtlCopyMemory(copy, context, length);

    status = TransferNonPaged((PUCHAR)copy);
    if (NT_SUCCESS(status)) {
        status = TransferPaged(ext);
    }
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(copy, EVERYTHING_TAG);
        ExFreeToNPagedLookasideList(&ext->Lookaside, context);
        return Fail(Irp, status);
    }

    /* "Hardware": a one-shot timer whose DPC signals the event the request waits for. */
    KeClearEvent(&ext->Done);
    latency.QuadPart = -5LL * 10000;
    KeSetTimer(&ext->DoneTimer, latency, &ext->DoneDpc);
    KeWaitForSingleObject(&ext->Done, Executive, KernelMode, FALSE, NULL);

    ExFreePoolWithTag(copy, EVERYTHING_TAG);
    ExFreeToNPagedLookasideList(&ext->Lookaside, context);

    /* The work item finishes the request. */
    ext->Irp = Irp;
    IoMarkIrpPending(Irp);
    IoQueueWorkItem(ext->WorkItem, FinishRequest, DelayedWorkQueue, ext);
    return STATUS_PENDING;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);

    if (sp->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        return DeviceControl(DeviceObject, Irp, sp);
    }
    if (sp->MajorFunction == IRP_MJ_SHUTDOWN) {
        DbgPrint("EverythingRight: shutdown\n");
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

VOID FinishRequest(_In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PVOID Context)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    PIRP irp = ext->Irp;
    PULONG system = (PULONG)irp->AssociatedIrp.SystemBuffer;

    UNREFERENCED_PARAMETER(DeviceObject);
    system[0] = ext->Requests;
    system[1] = ext->Heartbeats;
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 8;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT device = DriverObject->DeviceObject;
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)device->DeviceExtension;

    IoUnregisterShutdownNotification(device);
    KeCancelTimer(&ext->HeartbeatTimer);
    KeCancelTimer(&ext->DoneTimer);
    KeFlushQueuedDpcs();
    if (ext->Thread != NULL) {
        KeWaitForSingleObject(ext->Thread, Executive, KernelMode, FALSE, NULL);
        ObDereferenceObject(ext->Thread);
    }
    if (ext->Table != NULL) {
        ExFreePoolWithTag(ext->Table, EVERYTHING_TAG);
    }
    IoFreeWorkItem(ext->WorkItem);
    ExDeleteNPagedLookasideList(&ext->Lookaside);
    IoDeleteDevice(device);
}
