/**
 * Power setting callbacks (PoRegisterPowerSettingCallback): a driver asks to be told a power
 * setting's value. Windows calls the callback once on registration with the current value and
 * again whenever it changes. The simulated machine's settings are the table below (on AC power);
 * a setting it does not know (a driver's own GUID, say) is registered and never called, as a
 * setting nobody has defined is on Windows. Nothing changes a setting, so there is no later call.
 */
import { POOL_TYPE } from '../../nt/pool.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { readGuid } from '../pnp/interfaces.ts';
import { TAG } from '../tags.ts';

/** The settings the machine has, by registry-form GUID, and their current ULONG values. */
export const POWER_SETTINGS: ReadonlyMap<string, number> = new Map([
  // GUID_ACDC_POWER_SOURCE: 0 = PoAc (a desktop on mains power).
  ['{5D3E9A59-E9D5-4B00-A6BD-FF34FF516548}', 0],
  // GUID_CONSOLE_DISPLAY_STATE: 1 = on.
  ['{6FE69556-704A-47A0-8F24-C28D936FDA47}', 1],
]);

interface Registration {
  readonly device: number;
  readonly setting: string;
  readonly callback: number;
  readonly context: number;
}

class PowerSettings {
  /** Registrations by handle (a small pool block, so each handle is a distinct kernel address). */
  readonly registrations = new Map<number, Registration>();
  constructor(private readonly k: Kernel) {
    // nt's frame on the callback's stack, added on first use (a machine that never registers lays out nt as before).
    k.nt.addRoutines(['PopPowerSettingCallback']);
  }

  register(device: number, settingGuid: number, callback: number, context: number, handleOut: number): number {
    const k = this.k;
    if (settingGuid === 0 || callback === 0) return STATUS.INVALID_PARAMETER;
    const handle = k.pool.allocate(POOL_TYPE.NonPagedPool, 8, TAG.PoSetting);
    if (handle === 0) return STATUS.INSUFFICIENT_RESOURCES;
    const setting = readGuid(k, settingGuid);
    this.registrations.set(handle, { device, setting, callback, context });
    if (handleOut !== 0) k.as.setU32(handleOut, handle);
    const value = POWER_SETTINGS.get(setting);
    if (value !== undefined) {
      // The callback reads the value (and may keep the GUID pointer for the call): both in the block.
      k.as.setU32(handle, value);
      k.callRoutine(callback, [settingGuid, handle, 4, context], ['PopPowerSettingCallback']);
    }
    return STATUS.SUCCESS;
  }

  unregister(handle: number): number {
    if (!this.registrations.delete(handle)) return STATUS.INVALID_PARAMETER;
    this.k.pool.free(handle, TAG.PoSetting);
    return STATUS.SUCCESS;
  }
}

const tables = new WeakMap<Kernel, PowerSettings>();

export function powerSettings(k: Kernel): PowerSettings {
  let t = tables.get(k);
  if (t === undefined) {
    t = new PowerSettings(k);
    tables.set(k, t);
  }
  return t;
}

export function powerSettingExports(k: Kernel) {
  return {
    /** IRQL < DISPATCH_LEVEL. *Handle receives the registration; a known setting's callback runs before this returns. */
    PoRegisterPowerSettingCallback(DeviceObject: number, SettingGuid: number, Callback: number, Context: number, Handle: number): number {
      return powerSettings(k).register(DeviceObject >>> 0, SettingGuid >>> 0, Callback >>> 0, Context >>> 0, Handle >>> 0);
    },
    /** IRQL < DISPATCH_LEVEL. STATUS_INVALID_PARAMETER for a handle that names no registration. */
    PoUnregisterPowerSettingCallback(Handle: number): number {
      return powerSettings(k).unregister(Handle >>> 0);
    },
  };
}
