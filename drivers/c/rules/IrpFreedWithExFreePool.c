/*
 * IrpFreedWithExFreePool: Control allocates an IRP to query the device, finds it needs no query for
 * this request, and releases the IRP with ExFreePool.
 * `dv run drivers/c/rules/IrpFreedWithExFreePool.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC4 / 0x105, Parameter 2 = the IRP, 3 and
 * 4 = 0.
 */
#define IO_RULE_DEVICE L"\\Device\\IrpFreedWithExFreePool"
#include "IoRule.h"

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIRP query = IoAllocateIrp(DeviceObject->StackSize, FALSE);

    if (query != NULL) {
        DbgPrint("IrpFreedWithExFreePool: irp=%p\n", query);
        /* This request needs no query after all. */
        ExFreePool(query); // VIOLATION: an IRP goes back with IoFreeIrp
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
