/*
 * dv/iobuild.h - IRPs the I/O manager builds for a driver calling another device
 * (src/kernel/io/build-request.ts), and the Irp->Flags bits that say how it buffered them.
 */
#ifndef DV_IOBUILD_H
#define DV_IOBUILD_H

#define IRP_NOCACHE 0x00000001
#define IRP_PAGING_IO 0x00000002
#define IRP_SYNCHRONOUS_API 0x00000004
#define IRP_ASSOCIATED_IRP 0x00000008
#define IRP_BUFFERED_IO 0x00000010
#define IRP_DEALLOCATE_BUFFER 0x00000020
#define IRP_INPUT_OPERATION 0x00000040
#define IRP_CREATE_OPERATION 0x00000080
#define IRP_READ_OPERATION 0x00000100
#define IRP_WRITE_OPERATION 0x00000200
#define IRP_CLOSE_OPERATION 0x00000400
#define IRP_DEFER_IO_COMPLETION 0x00000800

DDI_IMPORT(IoBuildDeviceIoControlRequest)
PIRP NTAPI IoBuildDeviceIoControlRequest(_In_ ULONG IoControlCode, _In_ PDEVICE_OBJECT DeviceObject, _In_opt_ PVOID InputBuffer,
                                         _In_ ULONG InputBufferLength, _Out_opt_ PVOID OutputBuffer, _In_ ULONG OutputBufferLength,
                                         _In_ BOOLEAN InternalDeviceIoControl, _In_opt_ PKEVENT Event, _Out_ PIO_STATUS_BLOCK IoStatusBlock);
DDI_IMPORT(IoBuildSynchronousFsdRequest)
PIRP NTAPI IoBuildSynchronousFsdRequest(_In_ ULONG MajorFunction, _In_ PDEVICE_OBJECT DeviceObject, _Inout_opt_ PVOID Buffer,
                                        _In_opt_ ULONG Length, _In_opt_ PLARGE_INTEGER StartingOffset, _In_ PKEVENT Event,
                                        _Out_ PIO_STATUS_BLOCK IoStatusBlock);
DDI_IMPORT(IoBuildAsynchronousFsdRequest)
PIRP NTAPI IoBuildAsynchronousFsdRequest(_In_ ULONG MajorFunction, _In_ PDEVICE_OBJECT DeviceObject, _Inout_opt_ PVOID Buffer,
                                         _In_opt_ ULONG Length, _In_opt_ PLARGE_INTEGER StartingOffset,
                                         _In_opt_ PIO_STATUS_BLOCK IoStatusBlock);

#endif /* DV_IOBUILD_H */
