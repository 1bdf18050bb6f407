/** Power management constants (wdm.h): power states, state types, actions and the power IRPs' minor codes. */

/** SYSTEM_POWER_STATE: S0 is PowerSystemWorking, S3 PowerSystemSleeping3. */
export const SYSTEM_POWER_STATE = {
  PowerSystemUnspecified: 0,
  PowerSystemWorking: 1,
  PowerSystemSleeping1: 2,
  PowerSystemSleeping2: 3,
  PowerSystemSleeping3: 4,
  PowerSystemHibernate: 5,
  PowerSystemShutdown: 6,
  PowerSystemMaximum: 7,
} as const;

export const DEVICE_POWER_STATE = {
  PowerDeviceUnspecified: 0,
  PowerDeviceD0: 1,
  PowerDeviceD1: 2,
  PowerDeviceD2: 3,
  PowerDeviceD3: 4,
  PowerDeviceMaximum: 5,
} as const;

/** POWER_STATE_TYPE: which member of a POWER_STATE union is meant. */
export const POWER_STATE_TYPE = {
  SystemPowerState: 0,
  DevicePowerState: 1,
} as const;

export const POWER_ACTION = {
  PowerActionNone: 0,
  PowerActionReserved: 1,
  PowerActionSleep: 2,
  PowerActionHibernate: 3,
  PowerActionShutdown: 4,
  PowerActionShutdownReset: 5,
  PowerActionShutdownOff: 6,
  PowerActionWarmEject: 7,
  PowerActionDisplayOff: 8,
} as const;

/** Minor function codes of IRP_MJ_POWER. */
export const IRP_MN_POWER = {
  WAIT_WAKE: 0x00,
  POWER_SEQUENCE: 0x01,
  SET_POWER: 0x02,
  QUERY_POWER: 0x03,
} as const;

/** The names kd and messages give the states. */
export const systemStateName = (s: number): string => Object.keys(SYSTEM_POWER_STATE).find((k) => SYSTEM_POWER_STATE[k as keyof typeof SYSTEM_POWER_STATE] === s) ?? `SystemPowerState ${s}`;
export const deviceStateName = (s: number): string => Object.keys(DEVICE_POWER_STATE).find((k) => DEVICE_POWER_STATE[k as keyof typeof DEVICE_POWER_STATE] === s) ?? `DevicePowerState ${s}`;
