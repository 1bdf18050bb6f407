/*
 * CallDriverNotAnIrp: the upper device keeps a record of each request it sends down (the IRP and
 * a sequence number), and passes IoCallDriver the record instead of its IRP.
 * `dv run drivers/c/rules/CallDriverNotAnIrp.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x03, Parameter 2 = what was passed
 * as the IRP (the record), 3 and 4 = 0.
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\CallDriverNotAnIrp"
#include "IoRule.h"

/* The lower device serves a request at once. */
static NTSTATUS Serve(_Inout_ PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* What the driver keeps about a request. */
typedef struct _REQUEST {
    PIRP Irp;
    ULONG Sequence;
} REQUEST, *PREQUEST;

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PREQUEST request;
    NTSTATUS status;

    if (DeviceObject == Lower) {
        return Serve(Irp);
    }
    request = (PREQUEST)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(REQUEST), TAG);
    if (request == NULL) {
        Irp->IoStatus.Status = STATUS_INSUFFICIENT_RESOURCES;
        Irp->IoStatus.Information = 0;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    request->Irp = Irp;
    request->Sequence = 1;
    DbgPrint("CallDriverNotAnIrp: request=%p\n", request);
    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(Lower, (PIRP)request); // VIOLATION: the record, not its IRP
    ExFreePoolWithTag(request, TAG);
    return status;
}
