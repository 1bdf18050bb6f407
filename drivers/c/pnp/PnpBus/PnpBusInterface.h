/*
 * PnpBusInterface.h - the interface the PnpBus sample hands its children's drivers through
 * IRP_MN_QUERY_INTERFACE (the bus interface pattern): the INTERFACE header, then one routine. The GUID
 * is the sample's own; drivers/ts/pnp/PnpBus.ts has the same bytes.
 */
#ifndef PNPBUS_INTERFACE_H
#define PNPBUS_INTERFACE_H

/* {8D1E6C2A-3B4F-4E5A-9C7D-2F1B0A3C4D5E} */
static const GUID GUID_PNPBUS_INTERFACE = {0x8d1e6c2a, 0x3b4f, 0x4e5a, {0x9c, 0x7d, 0x2f, 0x1b, 0x0a, 0x3c, 0x4d, 0x5e}};

#define PNPBUS_INTERFACE_VERSION 1

typedef ULONG (*PPNPBUS_GET_CHILD_INDEX)(PVOID Context);

typedef struct _PNPBUS_INTERFACE {
  INTERFACE Header;
  PPNPBUS_GET_CHILD_INDEX GetChildIndex;
} PNPBUS_INTERFACE, *PPNPBUS_INTERFACE;

#endif /* PNPBUS_INTERFACE_H */
