/**
 * What debugger commands read: a crash dump (from a file, or snapshotted from a live machine), with
 * symbol lookups over its modules.
 */
import { formatSymbol, resolveSymbol, sourceLine, type ModuleInfo, type ResolvedSymbol, type SourceLocation } from '../kernel/symbols.ts';
import type { CrashDump, VerifiedDriverSnapshot } from './dump.ts';

export class DebugTarget {
  constructor(readonly dump: CrashDump) {}

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
    return this.pages.get((address & ~0xfff) >>> 0);
  }
}
