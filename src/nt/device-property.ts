/** DEVICE_REGISTRY_PROPERTY: what IoGetDeviceProperty is asked for (wdm.h's numbering). */
export const DEVICE_PROPERTY = {
  DeviceDescription: 0,
  HardwareID: 1,
  CompatibleIDs: 2,
  BootConfiguration: 3,
  BootConfigurationTranslated: 4,
  ClassName: 5,
  ClassGuid: 6,
  DriverKeyName: 7,
  Manufacturer: 8,
  FriendlyName: 9,
  LocationInformation: 10,
  PhysicalDeviceObjectName: 11,
  BusTypeGuid: 12,
  LegacyBusType: 13,
  BusNumber: 14,
  EnumeratorName: 15,
  Address: 16,
  UINumber: 17,
  InstallState: 18,
  RemovalPolicy: 19,
  ResourceRequirements: 20,
  AllocatedResources: 21,
  ContainerID: 22,
} as const;

/** DEVICE_INSTALL_STATE and DEVICE_REMOVAL_POLICY values a root-enumerated device reports. */
export const INSTALL_STATE_INSTALLED = 0;
export const REMOVAL_POLICY_EXPECT_NO_REMOVAL = 1;
