/**
 * The settings' life, as Windows lives it across boots: a change is made now and takes effect at the next
 * boot (the next `dv run`); /volatile changes hold for that one boot; the boot mode decides whether the
 * settings survive a boot that failed or ended unusually (a bug check, a hang), and /bc counts boots.
 */
import type { VerifierSettings } from '../../verifier/settings.ts';
import { STANDARD_FLAGS, VF } from '../../verifier/flags.ts';
import type { SettingsChange } from './switches.ts';
import { SwitchError } from './switches.ts';
import { RESET_STATE, type FaultOptions, type VerifierState } from './state.ts';

const merge = (a: readonly string[], b: readonly string[]) => [...a, ...b.filter((n) => !a.some((x) => x.toLowerCase() === n.toLowerCase()))];

/** The persisted state after a /flags, /driver, /faults, /bootmode, /volatile... command. */
export function applyChange(prev: VerifierState | undefined, c: SettingsChange): VerifierState {
  const base = prev ?? RESET_STATE;
  if (c.volatile) {
    const v = base.volatile ?? { add: [], remove: [] };
    const flags = c.flags ?? (c.faults ? (v.flags ?? base.verifyDriverLevel) | VF.RANDOMIZED_LOW_RESOURCES : v.flags);
    const faults = c.faults ?? v.faults;
    return {
      ...base,
      volatile: {
        ...(flags !== undefined ? { flags: flags >>> 0 } : {}),
        add: merge(v.add, c.volatile.add),
        remove: merge(v.remove, c.volatile.remove),
        ...(faults ? { faults } : {}),
      },
    };
  }
  const drivers = c.drivers ? [...c.drivers] : base.verifyDrivers;
  // /driver alone, with no options in force, verifies with the standard options.
  const noOptions = c.drivers !== undefined && c.flags === undefined && !c.faults && base.verifyDriverLevel === 0;
  const chosen = (c.flags ?? (c.faults ? base.verifyDriverLevel | VF.RANDOMIZED_LOW_RESOURCES : noOptions ? STANDARD_FLAGS : base.verifyDriverLevel)) >>> 0;
  // /faultssystematic enableruntime turns systematic low resources simulation on, disableruntime off.
  const level = (c.systematic === 'disable' ? chosen & ~VF.SYSTEMATIC_LOW_RESOURCES : c.systematic ? chosen | VF.SYSTEMATIC_LOW_RESOURCES : chosen) >>> 0;
  if ((c.flags !== undefined || c.faults) && drivers.length === 0) throw new SwitchError('no driver to verify: add /driver NAME [NAME ...] or /all');
  const exclude = c.exclude ? [...c.exclude] : c.drivers ? undefined : base.exclude;
  const faults = level & VF.RANDOMIZED_LOW_RESOURCES ? (c.faults ?? base.faults) : undefined;
  const bootMode = c.bootMode ?? base.bootMode;
  const bootsLeft = c.bootCount ?? (c.bootMode ? undefined : base.bootsLeft);
  const log = c.log ?? base.log;
  const systematic = c.systematic ?? base.systematic;
  return {
    verifyDrivers: drivers,
    ...(exclude ? { exclude } : {}),
    verifyDriverLevel: level,
    ...(faults ? { faults } : {}),
    ...(systematic ? { systematic } : {}),
    bootMode,
    ...(bootsLeft !== undefined ? { bootsLeft } : {}),
    ...(log !== undefined ? { log } : {}),
    ...(base.volatile ? { volatile: base.volatile } : {}),
  };
}

/** What a run (a boot) uses: the persisted settings with this boot's volatile changes. */
export interface BootSettings {
  /** Undefined: no driver is verified. */
  readonly verifier: VerifierSettings | undefined;
  readonly faults?: FaultOptions;
  readonly systematic?: 'enable' | 'disable';
}

export function bootSettings(state: VerifierState): BootSettings {
  const v = state.volatile;
  const flags = v?.flags ?? state.verifyDriverLevel;
  const removed = (n: string) => v?.remove.some((r) => r.toLowerCase() === n.toLowerCase()) ?? false;
  const drivers = merge(state.verifyDrivers, v?.add ?? []).filter((n) => !removed(n));
  const exclude = [...(state.exclude ?? []), ...(drivers.includes('*') ? (v?.remove ?? []) : [])];
  const faults = v?.faults ?? state.faults;
  return {
    verifier: drivers.length === 0 ? undefined : { flags, drivers, ...(exclude.length ? { exclude } : {}) },
    ...(faults && flags & VF.RANDOMIZED_LOW_RESOURCES ? { faults } : {}),
    ...(state.systematic && flags & VF.SYSTEMATIC_LOW_RESOURCES ? { systematic: state.systematic } : {}),
  };
}

/** How a boot ended, as the boot modes tell boots apart. */
export interface BootEnd {
  /** The machine stopped (bug check or hang) before the driver had loaded: the system failed to start. */
  readonly failedToStart: boolean;
  /** The machine stopped with a bug check or hung. */
  readonly unusual: boolean;
}

/** The state after a boot, and why it was reset if it was. */
export function afterBoot(state: VerifierState, end: BootEnd): { readonly state: VerifierState; readonly reset?: string } {
  const { volatile: _gone, ...kept } = state;
  if (kept.bootMode === 'oneboot') return { state: RESET_STATE, reset: 'the settings were for one boot (/bootmode oneboot)' };
  if (kept.bootMode === 'resetonbootfail' && end.failedToStart) return { state: RESET_STATE, reset: 'the machine failed to start (/bootmode resetonbootfail)' };
  if (kept.bootMode === 'resetonunusualshutdown' && end.unusual) return { state: RESET_STATE, reset: 'the run ended with a bug check or a hang (/bootmode resetonunusualshutdown)' };
  if (kept.bootsLeft !== undefined) {
    const left = kept.bootsLeft - 1;
    if (left <= 0) return { state: RESET_STATE, reset: 'the boots given with /bc are used up' };
    return { state: { ...kept, bootsLeft: left } };
  }
  return { state: kept };
}
