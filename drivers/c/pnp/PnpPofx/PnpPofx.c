/*
 * PnpPofx: a function driver whose device has one component managed by the runtime power framework
 * (PoFx), in C (the twin of drivers/ts/pnp/PnpPofx.ts). At START it registers the device with its PDO
 * and starts power management; each request takes an activation reference (PO_FX_FLAG_BLOCKING: the
 * call returns with the component active), uses the hardware, and only then releases the reference;
 * REMOVE unregisters.
 *
 * The hardware is the driver's own model, in its extension: a data register that echoes what is
 * written, readable only while the component is powered (F0). The component loses its power when the
 * framework puts it in F1, and a read then returns all ones, as a bus read of a powered-off device does.
 * PnpPofxRace.c (PNPPOFX_RACE) reads the register after PoFxIdleComponent.
 */
#include <wdm.h>

#define PNPPOFX_TAG 'xFoP'
#define IOCTL_PNPPOFX_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define ALL_ONES 0xFFFFFFFFUL

typedef struct _DEVICE_EXTENSION {
    PDEVICE_OBJECT LowerDevice;
    PDEVICE_OBJECT Pdo;
    POHANDLE PoHandle;
    /* The component's power (F0) and its data register. */
    volatile LONG Powered;
    ULONG Register;
    PO_FX_COMPONENT_IDLE_STATE IdleStates[2];
    PO_FX_DEVICE FxDevice;
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD DriverUnload;
DRIVER_ADD_DEVICE AddDevice;
_Dispatch_type_(IRP_MJ_PNP) DRIVER_DISPATCH DispatchPnp;
_Dispatch_type_(IRP_MJ_POWER) DRIVER_DISPATCH DispatchPower;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE) DRIVER_DISPATCH DispatchCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH DispatchDeviceControl;
PO_FX_COMPONENT_ACTIVE_CONDITION_CALLBACK ComponentActive;
PO_FX_COMPONENT_IDLE_CONDITION_CALLBACK ComponentIdle;
PO_FX_COMPONENT_IDLE_STATE_CALLBACK ComponentIdleState;
PO_FX_DEVICE_POWER_REQUIRED_CALLBACK DevicePowerRequired;
PO_FX_DEVICE_POWER_NOT_REQUIRED_CALLBACK DevicePowerNotRequired;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PnpPofx");

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverExtension->AddDevice = AddDevice;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = DispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = DispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = DispatchDeviceControl;
    DriverObject->MajorFunction[IRP_MJ_PNP] = DispatchPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = DispatchPower;
    DriverObject->DriverUnload = DriverUnload;
    return STATUS_SUCCESS;
}

VOID DriverUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
}

NTSTATUS AddDevice(_In_ PDRIVER_OBJECT DriverObject, _In_ PDEVICE_OBJECT PhysicalDeviceObject)
{
    PDEVICE_OBJECT fdo;
    PDEVICE_EXTENSION ext;
    NTSTATUS status = IoCreateDevice(DriverObject, sizeof(DEVICE_EXTENSION), &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &fdo);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    ext = (PDEVICE_EXTENSION)fdo->DeviceExtension;
    RtlZeroMemory(ext, sizeof(*ext));
    ext->Pdo = PhysicalDeviceObject;
    ext->LowerDevice = IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
    if (ext->LowerDevice == NULL) {
        IoDeleteDevice(fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    fdo->Flags |= DO_BUFFERED_IO;
    fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

/* One component, F0 and F1. Every component starts active in F0: the hardware is on. */
static NTSTATUS RegisterWithPofx(PDEVICE_EXTENSION ext)
{
    NTSTATUS status;
    PO_FX_DEVICE *fx = &ext->FxDevice;
    /* F1: 100 us back to F0, worth entering after 1 ms. */
    ext->IdleStates[1].TransitionLatency = 1000;
    ext->IdleStates[1].ResidencyRequirement = 10000;
    fx->Version = PO_FX_VERSION_V1;
    fx->ComponentCount = 1;
    fx->ComponentActiveConditionCallback = ComponentActive;
    fx->ComponentIdleConditionCallback = ComponentIdle;
    fx->ComponentIdleStateCallback = ComponentIdleState;
    fx->DevicePowerRequiredCallback = DevicePowerRequired;
    fx->DevicePowerNotRequiredCallback = DevicePowerNotRequired;
    fx->DeviceContext = ext;
    fx->Components[0].IdleStateCount = 2;
    fx->Components[0].IdleStates = ext->IdleStates;
    ext->Powered = 1;
    status = PoFxRegisterDevice(ext->Pdo, fx, &ext->PoHandle);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    /* Requests come back within 100 us and leave the component idle for 1 ms at least: F1 is worth it. */
    PoFxSetComponentLatency(ext->PoHandle, 0, 1000);
    PoFxSetComponentResidency(ext->PoHandle, 0, 10000);
    /* The device may lose its power 10 ms after its last request. */
    PoFxSetDeviceIdleTimeout(ext->PoHandle, 100000);
    PoFxStartDevicePowerManagement(ext->PoHandle);
    return status;
}

static VOID UnregisterFromPofx(PDEVICE_EXTENSION ext)
{
    if (ext->PoHandle != NULL) {
        PoFxUnregisterDevice(ext->PoHandle);
        ext->PoHandle = NULL;
    }
}

/* ---- the framework's callbacks (Context is the extension) ---- */

VOID ComponentActive(_In_ PVOID Context, _In_ ULONG Component)
{
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Component);
}

VOID ComponentIdle(_In_ PVOID Context, _In_ ULONG Component)
{
    PoFxCompleteIdleCondition(((PDEVICE_EXTENSION)Context)->PoHandle, Component);
}

/* The component's power follows its Fx state: off (and the register lost) outside F0. */
VOID ComponentIdleState(_In_ PVOID Context, _In_ ULONG Component, _In_ ULONG State)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    ext->Powered = State == 0;
    if (State != 0) {
        ext->Register = 0;
    }
    PoFxCompleteIdleState(ext->PoHandle, Component);
}

/* The device never leaves D0 here: power is on already. */
VOID DevicePowerRequired(_In_ PVOID Context)
{
    PoFxReportDevicePoweredOn(((PDEVICE_EXTENSION)Context)->PoHandle);
}

VOID DevicePowerNotRequired(_In_ PVOID Context)
{
    PoFxCompleteDevicePowerNotRequired(((PDEVICE_EXTENSION)Context)->PoHandle);
}

/* ---- the hardware ---- */

static VOID HwWrite(PDEVICE_EXTENSION ext, ULONG value)
{
    if (ext->Powered) {
        ext->Register = value;
    }
}

static ULONG HwRead(PDEVICE_EXTENSION ext)
{
    return ext->Powered ? ext->Register : ALL_ONES;
}

/* ---- dispatch ---- */

static NTSTATUS Complete(PIRP Irp, NTSTATUS status, ULONG_PTR information)
{
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS PassDown(PDEVICE_EXTENSION ext, PIRP Irp)
{
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(ext->LowerDevice, Irp);
}

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    NTSTATUS status;
    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE:
        IoForwardIrpSynchronously(ext->LowerDevice, Irp);
        status = Irp->IoStatus.Status;
        if (NT_SUCCESS(status)) {
            status = RegisterWithPofx(ext);
        }
        return Complete(Irp, status, 0);
    case IRP_MN_REMOVE_DEVICE:
        UnregisterFromPofx(ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        status = PassDown(ext, Irp);
        IoDetachDevice(ext->LowerDevice);
        IoDeleteDevice(DeviceObject);
        return status;
    case IRP_MN_STOP_DEVICE:
        /* A stopped device is registered again at the next START. */
        UnregisterFromPofx(ext);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return PassDown(ext, Irp);
    case IRP_MN_QUERY_REMOVE_DEVICE:
    case IRP_MN_CANCEL_REMOVE_DEVICE:
    case IRP_MN_QUERY_STOP_DEVICE:
    case IRP_MN_CANCEL_STOP_DEVICE:
    case IRP_MN_SURPRISE_REMOVAL:
        Irp->IoStatus.Status = STATUS_SUCCESS;
        return PassDown(ext, Irp);
    default:
        return PassDown(ext, Irp);
    }
}

NTSTATUS DispatchPower(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    return PassDown((PDEVICE_EXTENSION)DeviceObject->DeviceExtension, Irp);
}

NTSTATUS DispatchCreateClose(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return Complete(Irp, STATUS_SUCCESS, 0);
}

/* Echo a ULONG through the hardware, with the component held active for the whole use of it. */
NTSTATUS DispatchDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PULONG buffer = (PULONG)Irp->AssociatedIrp.SystemBuffer;
    ULONG value;
    if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_PNPPOFX_ECHO) {
        return Complete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
    if (sp->Parameters.DeviceIoControl.InputBufferLength < sizeof(ULONG) || sp->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG)) {
        return Complete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    }
    PoFxActivateComponent(ext->PoHandle, 0, PO_FX_FLAG_BLOCKING);
    HwWrite(ext, *buffer);
#ifndef PNPPOFX_RACE
    value = HwRead(ext);
    PoFxIdleComponent(ext->PoHandle, 0, 0);
#else
    PoFxIdleComponent(ext->PoHandle, 0, 0);
    /* The bug (PnpPofxRace.c): the component is no longer held active. */
    value = HwRead(ext);
#endif
    if (value == ALL_ONES) {
        return Complete(Irp, STATUS_IO_DEVICE_ERROR, 0);
    }
    *buffer = value;
    return Complete(Irp, STATUS_SUCCESS, sizeof(ULONG));
}
