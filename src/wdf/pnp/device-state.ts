/**
 * A device's capabilities and PnP device state as its driver sets them (WdfDeviceSetPnpCapabilities,
 * WdfDeviceSetPowerCapabilities, WdfDeviceSetDeviceState, WdfDeviceSetFailed), and how the PnP
 * package answers with them: IRP_MN_QUERY_CAPABILITIES on its way back up (the driver's settings over
 * what the bus filled in; WdfUseDefault, (ULONG)-1, PowerDeviceMaximum leave the bus's value), and
 * IRP_MN_QUERY_PNP_DEVICE_STATE (WdfTrue sets a PNP_DEVICE_* bit, WdfFalse clears it). A change to the
 * state of a started device, or a failure, makes the framework call IoInvalidateDeviceState so the
 * PnP manager asks again: a failed device is then removed.
 */
import { DEVICE_CAPABILITIES, DEVICE_OBJECT } from '../../nt/layout.ts';
import { CAPABILITY_BIT, PNP_DEVICE } from '../../nt/pnp.ts';
import { DEVICE_POWER_STATE, SYSTEM_POWER_STATE } from '../../nt/power.ts';
import { STATUS } from '../../nt/status.ts';
import { FX_TYPE, WDF_TRI_STATE } from '../../nt/wdf.ts';
import { WDF_DEVICE_FAILED_ACTION, WDF_DEVICE_PNP_CAPABILITIES, WDF_DEVICE_POWER_CAPABILITIES, WDF_DEVICE_STATE } from '../../nt/wdf-device.ts';
import { WDF_DEVICE_PNP_STATE } from '../../nt/wdf-pnp.ts';
import type { WdfDdi } from '../ddi.ts';
import type { FxDevice } from '../device.ts';
import type { Framework } from '../framework.ts';
import type { FxDriverGlobals } from '../globals.ts';
import { verifierBreak } from '../verifier.ts';

const CAPS = DEVICE_CAPABILITIES.off;
const PNPCAPS = WDF_DEVICE_PNP_CAPABILITIES.off;
const POWERCAPS = WDF_DEVICE_POWER_CAPABILITIES.off;
const STATE = WDF_DEVICE_STATE.off;
const NOT_SET = 0xffffffff;

/** Which DEVICE_CAPABILITIES bit each tri-state of WDF_DEVICE_PNP/POWER_CAPABILITIES sets or clears. */
const PNP_CAP_BITS = {
  LockSupported: CAPABILITY_BIT.LockSupported,
  EjectSupported: CAPABILITY_BIT.EjectSupported,
  Removable: CAPABILITY_BIT.Removable,
  DockDevice: CAPABILITY_BIT.DockDevice,
  UniqueID: CAPABILITY_BIT.UniqueID,
  SilentInstall: CAPABILITY_BIT.SilentInstall,
  SurpriseRemovalOK: CAPABILITY_BIT.SurpriseRemovalOK,
  HardwareDisabled: CAPABILITY_BIT.HardwareDisabled,
  NoDisplayInUI: CAPABILITY_BIT.NoDisplayInUI,
} as const;
const POWER_CAP_BITS = {
  DeviceD1: CAPABILITY_BIT.DeviceD1,
  DeviceD2: CAPABILITY_BIT.DeviceD2,
  WakeFromD0: CAPABILITY_BIT.WakeFromD0,
  WakeFromD1: CAPABILITY_BIT.WakeFromD1,
  WakeFromD2: CAPABILITY_BIT.WakeFromD2,
  WakeFromD3: CAPABILITY_BIT.WakeFromD3,
} as const;
/** Which PNP_DEVICE_* bit each tri-state of WDF_DEVICE_STATE stands for. */
const STATE_BITS = {
  Disabled: PNP_DEVICE.DISABLED,
  DontDisplayInUI: PNP_DEVICE.DONT_DISPLAY_IN_UI,
  Failed: PNP_DEVICE.FAILED,
  NotDisableable: PNP_DEVICE.NOT_DISABLEABLE,
  Removed: PNP_DEVICE.REMOVED,
  ResourcesChanged: PNP_DEVICE.RESOURCE_REQUIREMENTS_CHANGED,
} as const;
type StateName = keyof typeof STATE_BITS;

/** What the driver said about its device. */
interface FxDeviceSettings {
  /** Tri-states by capability bit. */
  readonly capabilityBits: Map<number, number>;
  address: number;
  uiNumber: number;
  /** DeviceState[S] by system state, DeviceWake, SystemWake, D1-D3 latencies: only those set. */
  readonly power: Map<keyof typeof CAPS | `DeviceState${number}`, number>;
  idealDxStateForSx: number;
  readonly state: Map<StateName, number>;
  failed: number;
  /** WdfDeviceSetStaticStopRemove(FALSE) calls not yet matched by a TRUE: the device may not be stopped or removed. */
  stopCount: number;
}

const settings = new WeakMap<FxDevice, FxDeviceSettings>();
function settingsOf(device: FxDevice): FxDeviceSettings {
  let s = settings.get(device);
  if (!s) {
    s = { capabilityBits: new Map(), address: NOT_SET, uiNumber: NOT_SET, power: new Map(), idealDxStateForSx: DEVICE_POWER_STATE.PowerDeviceMaximum, state: new Map(), failed: WDF_DEVICE_FAILED_ACTION.Undefined, stopCount: 0 };
    settings.set(device, s);
  }
  return s;
}

const triBit = (bits: number, bit: number, tri: number): number => (tri === WDF_TRI_STATE.True ? bits | (1 << bit) : tri === WDF_TRI_STATE.False ? bits & ~(1 << bit) : bits) >>> 0;

/** IRP_MN_QUERY_CAPABILITIES, once the bus has filled `caps` in: the driver's settings over it. */
export function applyCapabilities(fx: Framework, device: FxDevice, caps: number): void {
  const s = settings.get(device);
  if (!s || caps === 0) return;
  const as = fx.k.as;
  let bits = as.u32(caps + CAPS.DvCapabilityBits);
  for (const [bit, tri] of s.capabilityBits) bits = triBit(bits, bit, tri);
  as.setU32(caps + CAPS.DvCapabilityBits, bits);
  if (s.address !== NOT_SET) as.setU32(caps + CAPS.Address, s.address);
  if (s.uiNumber !== NOT_SET) as.setU32(caps + CAPS.UINumber, s.uiNumber);
  for (const [field, value] of s.power) {
    const offset = field.startsWith('DeviceState') ? CAPS.DeviceState + 4 * Number(field.slice('DeviceState'.length)) : CAPS[field as keyof typeof CAPS];
    as.setU32(caps + offset, value);
  }
}

/** IRP_MN_QUERY_PNP_DEVICE_STATE: the bits the lower drivers returned, with the driver's state (and a failure) applied. */
export function applyPnpDeviceState(device: FxDevice, bits: number): number {
  const s = settings.get(device);
  if (!s) return bits;
  for (const [name, tri] of s.state) {
    if (tri === WDF_TRI_STATE.True) bits |= STATE_BITS[name];
    else if (tri === WDF_TRI_STATE.False) bits &= ~STATE_BITS[name];
  }
  if (s.failed !== WDF_DEVICE_FAILED_ACTION.Undefined) bits |= PNP_DEVICE.FAILED;
  return bits >>> 0;
}

/** IRP_MN_QUERY_STOP/REMOVE_DEVICE: the driver said its device cannot go (WdfDeviceSetStaticStopRemove), so the query fails. */
export function staticStopRemoveVeto(device: FxDevice): number | undefined {
  return (settings.get(device)?.stopCount ?? 0) > 0 ? STATUS.INVALID_DEVICE_STATE : undefined;
}

export function deviceStateExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;
  const device = (g: FxDriverGlobals, handle: number) => fx.object<FxDevice>(g, handle, FX_TYPE.Device);
  /** A structure whose Size is not the one the framework knows: logged, the verifier's break, nothing set. */
  const sizeOk = (g: FxDriverGlobals, routine: string, address: number, size: number): boolean => {
    fx.require(g, address);
    const given = as.u32(address);
    if (given === size) return true;
    verifierBreak(fx, g, routine, `Size ${given} is not ${size}, nothing set`);
    return false;
  };
  /** Ask the PnP manager to query the device's state again: only a started PnP device has a state to query. */
  const invalidate = (d: FxDevice) => {
    if (d.pnp && d.pnp.state === WDF_DEVICE_PNP_STATE.WdfDevStatePnpStarted) k.ddi.IoInvalidateDeviceState(d.pnp.pdo);
  };

  return {
    WdfDeviceSetPnpCapabilities(g, Device: number, PnpCapabilities: number) {
      const d = device(g, Device);
      if (!sizeOk(g, 'FxPkgPnp::SetPnpCaps', PnpCapabilities, WDF_DEVICE_PNP_CAPABILITIES.size)) return;
      const s = settingsOf(d);
      for (const [name, bit] of Object.entries(PNP_CAP_BITS)) s.capabilityBits.set(bit, as.u32(PnpCapabilities + PNPCAPS[name as keyof typeof PNP_CAP_BITS]));
      s.address = as.u32(PnpCapabilities + PNPCAPS.Address);
      s.uiNumber = as.u32(PnpCapabilities + PNPCAPS.UINumber);
    },

    WdfDeviceSetPowerCapabilities(g, Device: number, PowerCapabilities: number) {
      const d = device(g, Device);
      if (!sizeOk(g, 'FxPkgPnp::SetPowerCaps', PowerCapabilities, WDF_DEVICE_POWER_CAPABILITIES.size)) return;
      const s = settingsOf(d);
      const at = (name: keyof typeof POWERCAPS) => as.u32(PowerCapabilities + POWERCAPS[name]);
      for (const [name, bit] of Object.entries(POWER_CAP_BITS)) s.capabilityBits.set(bit, at(name as keyof typeof POWER_CAP_BITS));
      for (let state = 0; state < SYSTEM_POWER_STATE.PowerSystemMaximum; state++) {
        const dx = as.u32(PowerCapabilities + POWERCAPS.DeviceState + 4 * state);
        if (dx !== DEVICE_POWER_STATE.PowerDeviceMaximum) s.power.set(`DeviceState${state}`, dx);
      }
      if (at('DeviceWake') !== DEVICE_POWER_STATE.PowerDeviceMaximum) s.power.set('DeviceWake', at('DeviceWake'));
      if (at('SystemWake') !== SYSTEM_POWER_STATE.PowerSystemMaximum) s.power.set('SystemWake', at('SystemWake'));
      for (const latency of ['D1Latency', 'D2Latency', 'D3Latency'] as const) if (at(latency) !== NOT_SET) s.power.set(latency, at(latency));
      s.idealDxStateForSx = at('IdealDxStateForSx');
    },

    WdfDeviceSetDeviceState(g, Device: number, DeviceState: number) {
      const d = device(g, Device);
      if (!sizeOk(g, 'FxPkgPnp::SetPnpState', DeviceState, WDF_DEVICE_STATE.size)) return;
      const s = settingsOf(d);
      for (const name of Object.keys(STATE_BITS) as StateName[]) {
        const tri = as.u32(DeviceState + STATE[name]);
        if (tri !== WDF_TRI_STATE.UseDefault) s.state.set(name, tri);
      }
      invalidate(d);
    },

    /** What the driver set (WdfUseDefault for what it left alone). */
    WdfDeviceGetDeviceState(g, Device: number, DeviceState: number) {
      const d = device(g, Device);
      if (!sizeOk(g, 'FxPkgPnp::GetPnpState', DeviceState, WDF_DEVICE_STATE.size)) return;
      const s = settings.get(d);
      for (const name of Object.keys(STATE_BITS) as StateName[]) as.setU32(DeviceState + STATE[name], s?.state.get(name) ?? WDF_TRI_STATE.UseDefault);
    },

    /** The device reports itself failed (PNP_DEVICE_FAILED) and the PnP manager removes it. */
    WdfDeviceSetFailed(g, Device: number, FailedAction: number) {
      const d = device(g, Device);
      if (FailedAction !== WDF_DEVICE_FAILED_ACTION.AttemptRestart && FailedAction !== WDF_DEVICE_FAILED_ACTION.NoRestart) {
        verifierBreak(fx, g, 'FxDevice::SetFailed', `Invalid FailedAction ${FailedAction}`);
        return;
      }
      settingsOf(d).failed = FailedAction;
      g.record('FxPkgPnp::SetDeviceFailed', `WDFDEVICE 0x${Device.toString(16)} set failed, action ${FailedAction === WDF_DEVICE_FAILED_ACTION.AttemptRestart ? 'WdfDeviceFailedAttemptRestart' : 'WdfDeviceFailedNoRestart'}`);
      invalidate(d);
    },

    /** Counted: each FALSE must be matched by a TRUE before the device can be stopped or removed again. */
    WdfDeviceSetStaticStopRemove(g, Device: number, Stoppable: number) {
      const s = settingsOf(device(g, Device));
      s.stopCount = (Stoppable & 0xff) !== 0 ? Math.max(0, s.stopCount - 1) : s.stopCount + 1;
    },

    WdfDeviceSetAlignmentRequirement(g, Device: number, AlignmentRequirement: number) {
      as.setU32(device(g, Device).deviceObject + DEVICE_OBJECT.off.AlignmentRequirement, AlignmentRequirement >>> 0);
    },

    WdfDeviceGetAlignmentRequirement(g, Device: number) {
      return as.u32(device(g, Device).deviceObject + DEVICE_OBJECT.off.AlignmentRequirement);
    },
  };
}
