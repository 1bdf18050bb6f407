/**
 * Hardware resources as the PnP manager hands them to a driver at IRP_MN_START_DEVICE
 * (CM_RESOURCE_LIST, wdm.h): the descriptor types, share dispositions and flags. The layouts are in
 * layout.ts; ddk/include/dv/resources.h declares the same values.
 */

/** CM_PARTIAL_RESOURCE_DESCRIPTOR.Type (CmResourceType*). */
export const CM_RESOURCE_TYPE = {
  CmResourceTypeNull: 0,
  CmResourceTypePort: 1,
  CmResourceTypeInterrupt: 2,
  CmResourceTypeMemory: 3,
  CmResourceTypeDma: 4,
  CmResourceTypeDeviceSpecific: 5,
  CmResourceTypeBusNumber: 6,
  CmResourceTypeMemoryLarge: 7,
  /** A GPIO or serial-bus connection the resource hub names by ID (u.Connection). */
  CmResourceTypeConnection: 132,
} as const;

/** u.Connection's Class and Type (a Type means something only within its Class). */
export const CM_RESOURCE_CONNECTION = {
  CM_RESOURCE_CONNECTION_CLASS_GPIO: 0x01,
  CM_RESOURCE_CONNECTION_CLASS_SERIAL: 0x02,
  CM_RESOURCE_CONNECTION_CLASS_FUNCTION_CONFIG: 0x03,
  CM_RESOURCE_CONNECTION_TYPE_GPIO_IO: 0x02,
  CM_RESOURCE_CONNECTION_TYPE_SERIAL_I2C: 0x01,
  CM_RESOURCE_CONNECTION_TYPE_SERIAL_SPI: 0x02,
  CM_RESOURCE_CONNECTION_TYPE_SERIAL_UART: 0x03,
  CM_RESOURCE_CONNECTION_TYPE_FUNCTION_CONFIG: 0x01,
} as const;

/** CM_PARTIAL_RESOURCE_DESCRIPTOR.ShareDisposition (CM_SHARE_DISPOSITION). */
export const CM_SHARE_DISPOSITION = {
  CmResourceShareUndetermined: 0,
  CmResourceShareDeviceExclusive: 1,
  CmResourceShareDriverExclusive: 2,
  CmResourceShareShared: 3,
} as const;

/** CM_PARTIAL_RESOURCE_DESCRIPTOR.Flags, by type (CM_RESOURCE_*). */
export const CM_RESOURCE_FLAG = {
  CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE: 0x0,
  CM_RESOURCE_INTERRUPT_LATCHED: 0x1,
  CM_RESOURCE_MEMORY_READ_WRITE: 0x0,
  CM_RESOURCE_MEMORY_READ_ONLY: 0x1,
  CM_RESOURCE_MEMORY_WRITE_ONLY: 0x2,
  CM_RESOURCE_PORT_MEMORY: 0x0,
  CM_RESOURCE_PORT_IO: 0x1,
} as const;

/** INTERFACE_TYPE Internal: the bus of a root-enumerated device's resources. */
export const INTERFACE_TYPE_INTERNAL = 0;

/** IO_RESOURCE_DESCRIPTOR.Option: how a requirement relates to the one before it (IO_RESOURCE_*). */
export const IO_RESOURCE_OPTION = {
  IO_RESOURCE_PREFERRED: 0x1,
  IO_RESOURCE_DEFAULT: 0x2,
  IO_RESOURCE_ALTERNATIVE: 0x8,
} as const;
