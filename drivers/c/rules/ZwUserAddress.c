/*
 * ZwUserAddress: IOCTL_RULE_SAVE (METHOD_NEITHER) stores the caller's settings in the service key.
 * The handler hands the caller's buffer, a user-mode address, straight to ZwSetValueKey: called
 * from a driver, ZwSetValueKey runs with PreviousMode = KernelMode and reads it unprobed.
 * `dv run drivers/c/rules/ZwUserAddress.wasm --ioctl 0x22200b:0100000002000000`.
 *
 * Driver Verifier (Security checks): 0xC4 / 0xE3, Parameter 2 = the address of the call,
 * 3 = the user-mode buffer, 4 = 0.
 */
#include <ntddk.h>

#define IOCTL_RULE_SAVE CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_NEITHER, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\ZwUserAddress");
static UNICODE_STRING SettingsName = RTL_CONSTANT_STRING(L"Settings");
static HANDLE ServiceKey;

/* Not inlined: the stop blames SaveSettings by name. */
static DECLSPEC_NOINLINE NTSTATUS SaveSettings(_In_ PIO_STACK_LOCATION Sp)
{
    PVOID input = Sp->Parameters.DeviceIoControl.Type3InputBuffer;
    ULONG length = Sp->Parameters.DeviceIoControl.InputBufferLength;

    DbgPrint("ZwUserAddress: input=%p\n", input);
    return ZwSetValueKey(ServiceKey, &SettingsName, 0, REG_BINARY, input, length); // VIOLATION: a user-mode buffer
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        status = sp->Parameters.DeviceIoControl.IoControlCode == IOCTL_RULE_SAVE ? SaveSettings(sp) : STATUS_INVALID_DEVICE_REQUEST;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    OBJECT_ATTRIBUTES attributes;
    PDEVICE_OBJECT device;
    NTSTATUS status;

    InitializeObjectAttributes(&attributes, RegistryPath, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenKey(&ServiceKey, KEY_READ | KEY_SET_VALUE, &attributes);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        ZwClose(ServiceKey);
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
    ZwClose(ServiceKey);
}
