/*
 * DdiIrqlRules: one IOCTL per DDI compliance rule, IOCTL n = CTL_CODE(FILE_DEVICE_UNKNOWN,
 * 0x800 + n, METHOD_BUFFERED, FILE_ANY_ACCESS). Each IOCTL calls one DDI of its rule where the rule forbids it, on the line marked
 * VIOLATION(<rule>); its function is named after the rule, so the stop blames DdiIrqlRules!<Rule>.
 *
 * Driver Verifier (DDI compliance checking, /standard): 0xC4 / the rule ID, Parameter 2 = the violated condition's
 * text, 3 and 4 = 0 (the lock rules: 3 = the spin lock). SpinlockRelease (IOCTL 20), CriticalRegions (IOCTL 23) and QueuedSpinLockRelease (IOCTL 28) need 0x80000.
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

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\DdiIrqlRules");
static UNICODE_STRING LinkName = RTL_CONSTANT_STRING(L"\\DosDevices\\DdiIrqlRules");
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

/* IOCTL 1: IrqlExAllocatePool — paged pool allocated under a spin lock (DISPATCH_LEVEL). Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlExAllocatePool(VOID)
{
    KIRQL old;
    PVOID p;

    KeAcquireSpinLock(&Context->Lock, &old);
    p = ExAllocatePoolWithTag(PagedPool, 16, TAG); // VIOLATION(IrqlExAllocatePool): paged pool allocated under a spin lock (DISPATCH_LEVEL)
    KeReleaseSpinLock(&Context->Lock, old);
    if (p != NULL) {
        ExFreePoolWithTag(p, TAG);
    }
    return STATUS_SUCCESS;
}

/* IOCTL 2: IrqlExApcLte1 — a fast mutex acquired under a spin lock. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlExApcLte1(VOID)
{
    KIRQL old;

    KeAcquireSpinLock(&Context->Lock, &old);
    ExAcquireFastMutex(&Context->Mutex); // VIOLATION(IrqlExApcLte1): a fast mutex acquired under a spin lock
    ExReleaseFastMutex(&Context->Mutex);
    KeReleaseSpinLock(&Context->Lock, old);
    return STATUS_SUCCESS;
}

/* IOCTL 3: IrqlExApcLte2 — ProbeForRead at DISPATCH_LEVEL. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlExApcLte2(VOID)
{
    KIRQL old;

    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ProbeForRead(Context, 0, 1); // VIOLATION(IrqlExApcLte2): ProbeForRead at DISPATCH_LEVEL
    KeLowerIrql(old);
    return STATUS_SUCCESS;
}

/* IOCTL 4: IrqlExApcLte3 — an ERESOURCE acquired at DISPATCH_LEVEL. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlExApcLte3(VOID)
{
    KIRQL old;

    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ExAcquireResourceExclusiveLite(&Context->Resource, TRUE); // VIOLATION(IrqlExApcLte3): an ERESOURCE acquired at DISPATCH_LEVEL
    ExReleaseResourceLite(&Context->Resource);
    KeLowerIrql(old);
    return STATUS_SUCCESS;
}

/* IOCTL 5: IrqlExPassive — ExUuidCreate under a fast mutex (APC_LEVEL). Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlExPassive(VOID)
{
    UUID uuid;
    NTSTATUS status;

    ExAcquireFastMutex(&Context->Mutex);
    status = ExUuidCreate(&uuid); // VIOLATION(IrqlExPassive): ExUuidCreate under a fast mutex (APC_LEVEL)
    ExReleaseFastMutex(&Context->Mutex);
    return status;
}

/* IOCTL 6: IrqlIoApcLte — IoGetInitialStack at DISPATCH_LEVEL. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoApcLte(VOID)
{
    KIRQL old;
    PVOID stack;

    KeRaiseIrql(DISPATCH_LEVEL, &old);
    stack = IoGetInitialStack(); // VIOLATION(IrqlIoApcLte): IoGetInitialStack at DISPATCH_LEVEL
    KeLowerIrql(old);
    return stack != NULL ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

/* IOCTL 7: IrqlIoPassive1 — IoCreateDevice under a fast mutex. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoPassive1(VOID)
{
    PDEVICE_OBJECT second = NULL;
    NTSTATUS status;

    ExAcquireFastMutex(&Context->Mutex);
    status = IoCreateDevice(Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &second); // VIOLATION(IrqlIoPassive1): IoCreateDevice under a fast mutex
    ExReleaseFastMutex(&Context->Mutex);
    if (NT_SUCCESS(status)) {
        IoDeleteDevice(second);
    }
    return status;
}

/* IOCTL 8: IrqlIoPassive3 — IoDetachDevice under a fast mutex. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoPassive3(VOID)
{
    PDEVICE_OBJECT second = NULL;
    NTSTATUS status;

    status = IoCreateDevice(Driver, 0, NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &second);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    if (IoAttachDeviceToDeviceStack(second, Device) != NULL) {
        ExAcquireFastMutex(&Context->Mutex);
        IoDetachDevice(Device); // VIOLATION(IrqlIoPassive3): IoDetachDevice under a fast mutex
        ExReleaseFastMutex(&Context->Mutex);
    }
    IoDeleteDevice(second);
    return STATUS_SUCCESS;
}

/* IOCTL 9: IrqlIoPassive4 — IoCreateSymbolicLink under a fast mutex. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoPassive4(VOID)
{
    NTSTATUS status;

    ExAcquireFastMutex(&Context->Mutex);
    status = IoCreateSymbolicLink(&LinkName, &DeviceName); // VIOLATION(IrqlIoPassive4): IoCreateSymbolicLink under a fast mutex
    ExReleaseFastMutex(&Context->Mutex);
    if (NT_SUCCESS(status)) {
        IoDeleteSymbolicLink(&LinkName);
    }
    return status;
}

/* IOCTL 10: IrqlIoPassive5 — IoRegisterShutdownNotification under a fast mutex. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoPassive5(VOID)
{
    NTSTATUS status;

    ExAcquireFastMutex(&Context->Mutex);
    status = IoRegisterShutdownNotification(Device); // VIOLATION(IrqlIoPassive5): IoRegisterShutdownNotification under a fast mutex
    ExReleaseFastMutex(&Context->Mutex);
    if (NT_SUCCESS(status)) {
        IoUnregisterShutdownNotification(Device);
    }
    return status;
}

/* IOCTL 11: IrqlKeApcLte1 — KeDelayExecutionThread at DISPATCH_LEVEL. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlKeApcLte1(VOID)
{
    LARGE_INTEGER interval;
    KIRQL old;

    interval.QuadPart = -10;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeDelayExecutionThread(KernelMode, FALSE, &interval); // VIOLATION(IrqlKeApcLte1): KeDelayExecutionThread at DISPATCH_LEVEL
    KeLowerIrql(old);
    return STATUS_SUCCESS;
}

/* IOCTL 12: IrqlKeApcLte2 — KeEnterCriticalRegion at DISPATCH_LEVEL. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlKeApcLte2(VOID)
{
    KIRQL old;

    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeEnterCriticalRegion(); // VIOLATION(IrqlKeApcLte2): KeEnterCriticalRegion at DISPATCH_LEVEL
    KeLeaveCriticalRegion();
    KeLowerIrql(old);
    return STATUS_SUCCESS;
}

/* IOCTL 13: IrqlKeDispatchLte — KeClearEvent at device IRQL. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlKeDispatchLte(VOID)
{
    KIRQL old;

    KeRaiseIrql(DEVICE_IRQL, &old);
    KeClearEvent(&Context->Event); // VIOLATION(IrqlKeDispatchLte): KeClearEvent at device IRQL
    KeLowerIrql(old);
    return STATUS_SUCCESS;
}

/* IOCTL 14: IrqlKeReleaseSpinLock — a spin lock released after IRQL was lowered by hand. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlKeReleaseSpinLock(VOID)
{
    KIRQL old;

    KeAcquireSpinLock(&Context->Lock, &old);
    KeLowerIrql(old);
    KeReleaseSpinLock(&Context->Lock, old); // VIOLATION(IrqlKeReleaseSpinLock): a spin lock released after IRQL was lowered by hand
    return STATUS_SUCCESS;
}

/* IOCTL 15: IrqlKeSetEvent — KeSetEvent at device IRQL. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlKeSetEvent(VOID)
{
    KIRQL old;

    KeRaiseIrql(DEVICE_IRQL, &old);
    KeSetEvent(&Context->Event, IO_NO_INCREMENT, FALSE); // VIOLATION(IrqlKeSetEvent): KeSetEvent at device IRQL
    KeLowerIrql(old);
    KeClearEvent(&Context->Event);
    return STATUS_SUCCESS;
}

/* IOCTL 16: IrqlObPassive — ObReferenceObjectByHandle under a fast mutex. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlObPassive(VOID)
{
    PVOID object = NULL;
    NTSTATUS status;

    ExAcquireFastMutex(&Context->Mutex);
    status = ObReferenceObjectByHandle(Context->Key, KEY_READ, NULL, KernelMode, &object, NULL); // VIOLATION(IrqlObPassive): ObReferenceObjectByHandle under a fast mutex
    ExReleaseFastMutex(&Context->Mutex);
    if (NT_SUCCESS(status)) {
        ObDereferenceObject(object);
    }
    return status;
}

/* IOCTL 17: IrqlPsPassive — PsGetVersion under a fast mutex. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlPsPassive(VOID)
{
    ULONG major = 0;

    ExAcquireFastMutex(&Context->Mutex);
    PsGetVersion(&major, NULL, NULL, NULL); // VIOLATION(IrqlPsPassive): PsGetVersion under a fast mutex
    ExReleaseFastMutex(&Context->Mutex);
    return major != 0 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

/* IOCTL 18: IrqlRtlPassive — RtlDeleteRegistryValue under a fast mutex. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlRtlPassive(VOID)
{
    ULONG value = 1;
    NTSTATUS status;

    status = RtlWriteRegistryValue(RTL_REGISTRY_HANDLE, (PCWSTR)Context->Key, L"Scratch", REG_DWORD, &value, sizeof(value));
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ExAcquireFastMutex(&Context->Mutex);
    status = RtlDeleteRegistryValue(RTL_REGISTRY_HANDLE, (PCWSTR)Context->Key, L"Scratch"); // VIOLATION(IrqlRtlPassive): RtlDeleteRegistryValue under a fast mutex
    ExReleaseFastMutex(&Context->Mutex);
    return status;
}

/* IOCTL 19: SpinLock — a spin lock acquired again while held. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS SpinLock(VOID)
{
    KIRQL old;
    KIRQL again;

    KeAcquireSpinLock(&Context->Lock, &old);
    KeAcquireSpinLock(&Context->Lock, &again); // VIOLATION(SpinLock): a spin lock acquired again while held
    KeReleaseSpinLock(&Context->Lock, again);
    KeReleaseSpinLock(&Context->Lock, old);
    return STATUS_SUCCESS;
}

/* IOCTL 20: SpinlockRelease — a second spin lock acquired while one is held (nested locks: legal, but the additional rule wants strict alternation). Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS SpinlockRelease(VOID)
{
    KIRQL old;
    KIRQL inner;

    KeAcquireSpinLock(&Context->Lock, &old);
    KeAcquireSpinLock(&Context->OtherLock, &inner); // VIOLATION(SpinlockRelease): a second spin lock acquired while one is held (nested locks: legal, but the additional rule wants strict alternation)
    KeReleaseSpinLock(&Context->OtherLock, inner);
    KeReleaseSpinLock(&Context->Lock, old);
    return STATUS_SUCCESS;
}

/* IOCTL 21: RequestedPowerIrp — PoRequestPowerIrp asked for the IRP it sends. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS RequestedPowerIrp(VOID)
{
    POWER_STATE state;
    PIRP irp = NULL;

    state.DeviceState = PowerDeviceD0;
    return PoRequestPowerIrp(Device, IRP_MN_SET_POWER, state, NULL, NULL, &irp); // VIOLATION(RequestedPowerIrp): PoRequestPowerIrp asked for the IRP it sends
}

/* IOCTL 22: GuardedRegions — a guarded region entered twice. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS GuardedRegions(VOID)
{
    KeEnterGuardedRegion();
    KeEnterGuardedRegion(); // VIOLATION(GuardedRegions): a guarded region entered twice
    KeLeaveGuardedRegion();
    KeLeaveGuardedRegion();
    return STATUS_SUCCESS;
}

/* IOCTL 23: CriticalRegions — a critical region left that was never entered. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS CriticalRegions(VOID)
{
    KeLeaveCriticalRegion(); // VIOLATION(CriticalRegions): a critical region left that was never entered
    KeEnterCriticalRegion();
    return STATUS_SUCCESS;
}

/* IOCTL 24: IrqlIoPassive2 — IoConnectInterrupt under a fast mutex (APC_LEVEL). Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoPassive2(VOID)
{
    PKINTERRUPT interrupt = NULL;
    NTSTATUS status;

    ExAcquireFastMutex(&Context->Mutex);
    status = IoConnectInterrupt(&interrupt, Isr, NULL, NULL, DEVICE_VECTOR, DEVICE_IRQL, DEVICE_IRQL, LevelSensitive, FALSE, 1, FALSE); // VIOLATION(IrqlIoPassive2): IoConnectInterrupt under a fast mutex (APC_LEVEL)
    ExReleaseFastMutex(&Context->Mutex);
    if (NT_SUCCESS(status)) {
        IoDisconnectInterrupt(interrupt);
    }
    return status;
}

/* IOCTL 25: IrqlMmApcLte — MmAllocateNonCachedMemory under a spin lock (DISPATCH_LEVEL). Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlMmApcLte(VOID)
{
    KIRQL old;
    PVOID p;

    KeAcquireSpinLock(&Context->Lock, &old);
    p = MmAllocateNonCachedMemory(PAGE_SIZE); // VIOLATION(IrqlMmApcLte): MmAllocateNonCachedMemory under a spin lock (DISPATCH_LEVEL)
    KeReleaseSpinLock(&Context->Lock, old);
    if (p != NULL) {
        MmFreeNonCachedMemory(p, PAGE_SIZE);
    }
    return STATUS_SUCCESS;
}

/* IOCTL 26: IrqlMmDispatch — MmFreeContiguousMemory at the device's IRQL (above DISPATCH_LEVEL). Not inlined: the stop blames it by name. */
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
    KeRaiseIrql(DEVICE_IRQL, &old);
    MmFreeContiguousMemory(p); // VIOLATION(IrqlMmDispatch): MmFreeContiguousMemory at the device's IRQL
    KeLowerIrql(old);
    return STATUS_SUCCESS;
}

/* IOCTL 27: QueuedSpinLock — an in-stack queued spin lock released twice through its handle. Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS QueuedSpinLock(VOID)
{
    KLOCK_QUEUE_HANDLE handle;

    KeAcquireInStackQueuedSpinLock(&QueuedLock, &handle);
    KeReleaseInStackQueuedSpinLock(&handle);
    KeReleaseInStackQueuedSpinLock(&handle); // VIOLATION(QueuedSpinLock): the queued spin lock released a second time
    return STATUS_SUCCESS;
}

/* IOCTL 28: QueuedSpinLockRelease — a second queued spin lock acquired while the first is held (additional). Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS QueuedSpinLockRelease(VOID)
{
    KLOCK_QUEUE_HANDLE first;
    KLOCK_QUEUE_HANDLE second;

    KeAcquireInStackQueuedSpinLock(&QueuedLock, &first);
    KeAcquireInStackQueuedSpinLock(&OtherQueuedLock, &second); // VIOLATION(QueuedSpinLockRelease): a second queued spin lock acquired while the first is held
    KeReleaseInStackQueuedSpinLock(&second);
    KeReleaseInStackQueuedSpinLock(&first);
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

/* IOCTL 29: IrqlIoRtlZwPassive — ZwCreateFile under a spin lock (additional). Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlIoRtlZwPassive(VOID)
{
    HANDLE file = NULL;
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;
    KIRQL old;

    ScratchAttributes();
    KeAcquireSpinLock(&Context->Lock, &old);
    status = ZwCreateFile(&file, GENERIC_WRITE, &ScratchFile, &iosb, NULL, FILE_ATTRIBUTE_NORMAL, 0, FILE_OVERWRITE_IF, SCRATCH_FILE_OPTIONS, NULL, 0); // VIOLATION(IrqlIoRtlZwPassive): ZwCreateFile under a spin lock
    KeReleaseSpinLock(&Context->Lock, old);
    if (NT_SUCCESS(status)) {
        ZwClose(file);
    }
    return status;
}

/* IOCTL 30: IrqlNtifsApcPassive — ZwWriteFile under a spin lock (additional). Not inlined: the stop blames it by name. */
static DECLSPEC_NOINLINE NTSTATUS IrqlNtifsApcPassive(VOID)
{
    HANDLE file = NULL;
    IO_STATUS_BLOCK iosb;
    static const char line[] = "scratch";
    NTSTATUS status;
    KIRQL old;

    ScratchAttributes();
    status = ZwCreateFile(&file, GENERIC_WRITE, &ScratchFile, &iosb, NULL, FILE_ATTRIBUTE_NORMAL, 0, FILE_OVERWRITE_IF, SCRATCH_FILE_OPTIONS, NULL, 0);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    KeAcquireSpinLock(&Context->Lock, &old);
    status = ZwWriteFile(file, NULL, NULL, NULL, &iosb, (PVOID)line, sizeof(line) - 1, NULL, NULL); // VIOLATION(IrqlNtifsApcPassive): ZwWriteFile under a spin lock
    KeReleaseSpinLock(&Context->Lock, old);
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
