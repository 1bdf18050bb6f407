/** RtlVerifyVersionInfo and VerSetConditionMask against the running version (Windows 11 23H2, 10.0.22631). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { RTL_OSVERSIONINFOEXW } from '../../src/nt/layout.ts';
import { STATUS, statusName } from '../../src/nt/status.ts';
import { scratch } from './support.ts';

const VER = { MINORVERSION: 0x1, MAJORVERSION: 0x2, BUILDNUMBER: 0x4, EQUAL: 1, GREATER_EQUAL: 3, LESS: 4, LESS_EQUAL: 5 } as const;
const V = RTL_OSVERSIONINFOEXW.off;

function info(k: Kernel, major: number, minor: number, build = 0): number {
  const v = scratch(k, RTL_OSVERSIONINFOEXW.size);
  k.as.zero(v, RTL_OSVERSIONINFOEXW.size);
  k.as.setU32(v + V.dwOSVersionInfoSize, RTL_OSVERSIONINFOEXW.size);
  k.as.setU32(v + V.dwMajorVersion, major);
  k.as.setU32(v + V.dwMinorVersion, minor);
  k.as.setU32(v + V.dwBuildNumber, build);
  return v;
}

test('VerSetConditionMask keeps 3 bits per type; a second condition for a type replaces the first', () => {
  const k = new Kernel();
  let m = k.ddi.VerSetConditionMask(0n, VER.MINORVERSION, VER.LESS_EQUAL);
  m = k.ddi.VerSetConditionMask(m, VER.MAJORVERSION, VER.LESS_EQUAL);
  assert.equal(m, 5n | (5n << 3n));
  assert.equal(k.ddi.VerSetConditionMask(m, VER.MAJORVERSION, VER.EQUAL), 5n | (1n << 3n));
  assert.equal(k.ddi.VerSetConditionMask(m, VER.MAJORVERSION | VER.MINORVERSION, VER.EQUAL), m, 'one type at a time');
});

test('RtlVerifyVersionInfo: STATUS_SUCCESS when every condition holds, else STATUS_REVISION_MISMATCH', () => {
  const k = new Kernel();
  const le = k.ddi.VerSetConditionMask(k.ddi.VerSetConditionMask(0n, VER.MAJORVERSION, VER.LESS_EQUAL), VER.MINORVERSION, VER.LESS_EQUAL);
  const types = VER.MAJORVERSION | VER.MINORVERSION;
  // regfltr's DetectOSVersion: "running Windows 7 (6.1) or older?" is false on Windows 11.
  assert.equal(statusName(k.ddi.RtlVerifyVersionInfo(info(k, 6, 1), types, le)), statusName(STATUS.REVISION_MISMATCH));
  assert.equal(statusName(k.ddi.RtlVerifyVersionInfo(info(k, 10, 0), types, le)), statusName(STATUS.SUCCESS));
  const ge = k.ddi.VerSetConditionMask(0n, VER.BUILDNUMBER, VER.GREATER_EQUAL);
  assert.equal(statusName(k.ddi.RtlVerifyVersionInfo(info(k, 0, 0, 22000), VER.BUILDNUMBER, ge)), statusName(STATUS.SUCCESS));
  assert.equal(statusName(k.ddi.RtlVerifyVersionInfo(info(k, 0, 0, 26100), VER.BUILDNUMBER, ge)), statusName(STATUS.REVISION_MISMATCH));
  assert.equal(statusName(k.ddi.RtlVerifyVersionInfo(info(k, 10, 0), types, 0n)), statusName(STATUS.INVALID_PARAMETER), 'no conditions');
});
