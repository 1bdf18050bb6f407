/*
 * CallDriverNotAnIrpClean: the upper device keeps a record of each request it sends down and passes
 * IoCallDriver the record's IRP.
 * `dv run drivers/c/rules/CallDriverNotAnIrpClean.wasm --ioctl 0x222004` (the clean twin of CallDriverNotAnIrp).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\CallDriverNotAnIrpClean"
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
    DbgPrint("CallDriverNotAnIrpClean: request=%p\n", request);
    IoSkipCurrentIrpStackLocation(Irp);
    status = IoCallDriver(Lower, request->Irp);
    ExFreePoolWithTag(request, TAG);
    return status;
}
