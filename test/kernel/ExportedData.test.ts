/** The data ntoskrnl exports, object types checked by ObReferenceObject*, and MmGetSystemRoutineAddress. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXPORTED_DATA, exportedData, type ExportedDataName } from '../../src/kernel/exported-data.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { SE_EXPORTS, UNICODE_STRING } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { hex, routine, scratch, wideString } from './support.ts';

const value = (k: Kernel, name: ExportedDataName) => k.as.u32(exportedData(k).address(name));

test('scalar data: KeNumberProcessors (a CCHAR), NtBuildNumber, the user/system boundary', () => {
  const k = new Kernel();
  assert.equal(k.as.u8(exportedData(k).address('KeNumberProcessors')), 1);
  assert.equal(hex(value(k, 'NtBuildNumber')), '0xf0005867');
  assert.deepEqual([hex(value(k, 'MmUserProbeAddress')), hex(value(k, 'MmHighestUserAddress')), hex(value(k, 'MmSystemRangeStart'))], ['0x7fff0000', '0x7ffeffff', '0x80000000']);
  assert.equal(exportedData(k).address('NtBuildNumber'), exportedData(k).address('NtBuildNumber'), 'one variable, made once');
});

test('pointer data points at the kernel variable: *InitSafeBootMode is 0, *KdDebuggerNotPresent follows the debugger', () => {
  const k = new Kernel();
  assert.equal(k.as.u32(value(k, 'InitSafeBootMode')), 0);
  assert.deepEqual([k.as.u8(value(k, 'KdDebuggerEnabled')), k.as.u8(value(k, 'KdDebuggerNotPresent'))], [0, 1]);
  k.debugger = () => undefined;
  assert.deepEqual([k.as.u8(value(k, 'KdDebuggerEnabled')), k.as.u8(value(k, 'KdDebuggerNotPresent'))], [1, 0], 'rewritten when bound again');
});

test('SeExports holds the privilege LUIDs (SeTcbPrivilege is 7, SeDebugPrivilege 20)', () => {
  const k = new Kernel();
  const se = value(k, 'SeExports');
  assert.equal(k.as.u32(se + SE_EXPORTS.off['SeTcbPrivilege.LowPart']!), 7);
  assert.equal(k.as.u32(se + SE_EXPORTS.off['SeDebugPrivilege.LowPart']!), 20);
});

test('each object type is an OBJECT_TYPE named for its kind, the same one every time it is asked for', () => {
  const k = new Kernel();
  const types = (['IoFileObjectType', 'IoDeviceObjectType', 'IoDriverObjectType', 'PsProcessType', 'PsThreadType', 'ExEventObjectType'] as const).map((n) => k.as.u32(value(k, n)));
  assert.equal(new Set(types).size, 6);
  const name = (t: number) => {
    const b = k.as.u32(t + 8 + UNICODE_STRING.off.Buffer);
    return String.fromCharCode(...Array.from({ length: k.as.u16(t + 8) / 2 }, (_, i) => k.as.u16(b + 2 * i)));
  };
  assert.deepEqual(types.map(name), ['File', 'Device', 'Driver', 'Process', 'Thread', 'Event']);
  assert.equal(k.as.u32(value(k, 'PsThreadType')), types[4]);
  assert.ok(Object.keys(EXPORTED_DATA).length >= 15);
});

test('ObReferenceObjectByHandle / ByPointer check the type: *PsThreadType fits a thread, *IoFileObjectType does not', () => {
  const k = new Kernel();
  const handle = scratch(k, 4);
  k.ddi.PsCreateSystemThread(handle, 0, 0, 0, 0, routine(k, 1, () => undefined), 0);
  const h = k.as.u32(handle);
  const out = scratch(k, 4);
  const threadType = k.as.u32(value(k, 'PsThreadType'));
  const fileType = k.as.u32(value(k, 'IoFileObjectType'));
  assert.equal(k.ddi.ObReferenceObjectByHandle(h, 0, threadType, 0, out, 0), STATUS.SUCCESS);
  const thread = k.as.u32(out);
  k.as.setU32(out, 0);
  assert.equal(k.ddi.ObReferenceObjectByHandle(h, 0, fileType, 0, out, 0), STATUS.OBJECT_TYPE_MISMATCH);
  assert.equal(k.as.u32(out), 0);
  assert.equal(k.ddi.ObReferenceObjectByPointer(thread, 0, fileType, 0), STATUS.OBJECT_TYPE_MISMATCH);
  assert.equal(k.ddi.ObReferenceObjectByPointer(thread, 0, 0, 0), STATUS.SUCCESS, 'NULL: no check');
});

test('MmGetSystemRoutineAddress: an nt code address the kernel can call, the same each time; an unknown name is NULL', () => {
  const k = new Kernel();
  const name = (text: string) => {
    const s = scratch(k, UNICODE_STRING.size);
    k.ddi.RtlInitUnicodeString(s, wideString(k, text));
    return s;
  };
  const p = k.ddi.MmGetSystemRoutineAddress(name('KeQueryTimeIncrement'));
  assert.equal(hex(p), hex(k.nt.address('KeQueryTimeIncrement')));
  assert.equal(k.ddi.MmGetSystemRoutineAddress(name('KeQueryTimeIncrement')), p);
  assert.equal(k.callRoutine(p, []), 156_250);
  assert.equal(k.ddi.MmGetSystemRoutineAddress(name('NtFrobnicate')), 0);
  assert.equal(k.ddi.MmGetSystemRoutineAddress(name('kequerytimeincrement')), 0, 'names match exactly');
});

test("MmGetSystemRoutineAddress of exported data: the kernel's own variable (what an import slot points to)", () => {
  const k = new Kernel();
  const name = (text: string) => {
    const s = scratch(k, UNICODE_STRING.size);
    k.ddi.RtlInitUnicodeString(s, wideString(k, text));
    return s;
  };
  assert.equal(hex(k.ddi.MmGetSystemRoutineAddress(name('NtBuildNumber'))), hex(exportedData(k).address('NtBuildNumber')));
  const psThreadType = k.ddi.MmGetSystemRoutineAddress(name('PsThreadType'));
  assert.equal(hex(psThreadType), hex(value(k, 'PsThreadType')), 'the slot holds the address of the kernel variable');
  assert.equal(hex(k.as.u32(psThreadType)), hex(exportedData(k).kindOfType(k.as.u32(psThreadType)) === 'Thread' ? k.as.u32(psThreadType) : 0));
});
