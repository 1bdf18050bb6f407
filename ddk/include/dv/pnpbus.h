/*
 * dv/pnpbus.h - what bus drivers use (src/kernel/pnp/bus.ts): the answer to IRP_MN_QUERY_BUS_INFORMATION,
 * the standard bus interface of IRP_MN_QUERY_INTERFACE, and the routines that ask the PnP manager to
 * look at a device again (IoInvalidateDeviceRelations, IoInvalidateDeviceState, IoRequestDeviceEject).
 * DEVICE_RELATIONS, the IRP_MN_* codes, INTERFACE and DEVICE_TEXT_TYPE are in dv/pnp.h and dv/io.h.
 *
 * Included by wdm.h after dv/hal.h (INTERFACE_TYPE).
 */
#ifndef DV_PNPBUS_H
#define DV_PNPBUS_H

/* IRP_MN_QUERY_BUS_INFORMATION: the bus driver's answer, in paged pool the PnP manager frees */
typedef struct _PNP_BUS_INFORMATION {
  GUID BusTypeGuid;
  INTERFACE_TYPE LegacyBusType;
  ULONG BusNumber;
} PNP_BUS_INFORMATION, *PPNP_BUS_INFORMATION;

/* IRP_MN_QUERY_INTERFACE for GUID_BUS_INTERFACE_STANDARD (wdmguid.h) */
typedef struct _DMA_ADAPTER *(NTAPI *PGET_DMA_ADAPTER)(PVOID Context, struct _DEVICE_DESCRIPTION *DeviceDescriptor, PULONG NumberOfMapRegisters);
typedef BOOLEAN (NTAPI *PTRANSLATE_BUS_ADDRESS)(PVOID Context, PHYSICAL_ADDRESS BusAddress, ULONG Length, PULONG AddressSpace,
                                                PPHYSICAL_ADDRESS TranslatedAddress);
typedef ULONG (NTAPI *PGET_SET_DEVICE_DATA)(PVOID Context, ULONG DataType, PVOID Buffer, ULONG Offset, ULONG Length);
typedef struct _BUS_INTERFACE_STANDARD {
  USHORT Size;
  USHORT Version;
  PVOID Context;
  PINTERFACE_REFERENCE InterfaceReference;
  PINTERFACE_DEREFERENCE InterfaceDereference;
  PTRANSLATE_BUS_ADDRESS TranslateBusAddress;
  PGET_DMA_ADAPTER GetDmaAdapter;
  PGET_SET_DEVICE_DATA SetBusData;
  PGET_SET_DEVICE_DATA GetBusData;
} BUS_INTERFACE_STANDARD, *PBUS_INTERFACE_STANDARD;

/*
 * Ask the PnP manager to send IRP_MN_QUERY_DEVICE_RELATIONS of this type to the device again (bus
 * relations: children that appeared get devnodes, children no longer reported are removed). The
 * device must be a PDO the PnP manager enumerated; the query runs later, on a system worker thread.
 * IRQL <= DISPATCH_LEVEL.
 */
DDI_IMPORT(IoInvalidateDeviceRelations)
VOID NTAPI IoInvalidateDeviceRelations(_In_ struct _DEVICE_OBJECT *DeviceObject, _In_ DEVICE_RELATION_TYPE Type);

/* Ask for IRP_MN_QUERY_PNP_DEVICE_STATE again (a failed or removed device is then removed). IRQL <= DISPATCH_LEVEL. */
DDI_IMPORT(IoInvalidateDeviceState) VOID NTAPI IoInvalidateDeviceState(_In_ struct _DEVICE_OBJECT *PhysicalDeviceObject);

/* Eject the device: its children and it are removed, then IRP_MN_EJECT goes to its PDO. IRQL <= DISPATCH_LEVEL. */
DDI_IMPORT(IoRequestDeviceEject) VOID NTAPI IoRequestDeviceEject(_In_ struct _DEVICE_OBJECT *PhysicalDeviceObject);

#endif /* DV_PNPBUS_H */
