/**
 * Figure 4: end to end, as a user runs it: wall time and peak RSS of `node bin/dv.js demo` (and of
 * `dv demo --lang c`), each a fresh child process: Node start, tsx, loading the driver, the run, the
 * bug check, the dump and the debugger commands; and of `dv --help`, which starts the same way and
 * runs nothing, so the difference is the demo's own work. Peak RSS from /usr/bin/time -f %M, or
 * else from the child itself (max-rss-preload.mjs).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromSamples, isFigure, missing, ratio, type Row } from './harness.ts';
import { BENCH_DIR } from './machine.ts';
import { findTool, firstLine, run } from './proc.ts';

const ROOT = join(BENCH_DIR, '..');
const DV = join(ROOT, 'bin', 'dv.js');

interface Sample {
  readonly status: number | null;
  readonly stderr: string;
  readonly ms: number;
  readonly rssMiB: number;
}

function dvOnce(args: readonly string[], dir: string): Sample {
  const rssFile = join(dir, 'rss');
  rmSync(rssFile, { force: true });
  const time = findTool('/usr/bin/time');
  const r = time
    ? run(time, ['-f', '%M', '-o', rssFile, process.execPath, DV, ...args], { cwd: ROOT })
    : run(process.execPath, ['--import', join(BENCH_DIR, 'max-rss-preload.mjs'), DV, ...args], { cwd: ROOT, env: { ...process.env, DV_BENCH_RSS_FILE: rssFile } });
  let kib = NaN;
  try {
    // /usr/bin/time writes "Command exited with non-zero status N" before %M when the child fails.
    kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  } catch {
    // no figure: the child died before writing it
  }
  return { status: r.status, stderr: r.stderr, ms: r.ms, rssMiB: kib / 1024 };
}

/** `warm`: the first run only warms caches and checks the exit status; else it counts as a sample. */
function dvRows(label: string, args: readonly string[], runs: number, dir: string, warm: boolean): Row[] {
  const wall = `end to end, ${label}: wall time`;
  const rss = `end to end, ${label}: peak RSS`;
  const first = dvOnce(args, dir);
  if (first.status !== 0) {
    const why = `exited ${first.status}: ${firstLine(first.stderr) || 'no message'}`;
    return [missing(wall, 'ms', why), missing(rss, 'MiB', why)];
  }
  // A warm-up run fills tsx's transform cache and the page cache.
  const samples: Sample[] = warm ? [] : [first];
  while (samples.length < runs) samples.push(dvOnce(args, dir));
  const how = findTool('/usr/bin/time') ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS in the child';
  return [fromSamples(wall, 'ms', samples.map((s) => s.ms), 'child process, Node start to exit'), fromSamples(rss, 'MiB', samples.map((s) => s.rssMiB), how)];
}

export async function endToEnd(quick: boolean): Promise<Row[]> {
  const runs = quick ? 3 : 7;
  const dir = mkdtempSync(join(tmpdir(), 'dv-bench-e2e-'));
  try {
    const demo = dvRows('dv demo (TS)', ['demo'], runs, dir, true);
    // The demo's warm-up loaded the same modules: no second warm-up.
    const help = dvRows('dv --help (start-up only)', ['--help'], runs, dir, false);
    const [dw, hw] = [demo[0]!, help[0]!];
    const share = isFigure(dw) && isFigure(hw) ? [ratio('end to end: dv --help / dv demo (TS), wall time (start-up share)', hw, dw)] : [];
    return [...demo, ...help, ...share, ...dvRows('dv demo --lang c', ['demo', '--lang', 'c'], runs, dir, true)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
