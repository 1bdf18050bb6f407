/** Plug and Play: the IRP_MJ_PNP minor codes and the values their parameters and results carry (wdm.h). */

/** Minor function codes of IRP_MJ_PNP. */
export const IRP_MN_PNP = {
  START_DEVICE: 0x00,
  QUERY_REMOVE_DEVICE: 0x01,
  REMOVE_DEVICE: 0x02,
  CANCEL_REMOVE_DEVICE: 0x03,
  STOP_DEVICE: 0x04,
  QUERY_STOP_DEVICE: 0x05,
  CANCEL_STOP_DEVICE: 0x06,
  QUERY_DEVICE_RELATIONS: 0x07,
  QUERY_INTERFACE: 0x08,
  QUERY_CAPABILITIES: 0x09,
  QUERY_RESOURCES: 0x0a,
  QUERY_RESOURCE_REQUIREMENTS: 0x0b,
  QUERY_DEVICE_TEXT: 0x0c,
  FILTER_RESOURCE_REQUIREMENTS: 0x0d,
  READ_CONFIG: 0x0f,
  WRITE_CONFIG: 0x10,
  EJECT: 0x11,
  SET_LOCK: 0x12,
  QUERY_ID: 0x13,
  QUERY_PNP_DEVICE_STATE: 0x14,
  QUERY_BUS_INFORMATION: 0x15,
  DEVICE_USAGE_NOTIFICATION: 0x16,
  SURPRISE_REMOVAL: 0x17,
  QUERY_LEGACY_BUS_INFORMATION: 0x18,
  DEVICE_ENUMERATED: 0x19,
} as const;

/** The name of a PnP minor code (IRP_MN_START_DEVICE), for run lines and test expectations. */
export function pnpMinorName(minor: number): string {
  const name = Object.entries(IRP_MN_PNP).find(([, v]) => v === minor)?.[0];
  return name ? `IRP_MN_${name}` : `IRP_MN_0x${minor.toString(16)}`;
}

/** DEVICE_RELATION_TYPE: Parameters.QueryDeviceRelations.Type. */
export const DEVICE_RELATION_TYPE = {
  BusRelations: 0,
  EjectionRelations: 1,
  PowerRelations: 2,
  RemovalRelations: 3,
  TargetDeviceRelation: 4,
  SingleBusRelations: 5,
  TransportRelations: 6,
} as const;

/** BUS_QUERY_ID_TYPE: Parameters.QueryId.IdType. */
export const BUS_QUERY_ID_TYPE = {
  BusQueryDeviceID: 0,
  BusQueryHardwareIDs: 1,
  BusQueryCompatibleIDs: 2,
  BusQueryInstanceID: 3,
  BusQueryDeviceSerialNumber: 4,
  BusQueryContainerID: 5,
} as const;

/** PNP_DEVICE_STATE bits: what IRP_MN_QUERY_PNP_DEVICE_STATE returns in IoStatus.Information. */
export const PNP_DEVICE = {
  DISABLED: 0x1,
  DONT_DISPLAY_IN_UI: 0x2,
  FAILED: 0x4,
  REMOVED: 0x8,
  RESOURCE_REQUIREMENTS_CHANGED: 0x10,
  NOT_DISABLEABLE: 0x20,
  DISCONNECTED: 0x40,
} as const;

/** DEVICE_CAPABILITIES.Version the PnP manager sends (and Size is the structure's size). */
export const DEVICE_CAPABILITIES_VERSION = 1;

/** The number of system power states DEVICE_CAPABILITIES.DeviceState has an entry for (POWER_SYSTEM_MAXIMUM). */
export const POWER_SYSTEM_MAXIMUM = 7;

/** Bit positions of DEVICE_CAPABILITIES' one-bit flags in their ULONG (DvCapabilityBits), in wdm.h's order. */
export const CAPABILITY_BIT = {
  DeviceD1: 0,
  DeviceD2: 1,
  LockSupported: 2,
  EjectSupported: 3,
  Removable: 4,
  DockDevice: 5,
  UniqueID: 6,
  SilentInstall: 7,
  RawDeviceOK: 8,
  SurpriseRemovalOK: 9,
  WakeFromD0: 10,
  WakeFromD1: 11,
  WakeFromD2: 12,
  WakeFromD3: 13,
  HardwareDisabled: 14,
  NonDynamic: 15,
  WarmEjectSupported: 16,
  NoDisplayInUI: 17,
  Reserved1: 18,
  WakeFromInterrupt: 19,
  SecureDevice: 20,
  ChildOfVgaEnabledBridge: 21,
  DecodeIoOnBoot: 22,
} as const;
