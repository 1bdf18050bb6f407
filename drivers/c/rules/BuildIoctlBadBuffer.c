/*
 * BuildIoctlBadBuffer: the upper device passes each request's header on to the lower device as an internal
 * device control it builds with IoBuildDeviceIoControlRequest (METHOD_BUFFERED: the I/O manager copies
 * the header into the new request's system buffer). It frees its copy of the header one line too
 * early, so the I/O manager copies freed pool (special pool: a page that faults).
 * `dv run drivers/c/rules/BuildIoctlBadBuffer.wasm --ioctl 0x222004`.
 *
 * Driver Verifier (I/O verification): 0xC9 / 0x09, Parameter 2 = the lower device, 3 = the control
 * code (0x222004), 4 = STATUS_ACCESS_VIOLATION (the exception the copy raises).
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\BuildIoctlBadBuffer"
#include "IoRule.h"

#define REQUEST_HEADER 16
#define IOCTL_RULE_SUBMIT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* The lower device serves a request at once. */
static NTSTATUS Serve(_Inout_ PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    KEVENT event;
    IO_STATUS_BLOCK iosb;
    PIRP request;
    PUCHAR header;
    NTSTATUS status;

    if (DeviceObject == Lower) {
        return Serve(Irp);
    }
    DbgPrint("BuildIoctlBadBuffer: device=%p\n", Lower);
    header = (PUCHAR)ExAllocatePoolWithTag(NonPagedPoolNx, REQUEST_HEADER, TAG);
    if (header == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        RtlZeroMemory(header, REQUEST_HEADER);
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        ExFreePoolWithTag(header, TAG);
        request = IoBuildDeviceIoControlRequest(IOCTL_RULE_SUBMIT, Lower, header, REQUEST_HEADER, NULL, 0, TRUE, &event, &iosb); // VIOLATION: the header is freed pool
        if (request == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
        } else {
            status = IoCallDriver(Lower, request);
            if (status == STATUS_PENDING) {
                KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
                status = iosb.Status;
            }
        }
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
