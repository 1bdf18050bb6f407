/**
 * `dt [nt!]_TYPE [Address] [-r[Depth]]`: a structure of src/nt/layout.ts, its fields by offset, as
 * types or (with an address) as values read from the dump. `-r` expands nested structures.
 */
import * as layout from '../../nt/layout.ts';
import type { FieldType, Scalar, StructLayout } from '../../nt/layout.ts';
import { CommandError, splitArgs, type Command } from '../command.ts';
import { parseAddress } from '../address.ts';
import { hex, hex8 } from '../format.ts';
import type { DebugTarget } from '../target.ts';

const isLayout = (v: unknown): v is StructLayout => typeof v === 'object' && v !== null && 'fields' in v && 'off' in v && 'name' in v;

/** The named structures (kd's `nt!_IRP`), by upper-case name; a layout reused under another name keeps its first. */
const TYPES = new Map<string, StructLayout>();
for (const v of Object.values(layout)) if (isLayout(v) && !TYPES.has(v.name.toUpperCase())) TYPES.set(v.name.toUpperCase(), v);
const NAMED = new Set(TYPES.values());
/** `_IRP`, `_DEVICE_OBJECT`...: what `dt` accepts, for tab completion. */
export const TYPE_NAMES: readonly string[] = [...TYPES.values()].map((s) => `_${s.name}`).sort();

const SCALAR_TYPE: Record<Scalar, string> = { u8: 'UChar', i8: 'Char', u16: 'Uint2B', i16: 'Int2B', u32: 'Uint4B', i32: 'Int4B', ptr: 'Ptr32 Void', u64: 'Uint8B', i64: 'Int8B' };

const typeName = (s: StructLayout) => (NAMED.has(s) ? `_${s.name}` : '<unnamed-tag>');

function describe(type: FieldType): string {
  if (typeof type === 'string') return SCALAR_TYPE[type];
  if ('array' in type) return `[${type.count}] ${describe(type.array)}`;
  return typeName(type);
}

/** A scalar as kd shows it: signed types in decimal (0n), unsigned in hex, pointers 0x%08x or (null). */
function scalar(t: DebugTarget, type: Scalar, a: number): string | undefined {
  const bytes = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, ptr: 4, u64: 8, i64: 8 }[type];
  const lo = bytes === 1 ? t.u8(a) : bytes === 2 ? t.u16(a) : t.u32(a);
  if (lo === undefined) return undefined;
  const char = (c: number) => (c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : "''");
  switch (type) {
    case 'u8':
      return `0x${hex(lo)} ${char(lo)}`;
    case 'i8':
      return `0n${(lo << 24) >> 24} ${char(lo)}`;
    case 'u16':
    case 'u32':
      return `0x${hex(lo)}`;
    case 'i16':
      return `0n${(lo << 16) >> 16}`;
    case 'i32':
      return `0n${lo | 0}`;
    case 'ptr':
      return lo === 0 ? '(null)' : `0x${hex8(lo)}`;
    case 'u64':
    case 'i64': {
      const high = t.u32(a + 4);
      if (high === undefined) return undefined;
      const v = (BigInt(high) << 32n) | BigInt(lo);
      return type === 'u64' ? `0x${v.toString(16)}` : `0n${BigInt.asIntN(64, v)}`;
    }
  }
}

function value(t: DebugTarget, type: FieldType, a: number): string {
  if (typeof type === 'string') return scalar(t, type, a) ?? '????';
  if ('array' in type) return `[${type.count}] ${value(t, type.array, a)}`;
  if (type === layout.LIST_ENTRY) {
    const [f, b] = [t.u32(a), t.u32(a + 4)];
    return f === undefined || b === undefined ? '_LIST_ENTRY' : `_LIST_ENTRY [ 0x${hex8(f)} - 0x${hex8(b)} ]`;
  }
  if (type === layout.UNICODE_STRING) {
    const length = t.u16(a);
    const buffer = t.u32(a + 4);
    const text = length !== undefined && buffer !== undefined ? t.utf16(buffer, Math.min(length, 0x200) >> 1) : undefined;
    return text === undefined ? '_UNICODE_STRING' : `_UNICODE_STRING "${text}"`;
  }
  return typeName(type);
}

/** Rows for a structure's fields: `+0x010 Name : value`, nested structures indented under theirs while depth lasts. */
function rows(t: DebugTarget, s: StructLayout, address: number | undefined, depth: number, indent: string): string[] {
  const width = Math.max(...s.fields.map((f) => f.name.length));
  const out: string[] = [];
  for (const f of s.fields) {
    const shown = address === undefined ? describe(f.type) : value(t, f.type, address + f.offset);
    out.push(`${indent}+0x${f.offset.toString(16).padStart(3, '0')} ${f.name.padEnd(width)} : ${shown}`);
    if (depth > 0 && typeof f.type !== 'string' && !('array' in f.type)) out.push(...rows(t, f.type, address === undefined ? undefined : address + f.offset, depth - 1, `${indent}   `));
  }
  return out;
}

/** Recursion with a bare `-r`: deep enough for every layout (they nest three or four levels). */
const FULL_DEPTH = 8;

export const dt: Command = {
  name: 'dt',
  syntax: 'dt [nt!]_TYPE [Address] [-r[Depth]]',
  help: 'Display a structure of the kernel: its fields and offsets, or with an Address their values (-r: nested structures too).',
  run(t, args) {
    let depth = 0;
    const rest: string[] = [];
    for (const a of splitArgs(args)) {
      const r = /^-r(\d*)$/i.exec(a);
      if (r) depth = r[1] ? Number(r[1]) : FULL_DEPTH;
      else rest.push(a);
    }
    const [name, where] = rest;
    if (name === undefined || rest.length > 2) throw new CommandError('Usage: dt [nt!]_TYPE [Address] [-r[Depth]]');
    const key = name.replace(/^nt!/i, '').replace(/^_/, '').toUpperCase();
    const type = TYPES.get(key);
    if (!type) throw new CommandError(`Symbol ${name} not found.`);
    if (where === undefined) return rows(t, type, undefined, depth, '   ');
    const address = parseAddress(t, where);
    if (!t.readable(address)) return [`Memory read error ${hex8(address)}`];
    return rows(t, type, address, depth, '   ');
  },
};
