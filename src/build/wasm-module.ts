/**
 * The imports (with their signatures) and exports of a wasm module or relocatable object, read from
 * the binary: enough for the import check and the DDI signature table, no more.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export type ImportKind = 'function' | 'table' | 'memory' | 'global';

export interface WasmImport {
  readonly module: string;
  readonly name: string;
  readonly kind: ImportKind;
  /** For functions. */
  readonly type?: FuncType;
}

export interface WasmExport {
  readonly name: string;
  readonly kind: ImportKind;
}

export interface WasmInterface {
  readonly imports: readonly WasmImport[];
  readonly exports: readonly WasmExport[];
}

const VALTYPES: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const KINDS: readonly ImportKind[] = ['function', 'table', 'memory', 'global'];

export class WasmFormatError extends Error {}

class Reader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
  u8(): number {
    if (this.pos >= this.bytes.length) throw new WasmFormatError('unexpected end of module');
    return this.bytes[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.u8();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      if (shift > 28) throw new WasmFormatError('LEB128 too long');
    }
  }
  name(): string {
    const n = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  valType(): ValType {
    const b = this.u8();
    const t = VALTYPES[b];
    if (!t) throw new WasmFormatError(`unknown value type 0x${b.toString(16)}`);
    return t;
  }
  limits(): void {
    const flags = this.u8();
    this.u32();
    if (flags & 1) this.u32();
  }
}

export function readWasmInterface(bytes: Uint8Array): WasmInterface {
  const r = new Reader(bytes);
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < 8 || magic.some((b, i) => bytes[i] !== b)) throw new WasmFormatError('not a wasm module (bad magic or version)');
  r.pos = 8;
  const types: FuncType[] = [];
  const imports: WasmImport[] = [];
  const exports: WasmExport[] = [];
  while (!r.done) {
    const id = r.u8();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.u8() !== 0x60) throw new WasmFormatError('type section entry is not a function type');
        const params = Array.from({ length: r.u32() }, () => r.valType());
        const results = Array.from({ length: r.u32() }, () => r.valType());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        const module = r.name();
        const name = r.name();
        const kind = KINDS[r.u8()];
        if (!kind) throw new WasmFormatError(`import ${module}.${name} has an unknown kind`);
        if (kind === 'function') imports.push({ module, name, kind, type: types[r.u32()] });
        else {
          if (kind === 'table') r.u8();
          if (kind === 'table' || kind === 'memory') r.limits();
          else (r.valType(), r.u8());
          imports.push({ module, name, kind });
        }
      }
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = KINDS[r.u8()];
        r.u32();
        if (!kind) throw new WasmFormatError(`export ${name} has an unknown kind`);
        exports.push({ name, kind });
      }
    }
    r.pos = end;
  }
  return { imports, exports };
}

/** `(i64, i32, i32) -> i32`, as the DDI table and messages print a signature. */
export function formatFuncType(t: FuncType): string {
  const results = t.results.length === 0 ? 'void' : t.results.join(', ');
  return `(${t.params.join(', ')}) -> ${results}`;
}
