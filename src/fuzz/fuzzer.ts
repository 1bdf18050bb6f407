/**
 * `dv fuzz`: coverage-guided IOCTL fuzzing with Driver Verifier as the oracle. The seeds are the control
 * codes the user names and those the driver compares against; each input is a session of requests on a
 * machine that runs many of them (target.ts); an input that runs new blocks (or a block a new number of
 * times) joins the corpus, and the next inputs are mutations of the corpus. A bug check, a hang, or a stop
 * at unload (leaks) is a finding: reproduced on a fresh machine, bucketed as `!analyze` buckets it,
 * minimized, and written as a scenario file that `dv run --scenario` replays to the same stop.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { WatchdogLimits } from '../kernel/ke/watchdog.ts';
import { Prng } from '../verifier/faults.ts';
import { readScenario } from '../system/scenario/load.ts';
import { runScenario } from '../system/scenario/run.ts';
import { readDictionary } from './dictionary.ts';
import { driverFrom, expectStop, inputBytes, requestCount, sessionsScenario, type Session } from './input.ts';
import { CoverageMap } from './coverage-map.ts';
import { loadInputs, saveInput } from './corpus-dir.ts';
import { minimize } from './minimize.ts';
import { mutate, type MutationSource } from './mutate.ts';
import { replay } from './replay.ts';
import { sameStop, stopExpectation, type Stop } from './stop.ts';
import { FuzzError, FuzzTarget } from './target.ts';
import { LearnedValues, newestPairs } from './value-profile.ts';

export interface FuzzOptions {
  readonly driver: string;
  readonly flags: number;
  /** Control codes to start from (--ioctl), before those read from the driver. */
  readonly ioctls?: readonly number[];
  readonly seed?: number;
  /** Stop after this many inputs (default: no limit; then `timeMs` must be given). */
  readonly runs?: number;
  /** Stop after this much host time. */
  readonly timeMs?: number;
  /** Start from the inputs saved here, and save each input that joins the corpus (created when first needed). */
  readonly corpusDir?: string;
  /** Write each finding's reproducer here (created at the first finding). */
  readonly outDir?: string;
  /** Inputs a machine runs before it is unloaded (the leak checks) and replaced. */
  readonly recycle?: number;
  /** After each input: where the run is. */
  readonly onStatus?: (s: FuzzStatus) => void;
  /** Each new finding, once written. */
  readonly onFinding?: (f: Finding) => void;
  /** Asked before each input: true ends the run there (the CLI's Ctrl-C), with its summary. */
  readonly stopRequested?: () => boolean;
  /** Runaway and time limits of every machine (default: kernel/ke/watchdog.ts; the written files replay with the defaults). */
  readonly limits?: Partial<WatchdogLimits>;
  /**
   * Record the operands of the driver's comparisons and put them into inputs (libFuzzer's value profile):
   * magic values the driver computes at run time. Default on; off, the images carry no comparison probes.
   */
  readonly valueProfile?: boolean;
  /** The host clock, in ms (tests give a fake one). */
  readonly now?: () => number;
  /**
   * Put the machine back from its snapshot after a stop and after each machine life (default); false boots
   * a new machine instead, as dv fuzz did before the snapshot (the bench compares the two).
   */
  readonly snapshot?: boolean;
  /** Other machines fuzzing the same driver (--jobs: jobs.ts): buckets, corpus and file numbers shared with them. */
  readonly share?: FuzzShare;
}

/**
 * What one fuzzing machine shares with the others of a `--jobs` run (through the parent thread, jobs.ts).
 * A run of its own shares with nobody (localShare).
 */
export interface FuzzShare {
  /** A stop's bucket: true if no machine has claimed it yet (this one reproduces and minimizes it). */
  claim(bucket: string): Promise<boolean>;
  /** A minimized finding's bucket: its number among the run's findings (its file's), or 0 if another machine has it. */
  number(bucket: string): Promise<number>;
  /** An input that joined this machine's corpus (the share saves it to the corpus folder). */
  novel(session: Session): void;
  /** The inputs the other machines added to their corpora since the last call. */
  incoming(): readonly Session[];
  /** After each input: where this machine is, and which coverage classes it has seen (CoverageMap.bits). */
  status?(s: FuzzStatus, coverage: Uint8Array): void;
}

/** The share of a run on one machine: the buckets it claimed, and its corpus folder. */
function localShare(corpusDir: string | undefined): FuzzShare {
  const claimed = new Set<string>();
  const numbered = new Set<string>();
  return {
    claim: async (bucket) => !claimed.has(bucket) && (claimed.add(bucket), true),
    number: async (bucket) => (numbered.has(bucket) ? 0 : (numbered.add(bucket), numbered.size)),
    novel: (session) => corpusDir && saveInput(corpusDir, session),
    incoming: () => [],
  };
}

export interface FuzzStatus {
  readonly inputs: number;
  readonly elapsedMs: number;
  readonly corpus: number;
  readonly coverage: { readonly hit: number; readonly sites: number };
  /** Distinct findings so far. */
  readonly crashes: number;
}

export interface Finding {
  /** `!analyze -v`'s FAILURE_BUCKET_ID of the minimized reproducer's stop. */
  readonly bucket: string;
  readonly stop: Stop;
  /** The minimized reproducer. */
  readonly sessions: readonly Session[];
  /** The input (1-based count) that first stopped the machine with it. */
  readonly foundAt: number;
  readonly replays: number;
  /** The scenario file written (with --out). */
  readonly file?: string;
  /** The written file replayed to the same stop. */
  readonly verified?: boolean;
}

export interface FuzzResult extends FuzzStatus {
  readonly findings: readonly Finding[];
  /** Stops seen again in a bucket already found. */
  readonly duplicates: number;
  /** Stops a fresh machine did not reproduce (the sessions since the boot did not stop it again). */
  readonly unreproduced: number;
  readonly codes: readonly number[];
}

export const DEFAULT_RECYCLE = 64;
/** Inputs between two turns of the event loop. */
const YIELD_EVERY = 32;
/** How many of the newest corpus entries count as the frontier. */
const FRONTIER = 8;

export async function fuzz(o: FuzzOptions): Promise<FuzzResult> {
  if (o.runs === undefined && o.timeMs === undefined) throw new FuzzError('give a number of inputs (--runs) or a time limit (--time)');
  const driver = resolve(o.driver);
  const now = o.now ?? (() => performance.now());
  const started = now();
  const { dict, codes } = startingPoint(o);
  const rng = new Prng(o.seed ?? 1);
  const corpus: Session[] = [...codes.map((code): Session => [{ kind: 'ioctl', code, input: new Uint8Array(0), outputLength: 0 }]), ...(o.corpusDir ? loadInputs(o.corpusDir) : [])];
  /** The seeds (the codes, then a saved corpus): each run once, first. */
  const seeds = corpus.length;
  const valueProfile = o.valueProfile ?? true;
  const learned = new LearnedValues();
  const pairsOf = new WeakMap<Session, ReturnType<typeof newestPairs>>();
  const src: MutationSource = { rng, codes, values: dict.values, learned, other: () => corpus[rng.below(corpus.length)]! };
  const map = new CoverageMap();
  // Half the time a parent from the newest entries: they are the frontier, one condition further than the rest.
  const parent = () => corpus[rng.below(2) === 0 ? corpus.length - 1 - rng.below(Math.min(FRONTIER, corpus.length)) : rng.below(corpus.length)]!;
  const share = o.share ?? localShare(o.corpusDir);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  let duplicates = 0;
  let unreproduced = 0;
  let inputs = 0;

  // One boot and load; then the machine is put back from its snapshot where a new one would be booted.
  const snapshot = o.snapshot ?? true;
  let target = await FuzzTarget.boot(driver, o.flags, o.limits, valueProfile, snapshot);
  /** The machine as a new boot and load leaves it: restored from the snapshot, or booted. */
  const renew = async () => {
    if (snapshot) return target.reset();
    target = await FuzzTarget.boot(driver, o.flags, o.limits, valueProfile);
  };
  // Every machine loads the same image: the same blocks.
  const sites = target.counters().length;
  let sinceBoot = 0;
  /**
   * What the other machines found joins the corpus as parents, at the start of a machine life (their coverage
   * is theirs: this map learns it by running their children). Taken between lives, not before every input, so
   * the newest entries (the frontier) are this machine's own most of the time.
   */
  const adopt = () => {
    for (const s of share.incoming()) corpus.push(s);
  };
  const status = (): FuzzStatus => ({ inputs, elapsedMs: now() - started, corpus: corpus.length, coverage: { hit: map.hit, sites }, crashes: findings.length });

  /** A stop on the fuzzing machine: new bucket (here and on the other machines) -> reproduce, minimize, write. */
  const found = async (stop: Stop, sessions: readonly Session[]) => {
    if (seen.has(stop.bucket)) return void duplicates++;
    seen.add(stop.bucket);
    if (!(await share.claim(stop.bucket))) return void duplicates++;
    const last = sessions.slice(-1);
    let start: readonly Session[] | undefined;
    if (sessions.length > 1 && sameStop(stop, (await replay(driver, o.flags, last, false, o.limits)).stop)) start = last;
    else if (sameStop(stop, (await replay(driver, o.flags, sessions, false, o.limits)).stop)) start = sessions;
    if (!start) return void unreproduced++;
    const m = await minimize(driver, o.flags, start, stop, o.limits);
    const final = await replay(driver, o.flags, m.sessions, true, o.limits);
    if (!final.stop) return void unreproduced++;
    seen.add(final.stop.bucket);
    const number = await share.number(final.stop.bucket);
    if (number === 0) return void duplicates++;
    let file: string | undefined;
    let verified: boolean | undefined;
    if (o.outDir) {
      mkdirSync(o.outDir, { recursive: true });
      file = join(o.outDir, `crash-${number}-${final.stop.bucket.replace(/[^A-Za-z0-9_.-]+/g, '_')}.yaml`);
      verified = await writeReproducer(file, driver, o.flags, m.sessions, final.step, final.stop, o.limits);
    }
    const f: Finding = { bucket: final.stop.bucket, stop: final.stop, sessions: m.sessions, foundAt: inputs, replays: m.replays + 1, file, verified };
    findings.push(f);
    o.onFinding?.(f);
  };

  const more = () => (o.runs === undefined || inputs < o.runs) && (o.timeMs === undefined || now() - started < o.timeMs) && !o.stopRequested?.();
  while (more()) {
    // The seeds first, each once; then mutations of what the corpus holds.
    const p = inputs < seeds ? undefined : parent();
    // A parent is mutated with the comparisons it made itself: its compared fields are in its input.
    const session = p ? mutate(p, { ...src, pairs: pairsOf.get(p) }) : corpus[inputs]!;
    inputs++;
    const before = target.counters();
    const stop = target.run(session);
    if (stop) {
      await found(stop, [...target.sessions]);
      await renew();
      sinceBoot = 0;
      adopt();
    } else {
      const compared = valueProfile ? target.comparisons() : [];
      learned.add(compared);
      // A seed is in the corpus already; a mutation joins it when it ran something new.
      const novel = map.record(before, target.counters());
      if (inputs <= seeds || novel) pairsOf.set(session, newestPairs(compared));
      if (novel && inputs > seeds) {
        corpus.push(session);
        share.novel(session);
      }
      if (++sinceBoot >= (o.recycle ?? DEFAULT_RECYCLE)) {
        const s = target.finish();
        if (s) await found(s, [...target.sessions]);
        await renew();
        sinceBoot = 0;
        adopt();
      }
    }
    o.onStatus?.(status());
    share.status?.(status(), map.bits);
    // A turn of the event loop now and then: a signal (Ctrl-C) is delivered only there.
    if (inputs % YIELD_EVERY === 0) await new Promise<void>((r) => setImmediate(r));
  }
  const end = target.finish();
  if (end) await found(end, [...target.sessions]);
  target.dispose();
  return { ...status(), findings, duplicates, unreproduced, codes };
}

/**
 * What a run starts from: the driver's dictionary (a wasm driver's compared values and codes) and the control
 * codes. A driver that cannot be fuzzed (missing, no codes) is the user's error, said before any machine boots.
 */
export function startingPoint(o: Pick<FuzzOptions, 'driver' | 'ioctls'>): { dict: ReturnType<typeof readDictionary>; codes: number[] } {
  const driver = resolve(o.driver);
  if (!existsSync(driver)) throw new FuzzError(`${o.driver}: no such file`);
  const dict = driver.endsWith('.wasm') ? readDictionary(driver) : { controlCodes: [], values: [] };
  const codes = [...new Set([...(o.ioctls ?? []).map((c) => c >>> 0), ...dict.controlCodes])];
  if (codes.length === 0) throw new FuzzError(`${o.driver}: no control codes to start from (a TypeScript driver's are not read from its code): give them with --ioctl`);
  return { dict, codes };
}

/** Write the reproducer as a scenario (the stop expected at the step it came in), then replay the file. */
async function writeReproducer(file: string, driver: string, flags: number, sessions: readonly Session[], step: number, stop: Stop, limits?: Partial<WatchdogLimits>): Promise<boolean> {
  const scenario = expectStop(sessionsScenario(driverFrom(file, driver), flags, sessions, `dv fuzz: ${stop.bucket}`), step, stopExpectation(stop));
  const header = `# Found by dv fuzz; minimized to ${requestCount(sessions)} request(s), ${inputBytes(sessions)} byte(s). Replay: dv run --scenario ${file}\n`;
  writeFileSync(file, header + stringify(scenario));
  const o = await runScenario(readScenario(file), { limits });
  return o.ok;
}
