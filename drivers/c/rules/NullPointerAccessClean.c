/*
 * NullPointerAccessClean: the same settings request; an unknown key fails it with
 * STATUS_INVALID_PARAMETER instead of being written through.
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

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\NullPointerAccessClean");
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

/* Not inlined, as in NullPointerAccess.c. */
static DECLSPEC_NOINLINE NTSTATUS SetValue(_In_ PSET_VALUE_INPUT Input)
{
    PSETTING setting = FindSetting(Input->Key);

    if (setting == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    setting->Value = Input->Value;
    return STATUS_SUCCESS;
}

/* The same write inside __try (nothing to take here: the NULL is checked). */
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
