/*
 * DispatchIrqlChanged: Control counts requests under a spin lock; when the device is not ready it
 * fails the request and returns, and that early return forgets to release the lock, so the
 * dispatch routine returns at DISPATCH_LEVEL.
 * `dv run drivers/c/rules/DispatchIrqlChanged.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x05, Parameter 2 = the device the
 * request was sent to, 3 = the IRQL before (0), 4 = the IRQL after (2). !analyze blames Control.
 */
#define IO_RULE_DEVICE L"\\Device\\DispatchIrqlChanged"
#include "IoRule.h"

#define READY_LIMIT 1

/* Requests in progress: the device is ready for fewer than READY_LIMIT. */
static LONG Requests;

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{ // VIOLATION: returns at DISPATCH_LEVEL on the not-ready path
    KIRQL oldIrql;
    NTSTATUS status = STATUS_SUCCESS;

    DbgPrint("DispatchIrqlChanged: device=%p\n", DeviceObject);
    KeAcquireSpinLock(&Lock, &oldIrql);
    if (++Requests >= READY_LIMIT) {
        Requests--;
        Irp->IoStatus.Status = STATUS_DEVICE_NOT_READY;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_DEVICE_NOT_READY;
    }
    Requests--;
    KeReleaseSpinLock(&Lock, oldIrql);
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
