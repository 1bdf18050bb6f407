/* SampleIo's IOCTLs: one per transfer method, plus a request that pends until the next tick. */
#include "sampleio.h"

static ULONG Crc32(PDEVICE_EXTENSION Ext, const UCHAR *Data, ULONG Length)
{
    ULONG crc = 0xFFFFFFFF;
    ULONG i;

    KeWaitForSingleObject(&Ext->TableReady, Executive, KernelMode, FALSE, NULL);
    for (i = 0; i < Length; i++) {
        crc = Ext->CrcTable[(crc ^ Data[i]) & 0xFF] ^ (crc >> 8);
    }
    return ~crc;
}

/* METHOD_BUFFERED: the I/O manager copies input in and output back through one system buffer. */
static NTSTATUS Checksum(PDEVICE_EXTENSION Ext, PIRP Irp, PIO_STACK_LOCATION Sp)
{
    PUCHAR buffer = (PUCHAR)Irp->AssociatedIrp.SystemBuffer;
    ULONG crc;

    if (Sp->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG)) {
        return STATUS_BUFFER_TOO_SMALL;
    }
    crc = Crc32(Ext, buffer, Sp->Parameters.DeviceIoControl.InputBufferLength);
    RtlCopyMemory(buffer, &crc, sizeof(crc));
    Irp->IoStatus.Information = sizeof(crc);
    return STATUS_SUCCESS;
}

/* METHOD_IN_DIRECT: the data to store is the caller's second buffer, locked and described by an MDL. */
static NTSTATUS Store(PDEVICE_EXTENSION Ext, PIRP Irp, PIO_STACK_LOCATION Sp)
{
    ULONG length = Sp->Parameters.DeviceIoControl.OutputBufferLength;
    PVOID data;

    if (Irp->MdlAddress == NULL || length > SAMPLEIO_DATA_SIZE) {
        return STATUS_INVALID_PARAMETER;
    }
    data = MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority);
    if (data == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(Ext->Data, data, length);
    Ext->DataLength = length;
    Irp->IoStatus.Information = length;
    return STATUS_SUCCESS;
}

/* METHOD_OUT_DIRECT: the stored data goes straight into the caller's locked output buffer. */
static NTSTATUS Fetch(PDEVICE_EXTENSION Ext, PIRP Irp, PIO_STACK_LOCATION Sp)
{
    ULONG length = min(Sp->Parameters.DeviceIoControl.OutputBufferLength, Ext->DataLength);
    PVOID out;

    if (Irp->MdlAddress == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    out = MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority);
    if (out == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(out, Ext->Data, length);
    Irp->IoStatus.Information = length;
    return STATUS_SUCCESS;
}

/*
 * METHOD_NEITHER: the caller's own buffers. The driver describes the output buffer with an MDL it
 * allocates, probes and locks itself, and writes the input XORed with the stored data through it. The
 * input is the caller's address as given: probed, and read only under __try (it may be bad, or go away).
 */
static NTSTATUS Xor(PDEVICE_EXTENSION Ext, PIRP Irp, PIO_STACK_LOCATION Sp)
{
    PUCHAR input = (PUCHAR)Sp->Parameters.DeviceIoControl.Type3InputBuffer;
    ULONG inLength = Sp->Parameters.DeviceIoControl.InputBufferLength;
    ULONG outLength = Sp->Parameters.DeviceIoControl.OutputBufferLength;
    ULONG length = min(inLength, outLength);
    NTSTATUS status = STATUS_SUCCESS;
    PMDL mdl;
    PUCHAR out;
    ULONG i;

    if (length == 0 || Ext->DataLength == 0) {
        return STATUS_INVALID_PARAMETER;
    }
    mdl = IoAllocateMdl(Irp->UserBuffer, outLength, FALSE, FALSE, NULL);
    if (mdl == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    __try {
        MmProbeAndLockPages(mdl, UserMode, IoWriteAccess);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    if (!NT_SUCCESS(status)) {
        IoFreeMdl(mdl);
        return status;
    }
    out = (PUCHAR)MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
    if (out == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        __try {
            ProbeForRead(input, inLength, sizeof(UCHAR));
            for (i = 0; i < length; i++) {
                out[i] = input[i] ^ Ext->Data[i % Ext->DataLength];
            }
            Irp->IoStatus.Information = length;
        } __except (EXCEPTION_EXECUTE_HANDLER) {
            status = GetExceptionCode();
        }
    }
    MmUnlockPages(mdl);
    IoFreeMdl(mdl);
    return status;
}

NTSTATUS SampleIoDeviceControl(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp)
{
    PDEVICE_EXTENSION ext = (PDEVICE_EXTENSION)DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS status;

    Irp->IoStatus.Information = 0;
    switch (sp->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_SAMPLEIO_CHECKSUM:
        status = Checksum(ext, Irp, sp);
        break;
    case IOCTL_SAMPLEIO_STORE:
        status = Store(ext, Irp, sp);
        break;
    case IOCTL_SAMPLEIO_FETCH:
        status = Fetch(ext, Irp, sp);
        break;
    case IOCTL_SAMPLEIO_XOR:
        status = Xor(ext, Irp, sp);
        break;
    case IOCTL_SAMPLEIO_WAIT_TICK:
        return SampleIoQueueForTick(ext, Irp);
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
