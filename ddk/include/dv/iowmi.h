/*
 * dv/iowmi.h - the I/O manager's WMI routines a driver calls directly (src/kernel/io/wmi.ts): the
 * provider ID of a device object, and the callback type of a WMI notification. No WMI data provider
 * exists in the machine, so IoWMIOpenBlock and IoWMISetNotificationCallback are not exported: a
 * driver that looks them up with MmGetSystemRoutineAddress gets NULL, as on a system without WMI.
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

#endif
