/*
 * FreeNotAnIrp: Control keeps a record of the request (its IRP and a sequence number) while
 * it works; done, it frees the record with IoFreeIrp, as if it were the IRP.
 * `dv run drivers/c/rules/FreeNotAnIrp.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x01, Parameter 2 = what was passed
 * as the IRP (the record), 3 and 4 = 0.
 */
#define IO_RULE_DEVICE L"\\Device\\FreeNotAnIrp"
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
        DbgPrint("FreeNotAnIrp: request=%p\n", request);
        IoFreeIrp((PIRP)request); // VIOLATION: pool, not an IRP
    }
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
