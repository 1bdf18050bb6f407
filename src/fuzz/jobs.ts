/**
 * `dv fuzz --jobs N`: N worker threads, each fuzzing on a machine of its own (worker.ts runs fuzz() there),
 * this thread the hub between them, as libFuzzer's -jobs and AFL's -M/-S share one corpus:
 * - the buckets: a worker reproduces and minimizes a stop only if no worker claimed its bucket first, and
 *   the findings are numbered here, so the files of the --out folder do not collide;
 * - the corpus: each input a worker's coverage calls new is saved here (the one writer of --corpus) and
 *   passed to the other workers as a parent for their mutations;
 * - the status: inputs summed, coverage the union of the workers' hit-count classes.
 * Worker i fuzzes from a seed derived from --seed (jobSeed), so a run is repeatable worker by worker; the
 * order in which workers' inputs reach each other is the threads', so a --jobs run is not repeatable as a
 * whole, as libFuzzer's is not.
 */
import { Worker } from 'node:worker_threads';
import { resolve } from 'node:path';
import { saveInput, loadInputs } from './corpus-dir.ts';
import { CoverageMap } from './coverage-map.ts';
import { startingPoint, type Finding, type FuzzOptions, type FuzzResult, type FuzzStatus } from './fuzzer.ts';
import { FuzzError } from './target.ts';
import type { FromWorker, ToWorker, WorkerOptions } from './worker.ts';

/** Most workers: each holds a machine (a 4 GiB reservation, tens of MiB touched). */
export const MAX_JOBS = 64;

/** Worker i's seed: worker 0 fuzzes from --seed itself, the others from seeds spread from it (golden-ratio steps). */
export const jobSeed = (seed: number, i: number) => (seed + Math.imul(i, 0x9e3779b9)) >>> 0;

/** How often the hub asks whether the run was interrupted (Ctrl-C), in ms. */
const POLL_MS = 100;

export async function fuzzJobs(o: FuzzOptions, jobs: number): Promise<FuzzResult> {
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS) throw new FuzzError(`--jobs ${jobs}: give 1 to ${MAX_JOBS} workers`);
  if (o.runs === undefined && o.timeMs === undefined) throw new FuzzError('give a number of inputs (--runs) or a time limit (--time)');
  const now = o.now ?? (() => performance.now());
  const started = now();
  // A driver that cannot be fuzzed, or a corpus folder that is not ours, is the user's error, said once, before any worker starts.
  startingPoint(o);
  if (o.corpusDir) loadInputs(o.corpusDir);
  const claimed = new Set<string>();
  const numbered = new Set<string>();
  const findings: Finding[] = [];
  const coverage = new CoverageMap();
  const statuses: (FuzzStatus | undefined)[] = new Array(jobs).fill(undefined);
  const workers: Worker[] = [];
  const status = (): FuzzStatus => ({
    inputs: statuses.reduce((n, s) => n + (s?.inputs ?? 0), 0),
    elapsedMs: now() - started,
    // Each machine's corpus holds the others' inputs too: the largest is the run's.
    corpus: Math.max(0, ...statuses.map((s) => s?.corpus ?? 0)),
    coverage: { hit: coverage.hit, sites: Math.max(0, ...statuses.map((s) => s?.coverage.sites ?? 0)) },
    crashes: findings.length,
  });

  const results = await new Promise<FuzzResult[]>((done, fail) => {
    const out: FuzzResult[] = [];
    let finished = 0;
    let failed = false;
    const poll = setInterval(() => {
      if (o.stopRequested?.()) for (const w of workers) post(w, { t: 'stop' });
    }, POLL_MS);
    const end = (e?: Error) => {
      if (e) {
        if (failed) return;
        failed = true;
        clearInterval(poll);
        for (const w of workers) void w.terminate();
        return fail(e);
      }
      if (++finished === jobs) {
        clearInterval(poll);
        done(out);
      }
    };
    for (let i = 0; i < jobs; i++) {
      const share = o.runs === undefined ? undefined : Math.floor(o.runs / jobs) + (i < o.runs % jobs ? 1 : 0);
      const options: WorkerOptions = {
        driver: resolve(o.driver),
        flags: o.flags,
        ioctls: o.ioctls,
        seed: jobSeed(o.seed ?? 1, i),
        runs: share,
        timeMs: o.timeMs,
        corpusDir: o.corpusDir,
        outDir: o.outDir,
        recycle: o.recycle,
        limits: o.limits,
        valueProfile: o.valueProfile,
      };
      const w = startWorker(options);
      workers.push(w);
      w.on('message', (m: FromWorker) => {
        switch (m.t) {
          case 'claim':
            post(w, { t: 'answer', id: m.id, value: claimed.has(m.bucket) ? 0 : (claimed.add(m.bucket), 1) });
            break;
          case 'number':
            post(w, { t: 'answer', id: m.id, value: numbered.has(m.bucket) ? 0 : (numbered.add(m.bucket), numbered.size) });
            break;
          case 'novel':
            if (o.corpusDir) saveInput(o.corpusDir, m.session);
            for (const other of workers) if (other !== w) post(other, { t: 'input', session: m.session });
            break;
          case 'status':
            statuses[i] = m.status;
            coverage.merge(m.coverage);
            o.onStatus?.(status());
            break;
          case 'finding':
            findings.push(m.finding);
            o.onFinding?.(m.finding);
            break;
          case 'failed':
            // A worker's error crosses the thread as a plain object: a usage error stays one (exit 2).
            end(m.usage ? new FuzzError(m.message) : Object.assign(new Error(m.message), { stack: m.stack }));
            break;
          case 'done':
            statuses[i] = m.result;
            coverage.merge(m.coverage);
            out[i] = m.result;
            end();
            break;
        }
      });
      w.on('error', (e) => end(e));
      w.on('exit', (code) => code !== 0 && out[i] === undefined && end(new Error(`fuzz worker ${i} exited with code ${code}`)));
    }
  });
  for (const w of workers) await w.terminate();
  return {
    ...status(),
    findings,
    duplicates: results.reduce((n, r) => n + r.duplicates, 0),
    unreproduced: results.reduce((n, r) => n + r.unreproduced, 0),
    codes: results[0]!.codes,
  };
}

const post = (w: Worker, m: ToWorker) => w.postMessage(m);

/**
 * A worker running worker.ts: from the sources, through tsx (Node 20 does not pass a parent's `--import tsx`
 * to its workers), or, from the compiled dv, the bundle's fuzz-worker.js beside this chunk (src/build/cli-bundle.ts).
 */
function startWorker(options: WorkerOptions): Worker {
  const workerData = { dvFuzzWorker: options };
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(new URL('./fuzz-worker.js', import.meta.url), { workerData });
}

