/*
 * IrpStackExhaustedClean: the upper device serves each request by sending the lower device an internal device control
 * on an IRP of its own, and keeps a stack location of that IRP for itself (IoSetNextIrpStackLocation)
 * to hold the original request. It allocates one location more than the lower device's stack needs.
 * `dv run drivers/c/rules/IrpStackExhaustedClean.wasm --ioctl 0x222004`.
 */
#define IO_RULE_STACK
#define IO_RULE_DEVICE L"\\Device\\IrpStackExhaustedClean"
#include "IoRule.h"

#define IOCTL_RULE_SUBMIT CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* The lower device serves a request at once. */
static NTSTATUS Serve(_Inout_ PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

IO_COMPLETION_ROUTINE Done;

/* The request is ours: signal the waiter and keep it (it is freed after the wait). */
NTSTATUS Done(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_opt_ PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

NTSTATUS Control(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    KEVENT event;
    PIO_STACK_LOCATION next;
    PIRP request;
    NTSTATUS status;

    if (DeviceObject == Lower) {
        return Serve(Irp);
    }
    request = IoAllocateIrp(Lower->StackSize + 1, FALSE);
    if (request == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        /* A location of its own, holding the original request. */
        IoSetNextIrpStackLocation(request);
        IoGetCurrentIrpStackLocation(request)->Parameters.Others.Argument1 = Irp;
        request->IoStatus.Status = STATUS_NOT_SUPPORTED;
        next = IoGetNextIrpStackLocation(request);
        next->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
        next->Parameters.DeviceIoControl.IoControlCode = IOCTL_RULE_SUBMIT;
        next->Parameters.DeviceIoControl.InputBufferLength = 0;
        next->Parameters.DeviceIoControl.OutputBufferLength = 0;
        IoSetCompletionRoutine(request, Done, &event, TRUE, TRUE, TRUE);
        DbgPrint("IrpStackExhaustedClean: irp=%p\n", request);
        status = IoCallDriver(Lower, request);
        if (status == STATUS_PENDING) {
            KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL);
        }
        status = request->IoStatus.Status;
        IoFreeIrp(request);
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
