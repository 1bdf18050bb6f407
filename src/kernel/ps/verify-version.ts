/**
 * RtlVerifyVersionInfo and VerSetConditionMask: compare the running version (version.ts) with the
 * caller's RTL_OSVERSIONINFOEXW, one condition per type. The condition mask keeps 3 bits per type,
 * in the order of the VER_* type bits (minor version lowest).
 */
import { RTL_OSVERSIONINFOEXW } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { NT_VERSION, VER_NT_WORKSTATION, VER_PLATFORM_WIN32_NT } from './version.ts';

/** VER_* type bits, and the running system's value of each (no service pack, no suite). */
const TYPES = [
  { bit: 0x01, field: 'dwMinorVersion', value: NT_VERSION.minor, size: 4 },
  { bit: 0x02, field: 'dwMajorVersion', value: NT_VERSION.major, size: 4 },
  { bit: 0x04, field: 'dwBuildNumber', value: NT_VERSION.build, size: 4 },
  { bit: 0x08, field: 'dwPlatformId', value: VER_PLATFORM_WIN32_NT, size: 4 },
  { bit: 0x10, field: 'wServicePackMinor', value: 0, size: 2 },
  { bit: 0x20, field: 'wServicePackMajor', value: 0, size: 2 },
  { bit: 0x40, field: 'wSuiteMask', value: 0, size: 2 },
  { bit: 0x80, field: 'wProductType', value: VER_NT_WORKSTATION, size: 1 },
] as const;

const VER = { EQUAL: 1, GREATER: 2, GREATER_EQUAL: 3, LESS: 4, LESS_EQUAL: 5, AND: 6, OR: 7 } as const;

const slot = (typeMask: number): number => TYPES.findIndex((t) => t.bit === typeMask);

function holds(condition: number, running: number, wanted: number): boolean {
  switch (condition) {
    case VER.EQUAL: return running === wanted;
    case VER.GREATER: return running > wanted;
    case VER.GREATER_EQUAL: return running >= wanted;
    case VER.LESS: return running < wanted;
    case VER.LESS_EQUAL: return running <= wanted;
    case VER.AND: return (running & wanted) === wanted;
    case VER.OR: return (running & wanted) !== 0;
    default: return false;
  }
}

export function verifyVersionExports(k: Kernel) {
  const as = k.as;
  return {
    /** Record Condition for the one type TypeMask names; a mask of several types or an unknown condition changes nothing. */
    VerSetConditionMask(ConditionMask: bigint, TypeMask: number, Condition: number): bigint {
      const i = slot(TypeMask >>> 0);
      const c = Condition & 0xff;
      const mask = BigInt.asUintN(64, BigInt(ConditionMask));
      if (i < 0 || c === 0 || c > VER.OR) return mask;
      const shift = BigInt(3 * i);
      return (mask & ~(7n << shift)) | (BigInt(c) << shift);
    },
    /** Every type of TypeMask must have a condition and meet it: STATUS_REVISION_MISMATCH otherwise. */
    RtlVerifyVersionInfo(VersionInfo: number, TypeMask: number, ConditionMask: bigint): number {
      const mask = BigInt.asUintN(64, BigInt(ConditionMask));
      if ((TypeMask >>> 0) === 0 || mask === 0n) return STATUS.INVALID_PARAMETER;
      const v = VersionInfo >>> 0;
      for (const [i, t] of TYPES.entries()) {
        if ((TypeMask & t.bit) === 0) continue;
        const condition = Number((mask >> BigInt(3 * i)) & 7n);
        const off = v + RTL_OSVERSIONINFOEXW.off[t.field]!;
        const wanted = t.size === 4 ? as.u32(off) : t.size === 2 ? as.u16(off) : as.u8(off);
        if (!holds(condition, t.value, wanted)) return STATUS.REVISION_MISMATCH;
      }
      return STATUS.SUCCESS;
    },
  };
}
