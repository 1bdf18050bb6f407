/*
 * UserHandleReferencedAsKernel: IOCTL_RULE_QUERY reads the service key in the context of the
 * requesting process. The key is opened without OBJ_KERNEL_HANDLE, so the handle goes in that
 * process's handle table, where the user can close or replace it; the driver then references it
 * with KernelMode, which skips the access check.
 *
 * Driver Verifier (Miscellaneous checks): 0xC4 / 0xF6, Parameter 2 = the handle, 3 = the current
 * process, 4 = the address of the driver's call.
 */
#include <ntddk.h>

#define IOCTL_RULE_QUERY CTL_CODE(FILE_DEVICE_UNKNOWN, 0x804, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\UserHandleReferencedAsKernel");
static WCHAR ServicePathBuffer[160];
static UNICODE_STRING ServicePath = { 0, sizeof(ServicePathBuffer), ServicePathBuffer };

/* Not inlined: the stop blames QueryServiceKey by name. */
static DECLSPEC_NOINLINE NTSTATUS QueryServiceKey(VOID)
{
    OBJECT_ATTRIBUTES attributes;
    HANDLE key;
    PVOID object;
    NTSTATUS status;

    InitializeObjectAttributes(&attributes, &ServicePath, OBJ_CASE_INSENSITIVE, NULL, NULL);
    status = ZwOpenKey(&key, KEY_READ, &attributes);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    DbgPrint("UserHandleReferencedAsKernel: key=%p process=%p\n", key, PsGetCurrentProcess());
    status = ObReferenceObjectByHandle(key, KEY_READ, NULL, KernelMode, &object, NULL); // VIOLATION: a user-table handle as KernelMode
    if (NT_SUCCESS(status)) {
        ObDereferenceObject(object);
    }
    ZwClose(key);
    return status;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        status = sp->Parameters.DeviceIoControl.IoControlCode == IOCTL_RULE_QUERY ? QueryServiceKey() : STATUS_INVALID_DEVICE_REQUEST;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    RtlCopyUnicodeString(&ServicePath, RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = Dispatch;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = Dispatch;
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
}
