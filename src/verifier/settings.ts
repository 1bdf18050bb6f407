/**
 * Verifier settings: which drivers are verified and with which flags. `/standard /driver X.sys` and
 * `/flags 0x8 /driver X.sys` as verifier.exe spells them; a bad value is an error, never ignored.
 */
import { STANDARD_FLAGS, unknownFlagBits } from './flags.ts';
import type { FaultSettings } from './faults.ts';

export interface VerifierSettings {
  readonly flags: number;
  /** Image names (`MyDriver.sys`), compared case-insensitively. */
  readonly drivers: readonly string[];
  /** With `*` (verifier /all /driver.exclude): image names left unverified. */
  readonly exclude?: readonly string[];
  /** Low resources simulation: seed, probability, grace period, tags, or one failure point to take. */
  readonly faults?: FaultSettings;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** `standard`, `0x209bb`, `209bb` (hex, as verifier.exe reads /flags), or a decimal with `0n` prefix. */
export function parseFlags(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'standard' || t === '/standard') return STANDARD_FLAGS;
  if (!/^(0x)?[0-9a-f]+$/.test(t)) throw new SettingsError(`'${text}' is not a verifier flag value: use 'standard' or a hex number such as 0x209bb`);
  const v = Number.parseInt(t.replace(/^0x/, ''), 16);
  if (!Number.isSafeInteger(v) || v > 0xffffffff) throw new SettingsError(`verifier flags ${text} do not fit 32 bits`);
  const unknown = unknownFlagBits(v);
  if (unknown !== 0) throw new SettingsError(`verifier flags ${text} set bits that name no option: 0x${unknown.toString(16)}`);
  return v >>> 0;
}

export function isVerified(settings: VerifierSettings, imageName: string): boolean {
  const n = imageName.toLowerCase();
  if (settings.exclude?.some((d) => d.toLowerCase() === n)) return false;
  return settings.drivers.some((d) => d === '*' || d.toLowerCase() === n);
}
