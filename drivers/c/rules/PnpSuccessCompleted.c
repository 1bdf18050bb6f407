/*
 * PnpSuccessCompleted: at IRP_MN_REMOVE_DEVICE the function driver detaches and deletes its
 * device and completes the removal itself with STATUS_SUCCESS: the PDO below never gets it.
 * `dv run drivers/c/rules/PnpSuccessCompleted.wasm`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x22E, Parameter 2 = the call site of IoCompleteRequest,
 * 3 = the IRP, 4 = STATUS_SUCCESS.
 * The clean twin is PnpIrpsClean.c.
 */
#include "PnpRule.h"

NTSTATUS DispatchPnp(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_OBJECT lower = LowerOf(DeviceObject);

    switch (IoGetCurrentIrpStackLocation(Irp)->MinorFunction) {
    case IRP_MN_START_DEVICE:
        return StartDevice(DeviceObject, Irp);
    case IRP_MN_REMOVE_DEVICE:
        DbgPrint("PnpSuccessCompleted: irp=%p\n", Irp);
        Irp->IoStatus.Status = STATUS_SUCCESS;
        IoCompleteRequest(Irp, IO_NO_INCREMENT); // VIOLATION: the removal never reaches the PDO
        IoDetachDevice(lower);
        IoDeleteDevice(DeviceObject);
        return STATUS_SUCCESS;
    default:
        return PassDown(DeviceObject, Irp);
    }
}
