/** Registry seed files: the .reg and JSON parsers, their errors (file:line), round trips, and applying them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { dwordData, Hive, multiSzData, qwordData, szData } from '../../src/kernel/cm/hive.ts';
import { parseJsonRegistry } from '../../src/kernel/cm/json-file.ts';
import { decodeRegFile, formatRegFile, parseRegFile } from '../../src/kernel/cm/reg-file.ts';
import { parseRegistryFile } from '../../src/kernel/cm/registry-file.ts';
import { applySeed, RegistryFileError, type SeedOp } from '../../src/kernel/cm/seed.ts';
import { REG } from '../../src/nt/registry.ts';

const SVC = '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Sample';

const REG_TEXT = [
  'Windows Registry Editor Version 5.00',
  '',
  '; the sample driver',
  '[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Sample\\Parameters]',
  '"Label"="C:\\\\dir \\"quoted\\""',
  '"Count"=dword:0000001f',
  '@="default"',
  '"Blob"=hex:01,02,ff',
  '"Path"=hex(2):25,00,41,00,25,00,00,00',
  '"Ports"=hex(7):41,00,00,00,\\',
  '  42,00,00,00,00,00',
  '"Big"=hex(b):01,00,00,00,00,00,00,80',
  '"Gone"=-',
  '',
  '[-HKLM\\SYSTEM\\CurrentControlSet\\Services\\Old]',
].join('\r\n');

const strip = (ops: readonly SeedOp[]) => ops.map(({ line: _line, ...rest }) => rest);

test('.reg: every data form, continuation lines, comments, @, =- and [-key]', () => {
  const ops = parseRegFile(REG_TEXT, 'seed.reg');
  const P = `${SVC}\\Parameters`;
  assert.deepEqual(strip(ops), [
    { op: 'key', path: P },
    { op: 'value', path: P, name: 'Label', type: REG.SZ, data: szData('C:\\dir "quoted"') },
    { op: 'value', path: P, name: 'Count', type: REG.DWORD, data: dwordData(31) },
    { op: 'value', path: P, name: '', type: REG.SZ, data: szData('default') },
    { op: 'value', path: P, name: 'Blob', type: REG.BINARY, data: Uint8Array.from([1, 2, 255]) },
    { op: 'value', path: P, name: 'Path', type: REG.EXPAND_SZ, data: szData('%A%') },
    { op: 'value', path: P, name: 'Ports', type: REG.MULTI_SZ, data: multiSzData(['A', 'B']) },
    { op: 'value', path: P, name: 'Big', type: REG.QWORD, data: qwordData(0x8000000000000001n) },
    { op: 'deleteValue', path: P, name: 'Gone' },
    { op: 'deleteKey', path: '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Old' },
  ]);
  assert.deepEqual(ops.map((o) => o.line), [4, 5, 6, 7, 8, 9, 10, 12, 13, 15], 'a continued value is at its first line');
});

test('.reg: regedit\'s UTF-16LE with BOM decodes; REGEDIT4 widens its 8-bit hex(2)/hex(7) strings', () => {
  const utf16 = new Uint8Array([0xff, 0xfe, ...szData(REG_TEXT).subarray(0, -2)]);
  assert.equal(decodeRegFile(utf16), REG_TEXT);
  const ops = parseRegFile('REGEDIT4\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\n"P"=hex(2):41,00\n', 'old.reg');
  assert.deepEqual(strip(ops)[1], { op: 'value', path: '\\REGISTRY\\MACHINE\\SOFTWARE\\X', name: 'P', type: REG.EXPAND_SZ, data: szData('A') });
});

test('.reg errors name the file and line, and say what is wrong', () => {
  const bad: [string, RegExp][] = [
    ['[HKLM\\X]\n"a"=dword:1\n', /^f\.reg:1: not a \.reg file/],
    ['REGEDIT4\n"a"=dword:1\n', /^f\.reg:2: a value before any \[key\]/],
    ['REGEDIT4\n[HKEY_NOWHERE\\X]\n', /^f\.reg:2: .*does not start with a root key/],
    ['REGEDIT4\n[HKLM\\X]\n"a"=dword:123456789\n', /^f\.reg:3: 'dword:123456789' is not a dword/],
    ['REGEDIT4\n[HKLM\\X]\n\n"a"=hex:1,zz\n', /^f\.reg:4: 'zz' is not a hex byte/],
    ['REGEDIT4\n[HKLM\\X]\n"a=1\n', /^f\.reg:3: the value name has no closing quote/],
    ['REGEDIT4\n[HKLM\\X]\n"a"=qword:1\n', /^f\.reg:3: 'qword:1' is not a value/],
    ['REGEDIT4\n[HKLM\\X\n', /^f\.reg:2: a key line must end with '\]'/],
    ['REGEDIT4\n[-HKLM\\X]\n"a"="b"\n', /^f\.reg:3: a value under \[-key\]/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => parseRegFile(text, 'f.reg'), (e: unknown) => e instanceof RegistryFileError && message.test(e.message), text);
  }
});

test('JSON: the {type, data} form for each type, the shorthands, null deletes, @ is the default value', () => {
  const text = JSON.stringify(
    {
      'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Sample\\Parameters': {
        Count: { type: 'REG_DWORD', data: 31 },
        Label: 'text',
        Small: 7,
        List: ['a', 'b'],
        Path: { type: 'REG_EXPAND_SZ', data: '%SystemRoot%' },
        Multi: { type: 'REG_MULTI_SZ', data: ['x'] },
        Big: { type: 'REG_QWORD', data: '0xffffffffffffffff' },
        Blob: { type: 'REG_BINARY', data: '0aff' },
        Nothing: { type: 'REG_NONE' },
        '@': 'default',
        Gone: null,
      },
      '\\Registry\\Machine\\Software\\Old': null,
    },
    null,
    2,
  );
  const ops = parseJsonRegistry(text, 'seed.json');
  const P = `${SVC}\\Parameters`;
  assert.deepEqual(strip(ops), [
    { op: 'key', path: P },
    { op: 'value', path: P, name: 'Count', type: REG.DWORD, data: dwordData(31) },
    { op: 'value', path: P, name: 'Label', type: REG.SZ, data: szData('text') },
    { op: 'value', path: P, name: 'Small', type: REG.DWORD, data: dwordData(7) },
    { op: 'value', path: P, name: 'List', type: REG.MULTI_SZ, data: multiSzData(['a', 'b']) },
    { op: 'value', path: P, name: 'Path', type: REG.EXPAND_SZ, data: szData('%SystemRoot%') },
    { op: 'value', path: P, name: 'Multi', type: REG.MULTI_SZ, data: multiSzData(['x']) },
    { op: 'value', path: P, name: 'Big', type: REG.QWORD, data: qwordData(0xffffffffffffffffn) },
    { op: 'value', path: P, name: 'Blob', type: REG.BINARY, data: Uint8Array.from([0x0a, 0xff]) },
    { op: 'value', path: P, name: 'Nothing', type: REG.NONE, data: new Uint8Array(0) },
    { op: 'value', path: P, name: '', type: REG.SZ, data: szData('default') },
    { op: 'deleteValue', path: P, name: 'Gone' },
    { op: 'deleteKey', path: '\\REGISTRY\\Machine\\Software\\Old' },
  ]);
  assert.equal(ops[1]!.line, 3, 'lines of the values');
});

test('JSON errors name the file and line', () => {
  const bad: [string, RegExp][] = [
    ['{\n  "HKLM\\\\X": {\n    "a": 1,\n  }\n}', /^j\.json:4: not valid JSON/],
    ['[1]', /^j\.json:1: the file must be a JSON object of keys/],
    ['{\n"HKLM\\\\X": {\n"a": {"type": "REG_DWORD", "data": -1}}}', /^j\.json:3: value 'a' of HKLM\\X: REG_DWORD data is an integer from 0 to 0xffffffff, not -1/],
    ['{\n"HKLM\\\\X": {\n"a": {"type": "REG_WHAT", "data": 1}}}', /^j\.json:3: .*unknown type 'REG_WHAT'/],
    ['{\n\n"Nowhere\\\\X": {}}', /^j\.json:3: 'Nowhere\\X' does not start with a root key/],
    ['{"HKLM\\\\X": 5}', /^j\.json:1: key 'HKLM\\X' must map to an object of values/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => parseJsonRegistry(text, 'j.json'), (e: unknown) => e instanceof RegistryFileError && message.test(e.message), text);
  }
});

test('parseRegistryFile picks the format by content', () => {
  const enc = new TextEncoder();
  assert.equal(parseRegistryFile(enc.encode('  {"HKLM\\\\A": {"x": 1}}'), 'a.txt')[1]!.op, 'value');
  assert.equal(parseRegistryFile(enc.encode('REGEDIT4\r\n[HKLM\\A]\r\n'), 'a.txt')[0]!.op, 'key');
});

test('applying a seed: keys and values created, =- and [-key] remove; later operations win', () => {
  const hive = new Hive(() => 0n);
  applySeed(hive, parseRegFile('REGEDIT4\n[HKLM\\SOFTWARE\\Old\\Deep]\n"v"=dword:1\n[HKLM\\SOFTWARE\\New]\n"a"="1"\n"a"="2"\n"b"="x"\n"b"=-\n[-HKLM\\SOFTWARE\\Old]\n', 's.reg'));
  assert.equal(hive.lookup('\\Registry\\Machine\\Software\\Old'), undefined);
  const key = hive.lookup('\\Registry\\Machine\\Software\\New')!;
  assert.deepEqual([...key.values.values()].map((v) => [v.name, v.data]), [['a', szData('2')]]);
});

// ---- round trips -----------------------------------------------------------------------------

const name = fc.stringMatching(/^[A-Za-z0-9 _.\\"-]{1,12}$/);
const keyName = fc.stringMatching(/^[A-Za-z0-9 _.-]{1,10}$/);
const valueOp = fc.record({
  path: fc.array(keyName, { minLength: 1, maxLength: 3 }).map((ns) => `\\REGISTRY\\MACHINE\\SOFTWARE\\${ns.join('\\')}`),
  name: fc.oneof(name, fc.constant('')),
  value: fc.oneof(
    fc.string({ maxLength: 10 }).filter((s) => !/[\0\r\n]/.test(s)).map((s) => ({ type: REG.SZ, data: szData(s) })),
    fc.integer({ min: 0, max: 0xffffffff }).map((n) => ({ type: REG.DWORD, data: dwordData(n) })),
    fc.uint8Array({ maxLength: 12 }).map((data) => ({ type: REG.BINARY, data })),
    fc.record({ type: fc.integer({ min: 0, max: 0xffff }), data: fc.uint8Array({ maxLength: 12 }) }),
  ),
});

test('property: formatRegFile then parseRegFile gives back the same operations', () => {
  fc.assert(
    fc.property(fc.array(valueOp, { maxLength: 12 }), (vs) => {
      const ops: SeedOp[] = vs.map((v) => ({ op: 'value', path: v.path, name: v.name, type: v.value.type, data: v.value.data, line: 0 }));
      const text = formatRegFile(ops);
      assert.deepEqual(strip(parseRegFile(text, 'r.reg')).filter((o) => o.op !== 'key'), strip(ops));
    }),
    { numRuns: 300 },
  );
});

test('property: a .reg round trip seeds the same registry as the operations themselves', () => {
  fc.assert(
    fc.property(fc.array(valueOp, { maxLength: 8 }), (vs) => {
      const ops: SeedOp[] = vs.map((v) => ({ op: 'value', path: v.path, name: v.name, type: v.value.type, data: v.value.data, line: 0 }));
      const a = new Hive(() => 0n);
      const b = new Hive(() => 0n);
      applySeed(a, ops);
      applySeed(b, parseRegFile(formatRegFile(ops), 'r.reg'));
      const dump = (h: Hive) => vs.map((v) => [...(h.lookup(v.path)?.values.values() ?? [])].map((x) => [x.name, x.type, [...x.data]]));
      assert.deepEqual(dump(b), dump(a));
    }),
    { numRuns: 200 },
  );
});
