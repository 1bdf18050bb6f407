/*
 * NullPointerAccess: IOCTL_RULE_SET_VALUE { ULONG Key; ULONG Value; } stores a value in the setting
 * the key names. The lookup returns NULL for a key the driver does not know, and the driver writes
 * through the pointer without checking it.
 * `dv run drivers/c/rules/NullPointerAccess.wasm --ioctl 0x222004:0700000055000000` sends key 7.
 *
 * The write at NULL + 4 (SETTING.Value) is an access violation: STATUS_ACCESS_VIOLATION, which a
 * __try/__except around it would take (IOCTL_RULE_SET_VALUE_GUARDED does: the request fails with
 * 0xC0000005). Unhandled, in the requesting thread: 0x1E KMODE_EXCEPTION_NOT_HANDLED, Parameter 1 =
 * 0xC0000005, 2 = the address of the writing instruction, 3 = 1 (a write), 4 = the address written (4).
 */
#include <ntddk.h>

#define IOCTL_RULE_SET_VALUE CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_RULE_SET_VALUE_GUARDED CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _SETTING {
    ULONG Key;
    ULONG Value;
} SETTING, *PSETTING;

typedef struct _SET_VALUE_INPUT {
    ULONG Key;
    ULONG Value;
} SET_VALUE_INPUT, *PSET_VALUE_INPUT;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_DISPATCH Dispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\NullPointerAccess");
static SETTING Settings[] = { { 1, 0 }, { 2, 0 }, { 3, 0 } };

static PSETTING FindSetting(_In_ ULONG Key)
{
    ULONG i;

    for (i = 0; i < ARRAYSIZE(Settings); i++) {
        if (Settings[i].Key == Key) {
            return &Settings[i];
        }
    }
    return NULL;
}

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
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

/* Not inlined: the verifier blames SetValue by name (NullPointerAccess!SetValue). */
static DECLSPEC_NOINLINE NTSTATUS SetValue(_In_ PSET_VALUE_INPUT Input)
{
    PSETTING setting = FindSetting(Input->Key);

    DbgPrint("NullPointerAccess: setting=%p\n", setting);
    setting->Value = Input->Value; // VIOLATION: the lookup failed and returned NULL
    return STATUS_SUCCESS;
}

/* The same unchecked write inside __try: the access violation fails the request. */
static DECLSPEC_NOINLINE NTSTATUS SetValueGuarded(_In_ PSET_VALUE_INPUT Input)
{
    NTSTATUS status;

    __try {
        status = SetValue(Input);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}

NTSTATUS Dispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status = STATUS_SUCCESS;
    ULONG code;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (sp->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        code = sp->Parameters.DeviceIoControl.IoControlCode;
        if (code != IOCTL_RULE_SET_VALUE && code != IOCTL_RULE_SET_VALUE_GUARDED) {
            status = STATUS_INVALID_DEVICE_REQUEST;
        } else if (sp->Parameters.DeviceIoControl.InputBufferLength < sizeof(SET_VALUE_INPUT)) {
            status = STATUS_INVALID_PARAMETER;
        } else if (code == IOCTL_RULE_SET_VALUE) {
            status = SetValue(Irp->AssociatedIrp.SystemBuffer);
        } else {
            status = SetValueGuarded(Irp->AssociatedIrp.SystemBuffer);
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
}
