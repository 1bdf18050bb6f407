/**
 * Figure 4: end to end, as a user runs it: wall time and peak RSS of `node bin/dv.js demo` (and of
 * `dv demo --lang c`), each a fresh child process: Node start, loading the driver, the run, the
 * bug check, the dump and the debugger commands; and of `dv --help`, which starts the same way and
 * runs nothing, so the difference is the demo's own work. Peak RSS from /usr/bin/time -f %M, or
 * else from the child itself (max-rss-preload.mjs). Each command runs compiled (the bundle npm's
 * prepare builds, rebuilt here from the sources as they are) and from the sources through tsx
 * (DV_SOURCES=1, as before the bundle and as the tests run it), taking turns, with their ratio.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromSamples, isFigure, missing, ratio, type Row } from './harness.ts';
import { BENCH_DIR } from './machine.ts';
import { bundleCli } from '../src/build/cli-bundle.ts';
import { findTool, firstLine, run } from './proc.ts';

const ROOT = join(BENCH_DIR, '..');
const DV = join(ROOT, 'bin', 'dv.js');

interface Sample {
  readonly status: number | null;
  readonly stderr: string;
  readonly ms: number;
  readonly rssMiB: number;
}

type Mode = 'compiled' | 'sources';

function dvOnce(args: readonly string[], dir: string, mode: Mode): Sample {
  const rssFile = join(dir, 'rss');
  rmSync(rssFile, { force: true });
  const time = findTool('/usr/bin/time');
  const env = { ...process.env, DV_SOURCES: mode === 'sources' ? '1' : '0' };
  const r = time
    ? run(time, ['-f', '%M', '-o', rssFile, process.execPath, DV, ...args], { cwd: ROOT, env })
    : run(process.execPath, ['--import', join(BENCH_DIR, 'max-rss-preload.mjs'), DV, ...args], { cwd: ROOT, env: { ...env, DV_BENCH_RSS_FILE: rssFile } });
  let kib = NaN;
  try {
    // /usr/bin/time writes "Command exited with non-zero status N" before %M when the child fails.
    kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  } catch {
    // no figure: the child died before writing it
  }
  return { status: r.status, stderr: r.stderr, ms: r.ms, rssMiB: kib / 1024 };
}

/**
 * The rows of one command, compiled and from the sources, the two taking turns sample by sample.
 * `warm`: the first run of each only warms caches (tsx's transform cache, the page cache) and checks the exit status.
 */
function dvRows(label: string, args: readonly string[], runs: number, dir: string, warm: boolean): Row[] {
  const modes: Mode[] = ['compiled', 'sources'];
  const title = (m: Mode) => `${label}${m === 'sources' ? ', from sources (tsx)' : ''}`;
  const samples = new Map<Mode, Sample[]>();
  for (const m of modes) {
    const first = dvOnce(args, dir, m);
    if (first.status !== 0) {
      const why = `exited ${first.status}: ${firstLine(first.stderr) || 'no message'}`;
      return modes.flatMap((n) => [missing(`end to end, ${title(n)}: wall time`, 'ms', why), missing(`end to end, ${title(n)}: peak RSS`, 'MiB', why)]);
    }
    samples.set(m, warm ? [] : [first]);
  }
  while (modes.some((m) => samples.get(m)!.length < runs)) for (const m of modes) if (samples.get(m)!.length < runs) samples.get(m)!.push(dvOnce(args, dir, m));
  const how = findTool('/usr/bin/time') ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS in the child';
  const rows = modes.map((m) => {
    const s = samples.get(m)!;
    return [fromSamples(`end to end, ${title(m)}: wall time`, 'ms', s.map((x) => x.ms), 'child process, Node start to exit'), fromSamples(`end to end, ${title(m)}: peak RSS`, 'MiB', s.map((x) => x.rssMiB), how)];
  });
  return [...rows[0]!, ...rows[1]!, ratio(`end to end, ${label}: from sources / compiled, wall time`, rows[1]![0]!, rows[0]![0]!)];
}

export async function endToEnd(quick: boolean): Promise<Row[]> {
  const runs = quick ? 3 : 7;
  const dir = mkdtempSync(join(tmpdir(), 'dv-bench-e2e-'));
  try {
    // What npm install's prepare builds, from the sources as they are now (so it is never stale here).
    await bundleCli();
    const demo = dvRows('dv demo (TS)', ['demo'], runs, dir, true);
    const help = dvRows('dv --help (start-up only)', ['--help'], runs, dir, true);
    const [dw, hw] = [demo[0]!, help[0]!];
    const share = isFigure(dw) && isFigure(hw) ? [ratio('end to end: dv --help / dv demo (TS), compiled, wall time (start-up share)', hw, dw)] : [];
    return [...demo, ...help, ...share, ...dvRows('dv demo --lang c', ['demo', '--lang', 'c'], runs, dir, true)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
