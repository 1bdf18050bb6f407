/*
 * wmilib.h - the WMI library drivers link on Windows (wmilib): WmiSystemControl routes an
 * IRP_MJ_SYSTEM_CONTROL request to the driver's WMILIB_CONTEXT callbacks, WmiCompleteRequest
 * completes one, WmiFireEvent sends an event. Here the library is part of the driver runtime
 * (ddk/crt/wmilib.c).
 *
 * This runtime's WmiSystemControl does not call the WMILIB_CONTEXT callbacks yet (the kernel's WMI,
 * src/kernel/io/wmi-service.ts, serves KMDF providers; a WDM driver may register with
 * IoWMIRegistrationControl, but only a test sends it WMI requests): one for another provider is
 * IrpForward, one that is not WMI's (an unknown minor function) IrpNotWmi, and one naming this
 * device as its provider is answered STATUS_WMI_GUID_NOT_FOUND (IrpProcessed: completed).
 * WmiFireEvent drops the event, frees EventData as WMI would and returns STATUS_SUCCESS.
 */
#ifndef DV_WMILIB_H
#define DV_WMILIB_H

#include <wdm.h>
#include <wmistr.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  LPCGUID Guid;
  ULONG InstanceCount;
  ULONG Flags;
} WMIGUIDREGINFO, *PWMIGUIDREGINFO;

typedef enum { WmiEventControl, WmiDataBlockControl } WMIENABLEDISABLECONTROL, *PWMIENABLEDISABLECONTROL;

typedef enum { IrpProcessed, IrpNotCompleted, IrpNotWmi, IrpForward } SYSCTL_IRP_DISPOSITION, *PSYSCTL_IRP_DISPOSITION;

typedef NTSTATUS WMI_QUERY_REGINFO_CALLBACK(_In_ PDEVICE_OBJECT DeviceObject, _Out_ PULONG RegFlags, _Out_ PUNICODE_STRING InstanceName,
                                            _Outptr_result_maybenull_ PUNICODE_STRING *RegistryPath, _Out_ PUNICODE_STRING MofResourceName,
                                            _Outptr_result_maybenull_ PDEVICE_OBJECT *Pdo);
typedef WMI_QUERY_REGINFO_CALLBACK *PWMI_QUERY_REGINFO;
typedef NTSTATUS WMI_QUERY_DATABLOCK_CALLBACK(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_ ULONG GuidIndex, _In_ ULONG InstanceIndex,
                                              _In_ ULONG InstanceCount, _Out_opt_ PULONG InstanceLengthArray, _In_ ULONG BufferAvail,
                                              _Out_writes_bytes_opt_(BufferAvail) PUCHAR Buffer);
typedef WMI_QUERY_DATABLOCK_CALLBACK *PWMI_QUERY_DATABLOCK;
typedef NTSTATUS WMI_SET_DATABLOCK_CALLBACK(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_ ULONG GuidIndex, _In_ ULONG InstanceIndex,
                                            _In_ ULONG BufferSize, _In_reads_bytes_(BufferSize) PUCHAR Buffer);
typedef WMI_SET_DATABLOCK_CALLBACK *PWMI_SET_DATABLOCK;
typedef NTSTATUS WMI_SET_DATAITEM_CALLBACK(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_ ULONG GuidIndex, _In_ ULONG InstanceIndex,
                                           _In_ ULONG DataItemId, _In_ ULONG BufferSize, _In_reads_bytes_(BufferSize) PUCHAR Buffer);
typedef WMI_SET_DATAITEM_CALLBACK *PWMI_SET_DATAITEM;
typedef NTSTATUS WMI_EXECUTE_METHOD_CALLBACK(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_ ULONG GuidIndex, _In_ ULONG InstanceIndex,
                                             _In_ ULONG MethodId, _In_ ULONG InBufferSize, _In_ ULONG OutBufferSize,
                                             _Inout_updates_bytes_to_(InBufferSize, OutBufferSize) PUCHAR Buffer);
typedef WMI_EXECUTE_METHOD_CALLBACK *PWMI_EXECUTE_METHOD;
typedef NTSTATUS WMI_FUNCTION_CONTROL_CALLBACK(_In_ PDEVICE_OBJECT DeviceObject, _In_ PIRP Irp, _In_ ULONG GuidIndex,
                                               _In_ WMIENABLEDISABLECONTROL Function, _In_ BOOLEAN Enable);
typedef WMI_FUNCTION_CONTROL_CALLBACK *PWMI_FUNCTION_CONTROL;

typedef struct _WMILIB_CONTEXT {
  ULONG GuidCount;
  PWMIGUIDREGINFO GuidList;
  PWMI_QUERY_REGINFO QueryWmiRegInfo;
  PWMI_QUERY_DATABLOCK QueryWmiDataBlock;
  PWMI_SET_DATABLOCK SetWmiDataBlock;
  PWMI_SET_DATAITEM SetWmiDataItem;
  PWMI_EXECUTE_METHOD ExecuteWmiMethod;
  PWMI_FUNCTION_CONTROL WmiFunctionControl;
} WMILIB_CONTEXT, *PWMILIB_CONTEXT;

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS WmiSystemControl(_In_ PWMILIB_CONTEXT WmiLibInfo, _In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp,
                          _Out_ PSYSCTL_IRP_DISPOSITION IrpDisposition);

/* Completes Irp with Status and BufferUsed as its Information; returns Status. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS WmiCompleteRequest(_In_ PDEVICE_OBJECT DeviceObject, _Inout_ PIRP Irp, _In_ NTSTATUS Status, _In_ ULONG BufferUsed,
                            _In_ CCHAR PriorityBoost);

_IRQL_requires_max_(DISPATCH_LEVEL)
NTSTATUS WmiFireEvent(_In_ PDEVICE_OBJECT DeviceObject, _In_ LPCGUID Guid, _In_ ULONG InstanceIndex, _In_ ULONG EventDataSize,
                      _In_reads_bytes_opt_(EventDataSize) PVOID EventData);

#ifdef __cplusplus
}
#endif

#endif /* DV_WMILIB_H */
