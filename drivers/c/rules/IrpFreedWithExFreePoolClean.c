/*
 * IrpFreedWithExFreePoolClean: Control allocates an IRP to query the device, finds it needs no query, and
 * releases the IRP with IoFreeIrp.
 * `dv run drivers/c/rules/IrpFreedWithExFreePoolClean.wasm --ioctl 0x222004` (the clean twin of IrpFreedWithExFreePool).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_DEVICE L"\\Device\\IrpFreedWithExFreePoolClean"
#include "IoRule.h"

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIRP query = IoAllocateIrp(DeviceObject->StackSize, FALSE);

    if (query != NULL) {
        DbgPrint("IrpFreedWithExFreePoolClean: irp=%p\n", query);
        /* This request needs no query after all. */
        IoFreeIrp(query);
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
