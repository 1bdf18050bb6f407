/**
 * KMDF facts for a device's capabilities, state and properties (wdfdevice.h): the structures the
 * framework reads from drivers (wasm32 layout; test/wdf/Layout.test.ts checks them against
 * ddk/include) and their enums. Values: the KMDF 1.33 headers.
 */
import { array, struct, type StructLayout } from './layout.ts';
import { POWER_SYSTEM_MAXIMUM } from './pnp.ts';

/** Each member but Size, Address and UINumber is a WDF_TRI_STATE. */
export const WDF_DEVICE_PNP_CAPABILITIES = struct('WDF_DEVICE_PNP_CAPABILITIES', [
  ['Size', 'u32'],
  ['LockSupported', 'u32'],
  ['EjectSupported', 'u32'],
  ['Removable', 'u32'],
  ['DockDevice', 'u32'],
  ['UniqueID', 'u32'],
  ['SilentInstall', 'u32'],
  ['SurpriseRemovalOK', 'u32'],
  ['HardwareDisabled', 'u32'],
  ['NoDisplayInUI', 'u32'],
  ['Address', 'u32'],
  ['UINumber', 'u32'],
]);

export const WDF_DEVICE_POWER_CAPABILITIES = struct('WDF_DEVICE_POWER_CAPABILITIES', [
  ['Size', 'u32'],
  ['DeviceD1', 'u32'],
  ['DeviceD2', 'u32'],
  ['WakeFromD0', 'u32'],
  ['WakeFromD1', 'u32'],
  ['WakeFromD2', 'u32'],
  ['WakeFromD3', 'u32'],
  ['DeviceState', array('u32', POWER_SYSTEM_MAXIMUM)],
  ['DeviceWake', 'u32'],
  ['SystemWake', 'u32'],
  ['D1Latency', 'u32'],
  ['D2Latency', 'u32'],
  ['D3Latency', 'u32'],
  ['IdealDxStateForSx', 'u32'],
]);

/** Each member but Size is a WDF_TRI_STATE: True sets the PNP_DEVICE_* bit, False clears it, UseDefault leaves it. */
export const WDF_DEVICE_STATE = struct('WDF_DEVICE_STATE', [
  ['Size', 'u32'],
  ['Disabled', 'u32'],
  ['DontDisplayInUI', 'u32'],
  ['Failed', 'u32'],
  ['NotDisableable', 'u32'],
  ['Removed', 'u32'],
  ['ResourcesChanged', 'u32'],
]);

export const WDF_DEVICE_PROPERTY_DATA = struct('WDF_DEVICE_PROPERTY_DATA', [
  ['Size', 'u32'],
  ['PropertyKey', 'ptr'],
  ['Lcid', 'u32'],
  ['Flags', 'u32'],
]);

/** WDF_DEVICE_FAILED_ACTION (WdfDeviceSetFailed). */
export const WDF_DEVICE_FAILED_ACTION = { Undefined: 0, AttemptRestart: 1, NoRestart: 2 } as const;

/** A single-component device's power framework settings (WdfDeviceWdmAssignPowerFrameworkSettings, power/pofx.ts). */
export const WDF_POWER_FRAMEWORK_SETTINGS = struct('WDF_POWER_FRAMEWORK_SETTINGS', [
  ['Size', 'u32'],
  ['EvtDeviceWdmPostPoFxRegisterDevice', 'ptr'],
  ['EvtDeviceWdmPrePoFxUnregisterDevice', 'ptr'],
  ['Component', 'ptr'],
  ['ComponentActiveConditionCallback', 'ptr'],
  ['ComponentIdleConditionCallback', 'ptr'],
  ['ComponentIdleStateCallback', 'ptr'],
  ['PowerControlCallback', 'ptr'],
  ['PoFxDeviceContext', 'ptr'],
  ['PoFxDeviceFlags', 'u64'],
  ['DirectedPoFxEnabled', 'u32'],
]);

export const WDF_DEVICE_LAYOUTS: readonly StructLayout[] = [WDF_DEVICE_PNP_CAPABILITIES, WDF_DEVICE_POWER_CAPABILITIES, WDF_DEVICE_STATE, WDF_DEVICE_PROPERTY_DATA, WDF_POWER_FRAMEWORK_SETTINGS];
