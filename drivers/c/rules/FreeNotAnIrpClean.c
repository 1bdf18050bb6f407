/*
 * FreeNotAnIrpClean: Control keeps a record of the request while it works and frees it with
 * ExFreePoolWithTag.
 * `dv run drivers/c/rules/FreeNotAnIrpClean.wasm --ioctl 0x222004` (the clean twin of FreeNotAnIrp).
 *
 * Driver Verifier (I/O verification): none: this is the work done right.
 */
#define IO_RULE_DEVICE L"\\Device\\FreeNotAnIrpClean"
#include "IoRule.h"

/* What the driver keeps about a request. */
typedef struct _REQUEST {
    PIRP Irp;
    ULONG Sequence;
} REQUEST, *PREQUEST;

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PREQUEST request = (PREQUEST)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(REQUEST), TAG);

    UNREFERENCED_PARAMETER(DeviceObject);
    if (request != NULL) {
        request->Irp = Irp;
        request->Sequence = 1;
        DbgPrint("FreeNotAnIrpClean: request=%p\n", request);
        ExFreePoolWithTag(request, TAG);
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
