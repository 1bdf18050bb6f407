/**
 * The framework's three device state machines' state codes (wdfdevice.h WDF_DEVICE_PNP_STATE,
 * WDF_DEVICE_POWER_STATE, WDF_DEVICE_POWER_POLICY_STATE): the ones this framework's package passes
 * through, which FxPkgPnp records and `!wdfkd.wdfdevice` prints by name.
 */

/** WDF_DEVICE_PNP_STATE. */
export const WDF_DEVICE_PNP_STATE = {
  WdfDevStatePnpObjectCreated: 0x100,
  WdfDevStatePnpInit: 0x105,
  WdfDevStatePnpInitStarting: 0x106,
  WdfDevStatePnpHardwareAvailable: 0x108,
  WdfDevStatePnpEnableInterfaces: 0x109,
  WdfDevStatePnpQueryRemoveAskDriver: 0x10b,
  WdfDevStatePnpQueriedRemoving: 0x10e,
  WdfDevStatePnpQueryStopAskDriver: 0x10f,
  WdfDevStatePnpQueryCanceled: 0x112,
  WdfDevStatePnpRemoved: 0x113,
  WdfDevStatePnpPdoRemoved: 0x114,
  WdfDevStatePnpRemovingDisableInterfaces: 0x117,
  WdfDevStatePnpStarted: 0x119,
  WdfDevStatePnpStartingFromStopped: 0x11d,
  WdfDevStatePnpStopped: 0x11e,
  WdfDevStatePnpStartedStopping: 0x120,
  WdfDevStatePnpSurpriseRemove: 0x121,
  WdfDevStatePnpFdoRemoved: 0x124,
  WdfDevStatePnpFailed: 0x12b,
  WdfDevStatePnpFinal: 0x135,
} as const;

/** WDF_DEVICE_POWER_STATE. */
export const WDF_DEVICE_POWER_STATE = {
  WdfDevStatePowerObjectCreated: 0x300,
  WdfDevStatePowerD0: 0x307,
  WdfDevStatePowerD0Starting: 0x30f,
  WdfDevStatePowerD0StartingConnectInterrupt: 0x310,
  WdfDevStatePowerD0StartingStartSelfManagedIo: 0x312,
  WdfDevStatePowerStopped: 0x315,
  WdfDevStatePowerGotoDx: 0x31a,
  WdfDevStatePowerGotoDxIoStopped: 0x31c,
  WdfDevStatePowerDx: 0x31f,
  WdfDevStatePowerFinal: 0x351,
} as const;

/** WDF_DEVICE_POWER_POLICY_STATE. */
export const WDF_DEVICE_POWER_POLICY_STATE = {
  WdfDevStatePwrPolObjectCreated: 0x500,
  WdfDevStatePwrPolStarting: 0x501,
  WdfDevStatePwrPolStartingSucceeded: 0x502,
  WdfDevStatePwrPolStartingDecideS0Wake: 0x504,
  WdfDevStatePwrPolStartedIdleCapable: 0x505,
  WdfDevStatePwrPolTimerExpiredNoWake: 0x506,
  WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown: 0x507,
  WdfDevStatePwrPolWaitingUnarmed: 0x508,
  WdfDevStatePwrPolS0NoWakePowerUp: 0x50a,
  WdfDevStatePwrPolS0NoWakeCompletePowerUp: 0x50b,
  WdfDevStatePwrPolSleeping: 0x526,
  WdfDevStatePwrPolSleepingNoWakePowerDown: 0x527,
  WdfDevStatePwrPolSleepingNoWakeCompletePowerDown: 0x528,
  WdfDevStatePwrPolSystemAsleepWakeArmed: 0x513,
  WdfDevStatePwrPolSystemWakeDeviceWakeEnabled: 0x514,
  WdfDevStatePwrPolSystemWakeDeviceWakeDisarm: 0x516,
  WdfDevStatePwrPolSystemWakeDeviceWakeTriggered: 0x517,
  WdfDevStatePwrPolSystemAsleepNoWake: 0x52c,
  WdfDevStatePwrPolSystemWakeDeviceToD0: 0x52e,
  WdfDevStatePwrPolSystemWakeDeviceToD0CompletePowerUp: 0x52f,
  WdfDevStatePwrPolStopping: 0x55b,
  WdfDevStatePwrPolStopped: 0x563,
  WdfDevStatePwrPolStarted: 0x565,
  WdfDevStatePwrPolFinal: 0x574,
} as const;

/** The name of a state code of any of the three machines, for the debugger. */
export function wdfDeviceStateName(code: number): string {
  for (const table of [WDF_DEVICE_PNP_STATE, WDF_DEVICE_POWER_STATE, WDF_DEVICE_POWER_POLICY_STATE]) {
    for (const [name, value] of Object.entries(table)) if (value === code) return name;
  }
  return `WdfDevState 0x${code.toString(16)}`;
}
