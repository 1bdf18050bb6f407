/** RtlQueryRegistryValues and the other Rtl registry helpers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { dwordData, multiSzData, szData, utf16Text } from '../../src/kernel/cm/hive.ts';
import { RTL_QUERY_REGISTRY_TABLE, UNICODE_STRING } from '../../src/nt/layout.ts';
import { REG, RTL_QUERY_REGISTRY as Q, RTL_QUERY_REGISTRY_TYPECHECK_SHIFT, RTL_REGISTRY } from '../../src/nt/registry.ts';
import { STATUS, statusName } from '../../src/nt/status.ts';
import { routine, scratch, wideString } from './support.ts';

const T = RTL_QUERY_REGISTRY_TABLE.off;
const US = UNICODE_STRING.off;
const st = (s: number) => statusName(s);

interface Entry {
  routine?: number;
  flags?: number;
  name?: string;
  entryContext?: number;
  defaultType?: number;
  defaultData?: number;
  defaultLength?: number;
}

/** A query table in pool, with its NULL terminator. */
function table(k: Kernel, entries: Entry[]): number {
  const size = RTL_QUERY_REGISTRY_TABLE.size;
  const t = scratch(k, size * (entries.length + 1));
  k.as.zero(t, size * (entries.length + 1));
  entries.forEach((e, i) => {
    const p = t + i * size;
    k.as.setU32(p + T.QueryRoutine, e.routine ?? 0);
    k.as.setU32(p + T.Flags, e.flags ?? 0);
    k.as.setU32(p + T.Name, e.name === undefined ? 0 : wideString(k, e.name));
    k.as.setU32(p + T.EntryContext, e.entryContext ?? 0);
    k.as.setU32(p + T.DefaultType, e.defaultType ?? 0);
    k.as.setU32(p + T.DefaultData, e.defaultData ?? 0);
    k.as.setU32(p + T.DefaultLength, e.defaultLength ?? 0);
  });
  return t;
}

/** A machine with Services\Sample\Parameters holding a few values. */
function machine() {
  const k = new Kernel();
  const h = k.cm.hive;
  const params = h.createPath('\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Sample\\Parameters');
  h.setValue(params, 'Count', REG.DWORD, dwordData(31));
  h.setValue(params, 'Label', REG.SZ, szData('Hello'));
  h.setValue(params, 'Ports', REG.MULTI_SZ, multiSzData(['COM1', 'COM2']));
  h.setValue(params, 'Dir', REG.EXPAND_SZ, szData('%SystemRoot%\\Temp'));
  h.setValue(params, 'Blob', REG.BINARY, Uint8Array.from([1, 2, 3, 4, 5, 6]));
  h.setValue(h.createPath('\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Sample\\Parameters\\Sub'), 'Inner', REG.DWORD, dwordData(7));
  return { k, path: wideString(k, 'Sample\\Parameters'), params };
}

test('RTL_QUERY_REGISTRY_DIRECT: a DWORD into its ULONG; a string into a UNICODE_STRING with no buffer (allocated) or one too small', () => {
  const { k, path } = machine();
  const count = scratch(k, 4);
  const label = scratch(k, UNICODE_STRING.size);
  k.as.zero(label, UNICODE_STRING.size);
  const small = scratch(k, UNICODE_STRING.size);
  k.as.setU16(small + US.Length, 0);
  k.as.setU16(small + US.MaximumLength, 4);
  k.as.setU32(small + US.Buffer, scratch(k, 4));
  const status = k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, table(k, [
    { flags: Q.DIRECT | Q.REQUIRED, name: 'Count', entryContext: count },
    { flags: Q.DIRECT, name: 'Label', entryContext: label },
  ]), 0, 0);
  assert.equal(st(status), st(STATUS.SUCCESS));
  assert.equal(k.as.u32(count), 31);
  assert.equal(k.as.u16(label + US.Length), 10);
  assert.equal(k.as.u16(label + US.MaximumLength), 12);
  assert.equal(k.as.utf16(k.as.u32(label + US.Buffer), 5), 'Hello');
  assert.equal(k.ddi.ExFreePool(k.as.u32(label + US.Buffer)), undefined, 'the caller frees the buffer with ExFreePool');
  const tooSmall = k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, table(k, [{ flags: Q.DIRECT, name: 'Label', entryContext: small }]), 0, 0);
  assert.equal(st(tooSmall), st(STATUS.BUFFER_TOO_SMALL));
});

test('a missing value: REQUIRED fails with STATUS_OBJECT_NAME_NOT_FOUND; otherwise the default, or nothing without one', () => {
  const { k, path } = machine();
  const v = scratch(k, 4);
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, table(k, [{ flags: Q.DIRECT | Q.REQUIRED, name: 'Nope', entryContext: v }]), 0, 0)), st(STATUS.OBJECT_NAME_NOT_FOUND));
  const def = scratch(k, 4);
  k.as.setU32(def, 99);
  k.as.setU32(v, 0);
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, table(k, [{ flags: Q.DIRECT, name: 'Nope', entryContext: v, defaultType: REG.DWORD, defaultData: def, defaultLength: 4 }]), 0, 0)), st(STATUS.SUCCESS));
  assert.equal(k.as.u32(v), 99, 'the default');
  k.as.setU32(v, 5);
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, table(k, [{ flags: Q.DIRECT, name: 'Nope', entryContext: v, defaultType: REG.NONE }]), 0, 0)), st(STATUS.SUCCESS));
  assert.equal(k.as.u32(v), 5, 'untouched');
});

test('RTL_QUERY_REGISTRY_TYPECHECK: the type in DefaultType\'s top byte must match, else STATUS_OBJECT_TYPE_MISMATCH', () => {
  const { k, path } = machine();
  const v = scratch(k, 4);
  const entry = (type: number) => table(k, [{ flags: Q.DIRECT | Q.TYPECHECK, name: 'Count', entryContext: v, defaultType: (type << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) | REG.NONE }]);
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, entry(REG.DWORD), 0, 0)), st(STATUS.SUCCESS));
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, entry(REG.SZ), 0, 0)), st(STATUS.OBJECT_TYPE_MISMATCH));
});

test('DIRECT data larger than a ULONG: a negative size takes the data, a positive one length, type and data', () => {
  const { k, path } = machine();
  const neg = scratch(k, 16);
  k.as.setU32(neg, -16 >>> 0);
  const pos = scratch(k, 16);
  k.as.setU32(pos, 16);
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, table(k, [
    { flags: Q.DIRECT, name: 'Blob', entryContext: neg },
    { flags: Q.DIRECT, name: 'Blob', entryContext: pos },
  ]), 0, 0)), st(STATUS.SUCCESS));
  assert.deepEqual([...k.as.read(neg, 6)], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([k.as.u32(pos), k.as.u32(pos + 4), ...k.as.read(pos + 8, 6)], [6, REG.BINARY, 1, 2, 3, 4, 5, 6]);
  k.as.setU32(neg, -4 >>> 0);
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, table(k, [{ flags: Q.DIRECT, name: 'Blob', entryContext: neg }]), 0, 0)), st(STATUS.BUFFER_TOO_SMALL));
});

test('a QueryRoutine gets name, type, data, length, Context and EntryContext; each string of a MULTI_SZ; REG_EXPAND_SZ expanded unless NOEXPAND', () => {
  const { k, path } = machine();
  const calls: string[] = [];
  const fn = routine(k, 1, (name, type, data, length, context, entryContext) => {
    const text = type === REG.SZ || type === REG.EXPAND_SZ || type === REG.MULTI_SZ ? JSON.stringify(utf16Text(k.as.read(data, length))) : String(k.as.u32(data));
    calls.push(`${k.as.utf16(name, 16).split('\0')[0]} ${type} ${text} ${length} ${context.toString(16)} ${entryContext}`);
    return STATUS.SUCCESS;
  });
  const status = k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, table(k, [
    { routine: fn, name: 'Count', entryContext: 1 },
    { routine: fn, name: 'Ports', entryContext: 2 },
    { routine: fn, name: 'Dir', entryContext: 3 },
    { routine: fn, flags: Q.NOEXPAND, name: 'Dir', entryContext: 4 },
  ]), 0xc0ffee, 0);
  assert.equal(st(status), st(STATUS.SUCCESS));
  assert.deepEqual(calls, [
    'Count 4 31 4 c0ffee 1',
    'Ports 1 "COM1" 10 c0ffee 2',
    'Ports 1 "COM2" 10 c0ffee 2',
    'Dir 1 "C:\\\\Windows\\\\Temp" 32 c0ffee 3',
    'Dir 2 "%SystemRoot%\\\\Temp" 36 c0ffee 4',
  ]);
});

test('an entry with a routine and no Name sees every value; SUBKEY moves to a subkey, TOPKEY back; a routine\'s error ends the walk', () => {
  const { k, path } = machine();
  const seen: string[] = [];
  const fn = routine(k, 2, (name) => {
    seen.push(k.as.utf16(name, 8).split('\0')[0]!);
    return STATUS.SUCCESS;
  });
  const inner = scratch(k, 4);
  const count = scratch(k, 4);
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, table(k, [
    { routine: fn },
    { flags: Q.SUBKEY, name: 'Sub' },
    { flags: Q.DIRECT, name: 'Inner', entryContext: inner },
    { flags: Q.TOPKEY | Q.DIRECT, name: 'Count', entryContext: count },
  ]), 0, 0)), st(STATUS.SUCCESS));
  assert.deepEqual(seen, ['Count', 'Label', 'Ports', 'Ports', 'Dir', 'Blob'], 'a REG_MULTI_SZ once per string');
  assert.equal(k.as.u32(inner), 7);
  assert.equal(k.as.u32(count), 31);
  let calls = 0;
  const failing = routine(k, 3, () => (calls++, STATUS.INSUFFICIENT_RESOURCES));
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES, path, table(k, [{ routine: failing }, { routine: failing }]), 0, 0)), st(STATUS.INSUFFICIENT_RESOURCES));
  assert.equal(calls, 1);
});

test('RTL_REGISTRY_HANDLE, RTL_REGISTRY_ABSOLUTE; a missing key is STATUS_OBJECT_NAME_NOT_FOUND; DELETE removes the value after the routine', () => {
  const { k, params } = machine();
  const v = scratch(k, 4);
  const handle = k.cm.openHandle(params)!;
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.HANDLE, handle, table(k, [{ flags: Q.DIRECT, name: 'Count', entryContext: v }]), 0, 0)), st(STATUS.SUCCESS));
  assert.equal(k.as.u32(v), 31);
  const abs = wideString(k, '\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Sample\\Parameters');
  assert.equal(st(k.ddi.RtlCheckRegistryKey(RTL_REGISTRY.ABSOLUTE, abs)), st(STATUS.SUCCESS));
  assert.equal(st(k.ddi.RtlCheckRegistryKey(RTL_REGISTRY.SERVICES, wideString(k, 'Missing'))), st(STATUS.OBJECT_NAME_NOT_FOUND));
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.SERVICES | RTL_REGISTRY.OPTIONAL, wideString(k, 'Missing'), table(k, [{ flags: Q.DIRECT, name: 'x', entryContext: v }]), 0, 0)), st(STATUS.OBJECT_NAME_NOT_FOUND));
  const fn = routine(k, 4, () => STATUS.SUCCESS);
  assert.equal(st(k.ddi.RtlQueryRegistryValues(RTL_REGISTRY.ABSOLUTE, abs, table(k, [{ routine: fn, flags: Q.DELETE, name: 'Label' }]), 0, 0)), st(STATUS.SUCCESS));
  assert.equal(params.value('Label'), undefined);
  assert.equal(st(k.ddi.ZwClose(handle)), st(STATUS.SUCCESS));
});

test('RtlWriteRegistryValue creates the last key and writes; RtlDeleteRegistryValue; RtlCreateRegistryKey', () => {
  const { k } = machine();
  const data = scratch(k, 4);
  k.as.setU32(data, 0x1234);
  assert.equal(st(k.ddi.RtlWriteRegistryValue(RTL_REGISTRY.SERVICES, wideString(k, 'Sample\\State'), wideString(k, 'Runs'), REG.DWORD, data, 4)), st(STATUS.SUCCESS));
  const key = k.cm.hive.lookup('\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Sample\\State')!;
  assert.deepEqual(key.value('Runs')!.data, dwordData(0x1234));
  assert.equal(st(k.ddi.RtlWriteRegistryValue(RTL_REGISTRY.SERVICES, wideString(k, 'No\\Such\\Key'), wideString(k, 'x'), REG.DWORD, data, 4)), st(STATUS.OBJECT_NAME_NOT_FOUND));
  assert.equal(st(k.ddi.RtlDeleteRegistryValue(RTL_REGISTRY.SERVICES, wideString(k, 'Sample\\State'), wideString(k, 'Runs'))), st(STATUS.SUCCESS));
  assert.equal(st(k.ddi.RtlDeleteRegistryValue(RTL_REGISTRY.SERVICES, wideString(k, 'Sample\\State'), wideString(k, 'Runs'))), st(STATUS.OBJECT_NAME_NOT_FOUND));
  assert.equal(st(k.ddi.RtlCreateRegistryKey(RTL_REGISTRY.CONTROL, wideString(k, 'SampleControl'))), st(STATUS.SUCCESS));
  assert.ok(k.cm.hive.lookup('\\Registry\\Machine\\System\\CurrentControlSet\\Control\\SampleControl'));
});
