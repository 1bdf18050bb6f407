/*
 * PoolPairs.sys in C, the twin of bench/drivers/PoolPairs.ts for figure 1's C/wasm rows (built by
 * the bench with dv build into a temporary directory): IOCTL_POOL_PAIRS (METHOD_BUFFERED) takes a
 * ULONG count N and makes N ExAllocatePoolWithTag(NonPagedPoolNx, 64) + ExFreePoolWithTag pairs.
 * Every IRP is completed with STATUS_SUCCESS, as the TypeScript twin does.
 */
#include <ntddk.h>

/* CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS) = 0x222400 */
#define IOCTL_POOL_PAIRS CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define PAIRS_TAG 'hcnB' /* 'Bnch' as kd prints it */

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD PoolPairsUnload;
DRIVER_DISPATCH PoolPairsDispatch;

static UNICODE_STRING DeviceName = RTL_CONSTANT_STRING(L"\\Device\\PoolPairs");

NTSTATUS DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT device = NULL;
    NTSTATUS status;
    ULONG i;

    UNREFERENCED_PARAMETER(RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &DeviceName, FILE_DEVICE_UNKNOWN, 0, FALSE, &device);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++) {
        DriverObject->MajorFunction[i] = PoolPairsDispatch;
    }
    DriverObject->DriverUnload = PoolPairsUnload;
    return STATUS_SUCCESS;
}

VOID PoolPairsUnload(_In_ PDRIVER_OBJECT DriverObject)
{
    IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS PoolPairsDispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PULONG buffer = (PULONG)Irp->AssociatedIrp.SystemBuffer;
    ULONG n = buffer == NULL ? 0 : *buffer;
    ULONG i;

    UNREFERENCED_PARAMETER(DeviceObject);
    for (i = 0; i < n; i++) {
        PVOID p = ExAllocatePoolWithTag(NonPagedPoolNx, 64, PAIRS_TAG);
        ExFreePoolWithTag(p, PAIRS_TAG);
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
