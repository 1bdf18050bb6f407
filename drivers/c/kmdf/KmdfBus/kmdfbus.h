/*
 * KmdfBus: a KMDF bus driver, and KmdfBusChild, the function driver of its children. What the two
 * share: the children's IDs, the bus interface a child asks its PDO for, the IOCTLs the bus takes
 * (sent to a child's device, which passes them down to its PDO, which forwards them to its parent).
 */
#ifndef KMDFBUS_H
#define KMDFBUS_H

#include <ntddk.h>
#include <wdf.h>

/* {3f0a6d71-5c2e-4b8f-a1d9-7e6b0c4f2a15}: the interface a child's PDO hands out (WdfDeviceAddQueryInterface). */
static const GUID GUID_KMDFBUS_INTERFACE = {0x3f0a6d71, 0x5c2e, 0x4b8f, {0xa1, 0xd9, 0x7e, 0x6b, 0x0c, 0x4f, 0x2a, 0x15}};
/* {8d4e2b90-1a7c-4e63-b5f2-0c9a3d6e8b41}: the bus type the children are told (IRP_MN_QUERY_BUS_INFORMATION). */
static const GUID GUID_KMDFBUS_BUS_TYPE = {0x8d4e2b90, 0x1a7c, 0x4e63, {0xb5, 0xf2, 0x0c, 0x9a, 0x3d, 0x6e, 0x8b, 0x41}};
/* {c2a95f04-6d3b-4a81-9e07-5b1f8c2d7a36}: the children's device interface class (what the run opens). */
static const GUID GUID_DEVINTERFACE_KMDFBUSCHILD = {0xc2a95f04, 0x6d3b, 0x4a81, {0x9e, 0x07, 0x5b, 0x1f, 0x8c, 0x2d, 0x7a, 0x36}};

typedef ULONG KMDFBUS_GET_SERIAL(PVOID Context);

/* The bus interface: the INTERFACE header, then the bus's own routine. */
typedef struct _KMDFBUS_INTERFACE {
  INTERFACE Header;
  KMDFBUS_GET_SERIAL *GetSerial;
} KMDFBUS_INTERFACE, *PKMDFBUS_INTERFACE;

/* Output: ULONG, how many children the bus reports. */
#define IOCTL_KMDFBUS_COUNT CTL_CODE(FILE_DEVICE_BUS_EXTENDER, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Input: ULONG serial. A dynamic child appears, goes missing, is ejected. */
#define IOCTL_KMDFBUS_PLUG CTL_CODE(FILE_DEVICE_BUS_EXTENDER, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFBUS_UNPLUG CTL_CODE(FILE_DEVICE_BUS_EXTENDER, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KMDFBUS_EJECT CTL_CODE(FILE_DEVICE_BUS_EXTENDER, 0x903, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* The static child goes missing (WdfPdoMarkMissing). */
#define IOCTL_KMDFBUS_UNPLUG_STATIC CTL_CODE(FILE_DEVICE_BUS_EXTENDER, 0x904, METHOD_BUFFERED, FILE_ANY_ACCESS)

#endif
