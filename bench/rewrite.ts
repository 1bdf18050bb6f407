/**
 * The load-time wasm rewrite (loader/wasm/rewrite.ts): what it costs to apply, and what its
 * back-edge probes cost a loop.
 * - rewrite time per KiB of Code section and size growth, over the committed C samples;
 * - a buffer-walking loop (an i32.load and an add per iteration, the shape of a checksum or a copy)
 *   run as built and as rewritten, side by side, in ns per iteration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWasmSections } from '../src/loader/wasm/sections.ts';
import { rewriteModule } from '../src/loader/wasm/rewrite.ts';
import { fromSamples, ratio, type Row } from './harness.ts';
import { SHADOW } from '../src/kernel/mm/shadow.ts';

const ROOT = join(import.meta.dirname, '..');
const SAMPLES = ['drivers/c/SampleIo/SampleIo.wasm', 'drivers/c/MyDriver/MyDriver.wasm', 'drivers/c/rules/EverythingRight.wasm'];
const QUANTUM = 1 << 16;

/**
 * (module (import "env" "memory" (memory 1))
 *   (func (export "walk") (param $n i32) (result i32) (local $i i32) (local $sum i32)
 *     (loop $l (local.set $sum (i32.add (local.get $sum) (i32.load (i32.and (i32.shl (local.get $i) (i32.const 2)) (i32.const 0xfffc)))))
 *              (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
 *     (local.get $sum)))
 */
const WALK = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
  0x02, 0x0f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x01,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x08, 0x01, 0x04, 0x77, 0x61, 0x6c, 0x6b, 0x00, 0x00,
  0x0a, 0x29, 0x01, 0x27, 0x01, 0x02, 0x7f,
  0x03, 0x40,
  0x20, 0x02, 0x20, 0x01, 0x41, 0x02, 0x74, 0x41, 0xfc, 0xff, 0x03, 0x71, 0x28, 0x02, 0x00, 0x6a, 0x21, 0x02,
  0x20, 0x01, 0x41, 0x01, 0x6a, 0x22, 0x01, 0x20, 0x00, 0x47, 0x0d, 0x00,
  0x0b,
  0x20, 0x02, 0x0b,
]);

/** The walk reads below 0x10000; with memory checks, its shadow (all accessible) is the page after. */
const SHADOW_BASE = 0x10000;

function instantiate(bytes: Uint8Array<ArrayBuffer>, table: WebAssembly.Table): (n: number) => number {
  const memory = new WebAssembly.Memory({ initial: 2 });
  new Uint8Array(memory.buffer).fill(SHADOW.accessible, SHADOW_BASE, SHADOW_BASE + 0x10000 / 8);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, __indirect_function_table: table } });
  return instance.exports.walk as (n: number) => number;
}

/** A table whose slot 1 is the watchdog entry: it returns the next quantum, as the kernel's does. */
function watchdogTable(): WebAssembly.Table {
  const trampoline = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
    0x02, 0x07, 0x01, 0x01, 0x68, 0x01, 0x66, 0x00, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
  ]);
  const f = new WebAssembly.Instance(new WebAssembly.Module(trampoline), { h: { f: () => QUANTUM } }).exports.f;
  const table = new WebAssembly.Table({ element: 'anyfunc', initial: 3 });
  table.set(1, f as never);
  return table;
}

export async function rewriteCost(quick: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  // As every image is rewritten (loop and call probes), and as a verified one is (plus memory checks).
  for (const checked of [false, true]) {
    const perKib: number[] = [];
    const growth: number[] = [];
    let kib = 0;
    for (const rel of SAMPLES) {
      const bytes = new Uint8Array(readFileSync(join(ROOT, rel)));
      const code = readWasmSections(bytes).code!;
      kib += code.size / 1024;
      for (let i = 0; i < (quick ? 5 : 20); i++) {
        const t0 = performance.now();
        const r = rewriteModule(bytes, {
          watchdogSlot: 1,
          codeBase: 0x9a3b1000,
          quantum: QUANTUM,
          callSites: { base: 0x10000, mask: 0xfffc },
          moduleName: 'bench',
          memoryChecks: checked ? { slot: 2, shadowBase: 0xa0000000 } : undefined,
        });
        perKib.push(((performance.now() - t0) * 1000) / (code.size / 1024));
        if (i === 0) growth.push(((r.bytes.length - bytes.length) * 1024) / code.size);
      }
    }
    const what = checked ? 'with memory checks (verified image)' : 'probes only (unverified image)';
    rows.push(fromSamples(`wasm rewrite, ${what}: time per KiB of code`, 'µs/KiB', perKib, `${SAMPLES.length} samples, ${kib.toFixed(1)} KiB of code in all`));
    rows.push(fromSamples(`wasm rewrite, ${what}: module growth per KiB of code`, 'B/KiB', growth, checked ? 'plus an inline shadow test before every load and store, and scratch locals' : 'back-edge and call-site probes, and the added type, globals, export and import'));
  }

  const table = watchdogTable();
  const plain = instantiate(WALK, table);
  const walkOptions = { watchdogSlot: 1, codeBase: 0, quantum: QUANTUM, callSites: { base: 0x18000, mask: 0xfffc }, moduleName: 'bench' };
  const probed = instantiate(rewriteModule(WALK, walkOptions).bytes, table);
  // The check's slot is never called: every granule the walk reads is accessible.
  const checked = instantiate(rewriteModule(WALK, { ...walkOptions, memoryChecks: { slot: 2, shadowBase: SHADOW_BASE } }).bytes, table);
  // As under /standard, with Force IRQL checking: the shadow's base is a global the kernel moves.
  const movable = instantiate(rewriteModule(WALK, { ...walkOptions, memoryChecks: { slot: 2, shadowBase: SHADOW_BASE, movableShadow: true } }).bytes, table);
  const n = quick ? 2_000_000 : 20_000_000;
  plain(n);
  probed(n);
  checked(n);
  movable(n);
  const sample = (f: (n: number) => number) => () => {
    const t0 = process.hrtime.bigint();
    f(n);
    return Number(process.hrtime.bigint() - t0) / n;
  };
  // Alternate the two so both see the same machine load.
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  const d: number[] = [];
  for (let i = 0; i < (quick ? 3 : 9); i++) {
    a.push(sample(plain)());
    b.push(sample(probed)());
    c.push(sample(checked)());
    d.push(sample(movable)());
  }
  const fa = fromSamples('buffer-walk loop: as built', 'ns/iter', a, `${n} iterations per sample`);
  const fb = fromSamples('buffer-walk loop: with back-edge probes', 'ns/iter', b, `${n} iterations per sample`);
  const fc = fromSamples('buffer-walk loop: with back-edge probes and memory checks', 'ns/iter', c, `${n} iterations per sample`);
  const fd = fromSamples('buffer-walk loop: with back-edge probes and memory checks, movable shadow (Force IRQL checking)', 'ns/iter', d, `${n} iterations per sample`);
  rows.push(
    fa,
    fb,
    fc,
    fd,
    ratio('buffer-walk loop: probes / as built', fb, fa),
    ratio('buffer-walk loop: probes and memory checks / as built (goal <= 3x)', fc, fa),
    ratio('buffer-walk loop: probes and memory checks, movable shadow / as built', fd, fa),
  );
  return rows;
}
