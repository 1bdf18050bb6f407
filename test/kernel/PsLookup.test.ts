/** Client IDs and lookups, versions, priorities, the performance counter, FP state, UUIDs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { NT_BUILD_NUMBER } from '../../src/kernel/ps/version.ts';
import { KFLOATING_SAVE, RTL_OSVERSIONINFOEXW, UNICODE_STRING } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { hex, scratch } from './support.ts';

const V = RTL_OSVERSIONINFOEXW.off;

test('the System process is ID 4; threads and other processes get multiples of 4 in creation order', () => {
  const k = new Kernel();
  assert.equal(k.ddi.PsGetCurrentProcessId(), 4);
  const ids = k.threads.map((t) => k.ddi.PsGetThreadId(t.address));
  assert.ok(ids.every((id) => id % 4 === 0 && id > 4), ids.join());
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(k.ddi.PsGetCurrentThreadId(), k.ddi.PsGetThreadId(k.currentThread.address));
  const user = k.ddi.PsGetProcessId(k.userProcess.address);
  assert.ok(user > 4 && user % 4 === 0 && !ids.includes(user));
  k.runInThread(k.userThread, () => assert.equal(k.ddi.PsGetCurrentProcessId(), user));
});

test('PsLookupProcessByProcessId / PsLookupThreadByThreadId return the object referenced; ObDereferenceObject balances', () => {
  const k = new Kernel();
  const out = scratch(k, 4);
  assert.equal(k.ddi.PsLookupProcessByProcessId(4, out), STATUS.SUCCESS);
  assert.equal(hex(k.as.u32(out)), hex(k.systemProcess.address));
  assert.equal(k.ob.referenceCount(k.systemProcess.address), 2, "the kernel's reference and the caller's");
  assert.equal(k.ddi.ObDereferenceObject(k.systemProcess.address), 1);
  const tid = k.ddi.PsGetThreadId(k.workerThread.address);
  assert.equal(k.ddi.PsLookupThreadByThreadId(tid, out), STATUS.SUCCESS);
  assert.equal(hex(k.as.u32(out)), hex(k.workerThread.address));
  k.ddi.ObDereferenceObject(k.workerThread.address);
});

test('an ID that names nothing is STATUS_INVALID_PARAMETER, and *Process is left alone', () => {
  const k = new Kernel();
  const out = scratch(k, 4);
  k.as.setU32(out, 0xdeadbeef);
  assert.equal(k.ddi.PsLookupProcessByProcessId(0x1234, out), STATUS.INVALID_PARAMETER);
  assert.equal(k.ddi.PsLookupThreadByThreadId(4, out), STATUS.INVALID_PARAMETER, 'a process ID is not a thread ID');
  assert.equal(k.as.u32(out), 0xdeadbeef);
});

test('a system thread whose object is gone is not found; while a handle holds it, it is', () => {
  const k = new Kernel();
  const handle = scratch(k, 4);
  const start = 0x9b000100;
  k.registerRoutine(start, (() => undefined) as never, 'TestDriver');
  assert.equal(k.ddi.PsCreateSystemThread(handle, 0, 0, 0, 0, start, 0), STATUS.SUCCESS);
  const thread = k.threads[k.threads.length - 1]!;
  const tid = k.ddi.PsGetThreadId(thread.address);
  k.dispatcher.runUntilIdle();
  assert.equal(thread.state, 'terminated');
  const out = scratch(k, 4);
  assert.equal(k.ddi.PsLookupThreadByThreadId(tid, out), STATUS.SUCCESS, 'the handle keeps the object');
  k.ddi.ObDereferenceObject(thread.address);
  k.ddi.ZwClose(k.as.u32(handle));
  assert.equal(k.ddi.PsLookupThreadByThreadId(tid, out), STATUS.INVALID_PARAMETER);
});

test('RtlGetVersion fills RTL_OSVERSIONINFOW or EXW (Windows 11, build 22631) and refuses another size', () => {
  const k = new Kernel();
  const v = scratch(k, RTL_OSVERSIONINFOEXW.size);
  k.as.setU32(v, RTL_OSVERSIONINFOEXW.size);
  assert.equal(k.ddi.RtlGetVersion(v), STATUS.SUCCESS);
  assert.deepEqual([k.as.u32(v + V.dwMajorVersion), k.as.u32(v + V.dwMinorVersion), k.as.u32(v + V.dwBuildNumber), k.as.u32(v + V.dwPlatformId), k.as.u8(v + V.wProductType)], [10, 0, 22631, 2, 1]);
  k.as.setU32(v, 0x114);
  assert.equal(k.ddi.RtlGetVersion(v), STATUS.SUCCESS);
  k.as.setU32(v, 0x100);
  assert.equal(k.ddi.RtlGetVersion(v), STATUS.INVALID_PARAMETER);
  assert.equal(hex(NT_BUILD_NUMBER), '0xf0005867', 'NtBuildNumber: the same build, free');
});

test('PsGetVersion: each output optional, CSDVersion empty, FALSE (not a checked build)', () => {
  const k = new Kernel();
  const out = scratch(k, 12);
  const csd = scratch(k, UNICODE_STRING.size + 8);
  k.as.setU16(csd, 4);
  k.as.setU16(csd + 2, 8);
  k.as.setU32(csd + 4, csd + 8);
  assert.equal(k.ddi.PsGetVersion(out, out + 4, out + 8, csd), 0);
  assert.deepEqual([k.as.u32(out), k.as.u32(out + 4), k.as.u32(out + 8), k.as.u16(csd)], [10, 0, 22631, 0]);
  assert.equal(k.ddi.PsGetVersion(0, 0, 0, 0), 0);
  assert.deepEqual([k.ddi.RtlIsNtDdiVersionAvailable(0x0a000000), k.ddi.RtlIsNtDdiVersionAvailable(0x0a000010)], [1, 0]);
});

test('KeSetPriorityThread returns the old priority (8 to start); KeQueryPriorityThread reads it', () => {
  const k = new Kernel();
  const t = k.currentThread.address;
  assert.equal(k.ddi.KeQueryPriorityThread(t), 8);
  assert.equal(k.ddi.KeSetPriorityThread(t, 16), 8);
  assert.equal(k.ddi.KeSetPriorityThread(t, 12), 16);
  assert.equal(k.ddi.KeQueryPriorityThread(t), 12);
  assert.equal(k.ddi.KeQueryPriorityThread(k.workerThread.address), 8, 'per thread');
});

test('KeQueryPerformanceCounter counts the simulated clock at 10 MHz', () => {
  const k = new Kernel();
  const freq = scratch(k, 8);
  const before = k.ddi.KeQueryPerformanceCounter(freq);
  assert.equal(k.as.u64(freq), 10_000_000n);
  k.ddi.KeStallExecutionProcessor(1500);
  assert.equal(k.ddi.KeQueryPerformanceCounter(0) - before, 15_000n, '1.5 ms = 15,000 counts');
});

test('KeSaveFloatingPointState succeeds up to DISPATCH_LEVEL with the x87 default control word', () => {
  const k = new Kernel();
  const f = scratch(k, KFLOATING_SAVE.size);
  assert.equal(KFLOATING_SAVE.size, 0x20);
  assert.equal(k.ddi.KeSaveFloatingPointState(f), STATUS.SUCCESS);
  assert.equal(hex(k.as.u32(f)), '0x27f');
  assert.equal(k.ddi.KeRestoreFloatingPointState(f), STATUS.SUCCESS);
});

test('ExUuidCreate: version-4 UUIDs with the RFC 4122 variant, different each call, the same sequence every run', () => {
  const uuids = (k: Kernel) => {
    const u = scratch(k, 16);
    return [0, 1, 2].map(() => {
      assert.equal(k.ddi.ExUuidCreate(u), STATUS.SUCCESS);
      return Buffer.from(k.as.read(u, 16)).toString('hex');
    });
  };
  const a = uuids(new Kernel());
  assert.deepEqual(uuids(new Kernel()), a);
  assert.equal(new Set(a).size, 3);
  for (const u of a) {
    assert.equal(parseInt(u.slice(14, 16), 16) >> 4, 4, `${u}: Data3's top nibble is the version`);
    assert.equal(parseInt(u.slice(16, 18), 16) >> 6, 2, `${u}: Data4[0] starts 10`);
  }
});
