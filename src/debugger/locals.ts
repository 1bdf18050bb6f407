/**
 * The variables of a frame, as `dv` shows them: the scopes DWARF has at the frame's code address (its
 * function, or for an inline frame the inlined call, and the lexical blocks inside it that hold the
 * address), each variable's location there, and its value read from the dump.
 *
 * A variable in the frame's memory (DW_OP_fbreg) is at the frame base plus its offset; a frame's base is
 * the stack pointer at the call the frame made, which the loader's call probes record beside each call
 * site (the dump's `context.frameBases`). A wasm local or operand lives in the engine, outside simulated
 * memory: no dump holds it, so its value is unavailable, as WinDbg says of a value optimized away.
 */
import type { LocalLocation, LocalScope, LocalsData, LocalType, LocalVariable } from '../kernel/symbols.ts';
import { unicodeString } from './devices.ts';
import type { Frame } from './frames.ts';
import type { DebugTarget } from './target.ts';

export interface FrameVariable {
  readonly variable: LocalVariable;
  readonly type: LocalType | undefined;
  /** Where it is at the frame's address (undefined: no location covers it). */
  readonly location: LocalLocation | undefined;
  /** Its address in memory, when it lives there and the frame base is known. */
  readonly address: number | undefined;
}

/** The variables visible in `frame`, or undefined when its module has no locals for that code (no private symbols). */
export function frameVariables(t: DebugTarget, frame: Frame): FrameVariable[] | undefined {
  const module = t.resolve(frame.pc)?.module;
  const locals = module?.symbols.locals;
  if (!module || !locals) return undefined;
  const pc = frame.pc >>> 0;
  const holds = (s: LocalScope) => s.ranges.some(([a, b]) => pc >= a && pc < b);
  const here = locals.scopes.map((s, i) => [s, i] as const).filter(([s]) => holds(s));
  const fn = here.filter(([s]) => s.kind === 'function').pop();
  if (!fn) return undefined;
  // The inlined calls at pc, outermost first (their nesting depth), as frames.ts numbers inline frames.
  const depth = (i: number) => {
    let n = 0;
    for (let p = locals.scopes[i]?.parent ?? -1, hops = 0; p >= 0 && hops < 64; p = locals.scopes[p]?.parent ?? -1, hops++) n++;
    return n;
  };
  const inlines = here.filter(([s]) => s.kind === 'inline').sort((a, b) => depth(a[1]) - depth(b[1]));
  const owner = frame.inline === undefined ? fn[1] : inlines[frame.inline]?.[1];
  if (owner === undefined) return undefined;
  /** The function or inlined call a scope belongs to: its nearest ancestor that is not a block. */
  const ownerOf = (i: number) => {
    let s = i;
    for (let hops = 0; locals.scopes[s]?.kind === 'block' && locals.scopes[s]!.parent >= 0 && hops < 64; hops++) s = locals.scopes[s]!.parent;
    return s;
  };
  const visible = [owner, ...here.filter(([s, i]) => s.kind === 'block' && ownerOf(i) === owner).map(([, i]) => i).sort((a, b) => depth(a) - depth(b))];
  const frameBase = fn[0].frameBase === 'sp' ? (t.dump.context?.frameBases?.[frame.entry] ?? 0) : 0;
  return visible.flatMap((i) =>
    locals.scopes[i]!.variables.map((variable) => {
      const location = variable.locations.find((l) => l.start === undefined || l.end === undefined || (pc >= l.start && pc < l.end));
      const address = location?.kind === 'addr' ? location.value >>> 0 : location?.kind === 'fbreg' && frameBase !== 0 ? (frameBase + location.value) >>> 0 : undefined;
      return { variable, type: typeAt(locals, variable.type), location, address };
    }),
  );
}

const typeAt = (locals: LocalsData, i: number): LocalType | undefined => (i >= 0 ? locals.types[i] : undefined);

/** `/v`'s location: the address, or the wasm place the value is in; '' when it has none. */
export function locationText(v: FrameVariable): string {
  if (v.address !== undefined) return v.address.toString(16).padStart(8, '0');
  switch (v.location?.kind) {
    case 'local':
      return `@wasm_local ${v.location.value}`;
    case 'global':
      return `@wasm_global ${v.location.value}`;
    case 'stack':
      return `@wasm_stack ${v.location.value}`;
    default:
      return '';
  }
}

const UNAVAILABLE = '<value unavailable>';
const MEMORY_ERROR = '<Memory access error>';
/** Characters of a string a pointer's value shows at most. */
const MAX_STRING = 256;

/** The value as WinDbg's `dv` prints it. */
export function valueText(t: DebugTarget, locals: LocalsData, v: FrameVariable): string {
  const type = v.type;
  if (!type) return UNAVAILABLE;
  if (v.location?.kind === 'const') return scalarText(t, locals, type, BigInt(v.location.value));
  if (v.address === undefined) return UNAVAILABLE;
  const a = v.address;
  if (type.kind === 'struct') {
    if (/^struct _UNICODE_STRING$/.test(type.name)) {
      const s = unicodeString(t, a);
      return s === undefined ? `${type.name} ${MEMORY_ERROR}` : `${type.name} "${s}"`;
    }
    return type.name;
  }
  if (type.kind === 'array') {
    const element = typeAt(locals, type.target ?? -1);
    if (element?.kind === 'char') return `${type.name} "${t.cstring(a, Math.min(type.count ?? 0, MAX_STRING)) ?? ''}"`;
    if (element?.kind === 'wchar') return `${type.name} "${wstring(t, a, Math.min(type.count ?? 0, MAX_STRING)) ?? ''}"`;
    return type.name;
  }
  if (type.kind === 'void' || type.kind === 'function') return UNAVAILABLE;
  const bits = readBits(t, a, type.size);
  return bits === undefined ? MEMORY_ERROR : scalarText(t, locals, type, bits);
}

/** A scalar's bits (little-endian, `size` bytes), or undefined when the dump does not hold them. */
function readBits(t: DebugTarget, address: number, size: number): bigint | undefined {
  let out = 0n;
  for (let i = Math.min(size, 8) - 1; i >= 0; i--) {
    const b = t.u8((address + i) >>> 0);
    if (b === undefined) return undefined;
    out = (out << 8n) | BigInt(b);
  }
  return out;
}

function scalarText(t: DebugTarget, locals: LocalsData, type: LocalType, raw: bigint): string {
  const size = Math.min(Math.max(type.size, 1), 8);
  const mask = (1n << BigInt(8 * size)) - 1n;
  const bits = raw & mask;
  const signed = bits >= 1n << BigInt(8 * size - 1) ? bits - (1n << BigInt(8 * size)) : bits;
  const hex = (b: bigint) => (size === 8 ? `0x${(b >> 32n).toString(16).padStart(8, '0')}\`${(b & 0xffffffffn).toString(16).padStart(8, '0')}` : `0x${b.toString(16)}`);
  switch (type.kind) {
    case 'int':
      return `0n${signed}`;
    case 'bool':
      return bits === 0n ? 'false' : 'true';
    case 'char':
      return `0n${signed} '${printable(Number(bits))}'`;
    case 'wchar':
      return `0x${bits.toString(16)} '${printable(Number(bits))}'`;
    case 'float': {
      const view = new DataView(new ArrayBuffer(8));
      if (size === 4) {
        view.setUint32(0, Number(bits));
        return String(view.getFloat32(0));
      }
      view.setBigUint64(0, bits);
      return String(view.getFloat64(0));
    }
    case 'enum': {
      const name = type.enumerators?.find(([, value]) => BigInt(value) === signed || BigInt(value) === bits)?.[0];
      return name === undefined ? `0n${signed}` : `${name} (0n${signed})`;
    }
    case 'pointer': {
      const p = Number(bits & 0xffffffffn);
      const text = `0x${p.toString(16).padStart(8, '0')}`;
      const pointee = typeAt(locals, type.target ?? -1);
      if (p === 0 || !pointee) return text;
      const s = pointee.kind === 'char' ? t.cstring(p, MAX_STRING) : pointee.kind === 'wchar' ? wstring(t, p, MAX_STRING) : undefined;
      return s === undefined ? text : `${text} "${s}"`;
    }
    default:
      return hex(bits);
  }
}

/** A NUL-terminated UTF-16 string of at most `max` characters, or undefined when a page is missing. */
function wstring(t: DebugTarget, address: number, max: number): string | undefined {
  let out = '';
  for (let i = 0; i < max; i++) {
    const c = t.u16((address + 2 * i) >>> 0);
    if (c === undefined) return undefined;
    if (c === 0) break;
    out += String.fromCharCode(c);
  }
  return out;
}

const printable = (c: number) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '');
