/*
 * DispatchIrqlChangedClean: Control counts requests under a spin lock and releases it on every path,
 * the not-ready one included.
 * `dv run drivers/c/rules/DispatchIrqlChangedClean.wasm --ioctl 0x222004` (the clean twin of DispatchIrqlChanged).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_DEVICE L"\\Device\\DispatchIrqlChangedClean"
#include "IoRule.h"

#define READY_LIMIT 1

/* Requests in progress: the device is ready for fewer than READY_LIMIT. */
static LONG Requests;

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    KIRQL oldIrql;
    NTSTATUS status = STATUS_SUCCESS;

    DbgPrint("DispatchIrqlChangedClean: device=%p\n", DeviceObject);
    KeAcquireSpinLock(&Lock, &oldIrql);
    if (++Requests >= READY_LIMIT) {
        Requests--;
        Irp->IoStatus.Status = STATUS_DEVICE_NOT_READY;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        KeReleaseSpinLock(&Lock, oldIrql);
        return STATUS_DEVICE_NOT_READY;
    }
    Requests--;
    KeReleaseSpinLock(&Lock, oldIrql);
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
