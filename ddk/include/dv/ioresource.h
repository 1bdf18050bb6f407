/*
 * dv/ioresource.h - what a device can use, as its bus driver answers IRP_MN_QUERY_RESOURCE_REQUIREMENTS
 * (and FILTER_RESOURCE_REQUIREMENTS lets the stack edit): one or more alternative lists of requirements,
 * each a range to choose in (port, memory: a length, an alignment, the lowest and highest address) or a
 * span of vectors (interrupt: the bus-relative IRQ, MinimumVector to MaximumVector). The PnP manager's
 * arbiter picks from the first list (src/kernel/pnp/arbiter.ts) and starts the device with the
 * CM_RESOURCE_LISTs of dv/resources.h. Not packed: the addresses are 8-aligned, a descriptor is 32 bytes.
 * Included by wdm.h after dv/resources.h.
 */
#ifndef DV_IORESOURCE_H
#define DV_IORESOURCE_H

/* IO_RESOURCE_DESCRIPTOR.Option */
#define IO_RESOURCE_PREFERRED 0x01
#define IO_RESOURCE_DEFAULT 0x02
#define IO_RESOURCE_ALTERNATIVE 0x08

typedef struct _IO_RESOURCE_DESCRIPTOR {
  UCHAR Option;
  UCHAR Type;             /* CmResourceType* */
  UCHAR ShareDisposition; /* CM_SHARE_DISPOSITION */
  UCHAR Spare1;
  USHORT Flags;           /* CM_RESOURCE_* of the type */
  USHORT Spare2;
  union {
    struct {
      ULONG Length;
      ULONG Alignment;
      PHYSICAL_ADDRESS MinimumAddress;
      PHYSICAL_ADDRESS MaximumAddress;
    } Port;
    struct {
      ULONG Length;
      ULONG Alignment;
      PHYSICAL_ADDRESS MinimumAddress;
      PHYSICAL_ADDRESS MaximumAddress;
    } Memory;
    struct {
      ULONG MinimumVector;
      ULONG MaximumVector;
    } Interrupt;
    struct {
      ULONG Length;
      ULONG Alignment;
      PHYSICAL_ADDRESS MinimumAddress;
      PHYSICAL_ADDRESS MaximumAddress;
    } Generic;
  } u;
} IO_RESOURCE_DESCRIPTOR, *PIO_RESOURCE_DESCRIPTOR;

typedef struct _IO_RESOURCE_LIST {
  USHORT Version;
  USHORT Revision;
  ULONG Count;
  IO_RESOURCE_DESCRIPTOR Descriptors[1];
} IO_RESOURCE_LIST, *PIO_RESOURCE_LIST;

typedef struct _IO_RESOURCE_REQUIREMENTS_LIST {
  ULONG ListSize; /* bytes, the whole list */
  INTERFACE_TYPE InterfaceType;
  ULONG BusNumber;
  ULONG SlotNumber;
  ULONG Reserved[3];
  ULONG AlternativeLists;
  IO_RESOURCE_LIST List[1];
} IO_RESOURCE_REQUIREMENTS_LIST, *PIO_RESOURCE_REQUIREMENTS_LIST;

#endif /* DV_IORESOURCE_H */
