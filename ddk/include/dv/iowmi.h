/*
 * dv/iowmi.h - the I/O manager's WMI routines a driver calls directly (src/kernel/io/wmi.ts): the
 * provider ID of a device object, and the callback type of a WMI notification. A driver registers
 * as a WMI data provider and writes events (src/kernel/io/wmi-service.ts); the machine's WMI sends
 * its requests to registered providers. The consumer's IoWMIOpenBlock and IoWMISetNotificationCallback
 * (src/kernel/io/wmi-consumer.ts) open a class's data block and register for its events (the callback
 * is kept; events written with IoWMIWriteEvent are recorded, not delivered to it).
 */
#ifndef DV_IOWMI_H
#define DV_IOWMI_H

/* Access rights on a WMI data block (IoWMIOpenBlock's DesiredAccess). */
#define WMIGUID_QUERY 0x0001
#define WMIGUID_SET 0x0002
#define WMIGUID_NOTIFICATION 0x0004
#define WMIGUID_READ_DESCRIPTION 0x0008
#define WMIGUID_EXECUTE 0x0010
#define TRACELOG_CREATE_REALTIME 0x0020
#define TRACELOG_CREATE_ONDISK 0x0040
#define TRACELOG_GUID_ENABLE 0x0080
#define TRACELOG_ACCESS_KERNEL_LOGGER 0x0100
#define TRACELOG_CREATE_INPROC 0x0200
#define TRACELOG_ACCESS_REALTIME 0x0400
#define TRACELOG_REGISTER_GUIDS 0x0800

typedef VOID FWMI_NOTIFICATION_CALLBACK(PVOID Wnode, PVOID Context);
typedef FWMI_NOTIFICATION_CALLBACK *WMI_NOTIFICATION_CALLBACK;

DDI_IMPORT(IoWMIDeviceObjectToProviderId) ULONG NTAPI IoWMIDeviceObjectToProviderId(_In_ PDEVICE_OBJECT DeviceObject);
DDI_IMPORT(IoWMIOpenBlock) NTSTATUS NTAPI IoWMIOpenBlock(_In_ LPCGUID Guid, _In_ ULONG DesiredAccess, _Out_ PVOID *DataBlockObject);
DDI_IMPORT(IoWMISetNotificationCallback)
NTSTATUS NTAPI IoWMISetNotificationCallback(_Inout_ PVOID Object, _In_ WMI_NOTIFICATION_CALLBACK Callback, _In_opt_ PVOID Context);

/* IoWMIRegistrationControl's actions. */
#define WMIREG_ACTION_REGISTER 1
#define WMIREG_ACTION_DEREGISTER 2
#define WMIREG_ACTION_REREGISTER 3
#define WMIREG_ACTION_UPDATE_GUIDS 4
#define WMIREG_ACTION_BLOCK_IRPS 5
/* IRP_MN_REGINFO(_EX)'s Parameters.WMI.DataPath */
#define WMIREGISTER 0
#define WMIUPDATE 1

_IRQL_requires_max_(PASSIVE_LEVEL)
DDI_IMPORT(IoWMIRegistrationControl) NTSTATUS NTAPI IoWMIRegistrationControl(_In_ PDEVICE_OBJECT DeviceObject, _In_ ULONG Action);
/* WnodeEventItem: a WNODE in nonpaged pool; WMI frees it when the call succeeds. */
_IRQL_requires_max_(DISPATCH_LEVEL)
DDI_IMPORT(IoWMIWriteEvent) NTSTATUS NTAPI IoWMIWriteEvent(_Inout_ _When_(return == 0, __drv_aliasesMem) PVOID WnodeEventItem);

#endif
