/**
 * What debugger commands read: a crash dump (from a file, or snapshotted from a live machine), with
 * symbol lookups over its modules.
 */
import { formatSymbol, inlineSitesAt, resolveSymbol, sourceLine, type ModuleInfo, type ResolvedSymbol, type SourceLocation } from '../kernel/symbols.ts';
import type { CrashDump, VerifiedDriverSnapshot } from './dump.ts';

const ZERO_PAGE = new Uint8Array(0x1000);

export class DebugTarget {
  constructor(readonly dump: CrashDump) {}

  /** `.lines`: show source lines in stack rows (off until turned on, so `k` keeps its plain layout). */
  sourceLines = false;
  /** `.frame N`: the frame that `lsa .` and `.frame` show (0: the top of the stopped thread's stack). */
  frame = 0;

  get modules(): readonly ModuleInfo[] {
    return this.dump.modules;
  }

  /** Modules that are loaded now or were unloaded (their symbols are kept, as kd keeps them for callers). */
  private get allModules(): readonly ModuleInfo[] {
    return this.dump.modules;
  }

  symbol(address: number): string {
    return formatSymbol(this.allModules, address);
  }

  resolve(address: number): ResolvedSymbol | undefined {
    return resolveSymbol(this.allModules, address);
  }

  line(address: number): SourceLocation | undefined {
    return sourceLine(this.allModules, address);
  }

  /**
   * The innermost inlined call holding `address`, as `ln` and `!verifier 3` name it: the inlined
   * function, the offset from its entry, and the line its caller called it from. Undefined when the
   * address is in no inlined code.
   */
  inlined(address: number): { name: string; entry: number; offset: number; caller: string; callLine: number } | undefined {
    const r = this.resolve(address);
    const sites = r ? inlineSitesAt(r.module, address) : [];
    const inner = sites[sites.length - 1];
    if (!r || !inner) return undefined;
    const outer = sites[sites.length - 2];
    const caller = outer ? `${r.module.name}!${outer.name}` : this.symbol(address);
    return { name: `${r.module.name}!${inner.name}`, entry: inner.entry, offset: (address >>> 0) - inner.entry, caller, callLine: inner.callLine };
  }

  /** `MyDriver!DeviceControlDispatch` without the offset, or '' when no symbol covers it. */
  functionName(address: number): string {
    const r = this.resolve(address);
    return r?.fn ? `${r.module.name}!${r.fn.name}` : '';
  }

  verifiedDriver(name: string): VerifiedDriverSnapshot | undefined {
    const n = name.toLowerCase().replace(/\.sys$/, '');
    return this.dump.verifier?.drivers.find((d) => d.name.toLowerCase() === n);
  }

  /** Read a 32-bit value from dumped memory, or undefined if the page is not in the dump. */
  u32(address: number): number | undefined {
    const page = this.page(address);
    if (!page) return undefined;
    const o = address & 0xfff;
    if (o > 0xffc) return undefined;
    return (page[o]! | (page[o + 1]! << 8) | (page[o + 2]! << 16) | (page[o + 3]! << 24)) >>> 0;
  }

  /** Read a NUL-terminated ASCII string from dumped memory (at most `max` bytes), or undefined if a page is missing. */
  cstring(address: number, max = 1024): string | undefined {
    let out = '';
    for (let a = address >>> 0; out.length < max; a++) {
      const page = this.page(a);
      if (!page) return undefined;
      const b = page[a & 0xfff]!;
      if (b === 0) return out;
      out += String.fromCharCode(b);
    }
    return out;
  }

  u16(address: number): number | undefined {
    const page = this.page(address);
    const o = address & 0xfff;
    if (!page || o > 0xffe) return undefined;
    return page[o]! | (page[o + 1]! << 8);
  }

  u8(address: number): number | undefined {
    return this.page(address)?.[address & 0xfff];
  }

  /** `chars` UTF-16 code units from dumped memory, or undefined if any is missing. */
  utf16(address: number, chars: number): string | undefined {
    let out = '';
    for (let i = 0; i < chars; i++) {
      const c = this.u16(address + 2 * i);
      if (c === undefined) return undefined;
      out += String.fromCharCode(c);
    }
    return out;
  }

  /** The code a function pointer calls: a wasm image's pointers are table indices, the dump maps them. */
  code(pointer: number): number {
    if (!this.routines) this.routines = new Map(this.dump.devices?.routines.map(([p, c]) => [p >>> 0, c >>> 0]) ?? []);
    return this.routines.get(pointer >>> 0) ?? pointer >>> 0;
  }

  private routines?: Map<number, number>;
  private pages?: Map<number, Uint8Array>;
  private page(address: number): Uint8Array | undefined {
    if (!this.pages) {
      this.pages = new Map();
      for (const [va, b64] of this.dump.memory) this.pages.set(va >>> 0, Buffer.from(b64, 'base64'));
    }
    const va = (address & ~0xfff) >>> 0;
    return this.pages.get(va) ?? (this.isZeroPage(va) ? ZERO_PAGE : undefined);
  }

  /** A committed page of zeros (the dump lists them as runs, not as pages). */
  private isZeroPage(va: number): boolean {
    return (this.dump.zeroPages ?? []).some(([start, count]) => va >= start && va < start + count * 0x1000);
  }

  /** True when the dump holds the byte at `address` (a committed page). */
  readable(address: number): boolean {
    return this.page(address >>> 0) !== undefined;
  }

  /** Every function symbol named `name` (`Module!Function`, or a bare function name in any module). */
  findFunction(name: string): { module: ModuleInfo; start: number } | undefined {
    const bang = name.indexOf('!');
    const [mod, fn] = bang >= 0 ? [name.slice(0, bang).toLowerCase(), name.slice(bang + 1)] : [undefined, name];
    for (const m of this.allModules) {
      if (mod !== undefined && m.name.toLowerCase() !== mod) continue;
      const f = m.symbols.functions.find((s) => s.name === fn);
      if (f) return { module: m, start: f.start };
    }
    return undefined;
  }
}
