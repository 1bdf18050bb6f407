/*
 * DdiIrqlRulesClean: one IOCTL per DDI compliance rule, IOCTL n = CTL_CODE(FILE_DEVICE_UNKNOWN,
 * 0x800 + n, METHOD_BUFFERED, FILE_ANY_ACCESS). The clean twin of DdiIrqlRules: each IOCTL does the same work at an IRQL the DDI allows.
 *
 * Driver Verifier (DDI compliance checking, /standard): no stop, under /standard and with DDI compliance checking (additional) too.
 */
#include <ntddk.h>

#define TAG 'iddD' /* shows as "Ddi" */
#define DEVICE_IRQL 5
#define DEVICE_VECTOR 0x35
#define IOCTL_RULE_FIRST 0x800

typedef struct _CONTEXT_BLOCK {
    FAST_MUTEX Mutex;
    ERESOURCE Resource;
    KSPIN_LOCK Lock;
    KSPIN_LOCK OtherLock;
    KEVENT Event;
    HANDLE Key;
} CONTEXT_BLOCK, *PCONTEXT_BLOCK;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\DdiIrqlRulesClean");
static UNICODE_STRING LinkName = RTL_CONSTANT_STRING(L"\\DosDevices\\DdiIrqlRulesClean");
static PDRIVER_OBJECT Driver;
static PDEVICE_OBJECT Device;
static PCONTEXT_BLOCK Context;
/* Only ever taken as in-stack queued spin locks (a lock is either kind, never both). */
static KSPIN_LOCK QueuedLock;
static KSPIN_LOCK OtherQueuedLock;

/* The ISR IrqlIoPassive2 connects: the line is never raised. */
static BOOLEAN Isr(_In_ PKINTERRUPT Interrupt, _In_opt_ PVOID ServiceContext)
{
    UNREFERENCED_PARAMETER(Interrupt);
    UNREFERENCED_PARAMETER(ServiceContext);
    return FALSE;
}

/* IOCTL 1: IrqlExAllocatePool. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlExAllocatePool(VOID)
{
    KIRQL old;
    PVOID p;

    KeAcquireSpinLock(&Context->Lock, &old);
    p = ExAllocatePoolWithTag(NonPagedPoolNx, 16, TAG);
    KeReleaseSpinLock(&Context->Lock, old);
    if (p != NULL) {
        ExFreePoolWithTag(p, TAG);
    }
    return STATUS_SUCCESS;
}

/* IOCTL 2: IrqlExApcLte1. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlExApcLte1(VOID)
{
    ExAcquireFastMutex(&Context->Mutex);
    ExReleaseFastMutex(&Context->Mutex);
    return STATUS_SUCCESS;
}

/* IOCTL 3: IrqlExApcLte2. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlExApcLte2(VOID)
{
    ProbeForRead(Context, 0, 1);
    return STATUS_SUCCESS;
}

/* IOCTL 4: IrqlExApcLte3. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlExApcLte3(VOID)
{
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&Context->Resource, TRUE);
    ExReleaseResourceLite(&Context->Resource);
    KeLeaveCriticalRegion();
    return STATUS_SUCCESS;
}

/* IOCTL 5: IrqlExPassive. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlExPassive(VOID)
{
    UUID uuid;

    return ExUuidCreate(&uuid);
}

/* IOCTL 6: IrqlIoApcLte. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoApcLte(VOID)
{
    return IoGetInitialStack() != NULL ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

/* IOCTL 7: IrqlIoPassive1. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoPassive1(VOID)
{
    PDEVICE_OBJECT second = NULL;
    NTSTATUS status;

    status = IoCreateDevice(Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &second);
    if (NT_SUCCESS(status)) {
        IoDeleteDevice(second);
    }
    return status;
}

/* IOCTL 8: IrqlIoPassive3. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoPassive3(VOID)
{
    PDEVICE_OBJECT second = NULL;
    NTSTATUS status;

    status = IoCreateDevice(Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &second);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    if (IoAttachDeviceToDeviceStack(second, Device) != NULL) {
        IoDetachDevice(Device);
    }
    IoDeleteDevice(second);
    return STATUS_SUCCESS;
}

/* IOCTL 9: IrqlIoPassive4. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoPassive4(VOID)
{
    NTSTATUS status;

    status = IoCreateSymbolicLink(&LinkName, &DeviceName);
    if (NT_SUCCESS(status)) {
        IoDeleteSymbolicLink(&LinkName);
    }
    return status;
}

/* IOCTL 10: IrqlIoPassive5. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoPassive5(VOID)
{
    NTSTATUS status;

    status = IoRegisterShutdownNotification(Device);
    if (NT_SUCCESS(status)) {
        IoUnregisterShutdownNotification(Device);
    }
    return status;
}

/* IOCTL 11: IrqlKeApcLte1. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlKeApcLte1(VOID)
{
    LARGE_INTEGER interval;

    interval.QuadPart = -10;
    return KeDelayExecutionThread(KernelMode, FALSE, &interval);
}

/* IOCTL 12: IrqlKeApcLte2. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlKeApcLte2(VOID)
{
    KeEnterCriticalRegion();
    KeLeaveCriticalRegion();
    return STATUS_SUCCESS;
}

/* IOCTL 13: IrqlKeDispatchLte. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlKeDispatchLte(VOID)
{
    KIRQL old;

    KeAcquireSpinLock(&Context->Lock, &old);
    KeClearEvent(&Context->Event);
    KeReleaseSpinLock(&Context->Lock, old);
    return STATUS_SUCCESS;
}

/* IOCTL 14: IrqlKeReleaseSpinLock. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlKeReleaseSpinLock(VOID)
{
    KIRQL old;

    KeAcquireSpinLock(&Context->Lock, &old);
    KeReleaseSpinLock(&Context->Lock, old);
    return STATUS_SUCCESS;
}

/* IOCTL 15: IrqlKeSetEvent. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlKeSetEvent(VOID)
{
    KIRQL old;

    KeAcquireSpinLock(&Context->Lock, &old);
    KeSetEvent(&Context->Event, IO_NO_INCREMENT, FALSE);
    KeReleaseSpinLock(&Context->Lock, old);
    KeClearEvent(&Context->Event);
    return STATUS_SUCCESS;
}

/* IOCTL 16: IrqlObPassive. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlObPassive(VOID)
{
    PVOID object = NULL;
    NTSTATUS status;

    status = ObReferenceObjectByHandle(Context->Key, KEY_READ, NULL, KernelMode, &object, NULL);
    if (NT_SUCCESS(status)) {
        ObDereferenceObject(object);
    }
    return status;
}

/* IOCTL 17: IrqlPsPassive. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlPsPassive(VOID)
{
    ULONG major = 0;

    PsGetVersion(&major, NULL, NULL, NULL);
    return major != 0 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

/* IOCTL 18: IrqlRtlPassive. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlRtlPassive(VOID)
{
    ULONG value = 1;
    NTSTATUS status;

    status = RtlWriteRegistryValue(RTL_REGISTRY_HANDLE, (PCWSTR)Context->Key, L"Scratch", REG_DWORD, &value, sizeof(value));
    if (!NT_SUCCESS(status)) {
        return status;
    }
    return RtlDeleteRegistryValue(RTL_REGISTRY_HANDLE, (PCWSTR)Context->Key, L"Scratch");
}

/* IOCTL 19: SpinLock. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS SpinLock(VOID)
{
    KIRQL old;

    KeAcquireSpinLock(&Context->Lock, &old);
    KeReleaseSpinLock(&Context->Lock, old);
    return STATUS_SUCCESS;
}

/* IOCTL 20: SpinlockRelease. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS SpinlockRelease(VOID)
{
    KIRQL old;

    KeAcquireSpinLock(&Context->Lock, &old);
    KeReleaseSpinLock(&Context->Lock, old);
    KeAcquireSpinLock(&Context->OtherLock, &old);
    KeReleaseSpinLock(&Context->OtherLock, old);
    return STATUS_SUCCESS;
}

/* IOCTL 21: RequestedPowerIrp. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS RequestedPowerIrp(VOID)
{
    POWER_STATE state;
    NTSTATUS status;

    state.DeviceState = PowerDeviceD0;
    status = PoRequestPowerIrp(Device, IRP_MN_SET_POWER, state, NULL, NULL, NULL);
    return status == STATUS_PENDING ? STATUS_SUCCESS : status;
}

/* IOCTL 22: GuardedRegions. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS GuardedRegions(VOID)
{
    KeEnterGuardedRegion();
    KeLeaveGuardedRegion();
    KeEnterGuardedRegion();
    KeLeaveGuardedRegion();
    return STATUS_SUCCESS;
}

/* IOCTL 23: CriticalRegions. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS CriticalRegions(VOID)
{
    KeEnterCriticalRegion();
    KeEnterCriticalRegion();
    KeLeaveCriticalRegion();
    KeLeaveCriticalRegion();
    return STATUS_SUCCESS;
}

/* IOCTL 24: IrqlIoPassive2. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoPassive2(VOID)
{
    PKINTERRUPT interrupt = NULL;
    NTSTATUS status;

    status = IoConnectInterrupt(&interrupt, Isr, NULL, NULL, DEVICE_VECTOR, DEVICE_IRQL, DEVICE_IRQL, LevelSensitive, FALSE, 1, FALSE);
    if (NT_SUCCESS(status)) {
        IoDisconnectInterrupt(interrupt);
    }
    return status;
}

/* IOCTL 25: IrqlMmApcLte. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlMmApcLte(VOID)
{
    PVOID p;

    p = MmAllocateNonCachedMemory(PAGE_SIZE);
    if (p == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    MmFreeNonCachedMemory(p, PAGE_SIZE);
    return STATUS_SUCCESS;
}

/* IOCTL 26: IrqlMmDispatch. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlMmDispatch(VOID)
{
    PHYSICAL_ADDRESS highest;
    KIRQL old;
    PVOID p;

    highest.QuadPart = -1;
    p = MmAllocateContiguousMemory(PAGE_SIZE, highest);
    if (p == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    KeAcquireSpinLock(&Context->Lock, &old);
    MmFreeContiguousMemory(p);
    KeReleaseSpinLock(&Context->Lock, old);
    return STATUS_SUCCESS;
}

/* IOCTL 27: QueuedSpinLock. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS QueuedSpinLock(VOID)
{
    KLOCK_QUEUE_HANDLE handle;

    KeAcquireInStackQueuedSpinLock(&QueuedLock, &handle);
    KeReleaseInStackQueuedSpinLock(&handle);
    return STATUS_SUCCESS;
}

/* IOCTL 28: QueuedSpinLockRelease. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS QueuedSpinLockRelease(VOID)
{
    KLOCK_QUEUE_HANDLE handle;

    KeAcquireInStackQueuedSpinLock(&QueuedLock, &handle);
    KeReleaseInStackQueuedSpinLock(&handle);
    KeAcquireInStackQueuedSpinLock(&OtherQueuedLock, &handle);
    KeReleaseInStackQueuedSpinLock(&handle);
    return STATUS_SUCCESS;
}

/* The driver's scratch file under \\SystemRoot\\Temp, created or emptied. */
static OBJECT_ATTRIBUTES ScratchFile;
static UNICODE_STRING ScratchFileName;
#define SCRATCH_FILE_OPTIONS (FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE)

static POBJECT_ATTRIBUTES ScratchAttributes(VOID)
{
    RtlInitUnicodeString(&ScratchFileName, L"\\SystemRoot\\Temp\\DdiIrqlRules.log");
    InitializeObjectAttributes(&ScratchFile, &ScratchFileName, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    return &ScratchFile;
}

/* IOCTL 29: IrqlIoRtlZwPassive. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoRtlZwPassive(VOID)
{
    HANDLE file = NULL;
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    ScratchAttributes();
    status = ZwCreateFile(&file, GENERIC_WRITE, &ScratchFile, &iosb, NULL, FILE_ATTRIBUTE_NORMAL, 0, FILE_OVERWRITE_IF, SCRATCH_FILE_OPTIONS, NULL, 0);
    if (NT_SUCCESS(status)) {
        ZwClose(file);
    }
    return status;
}

/* IOCTL 30: IrqlNtifsApcPassive. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlNtifsApcPassive(VOID)
{
    HANDLE file = NULL;
    IO_STATUS_BLOCK iosb;
    static const char line[] = "scratch";
    NTSTATUS status;

    ScratchAttributes();
    status = ZwCreateFile(&file, GENERIC_WRITE, &ScratchFile, &iosb, NULL, FILE_ATTRIBUTE_NORMAL, 0, FILE_OVERWRITE_IF, SCRATCH_FILE_OPTIONS, NULL, 0);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = ZwWriteFile(file, NULL, NULL, NULL, &iosb, (PVOID)line, sizeof(line) - 1, NULL, NULL);
    ZwClose(file);
    return status;
}

typedef NTSTATUS (*RULE_CASE)(VOID);

static const RULE_CASE Cases[] = {
    IrqlExAllocatePool,
    IrqlExApcLte1,
    IrqlExApcLte2,
    IrqlExApcLte3,
    IrqlExPassive,
    IrqlIoApcLte,
    IrqlIoPassive1,
    IrqlIoPassive3,
    IrqlIoPassive4,
    IrqlIoPassive5,
    IrqlKeApcLte1,
    IrqlKeApcLte2,
    IrqlKeDispatchLte,
    IrqlKeReleaseSpinLock,
    IrqlKeSetEvent,
    IrqlObPassive,
    IrqlPsPassive,
    IrqlRtlPassive,
    SpinLock,
    SpinlockRelease,
    RequestedPowerIrp,
    GuardedRegions,
    CriticalRegions,
    IrqlIoPassive2,
    IrqlMmApcLte,
    IrqlMmDispatch,
    QueuedSpinLock,
    QueuedSpinLockRelease,
    IrqlIoRtlZwPassive,
    IrqlNtifsApcPassive,
};

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;
    ULONG n;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->MajorFunction == IRP_MJ_POWER) {
        /* The set-power request of IOCTL 21: nothing to do for this device. */
        PoStartNextPowerIrp(Irp);
    } else if (sp->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        n = IoGetFunctionCodeFromCtlCode(sp->Parameters.DeviceIoControl.IoControlCode) - IOCTL_RULE_FIRST;
        status = (n >= 1 && n <= RTL_NUMBER_OF(Cases)) ? Cases[n - 1]() : STATUS_INVALID_DEVICE_REQUEST;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    Driver = DriverObject;
    Context = ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(CONTEXT_BLOCK), TAG);
    if (Context == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    ExInitializeFastMutex(&Context->Mutex);
    KeInitializeSpinLock(&Context->Lock);
    KeInitializeSpinLock(&Context->OtherLock);
    KeInitializeSpinLock(&QueuedLock);
    KeInitializeSpinLock(&OtherQueuedLock);
    KeInitializeEvent(&Context->Event, NotificationEvent, FALSE);
    InitializeObjectAttributes(&attributes, RegistryPath, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenKey(&Context->Key, KEY_ALL_ACCESS, &attributes);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(Context, TAG);
        return status;
    }
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &Device);
    if (!NT_SUCCESS(status)) {
        ZwClose(Context->Key);
        ExFreePoolWithTag(Context, TAG);
        return status;
    }
    ExInitializeResourceLite(&Context->Resource);
    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_POWER] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    DbgPrint("DdiIrqlRules: lock=%p other=%p queued=%p otherqueued=%p\n", &Context->Lock, &Context->OtherLock, &QueuedLock, &OtherQueuedLock);
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    ExDeleteResourceLite(&Context->Resource);
    IoDeleteDevice(Device);
    ZwClose(Context->Key);
    ExFreePoolWithTag(Context, TAG);
}
