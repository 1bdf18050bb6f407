/**
 * KMDF facts for power policy and wake (wdfdevice.h): the driver's power-policy callbacks and its
 * system-wake settings, as the wasm32 C ABI lays them out (test/wdf/PnpWake.test.ts checks them
 * against ddk/include/wdfwake.h), and their enums. Values: the KMDF 1.33 headers and the DDI
 * reference (WDF_POWER_POLICY_EVENT_CALLBACKS, WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS).
 */
import { struct, type StructLayout } from './layout.ts';

export const WDF_POWER_POLICY_EVENT_CALLBACKS = struct('WDF_POWER_POLICY_EVENT_CALLBACKS', [
  ['Size', 'u32'],
  ['EvtDeviceArmWakeFromS0', 'ptr'],
  ['EvtDeviceDisarmWakeFromS0', 'ptr'],
  ['EvtDeviceWakeFromS0Triggered', 'ptr'],
  ['EvtDeviceArmWakeFromSx', 'ptr'],
  ['EvtDeviceDisarmWakeFromSx', 'ptr'],
  ['EvtDeviceWakeFromSxTriggered', 'ptr'],
  ['EvtDeviceArmWakeFromSxWithReason', 'ptr'],
]);

export const WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS = struct('WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS', [
  ['Size', 'u32'],
  ['DxState', 'u32'],
  ['UserControlOfWakeSettings', 'u32'],
  ['Enabled', 'u32'],
  ['ArmForWakeIfChildrenAreArmedForWake', 'u8'],
  ['IndicateChildWakeOnParentWake', 'u8'],
]);

/** WDF_POWER_POLICY_SX_WAKE_USER_CONTROL. */
export const WDF_POWER_POLICY_SX_WAKE_USER_CONTROL = { Invalid: 0, DoNotAllowUserControl: 1, AllowUserControl: 2 } as const;

export const WDF_WAKE_LAYOUTS: readonly StructLayout[] = [WDF_POWER_POLICY_EVENT_CALLBACKS, WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS];
