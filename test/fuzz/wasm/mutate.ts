/**
 * Mutations of driver images: byte flips, truncation, section splices, corrupted LEB128 sizes, and
 * damage aimed at the custom sections the loader parses itself (name, dylink.0, .debug_line,
 * .debug_info). Each mutation is plain data (so a failure prints it and replays), applied by `mutate`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { readDylink, readWasmSections, type WasmSections } from '../../../src/loader/wasm/sections.ts';
import { ROOT } from '../../helpers.ts';
import { uleb as leb } from '../../../src/loader/wasm/leb.ts';

export type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly value: number }
  | { readonly kind: 'flips'; readonly at: number; readonly count: number; readonly value: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'dropSection'; readonly section: number }
  | { readonly kind: 'duplicateSection'; readonly section: number }
  | { readonly kind: 'swapSections'; readonly section: number; readonly other: number }
  | { readonly kind: 'sectionSize'; readonly section: number; readonly size: number }
  | { readonly kind: 'overlongLeb'; readonly section: number }
  | { readonly kind: 'custom'; readonly name: string; readonly at: number; readonly value: number }
  | { readonly kind: 'customLeb'; readonly name: string; readonly at: number; readonly value: number }
  /** Rewrite dylink.0's memory info with one field replaced (a well-formed section with a wild value). */
  | { readonly kind: 'dylink'; readonly field: 'memorySize' | 'memoryAlignment' | 'tableSize' | 'tableAlignment'; readonly value: number };

export interface ImageMutation {
  /** Index into the sample list. */
  readonly image: number;
  readonly mutations: readonly Mutation[];
}

/** The committed sample .wasm files (drivers/c/**, test/fixtures/**), repository-relative, sorted. */
export function sampleImages(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.wasm')) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, 'drivers', 'c'));
  walk(join(ROOT, 'test', 'fixtures'));
  return out;
}

export const CUSTOM_TARGETS = ['name', 'dylink.0', '.debug_line', '.debug_info', '.debug_abbrev', '.debug_str'] as const;

/** Section boundaries of an intact image: [headerStart, payloadEnd) of each section. */
function sectionSpans(s: WasmSections): Array<{ start: number; sizeAt: number; end: number }> {
  const spans: Array<{ start: number; sizeAt: number; end: number }> = [];
  let pos = 8;
  const b = s.bytes;
  while (pos < b.length) {
    const start = pos;
    pos++;
    const sizeAt = pos;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = b[pos++]!;
      size += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
    }
    pos += size;
    spans.push({ start, sizeAt, end: pos });
  }
  return spans;
}

/** Apply mutations in order (each to the result of the last; section mutations read the original layout). */
export function mutate(original: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  const parsed = readWasmSections(original);
  const spans = sectionSpans(parsed);
  let b: Uint8Array = original.slice();
  const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);
  for (const m of mutations) {
    switch (m.kind) {
      case 'flip':
        if (b.length > 0) b[m.at % b.length] ^= m.value || 1;
        break;
      case 'flips':
        for (let i = 0; i < m.count && b.length > 0; i++) b[(m.at + i * 7919) % b.length] ^= (m.value + i) & 0xff || 1;
        break;
      case 'truncate':
        b = b.slice(0, m.at % (b.length + 1));
        break;
      case 'dropSection': {
        const s = pick(spans, m.section);
        if (s && s.end <= b.length) b = concat(b.subarray(0, s.start), b.subarray(s.end));
        break;
      }
      case 'duplicateSection': {
        const s = pick(spans, m.section);
        if (s && s.end <= b.length) b = concat(b.subarray(0, s.end), b.subarray(s.start, s.end), b.subarray(s.end));
        break;
      }
      case 'swapSections': {
        const s1 = pick(spans, m.section);
        const s2 = pick(spans, m.other);
        if (s1 && s2 && s1 !== s2 && Math.max(s1.end, s2.end) <= b.length) {
          const [x, y] = s1.start < s2.start ? [s1, s2] : [s2, s1];
          b = concat(b.subarray(0, x.start), b.subarray(y.start, y.end), b.subarray(x.end, y.start), b.subarray(x.start, x.end), b.subarray(y.end));
        }
        break;
      }
      case 'sectionSize': {
        // Rewrite a section's size LEB (same byte count where possible, so the rest stays in place).
        const s = pick(spans, m.section);
        if (!s || s.end > b.length) break;
        let n = s.sizeAt;
        while (b[n]! & 0x80) n++;
        const width = n - s.sizeAt + 1;
        const bytes = leb(m.size);
        while (bytes.length < width) {
          bytes[bytes.length - 1]! |= 0x80;
          bytes.push(0);
        }
        b = concat(b.subarray(0, s.sizeAt), Uint8Array.from(bytes), b.subarray(s.sizeAt + width));
        break;
      }
      case 'overlongLeb': {
        // A size LEB128 with continuation bits set past 5 bytes.
        const s = pick(spans, m.section);
        if (s && s.end <= b.length) b = concat(b.subarray(0, s.sizeAt), Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80]), b.subarray(s.sizeAt));
        break;
      }
      case 'dylink': {
        const d = readDylink(parsed);
        const c = parsed.custom.get('dylink.0');
        const span = c && spans.find((x) => x.start < c.offset && c.offset < x.end);
        if (!d || !span || span.end > b.length) break;
        const info = { ...d, [m.field]: m.value };
        const mem = [...leb(info.memorySize), ...leb(info.memoryAlignment), ...leb(info.tableSize), ...leb(info.tableAlignment)];
        const name = [...new TextEncoder().encode('dylink.0')];
        const payload = [...leb(name.length), ...name, 1, ...leb(mem.length), ...mem];
        b = concat(b.subarray(0, span.start), Uint8Array.from([0, ...leb(payload.length), ...payload]), b.subarray(span.end));
        break;
      }
      case 'custom':
      case 'customLeb': {
        const c = parsed.custom.get(m.name);
        if (!c || c.bytes.length === 0 || c.offset + c.bytes.length > b.length) break;
        const at = c.offset + (m.at % c.bytes.length);
        if (m.kind === 'custom') b[at] ^= m.value || 1;
        else b[at] = 0x80 | (m.value & 0x7f); // a continuation bit where a LEB128 (or anything) was
        break;
      }
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const u = fc.nat({ max: 0x7fffffff });
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: u, value: fc.nat(255) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('flips' as const), at: u, count: fc.integer({ min: 2, max: 64 }), value: fc.nat(255) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: u }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropSection' as const), section: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicateSection' as const), section: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swapSections' as const), section: fc.nat(40), other: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sectionSize' as const), section: fc.nat(40), size: fc.oneof(fc.nat(64), u, fc.constant(0xffffffff)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('overlongLeb' as const), section: fc.nat(40) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('custom' as const), name: fc.constantFrom(...CUSTOM_TARGETS), at: u, value: fc.nat(255) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('customLeb' as const), name: fc.constantFrom(...CUSTOM_TARGETS), at: u, value: fc.nat(255) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('dylink' as const),
      field: fc.constantFrom('memorySize' as const, 'memoryAlignment' as const, 'tableSize' as const, 'tableAlignment' as const),
      value: fc.oneof(fc.nat(64), fc.constantFrom(0x1000, 10_000_000, 0x7fffffff, 0xffffffff)),
    }),
  },
);

export function imageMutationArb(images: number): fc.Arbitrary<ImageMutation> {
  return fc.record({ image: fc.nat(images - 1), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) });
}

export function readSample(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ROOT, path)));
}
