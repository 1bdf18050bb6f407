/**
 * The Windows version the simulated kernel reports: Windows 11, version 23H2. One constant for
 * RtlGetVersion, PsGetVersion and the exported NtBuildNumber.
 */
import { RTL_OSVERSIONINFOEXW, UNICODE_STRING } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

export const NT_VERSION = { major: 10, minor: 0, build: 22631 } as const;

/** NtBuildNumber: the build in the low 16 bits, 0xF in the top nibble for a free (retail) build. */
export const NT_BUILD_NUMBER = (0xf0000000 | NT_VERSION.build) >>> 0;

/** VER_PLATFORM_WIN32_NT */
export const VER_PLATFORM_WIN32_NT = 2;
/** VER_NT_WORKSTATION: a client edition. */
export const VER_NT_WORKSTATION = 1;

const V = RTL_OSVERSIONINFOEXW.off;
/** sizeof(RTL_OSVERSIONINFOW): the EXW structure up to its service-pack fields. */
export const RTL_OSVERSIONINFOW_SIZE = V.wServicePackMajor;

export function versionExports(k: Kernel) {
  const as = k.as;
  return {
    /**
     * dwOSVersionInfoSize says which structure the caller passes (RTL_OSVERSIONINFOW or EXW); any
     * other size is STATUS_INVALID_PARAMETER. No service pack: szCSDVersion is empty.
     */
    RtlGetVersion(lpVersionInformation: number): number {
      const v = lpVersionInformation >>> 0;
      const size = as.u32(v + V.dwOSVersionInfoSize);
      if (size !== RTL_OSVERSIONINFOW_SIZE && size !== RTL_OSVERSIONINFOEXW.size) return STATUS.INVALID_PARAMETER;
      as.zero(v + V.dwMajorVersion, size - V.dwMajorVersion);
      as.setU32(v + V.dwMajorVersion, NT_VERSION.major);
      as.setU32(v + V.dwMinorVersion, NT_VERSION.minor);
      as.setU32(v + V.dwBuildNumber, NT_VERSION.build);
      as.setU32(v + V.dwPlatformId, VER_PLATFORM_WIN32_NT);
      if (size === RTL_OSVERSIONINFOEXW.size) as.setU8(v + V.wProductType, VER_NT_WORKSTATION);
      return STATUS.SUCCESS;
    },
    /**
     * Each output is optional. CSDVersion (a UNICODE_STRING the caller owns) is set empty: no service
     * pack. Returns TRUE for a checked build: FALSE here.
     */
    PsGetVersion(MajorVersion: number, MinorVersion: number, BuildNumber: number, CSDVersion: number): number {
      if (MajorVersion !== 0) as.setU32(MajorVersion >>> 0, NT_VERSION.major);
      if (MinorVersion !== 0) as.setU32(MinorVersion >>> 0, NT_VERSION.minor);
      if (BuildNumber !== 0) as.setU32(BuildNumber >>> 0, NT_VERSION.build);
      if (CSDVersion !== 0) {
        as.setU16((CSDVersion >>> 0) + UNICODE_STRING.off.Length, 0);
        const buffer = as.u32((CSDVersion >>> 0) + UNICODE_STRING.off.Buffer);
        if (buffer !== 0 && as.u16((CSDVersion >>> 0) + UNICODE_STRING.off.MaximumLength) >= 2) as.setU16(buffer, 0);
      }
      return 0;
    },
    /** TRUE if the running version is at least Major.Minor (IoIsWdmVersionAvailable's sibling for the OS). */
    RtlIsNtDdiVersionAvailable(Version: number): number {
      // NTDDI_WIN10_NI (0x0A00000C) is Windows 11 22H2/23H2: every NTDDI value up to it is available.
      return (Version >>> 0) <= 0x0a00000c ? 1 : 0;
    },
  };
}
