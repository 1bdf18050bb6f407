/*
 * dv/iodevice.h - reaching another device by name, and what a driver asks about a request's
 * requestor (src/kernel/io/device-access.ts, workitem-ex.ts, requestor.ts).
 */
#ifndef DV_IODEVICE_H
#define DV_IODEVICE_H

struct _GUID;

DDI_IMPORT(IoGetDeviceObjectPointer)
NTSTATUS NTAPI IoGetDeviceObjectPointer(_In_ PUNICODE_STRING ObjectName, _In_ ACCESS_MASK DesiredAccess, _Out_ PFILE_OBJECT *FileObject,
                                        _Out_ PDEVICE_OBJECT *DeviceObject);
DDI_IMPORT(IoQueueWorkItemEx)
VOID NTAPI IoQueueWorkItemEx(_Inout_ PIO_WORKITEM IoWorkItem, _In_ PIO_WORKITEM_ROUTINE_EX WorkerRoutine, _In_ WORK_QUEUE_TYPE QueueType,
                             _In_opt_ PVOID Context);
/* The WDK declares it for _WIN64 only; here it is always there, and FALSE (a 32-bit machine). */
DDI_IMPORT(IoIs32bitProcess) BOOLEAN NTAPI IoIs32bitProcess(_In_opt_ PIRP Irp);

/* wdmsec.h's routine (its SDDL constants are there). */
DDI_IMPORT(IoCreateDeviceSecure)
NTSTATUS NTAPI IoCreateDeviceSecure(_In_ PDRIVER_OBJECT DriverObject, _In_ ULONG DeviceExtensionSize, _In_opt_ PUNICODE_STRING DeviceName,
                                    _In_ DEVICE_TYPE DeviceType, _In_ ULONG DeviceCharacteristics, _In_ BOOLEAN Exclusive,
                                    _In_ PCUNICODE_STRING DefaultSDDLString, _In_opt_ const struct _GUID *DeviceClassGuid,
                                    _Out_ PDEVICE_OBJECT *DeviceObject);

#endif /* DV_IODEVICE_H */
