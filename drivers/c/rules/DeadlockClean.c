/*
 * DeadlockClean: the clean twin of every Deadlock Detection sample. It takes the same kinds of locks
 * right: two spin locks always in one order (A then B, in both IOCTLs 0x222004 and 0x222008 and in
 * DriverEntry), released last-in first-out; a fast mutex (and a try-acquisition); a KMUTEX acquired
 * recursively and released as often, by the thread that took it; an ERESOURCE shared, then exclusive
 * and recursively shared, then deleted once free; a lock initialized again only while idle; a system
 * thread that releases its mutex before it ends; pool freed only once its lock is released; and two
 * in-stack queued spin locks, always taken as queued ones, C then D.
 */
#include <ntddk.h>

#define TAG 'eluR' /* shows as "Rule" */
#define IOCTL_QUEUE_PUSH CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_STATS_RESET CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Context block: spin locks A and B, the saved IRQL, a counter, a fast mutex, a KMUTEX, an ERESOURCE, queued spin locks C and D. */
typedef struct _CONTEXT_BLOCK {
    KSPIN_LOCK LockA;
    KSPIN_LOCK LockB;
    KIRQL OldIrql;
    ULONG Count;
    FAST_MUTEX FastMutex;
    KMUTEX Mutex;
    ERESOURCE Resource;
    KSPIN_LOCK LockC;
    KSPIN_LOCK LockD;
    KMUTEX Mutex2;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

/* A session block: its own spin lock and saved IRQL. */
typedef struct _SESSION {
    KSPIN_LOCK Lock;
    KIRQL OldIrql;
} SESSION, *PSESSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;
KSTART_ROUTINE RefreshThread;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\DeadlockClean");
static PCONTEXT_BLOCK Context;

/* Lock A, then lock B inside it. */
static DECLSPEC_NOINLINE VOID QueuePush(VOID)
{
    KeAcquireSpinLock(&Context->LockA, &Context->OldIrql);
    KeAcquireSpinLockAtDpcLevel(&Context->LockB);
    Context->Count++;
    KeReleaseSpinLockFromDpcLevel(&Context->LockB);
    KeReleaseSpinLock(&Context->LockA, Context->OldIrql);
}

/* The same order: A, then B. */
static DECLSPEC_NOINLINE VOID StatsReset(VOID)
{
    KeAcquireSpinLock(&Context->LockA, &Context->OldIrql);
    KeAcquireSpinLockAtDpcLevel(&Context->LockB);
    Context->Count = 0;
    KeReleaseSpinLockFromDpcLevel(&Context->LockB);
    KeReleaseSpinLock(&Context->LockA, Context->OldIrql);
}

/* A fast mutex (and a try-acquisition), a KMUTEX taken twice by its owner and released twice, and a second KMUTEX. */
static DECLSPEC_NOINLINE VOID UseMutexes(VOID)
{
    LARGE_INTEGER zero;

    ExAcquireFastMutex(&Context->FastMutex);
    ExReleaseFastMutex(&Context->FastMutex);
    if (ExTryToAcquireFastMutex(&Context->FastMutex)) {
        ExReleaseFastMutex(&Context->FastMutex);
    }
    KeWaitForSingleObject(&Context->Mutex, Executive, KernelMode, FALSE, NULL);
    KeWaitForSingleObject(&Context->Mutex, Executive, KernelMode, FALSE, NULL);
    KeReleaseMutex(&Context->Mutex, FALSE);
    KeReleaseMutex(&Context->Mutex, FALSE);
    /* The first mutex, then the second; later, holding the second, the first is only polled (a zero
       time-out cannot wait, so it is no inverted order). */
    KeInitializeMutex(&Context->Mutex2, 0);
    KeWaitForSingleObject(&Context->Mutex, Executive, KernelMode, FALSE, NULL);
    KeWaitForSingleObject(&Context->Mutex2, Executive, KernelMode, FALSE, NULL);
    KeReleaseMutex(&Context->Mutex2, FALSE);
    KeReleaseMutex(&Context->Mutex, FALSE);
    KeWaitForSingleObject(&Context->Mutex2, Executive, KernelMode, FALSE, NULL);
    zero.QuadPart = 0;
    if (KeWaitForSingleObject(&Context->Mutex, Executive, KernelMode, FALSE, &zero) != STATUS_TIMEOUT) {
        KeReleaseMutex(&Context->Mutex, FALSE);
    }
    KeReleaseMutex(&Context->Mutex2, FALSE);
}

/* Shared, then exclusive with a shared acquisition inside it, then deleted once nobody holds it. */
static DECLSPEC_NOINLINE VOID UseResource(VOID)
{
    KeEnterCriticalRegion();
    ExAcquireResourceSharedLite(&Context->Resource, TRUE);
    ExReleaseResourceLite(&Context->Resource);
    ExAcquireResourceExclusiveLite(&Context->Resource, TRUE);
    ExAcquireResourceSharedLite(&Context->Resource, TRUE);
    ExReleaseResourceLite(&Context->Resource);
    ExReleaseResourceLite(&Context->Resource);
    KeLeaveCriticalRegion();
    ExDeleteResourceLite(&Context->Resource);
}

VOID RefreshThread(_In_ PVOID StartContext)
{
    UNREFERENCED_PARAMETER(StartContext);
    KeWaitForSingleObject(&Context->Mutex, Executive, KernelMode, FALSE, NULL);
    Context->Count = 0;
    KeReleaseMutex(&Context->Mutex, FALSE);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/* A system thread that takes the KMUTEX and releases it before it ends; DriverEntry waits for it. */
static DECLSPEC_NOINLINE VOID RunThread(VOID)
{
    HANDLE handle;
    PVOID thread;

    if (!NT_SUCCESS(PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, NULL, NULL, NULL, RefreshThread, NULL))) {
        return;
    }
    if (NT_SUCCESS(ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, NULL, KernelMode, &thread, NULL))) {
        KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL);
        ObDereferenceObject(thread);
    }
    ZwClose(handle);
}

/* A block with its own spin lock, freed once the lock is released; a new block there is a new lock. */
static DECLSPEC_NOINLINE VOID UseSession(VOID)
{
    int i;

    for (i = 0; i < 2; i++) {
        PSESSION session = ExAllocatePoolZero(NonPagedPoolNx, sizeof(SESSION), TAG);
        if (session == NULL) {
            return;
        }
        KeInitializeSpinLock(&session->Lock);
        KeAcquireSpinLock(&session->Lock, &session->OldIrql);
        KeReleaseSpinLock(&session->Lock, session->OldIrql);
        ExFreePoolWithTag(session, TAG);
    }
}

/* In-stack queued spin locks: C raises to DISPATCH_LEVEL, D is taken inside it at that level. */
static DECLSPEC_NOINLINE VOID UseQueuedLocks(VOID)
{
    KLOCK_QUEUE_HANDLE handleC;
    KLOCK_QUEUE_HANDLE handleD;

    KeInitializeSpinLock(&Context->LockC);
    KeInitializeSpinLock(&Context->LockD);
    KeAcquireInStackQueuedSpinLock(&Context->LockC, &handleC);
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&Context->LockD, &handleD);
    Context->Count = 1;
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&handleD);
    KeReleaseInStackQueuedSpinLock(&handleC);
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Context = ExAllocatePoolZero(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(Context, TAG);
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    KeInitializeSpinLock(&Context->LockA);
    KeInitializeSpinLock(&Context->LockB);
    ExInitializeFastMutex(&Context->FastMutex);
    KeInitializeMutex(&Context->Mutex, 0);
    ExInitializeResourceLite(&Context->Resource);

    QueuePush();
    /* Initializing an idle lock again is harmless. */
    KeInitializeSpinLock(&Context->LockB);
    UseMutexes();
    UseResource();
    RunThread();
    UseSession();
    UseQueuedLocks();
    return STATUS_SUCCESS;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        switch (sp->Parameters.DeviceIoControl.IoControlCode) {
        case IOCTL_QUEUE_PUSH:
            QueuePush();
            break;
        case IOCTL_STATS_RESET:
            StatsReset();
            break;
        default:
            status = STATUS_INVALID_DEVICE_REQUEST;
            break;
        }
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
    ExFreePoolWithTag(Context, TAG);
}
