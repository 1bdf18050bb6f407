/*
 * PnpMonitor: a PnP monitor, as toastmon is for toasters: a driver with no device of its own in any
 * stack that watches the PnpInterface sample's interface class ({5C3C4C7A-0E2B-4F51-9A43-2D6E3F0B7A11}).
 *
 * - DriverEntry creates an unnamed control device (its extension keeps the state) and registers for
 *   interface arrival and removal with IoRegisterPlugPlayNotification, INCLUDE_EXISTING_INTERFACES.
 * - On an arrival it opens the device by its link (IoGetDeviceObjectPointer), registers for target
 *   device changes on the file object, and sends the device an echo IOCTL (a request it serves).
 * - The target callback closes the file on GUID_TARGET_DEVICE_QUERY_REMOVE (a handle left open would
 *   veto the removal), opens it again on REMOVE_CANCELLED, and on REMOVE_COMPLETE (after REMOVE_DEVICE,
 *   or after a surprise removal) closes what is left, unregisters and frees the target.
 * - DriverUnload unregisters the interface notification first (no callback may run into an unloaded
 *   image), then lets go of every target still open.
 * DbgPrint says what happened, for a test to read.
 *
 * PNPMONITOR_STAYS_REGISTERED (PnpMonitorStaysRegistered.c, the violating twin): DriverUnload forgets
 * the interface notification. The registration holds the driver object, so the image stays after
 * DriverUnload, and the next arrival runs the callback over the device extension DriverUnload freed.
 */
#include <ntddk.h>
#include <initguid.h>
#include <wdmguid.h>

DEFINE_GUID(GUID_DEVINTERFACE_PNPINTERFACE, 0x5c3c4c7a, 0x0e2b, 0x4f51, 0x9a, 0x43, 0x2d, 0x6e, 0x3f, 0x0b, 0x7a, 0x11);

#define IOCTL_PNPINTERFACE_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define TAG 'MnpP'

typedef struct _MONITOR_EXTENSION {
    PDRIVER_OBJECT Driver;
    PVOID InterfaceEntry;     /* the interface class notification */
    FAST_MUTEX Lock;          /* guards Targets */
    LIST_ENTRY Targets;
    ULONG Arrivals;
    ULONG Removals;
    ULONG Opens;
    ULONG Echoes;             /* echo IOCTLs the target answered with our bytes */
    ULONG QueryRemoves;
    ULONG Cancels;
    ULONG RemoveCompletes;
} MONITOR_EXTENSION, *PMONITOR_EXTENSION;

/* One device of the class the monitor has opened. */
typedef struct _TARGET {
    LIST_ENTRY Link;
    PMONITOR_EXTENSION Monitor;
    UNICODE_STRING Name;      /* the interface's link, Buffer in the same allocation */
    PFILE_OBJECT File;        /* NULL while closed (between QUERY_REMOVE and the outcome) */
    PDEVICE_OBJECT Device;
    PVOID Entry;              /* the target device notification */
} TARGET, *PTARGET;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD MonitorUnload;
DRIVER_NOTIFICATION_CALLBACK_ROUTINE MonitorInterfaceChange;
DRIVER_NOTIFICATION_CALLBACK_ROUTINE MonitorTargetChange;

static NTSTATUS OpenTarget(_Inout_ PTARGET t)
{
    NTSTATUS status = IoGetDeviceObjectPointer(&t->Name, FILE_READ_DATA, &t->File, &t->Device);
    if (!NT_SUCCESS(status)) t->File = NULL;
    else t->Monitor->Opens++;
    return status;
}

static VOID CloseTarget(_Inout_ PTARGET t)
{
    if (t->File != NULL) {
        ObDereferenceObject(t->File);
        t->File = NULL;
    }
}

/* Ask the device to echo four bytes back: the monitor uses the device it found. */
static VOID Echo(_Inout_ PTARGET t)
{
    UCHAR in[4] = { 'P', 'n', 'p', 'M' };
    UCHAR out[4] = { 0 };
    IO_STATUS_BLOCK iosb;
    KEVENT done;
    PIRP irp;
    NTSTATUS status;

    KeInitializeEvent(&done, NotificationEvent, FALSE);
    irp = IoBuildDeviceIoControlRequest(IOCTL_PNPINTERFACE_ECHO, t->Device, in, sizeof(in), out, sizeof(out), FALSE, &done, &iosb);
    if (irp == NULL) return;
    IoGetNextIrpStackLocation(irp)->FileObject = t->File;
    status = IoCallDriver(t->Device, irp);
    if (status == STATUS_PENDING) {
        KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
        status = iosb.Status;
    }
    if (NT_SUCCESS(status) && iosb.Information == sizeof(out) && RtlEqualMemory(in, out, sizeof(out))) t->Monitor->Echoes++;
    DbgPrint("PnpMonitor: echo 0x%x\n", status);
}

static PTARGET FindTarget(_In_ PMONITOR_EXTENSION ext, _In_ PCUNICODE_STRING name)
{
    PLIST_ENTRY e;
    for (e = ext->Targets.Flink; e != &ext->Targets; e = e->Flink) {
        PTARGET t = CONTAINING_RECORD(e, TARGET, Link);
        if (RtlEqualUnicodeString(&t->Name, name, TRUE)) return t;
    }
    return NULL;
}

static VOID Arrived(_In_ PMONITOR_EXTENSION ext, _In_ PCUNICODE_STRING name)
{
    PTARGET t;
    NTSTATUS status;

    ExAcquireFastMutex(&ext->Lock);
    t = FindTarget(ext, name);
    ExReleaseFastMutex(&ext->Lock);
    if (t != NULL) return;
    t = (PTARGET)ExAllocatePool2(POOL_FLAG_PAGED, sizeof(TARGET) + name->Length, TAG);
    if (t == NULL) return;
    t->Monitor = ext;
    t->Name.Buffer = (PWCH)(t + 1);
    t->Name.Length = 0;
    t->Name.MaximumLength = name->Length;
    RtlCopyUnicodeString(&t->Name, name);
    status = OpenTarget(t);
    if (NT_SUCCESS(status)) {
        status = IoRegisterPlugPlayNotification(EventCategoryTargetDeviceChange, 0, t->File, ext->Driver, MonitorTargetChange, t, &t->Entry);
        if (!NT_SUCCESS(status)) CloseTarget(t);
    }
    DbgPrint("PnpMonitor: arrival, open 0x%x\n", status);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(t, TAG);
        return;
    }
    ExAcquireFastMutex(&ext->Lock);
    InsertTailList(&ext->Targets, &t->Link);
    ExReleaseFastMutex(&ext->Lock);
    Echo(t);
}

NTSTATUS MonitorInterfaceChange(_In_ PVOID NotificationStructure, _Inout_opt_ PVOID Context)
{
    PDEVICE_INTERFACE_CHANGE_NOTIFICATION n = (PDEVICE_INTERFACE_CHANGE_NOTIFICATION)NotificationStructure;
    PMONITOR_EXTENSION ext = (PMONITOR_EXTENSION)Context;

    if (IsEqualGUID(&n->Event, &GUID_DEVICE_INTERFACE_ARRIVAL)) {
        ext->Arrivals++;
        Arrived(ext, n->SymbolicLinkName);
    } else if (IsEqualGUID(&n->Event, &GUID_DEVICE_INTERFACE_REMOVAL)) {
        /* The target's own notification (REMOVE_COMPLETE) lets go of it. */
        ext->Removals++;
        DbgPrint("PnpMonitor: removal\n");
    }
    return STATUS_SUCCESS;
}

NTSTATUS MonitorTargetChange(_In_ PVOID NotificationStructure, _Inout_opt_ PVOID Context)
{
    PTARGET_DEVICE_REMOVAL_NOTIFICATION n = (PTARGET_DEVICE_REMOVAL_NOTIFICATION)NotificationStructure;
    PTARGET t = (PTARGET)Context;
    PMONITOR_EXTENSION ext = t->Monitor;

    if (IsEqualGUID(&n->Event, &GUID_TARGET_DEVICE_QUERY_REMOVE)) {
        /* Our open handle would veto the removal: close it, keep the registration for the outcome. */
        ext->QueryRemoves++;
        CloseTarget(t);
        DbgPrint("PnpMonitor: query remove, closed\n");
    } else if (IsEqualGUID(&n->Event, &GUID_TARGET_DEVICE_REMOVE_CANCELLED)) {
        ext->Cancels++;
        DbgPrint("PnpMonitor: remove cancelled, open 0x%x\n", t->File == NULL ? OpenTarget(t) : STATUS_SUCCESS);
    } else if (IsEqualGUID(&n->Event, &GUID_TARGET_DEVICE_REMOVE_COMPLETE)) {
        ext->RemoveCompletes++;
        ExAcquireFastMutex(&ext->Lock);
        RemoveEntryList(&t->Link);
        ExReleaseFastMutex(&ext->Lock);
        CloseTarget(t);
        IoUnregisterPlugPlayNotificationEx(t->Entry);
        ExFreePoolWithTag(t, TAG);
        DbgPrint("PnpMonitor: remove complete, let go\n");
    }
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    PMONITOR_EXTENSION ext;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = MonitorUnload;
    status = IoCreateDevice(DriverObject, sizeof(MONITOR_EXTENSION), NULL, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) return status;
    ext = (PMONITOR_EXTENSION)device->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->Driver = DriverObject;
    ExInitializeFastMutex(&ext->Lock);
    InitializeListHead(&ext->Targets);
    status = IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange, PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES,
                                            (PVOID)&GUID_DEVINTERFACE_PNPINTERFACE, DriverObject, MonitorInterfaceChange, ext, &ext->InterfaceEntry);
    if (!NT_SUCCESS(status)) IoDeleteDevice(device);
    return status;
}

VOID MonitorUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT device = DriverObject->DeviceObject;
    PMONITOR_EXTENSION ext = (PMONITOR_EXTENSION)device->DeviceExtension;

#ifndef PNPMONITOR_STAYS_REGISTERED
    IoUnregisterPlugPlayNotificationEx(ext->InterfaceEntry);
#endif
    while (!IsListEmpty(&ext->Targets)) {
        PTARGET t = CONTAINING_RECORD(RemoveHeadList(&ext->Targets), TARGET, Link);
        IoUnregisterPlugPlayNotificationEx(t->Entry);
        CloseTarget(t);
        ExFreePoolWithTag(t, TAG);
    }
    DbgPrint("PnpMonitor: unloaded\n");
    IoDeleteDevice(device);
}
