/**
 * `dv build --kasan` against the plain build of the same driver (test/fixtures/c/kasan/KasanClean.c):
 * the image and Code section sizes, and the time of its clean path (stack arrays, a global array, a
 * scoped variable, struct copies) per iteration, run N times in one IOCTL so the request's own cost
 * drops out; unverified (clang's checks only) and under /standard (the verifier's memory checks too).
 * Standalone: `node --import tsx bench/kasan.ts [iterations]`.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDriver } from '../src/build/build.ts';
import { describeModule } from '../src/loader/wasm/module-info.ts';
import { CTL_CODE, FILE_ANY_ACCESS, FILE_DEVICE_UNKNOWN, METHOD_BUFFERED } from '../src/nt/io.ts';
import { runDriver } from '../src/system/run.ts';
import { STANDARD_FLAGS } from '../src/verifier/flags.ts';

const ROOT = join(import.meta.dirname, '..');
const IOCTL_REPEAT = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x806, METHOD_BUFFERED, FILE_ANY_ACCESS);
const iterations = Number(process.argv[2] ?? 100_000);

async function timeRun(driver: string, n: number, verified: boolean): Promise<number> {
  const input = new Uint8Array(4);
  new DataView(input.buffer).setUint32(0, n, true);
  const start = performance.now();
  const r = await runDriver({ driver, ...(verified ? { verifierFlags: STANDARD_FLAGS } : {}), ioctls: [{ code: IOCTL_REPEAT, input, outputLength: 4 }] });
  if (r.bugCheck) throw new Error(`${driver}: bug check 0x${r.bugCheck.code.toString(16)}`);
  return performance.now() - start;
}

const dir = mkdtempSync(join(tmpdir(), 'dv-bench-kasan-'));
try {
  const images: string[] = [];
  for (const kasan of [false, true]) {
    const out = join(dir, `KasanClean${kasan ? '' : '-plain'}.wasm`);
    const b = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'kasan', 'KasanClean.c')], output: out, kasan });
    if (!b.ok) throw new Error(b.diagnostics);
    const code = describeModule(new Uint8Array(readFileSync(out))).code.size;
    process.stdout.write(`${kasan ? '--kasan' : 'plain  '}  image ${statSync(out).size} B  code ${code} B\n`);
    images.push(out);
  }
  for (const verified of [false, true]) {
    const perIteration: number[] = [];
    for (const out of images) {
      await timeRun(out, 1000, verified); // warm up
      const best = async (n: number) => Math.min(await timeRun(out, n, verified), await timeRun(out, n, verified), await timeRun(out, n, verified));
      perIteration.push(((await best(iterations + 1)) - (await best(1))) / iterations * 1000);
    }
    const [plain, kasan] = perIteration as [number, number];
    process.stdout.write(`${verified ? '/standard  ' : 'unverified '}  plain ${plain.toFixed(3)} us/iteration  --kasan ${kasan.toFixed(3)} us/iteration  ${(kasan / plain).toFixed(2)}x\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
