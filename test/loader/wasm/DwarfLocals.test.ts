/**
 * Parameters and locals from DWARF (dwarf-locals.ts): scopes, variables, their locations reduced to
 * what `dv` can read, and types named as WinDbg names them. MyDriver (clang -O2) keeps nearly
 * everything in wasm locals; the Locals fixture keeps address-taken locals in its stack frame
 * (DW_OP_fbreg) and a function static at an address (DW_OP_addr).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { LocalsData, LocalScope } from '../../../src/kernel/symbols.ts';
import { wasmLocals } from '../../../src/loader/wasm/symbols.ts';
import { expression, readLocals } from '../../../src/loader/wasm/dwarf-locals.ts';
import { MalformedWasmError } from '../../../src/loader/wasm/reader.ts';
import { readWasmSections } from '../../../src/loader/wasm/sections.ts';
import { ROOT } from '../../helpers.ts';

const myDriver = join(ROOT, 'drivers', 'c', 'MyDriver', 'MyDriver.wasm');
const localsImage = join(ROOT, 'test', 'fixtures', 'c', 'locals', 'Locals.wasm');
const localsOf = (file: string): LocalsData => wasmLocals(readFileSync(file))!;
const fn = (l: LocalsData, name: string): LocalScope => l.scopes.find((s) => s.kind === 'function' && s.name === name)!;
const described = (l: LocalsData, s: LocalScope) => s.variables.map((v) => `${v.parameter ? 'param' : 'local'} ${l.types[v.type]?.name} ${v.name}`);

test('a module without debug info has no locals', () => {
  assert.equal(wasmLocals(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])), undefined);
});

test('MyDriver: DeviceControlDispatch, its parameters first, typed as WinDbg types them, in wasm locals', () => {
  const l = localsOf(myDriver);
  const s = fn(l, 'DeviceControlDispatch');
  assert.equal(s.frameBase, 'sp');
  assert.deepEqual(described(l, s).slice(0, 3), ['param struct _DEVICE_OBJECT * DeviceObject', 'param struct _IRP * Irp', 'local void * input']);
  assert.ok(described(l, s).includes('local unsigned long inputLength'));
  const irp = s.variables.find((v) => v.name === 'Irp')!;
  assert.deepEqual(irp.locations, [{ kind: 'local', value: 1 }]);
  // A location list: `sp` is on the operand stack, then in local 2, by code range.
  const sp = s.variables.find((v) => v.name === 'sp')!;
  assert.deepEqual(sp.locations.map((x) => x.kind), ['stack', 'local']);
  assert.ok(sp.locations.every((x) => x.start! < x.end! && x.start! >= s.ranges[0]![0] && x.end! <= s.ranges[0]![1]));
});

test('MyDriver: the inlined GetNecessaryObjects is a scope inside DeviceControlDispatch; lexical blocks have parents', () => {
  const l = localsOf(myDriver);
  const at = l.scopes.indexOf(fn(l, 'DeviceControlDispatch'));
  const inline = l.scopes.find((s) => s.kind === 'inline' && s.name === 'GetNecessaryObjects')!;
  assert.equal(inline.parent, at);
  assert.ok(l.scopes.some((s) => s.kind === 'block' && s.parent >= 0));
  // Every inner scope's parent comes before it, and its ranges lie inside its function's.
  l.scopes.forEach((s, i) => assert.ok(s.parent < i));
});

test('Locals: address-taken locals are in the frame (DW_OP_fbreg), the static at an address, folded values are constants', () => {
  const l = localsOf(localsImage);
  const tally = fn(l, 'Tally');
  const where = (name: string) => tally.variables.find((v) => v.name === name)!.locations;
  for (const name of ['name', 'event', 'state', 'values', 'label']) assert.equal(where(name)[0]!.kind, 'fbreg', name);
  assert.deepEqual(described(l, tally), [
    'param struct _DRIVER_OBJECT * DriverObject',
    'param unsigned long Rounds',
    'local struct _UNICODE_STRING name',
    'local struct _KEVENT event',
    'local struct _LOCALS_STATE state',
    'local unsigned long [4] values',
    'local char [8] label',
    'local enum _LOCALS_MODE mode',
    'local long balance',
    'local unsigned long i',
  ]);
  // clang writes the negative LONG as DW_OP_constu 0xffffffffffffff90: read as the 64-bit two's complement.
  assert.ok(where('balance').some((x) => x.kind === 'const' && x.value === -112));
  const values = l.types[tally.variables.find((v) => v.name === 'values')!.type]!;
  assert.deepEqual([values.kind, values.count, values.size, l.types[values.target!]!.name], ['array', 4, 16, 'unsigned long']);
  const mode = l.types[tally.variables.find((v) => v.name === 'mode')!.type]!;
  assert.deepEqual(mode.enumerators, [['LocalsIdle', 0], ['LocalsCounting', 1], ['LocalsFailed', 2]]);
  const verify = fn(l, 'Verify');
  assert.equal(verify.variables.find((v) => v.name === 'verifyCalls')!.locations[0]!.kind, 'addr');
  assert.deepEqual(l.types[verify.variables.find((v) => v.name === 'Mode')!.type]!.name, 'enum _LOCALS_MODE *');
});

test('location expressions: the forms dv reads, and none for the rest (never a guess)', () => {
  const x = (...b: number[]) => expression(Uint8Array.from(b));
  assert.deepEqual(x(0x91, 0x58), { kind: 'fbreg', value: -40 });
  assert.deepEqual(x(0x91, 0x18), { kind: 'fbreg', value: 24 });
  assert.deepEqual(x(0x03, 0x34, 0, 0, 0), { kind: 'addr', value: 0x34 });
  assert.deepEqual(x(0xed, 0x00, 0x03, 0x9f), { kind: 'local', value: 3 });
  assert.deepEqual(x(0xed, 0x03, 0, 0, 0, 0, 0x9f), { kind: 'global', value: 0 });
  assert.deepEqual(x(0xed, 0x02, 0x00, 0x9f), { kind: 'stack', value: 0 });
  assert.deepEqual(x(0x35, 0x9f), { kind: 'const', value: 5 });
  assert.deepEqual(x(0x11, 0x7f, 0x9f), { kind: 'const', value: -1 });
  // A constant without DW_OP_stack_value is an address computation; fbreg then deref is a pointer to follow: not read.
  assert.deepEqual(x(0x35), { kind: 'none', value: 0 });
  assert.deepEqual(x(0x91, 0x08, 0x06), { kind: 'none', value: 0 });
  // Empty, unknown and truncated expressions.
  assert.deepEqual(x(), { kind: 'none', value: 0 });
  assert.deepEqual(x(0x50), { kind: 'none', value: 0 });
  assert.deepEqual(x(0x03, 0x34), { kind: 'none', value: 0 });
});

test('a location list offset past .debug_loc is a clear error, not a crash', () => {
  const s = readWasmSections(readFileSync(localsImage));
  const section = (n: string) => s.custom.get(n)?.bytes;
  const input = { debugInfo: section('.debug_info')!, debugAbbrev: section('.debug_abbrev')!, debugStr: section('.debug_str'), debugRanges: section('.debug_ranges') };
  assert.ok(readLocals({ ...input, debugLoc: section('.debug_loc') }).scopes.length > 0);
  assert.throws(() => readLocals({ ...input, debugLoc: section('.debug_loc')!.subarray(0, 8) }), (e: Error) => e instanceof MalformedWasmError && /location list offset past the end|runs past the end/.test(e.message));
  // Without .debug_loc, list locations are simply unknown.
  const bare = readLocals(input);
  assert.ok(bare.scopes.some((sc) => sc.variables.some((v) => v.locations.length === 0)));
});

test('damaged debug info: readLocals returns or fails with MalformedWasmError, never another exception (fixed seed)', () => {
  const s = readWasmSections(readFileSync(myDriver));
  const base = (n: string) => s.custom.get(n)!.bytes;
  const names = ['.debug_info', '.debug_abbrev', '.debug_loc', '.debug_ranges'] as const;
  fc.assert(
    fc.property(fc.constantFrom(...names), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (name, at, value, truncate) => {
      const sections: Record<string, Uint8Array> = Object.fromEntries(names.map((n) => [n, Uint8Array.from(base(n))]));
      const bytes = sections[name]!;
      if (truncate) sections[name] = bytes.subarray(0, at % (bytes.length + 1));
      else bytes[at % bytes.length] = value;
      try {
        const l = readLocals({ debugInfo: sections['.debug_info']!, debugAbbrev: sections['.debug_abbrev']!, debugLoc: sections['.debug_loc'], debugRanges: sections['.debug_ranges'], debugStr: base('.debug_str'), codeSize: s.code!.size });
        // What a dump can hold: addresses, sizes and counts are u32s, every other number a safe integer.
        const u32 = (n: number | undefined) => n === undefined || (Number.isSafeInteger(n) && n >= 0 && n <= 0xffffffff);
        for (const sc of l.scopes) {
          assert.ok(sc.ranges.every(([a, b]) => u32(a) && u32(b) && b <= s.code!.size));
          for (const v of sc.variables) assert.ok(v.locations.every((x) => u32(x.start) && u32(x.end) && Number.isSafeInteger(x.value)));
        }
        for (const t of l.types) assert.ok(u32(t.size) && u32(t.count) && (t.enumerators ?? []).every(([, n]) => Number.isSafeInteger(n)));
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        assert.ok(e instanceof MalformedWasmError, `${name} ${truncate ? 'cut' : 'flipped'} at ${at}: ${(e as Error).stack}`);
      }
    }),
    { seed: 0x10ca15, numRuns: 300 },
  );
});

test('a frame base in a local is the stack pointer only for a function that stores it (Tally does); unknown otherwise', () => {
  const l = localsOf(localsImage);
  assert.equal(fn(l, 'Tally').frameBase, 'sp');
  const s = readWasmSections(readFileSync(localsImage));
  const section = (n: string) => s.custom.get(n)?.bytes;
  const input = { debugInfo: section('.debug_info')!, debugAbbrev: section('.debug_abbrev')!, debugStr: section('.debug_str'), debugLoc: section('.debug_loc'), stackPointerGlobal: s.stackPointerGlobal };
  assert.equal(fn(readLocals(input), 'Tally').frameBase, 'unknown', 'without knowing the code, a local frame base is not trusted');
  assert.equal(fn(readLocals({ ...input, setsStackPointer: () => true }), 'Tally').frameBase, 'sp');
  // Verify's DWARF names the stack pointer global itself.
  assert.equal(fn(readLocals(input), 'Verify').frameBase, 'sp');
});

test('64-bit integers are named as WinDbg names them (int64, unsigned int64)', () => {
  const l = localsOf(join(ROOT, 'test', 'fixtures', 'c', 'runaway', 'Runaway.wasm'));
  const until = l.scopes.flatMap((sc) => sc.variables).find((v) => v.name === 'until')!;
  assert.deepEqual([l.types[until.type]!.name, l.types[until.type]!.size, l.types[until.type]!.kind], ['unsigned int64', 8, 'unsigned']);
});
