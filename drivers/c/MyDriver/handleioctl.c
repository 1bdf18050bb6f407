/*
 * IOCTL_MYDRIVER_PROCESS copies the caller's input into a working buffer, maps the caller's output
 * buffer with an MDL, and finishes the request in a work item, which frees all three. The bug: a
 * request whose input is shorter than a header takes the early error path, which completes the IRP
 * without freeing the buffer (tag 'mdrv'), the MDL or the work item. Unloading after such a request
 * leaks 3 allocations: 0xC4 / 0x62 with Arg4 = 3.
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

    if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_MYDRIVER_PROCESS) {
        return CompleteRequest(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
    buffer = ExAllocatePoolWithTag(NonPagedPoolNx, WORK_BUFFER_SIZE, MYDRIVER_TAG);
    if (buffer == NULL) {
        return CompleteRequest(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    }
    mdl = IoAllocateMdl(Irp->UserBuffer, outputLength, FALSE, FALSE, NULL);
    workItem = GetNecessaryObjects(DeviceObject);
    if (mdl == NULL || workItem == NULL) {
        return CompleteRequest(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    }

    if (inputLength < HEADER_SIZE) {
        /* BUG: this path returns without freeing buffer, mdl and workItem. */
        return CompleteRequest(Irp, STATUS_INVALID_PARAMETER, 0);
    }

    RtlCopyMemory(buffer, input, min(inputLength, WORK_BUFFER_SIZE));
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

    UNREFERENCED_PARAMETER(DeviceObject);
    if (outputLength > 0) {
        PVOID target;
        MmProbeAndLockPages(ext->Mdl, KernelMode, IoWriteAccess);
        target = MmGetSystemAddressForMdlSafe(ext->Mdl, NormalPagePriority);
        copied = min(outputLength, HEADER_SIZE);
        RtlCopyMemory(target, ext->Buffer, copied);
        MmUnlockPages(ext->Mdl);
    }
    IoFreeMdl(ext->Mdl);
    ExFreePoolWithTag(ext->Buffer, MYDRIVER_TAG);
    IoFreeWorkItem(ext->WorkItem);
    CompleteRequest(irp, STATUS_SUCCESS, copied);
}
