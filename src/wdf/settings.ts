/**
 * The framework's verifier settings for one driver, read in WdfDriverCreate from the driver's
 * `Parameters\Wdf` key (VerifierOn, VerifyOn, DbgBreakOnError: REG_DWORD, non-zero = on). Absent
 * values default to what the machine says: on when `dv run --wdf-verifier` asks for it, or when
 * Driver Verifier verifies the driver with /standard (KMDF verifier comes with /standard on
 * Windows 10 1803 and later). VerifyOn and DbgBreakOnError default to VerifierOn.
 */
import type { Kernel } from '../kernel/kernel.ts';
import { REG } from '../nt/registry.ts';

export interface WdfVerifierSettings {
  readonly verifierOn: boolean;
  readonly verifyOn: boolean;
  readonly dbgBreakOnError: boolean;
}

export function dword(k: Kernel, keyPath: string, name: string): number | undefined {
  const v = k.cm.hive.lookup(keyPath)?.value(name);
  if (!v || v.type !== REG.DWORD || v.data.length < 4) return undefined;
  return (v.data[0]! | (v.data[1]! << 8) | (v.data[2]! << 16) | (v.data[3]! << 24)) >>> 0;
}

/** The settings of the driver whose service key is `servicePath`, `machineDefault` standing for absent values. */
export function readWdfVerifierSettings(k: Kernel, servicePath: string, machineDefault: boolean): WdfVerifierSettings {
  const key = `${servicePath}\\Parameters\\Wdf`;
  const on = (name: string, fallback: boolean) => {
    const v = dword(k, key, name);
    return v === undefined ? fallback : v !== 0;
  };
  const verifierOn = on('VerifierOn', machineDefault);
  return { verifierOn, verifyOn: on('VerifyOn', verifierOn), dbgBreakOnError: on('DbgBreakOnError', verifierOn) };
}
