/** The registry: the Zw key DDIs, their information records and buffer rules, and key handles. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { dwordData, multiSzData, szData } from '../../src/kernel/cm/hive.ts';
import { DRIVER_EXTENSION, DRIVER_OBJECT, KEY_BASIC_INFORMATION, KEY_FULL_INFORMATION, KEY_VALUE_FULL_INFORMATION, KEY_VALUE_PARTIAL_INFORMATION, OBJECT_ATTRIBUTES, UNICODE_STRING } from '../../src/nt/layout.ts';
import { KEY_INFORMATION_CLASS as KIC, KEY_VALUE_INFORMATION_CLASS as KVIC, OBJ, REG, REG_CREATED_NEW_KEY, REG_OPENED_EXISTING_KEY, REG_OPTION } from '../../src/nt/registry.ts';
import { STATUS, statusName } from '../../src/nt/status.ts';
import { createDevice, hex, routine, scratch } from './support.ts';
import { join } from 'node:path';
import { parseRegFile } from '../../src/kernel/cm/reg-file.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const SERVICES = '\\Registry\\Machine\\System\\CurrentControlSet\\Services';

/** A UNICODE_STRING (and its buffer) in pool. */
function us(k: Kernel, text: string): number {
  const s = scratch(k, UNICODE_STRING.size + 2 * text.length + 2);
  k.as.writeUtf16(s + UNICODE_STRING.size, text);
  k.as.setU16(s + UNICODE_STRING.off.Length, 2 * text.length);
  k.as.setU16(s + UNICODE_STRING.off.MaximumLength, 2 * text.length + 2);
  k.as.setU32(s + UNICODE_STRING.off.Buffer, s + UNICODE_STRING.size);
  return s;
}

/** InitializeObjectAttributes(&oa, name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, root, NULL). */
function oa(k: Kernel, name: string | undefined, root = 0): number {
  const O = OBJECT_ATTRIBUTES.off;
  const p = scratch(k, OBJECT_ATTRIBUTES.size);
  k.as.zero(p, OBJECT_ATTRIBUTES.size);
  k.as.setU32(p + O.Length, OBJECT_ATTRIBUTES.size);
  k.as.setU32(p + O.RootDirectory, root);
  k.as.setU32(p + O.ObjectName, name === undefined ? 0 : us(k, name));
  k.as.setU32(p + O.Attributes, OBJ.CASE_INSENSITIVE | OBJ.KERNEL_HANDLE);
  return p;
}

const st = (s: number) => statusName(s);

function create(k: Kernel, name: string, root = 0, options = 0): { handle: number; disposition: number } {
  const out = scratch(k, 8);
  const status = k.ddi.ZwCreateKey(out, 0xf003f, oa(k, name, root), 0, 0, options, out + 4);
  assert.equal(st(status), st(STATUS.SUCCESS), `ZwCreateKey ${name}`);
  return { handle: k.as.u32(out), disposition: k.as.u32(out + 4) };
}

function open(k: Kernel, name: string, root = 0): { status: number; handle: number } {
  const out = scratch(k, 4);
  k.as.setU32(out, 0);
  const status = k.ddi.ZwOpenKey(out, 0x20019, oa(k, name, root));
  return { status, handle: k.as.u32(out) };
}

function setValue(k: Kernel, handle: number, name: string, type: number, data: Uint8Array): void {
  const buf = scratch(k, Math.max(1, data.length));
  k.as.write(buf, data);
  assert.equal(st(k.ddi.ZwSetValueKey(handle, us(k, name), 0, type, buf, data.length)), st(STATUS.SUCCESS));
}

/** ZwQueryValueKey into a buffer of `length`: status, *ResultLength and the bytes written. */
function queryValue(k: Kernel, handle: number, name: string, infoClass: number, length: number) {
  const buf = scratch(k, Math.max(length, 1) + 16);
  k.as.fill(buf, Math.max(length, 1) + 16, 0xcc);
  const rl = scratch(k, 4);
  const status = k.ddi.ZwQueryValueKey(handle, us(k, name), infoClass, buf, length, rl);
  return { status, resultLength: k.as.u32(rl), buf, bytes: k.as.read(buf, length + 16) };
}

test('the machine boots with the RTL_REGISTRY roots, and a loaded driver would find Services there', () => {
  const k = new Kernel();
  for (const p of [SERVICES, '\\Registry\\Machine\\System\\CurrentControlSet\\Control', '\\Registry\\Machine\\Hardware\\DeviceMap', '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion']) {
    const r = open(k, p);
    assert.equal(st(r.status), st(STATUS.SUCCESS), p);
    assert.equal(st(k.ddi.ZwClose(r.handle)), st(STATUS.SUCCESS));
  }
});

test('the service key: ImagePath, Type, Start, ErrorControl and Parameters, without overwriting what a seed set', () => {
  const k = new Kernel();
  const seeded = k.cm.hive.createPath(`${SERVICES}\\Sample`);
  k.cm.hive.setValue(seeded, 'Start', REG.DWORD, dwordData(2));
  const path = k.cm.createServiceKey('Sample', '\\SystemRoot\\System32\\drivers\\Sample.sys');
  assert.equal(path, '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Sample');
  const key = k.cm.hive.lookup(path)!;
  assert.deepEqual([...key.values.values()].map((v) => [v.name, v.type]), [
    ['Start', REG.DWORD],
    ['ImagePath', REG.EXPAND_SZ],
    ['Type', REG.DWORD],
    ['ErrorControl', REG.DWORD],
  ]);
  assert.deepEqual(key.value('start')!.data, dwordData(2), 'the seed wins');
  assert.deepEqual(key.value('Type')!.data, dwordData(1), 'SERVICE_KERNEL_DRIVER');
  assert.ok(key.subkey('PARAMETERS'));
});

test('ZwCreateKey: REG_CREATED_NEW_KEY, then REG_OPENED_EXISTING_KEY; a missing parent is STATUS_OBJECT_NAME_NOT_FOUND', () => {
  const k = new Kernel();
  const a = create(k, `${SERVICES}\\Test`);
  assert.equal(a.disposition, REG_CREATED_NEW_KEY);
  const b = create(k, `${SERVICES.toUpperCase()}\\TEST`);
  assert.equal(b.disposition, REG_OPENED_EXISTING_KEY, 'names are case-insensitive');
  assert.notEqual(a.handle, b.handle, 'each open is its own handle');
  const out = scratch(k, 4);
  assert.equal(st(k.ddi.ZwCreateKey(out, 0, oa(k, `${SERVICES}\\Nope\\Child`), 0, 0, 0, 0)), st(STATUS.OBJECT_NAME_NOT_FOUND), 'ZwCreateKey makes one level only');
  const rel = create(k, 'Parameters', a.handle);
  assert.equal(rel.disposition, REG_CREATED_NEW_KEY, 'relative to RootDirectory');
  assert.ok(k.cm.hive.lookup(`${SERVICES}\\Test\\Parameters`));
});

test('ZwOpenKey: a missing key, a path outside \\Registry, a relative name without RootDirectory, a bad OBJECT_ATTRIBUTES', () => {
  const k = new Kernel();
  assert.equal(st(open(k, `${SERVICES}\\Missing`).status), st(STATUS.OBJECT_NAME_NOT_FOUND));
  assert.equal(st(open(k, '\\Device\\Foo').status), st(STATUS.OBJECT_PATH_NOT_FOUND));
  assert.equal(st(open(k, 'Registry\\Machine').status), st(STATUS.OBJECT_PATH_SYNTAX_BAD));
  assert.equal(st(open(k, `${SERVICES}\\\\Double`).status), st(STATUS.OBJECT_NAME_INVALID));
  const bad = oa(k, SERVICES);
  k.as.setU32(bad + OBJECT_ATTRIBUTES.off.Length, 20);
  assert.equal(st(k.ddi.ZwOpenKey(scratch(k, 4), 0, bad)), st(STATUS.INVALID_PARAMETER), 'Length must be sizeof(OBJECT_ATTRIBUTES)');
  const thread = scratch(k, 4);
  k.ddi.PsCreateSystemThread(thread, 0, 0, 0, 0, 0x9b000000, 0);
  assert.equal(st(open(k, 'x', k.as.u32(thread)).status), st(STATUS.OBJECT_TYPE_MISMATCH), 'RootDirectory must be a key handle');
});

test('ZwQueryValueKey KeyValuePartialInformation: SUCCESS, BUFFER_OVERFLOW with the header and what fits, BUFFER_TOO_SMALL with nothing', () => {
  const k = new Kernel();
  const { handle } = create(k, `${SERVICES}\\Q`);
  setValue(k, handle, 'Name', REG.SZ, szData('hello'));
  const P = KEY_VALUE_PARTIAL_INFORMATION.off;
  const whole = P.Data + 12; // 5 characters and the NUL
  const ok = queryValue(k, handle, 'NAME', KVIC.KeyValuePartialInformation, 64);
  assert.equal(st(ok.status), st(STATUS.SUCCESS));
  assert.equal(ok.resultLength, whole);
  assert.equal(k.as.u32(ok.buf + P.Type), REG.SZ);
  assert.equal(k.as.u32(ok.buf + P.DataLength), 12);
  assert.equal(k.as.utf16(ok.buf + P.Data, 5), 'hello');

  const part = queryValue(k, handle, 'Name', KVIC.KeyValuePartialInformation, P.Data + 4);
  assert.equal(st(part.status), st(STATUS.BUFFER_OVERFLOW));
  assert.equal(part.resultLength, whole);
  assert.equal(k.as.u32(part.buf + P.DataLength), 12, 'the header says the full length');
  assert.equal(k.as.utf16(part.buf + P.Data, 2), 'he', 'the data that fits');
  assert.equal(k.as.u8(part.buf + P.Data + 4), 0xcc, 'nothing past Length');

  const small = queryValue(k, handle, 'Name', KVIC.KeyValuePartialInformation, P.Data - 1);
  assert.equal(st(small.status), st(STATUS.BUFFER_TOO_SMALL));
  assert.equal(small.resultLength, whole);
  assert.ok(small.bytes.every((b) => b === 0xcc), 'nothing written');

  const sizing = queryValue(k, handle, 'Name', KVIC.KeyValuePartialInformation, 0);
  assert.equal(st(sizing.status), st(STATUS.BUFFER_TOO_SMALL), 'the usual first call with Length 0');
  assert.equal(sizing.resultLength, whole);

  assert.equal(st(queryValue(k, handle, 'Other', KVIC.KeyValuePartialInformation, 64).status), st(STATUS.OBJECT_NAME_NOT_FOUND));
  assert.equal(st(queryValue(k, handle, 'Name', 9, 64).status), st(STATUS.INVALID_PARAMETER));
});

test('KeyValueBasicInformation and KeyValueFullInformation: the name, DataOffset aligned past it, the data', () => {
  const k = new Kernel();
  const { handle } = create(k, `${SERVICES}\\F`);
  setValue(k, handle, 'Abc', REG.DWORD, dwordData(0x1f));
  const basic = queryValue(k, handle, 'abc', KVIC.KeyValueBasicInformation, 64);
  assert.equal(st(basic.status), st(STATUS.SUCCESS));
  assert.equal(basic.resultLength, 12 + 6);
  assert.equal(k.as.u32(basic.buf + 4), REG.DWORD);
  assert.equal(k.as.u32(basic.buf + 8), 6);
  assert.equal(k.as.utf16(basic.buf + 12, 3), 'Abc', 'the name as created');
  const F = KEY_VALUE_FULL_INFORMATION.off;
  const full = queryValue(k, handle, 'abc', KVIC.KeyValueFullInformation, 64);
  assert.equal(st(full.status), st(STATUS.SUCCESS));
  const offset = k.as.u32(full.buf + F.DataOffset);
  assert.equal(offset, 20 + 8, 'FIELD_OFFSET(Name) + 6 bytes of name, aligned to 4');
  assert.equal(k.as.u32(full.buf + F.DataLength), 4);
  assert.equal(k.as.u32(full.buf + offset), 0x1f);
  assert.equal(full.resultLength, offset + 4);
});

test('ZwSetValueKey replaces in place, the default value has an empty name, ZwDeleteValueKey removes', () => {
  const k = new Kernel();
  const { handle } = create(k, `${SERVICES}\\V`);
  setValue(k, handle, 'One', REG.DWORD, dwordData(1));
  setValue(k, handle, 'Two', REG.DWORD, dwordData(2));
  setValue(k, handle, 'one', REG.QWORD, new Uint8Array(8).fill(7));
  setValue(k, handle, '', REG.SZ, szData('default'));
  const key = k.cm.hive.lookup(`${SERVICES}\\V`)!;
  assert.deepEqual([...key.values.values()].map((v) => [v.name, v.type]), [['One', REG.QWORD], ['Two', REG.DWORD], ['', REG.SZ]]);
  assert.equal(st(k.ddi.ZwDeleteValueKey(handle, us(k, 'TWO'))), st(STATUS.SUCCESS));
  assert.equal(st(k.ddi.ZwDeleteValueKey(handle, us(k, 'Two'))), st(STATUS.OBJECT_NAME_NOT_FOUND));
  assert.equal(key.values.size, 2);
});

test('ZwEnumerateKey in name order and ZwEnumerateValueKey in creation order, then STATUS_NO_MORE_ENTRIES', () => {
  const k = new Kernel();
  const { handle } = create(k, `${SERVICES}\\E`);
  for (const n of ['zeta', 'Alpha', 'mid']) k.ddi.ZwClose(create(k, n, handle).handle);
  for (const n of ['b', 'a']) setValue(k, handle, n, REG.DWORD, dwordData(0));
  const B = KEY_BASIC_INFORMATION.off;
  const names: string[] = [];
  const buf = scratch(k, 128);
  const rl = scratch(k, 4);
  for (let i = 0; ; i++) {
    const s = k.ddi.ZwEnumerateKey(handle, i, KIC.KeyBasicInformation, buf, 128, rl);
    if (s === STATUS.NO_MORE_ENTRIES) break;
    assert.equal(st(s), st(STATUS.SUCCESS));
    names.push(k.as.utf16(buf + B.Name, k.as.u32(buf + B.NameLength) / 2));
  }
  assert.deepEqual(names, ['Alpha', 'mid', 'zeta']);
  const values: string[] = [];
  for (let i = 0; ; i++) {
    const s = k.ddi.ZwEnumerateValueKey(handle, i, KVIC.KeyValueBasicInformation, buf, 128, rl);
    if (s === STATUS.NO_MORE_ENTRIES) break;
    values.push(k.as.utf16(buf + 12, k.as.u32(buf + 8) / 2));
  }
  assert.deepEqual(values, ['b', 'a']);
});

test('ZwQueryKey: KeyFullInformation counts, KeyNameInformation the full path, KeyBasicInformation the last name', () => {
  const k = new Kernel();
  const { handle } = create(k, `${SERVICES}\\Info`);
  k.ddi.ZwClose(create(k, 'LongerChild', handle).handle);
  setValue(k, handle, 'Value', REG.BINARY, new Uint8Array(10));
  const buf = scratch(k, 512);
  const rl = scratch(k, 4);
  const F = KEY_FULL_INFORMATION.off;
  assert.equal(st(k.ddi.ZwQueryKey(handle, KIC.KeyFullInformation, buf, 512, rl)), st(STATUS.SUCCESS));
  assert.deepEqual(
    [F.SubKeys, F.MaxNameLen, F.Values, F.MaxValueNameLen, F.MaxValueDataLen].map((o) => k.as.u32(buf + o)),
    [1, 22, 1, 10, 10],
  );
  assert.equal(k.as.u32(rl), F.Class);
  assert.equal(st(k.ddi.ZwQueryKey(handle, KIC.KeyNameInformation, buf, 512, rl)), st(STATUS.SUCCESS));
  assert.equal(k.as.utf16(buf + 4, k.as.u32(buf) / 2), '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Info');
  assert.equal(st(k.ddi.ZwQueryKey(handle, KIC.KeyBasicInformation, buf, 512, rl)), st(STATUS.SUCCESS));
  assert.equal(k.as.utf16(buf + 16, k.as.u32(buf + 12) / 2), 'Info');
  assert.equal(k.as.u64(buf), k.cm.hive.lookup(`${SERVICES}\\Info`)!.lastWriteTime, 'LastWriteTime');
});

test('ZwDeleteKey: STATUS_CANNOT_DELETE with subkeys; deleted, its handles fail with STATUS_KEY_DELETED until closed', () => {
  const k = new Kernel();
  const parent = create(k, `${SERVICES}\\D`);
  const child = create(k, 'Child', parent.handle);
  assert.equal(st(k.ddi.ZwDeleteKey(parent.handle)), st(STATUS.CANNOT_DELETE));
  assert.equal(st(k.ddi.ZwDeleteKey(child.handle)), st(STATUS.SUCCESS));
  assert.equal(st(k.ddi.ZwFlushKey(child.handle)), st(STATUS.KEY_DELETED));
  assert.equal(st(open(k, 'Child', parent.handle).status), st(STATUS.OBJECT_NAME_NOT_FOUND));
  assert.equal(st(k.ddi.ZwClose(child.handle)), st(STATUS.SUCCESS));
  assert.equal(st(k.ddi.ZwDeleteKey(parent.handle)), st(STATUS.SUCCESS));
});

test('a key handle holds its key body in pool: ZwClose frees it; a closed handle is STATUS_INVALID_HANDLE', () => {
  const k = new Kernel();
  const { handle } = create(k, `${SERVICES}\\H`);
  const body = k.ob.objectOfHandle(handle)!;
  assert.equal(k.ob.kindOf(body), 'Key');
  assert.equal(k.ob.referenceCount(body), 1, 'the handle is the only reference');
  assert.equal(st(k.ddi.ZwClose(handle)), st(STATUS.SUCCESS));
  assert.equal(k.ob.isObject(body), false);
  assert.equal(st(k.ddi.ZwFlushKey(handle)), st(STATUS.INVALID_HANDLE));
  assert.equal(st(k.ddi.ZwClose(handle)), st(STATUS.INVALID_HANDLE));
});

test('a volatile key takes only volatile subkeys: STATUS_CHILD_MUST_BE_VOLATILE', () => {
  const k = new Kernel();
  const v = create(k, `${SERVICES}\\Vol`, 0, REG_OPTION.VOLATILE);
  const out = scratch(k, 4);
  assert.equal(st(k.ddi.ZwCreateKey(out, 0, oa(k, 'Stable', v.handle), 0, 0, REG_OPTION.NON_VOLATILE, 0)), st(STATUS.CHILD_MUST_BE_VOLATILE));
  assert.equal(create(k, 'Volatile', v.handle, REG_OPTION.VOLATILE).disposition, REG_CREATED_NEW_KEY);
});

test('IoOpenDeviceRegistryKey: no device object is a PDO without a PnP manager, STATUS_INVALID_DEVICE_REQUEST', () => {
  const k = new Kernel();
  const { device } = createDevice(k, 'Dev', 1);
  const out = scratch(k, 4);
  k.as.setU32(out, 0xdead);
  assert.equal(st(k.ddi.IoOpenDeviceRegistryKey(device, 1, 0x20019, out)), st(STATUS.INVALID_DEVICE_REQUEST));
  assert.equal(hex(k.as.u32(out)), '0x0');
  assert.equal(st(k.ddi.IoOpenDeviceRegistryKey(device, 3, 0x20019, out)), st(STATUS.INVALID_PARAMETER), 'DEVICE and DRIVER together');
});

test('REG_MULTI_SZ data is each string with its NUL and one more NUL', () => {
  assert.deepEqual([...multiSzData(['a', 'bc'])], [0x61, 0, 0, 0, 0x62, 0, 0x63, 0, 0, 0, 0, 0]);
});

test('a TypeScript driver reads the Parameters of the service key RegistryPath names, seeded before it loads', async () => {
  const prints: string[] = [];
  const seed = parseRegFile(
    ['REGEDIT4', '[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\RegistryReader\\Parameters]', '"Count"=dword:00000003', '"Label"="hi"', ''].join('\n'),
    'seed.reg',
  );
  const r = await runDriver({ driver: join(ROOT, 'test', 'fixtures', 'drivers', 'RegistryReader.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [], registry: seed, onDebugPrint: (l) => prints.push(l) });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(prints, ['RegistryReader: value 0: Count, type 4', 'RegistryReader: value 1: Label, type 1']);
  const params = r.machine.kernel.cm.hive.lookup(`${SERVICES}\\RegistryReader\\Parameters`)!;
  assert.deepEqual(params.value('SeenBy')!.data, szData('seen'));
  assert.ok(r.machine.kernel.cm.hive.lookup(`${SERVICES}\\RegistryReader`)!.value('ImagePath'), 'the loader made the rest of the service key');
});

test('DriverEntry: RegistryPath names the service key whole, and DriverExtension->ServiceKeyName is its last name', () => {
  const k = new Kernel();
  const driver = k.io.createDriverObject('Named', 0x9b000000, 0x100000);
  const seen: string[] = [];
  const read = (u: number) => k.as.utf16(k.as.u32(u + UNICODE_STRING.off.Buffer), k.as.u16(u + UNICODE_STRING.off.Length) / 2);
  const entry = routine(k, 1, (drv, registryPath) => {
    seen.push(read(registryPath), read(k.as.u32(drv + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.ServiceKeyName));
    return STATUS.SUCCESS;
  });
  assert.equal(k.io.callDriverEntry(driver, entry, k.cm.createServiceKey('Named', '\\SystemRoot\\System32\\drivers\\Named.sys')), STATUS.SUCCESS);
  assert.deepEqual(seen, ['\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Named', 'Named']);
});

test('a value larger than the registry can hold (64 MiB here) is STATUS_INSUFFICIENT_RESOURCES, and nothing is read', () => {
  const k = new Kernel();
  const { handle } = create(k, `${SERVICES}\\Big`);
  assert.equal(st(k.ddi.ZwSetValueKey(handle, us(k, 'Huge'), 0, REG.BINARY, 0x1000, 0x80000000)), st(STATUS.INSUFFICIENT_RESOURCES));
  assert.equal(k.cm.hive.lookup(`${SERVICES}\\Big`)!.values.size, 0);
});

test('IoOpenDriverRegistryKey: the service key\'s Parameters, or its State subkey made on first use; Flags must be 0', () => {
  const k = new Kernel();
  const driver = k.io.createDriverObject('Keyed', 0x9b000000, 0x100000);
  const out = scratch(k, 4);
  const results: string[] = [];
  const entry = routine(k, 2, (drv) => {
    for (const [type, flags] of [[0, 0], [1, 0], [0, 1], [2, 0]] as const) {
      const status = k.ddi.IoOpenDriverRegistryKey(drv, type, 0x20019, flags, out);
      const key = status === STATUS.SUCCESS ? k.cm.keyOfHandle(k.as.u32(out)) : undefined;
      results.push(`${st(status)} ${typeof key === 'object' ? key.path : ''}`.trim());
    }
    return STATUS.SUCCESS;
  });
  k.io.callDriverEntry(driver, entry, k.cm.createServiceKey('Keyed', '\\SystemRoot\\System32\\drivers\\Keyed.sys'));
  assert.deepEqual(results, [
    `STATUS_SUCCESS \\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Keyed\\Parameters`,
    `STATUS_SUCCESS \\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Keyed\\State`,
    'STATUS_INVALID_PARAMETER',
    'STATUS_INVALID_PARAMETER',
  ]);
  assert.equal(st(k.ddi.IoOpenDriverRegistryKey(scratch(k, 8), 0, 0, 0, out)), st(STATUS.INVALID_PARAMETER), 'not a driver object');
});
