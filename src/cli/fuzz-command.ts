/**
 * `dv fuzz DRIVER`: the options, the status line and the summary. Registered at start-up, so it holds only
 * commander and parsing; the fuzzer and the machine are loaded when the command runs (src/fuzz).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { cliNumber, NUMBER_RULE, parseVerifier } from './args.ts';
import { parseDuration } from './duration.ts';
import { parseSeed } from './fault-args.ts';
import { EXIT } from './exit-codes.ts';
import { STANDARD_FLAGS } from '../verifier/flags.ts';
import type { Finding, FuzzStatus } from '../fuzz/fuzzer.ts';

const collect = <T>(value: T, previous: T[] = []) => [...previous, value];

function parseCode(text: string): number {
  const n = cliNumber(text);
  if (n === undefined) throw new InvalidArgumentError(`'${text}' is not a control code (${NUMBER_RULE})`);
  return n;
}

function parseRuns(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new InvalidArgumentError(`'${text}' is not a number of inputs (a positive decimal count)`);
  return Number(text);
}

function parseJobs(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new InvalidArgumentError(`'${text}' is not a number of machines (a positive decimal count)`);
  return Number(text);
}

/** A plain line in a log this often (ms); a terminal's status line redraws this often. */
const LOG_EVERY_MS = 10_000;
const REDRAW_MS = 250;

const rate = (s: FuzzStatus) => (s.elapsedMs > 0 ? Math.round((1000 * s.inputs) / s.elapsedMs) : 0);
const statusText = (s: FuzzStatus) =>
  `#${s.inputs}  ${rate(s)} inputs/s  coverage ${s.coverage.hit}/${s.coverage.sites} blocks  corpus ${s.corpus}  crashes ${s.crashes}  ${(s.elapsedMs / 1000).toFixed(0)}s`;

export function registerFuzzCommand(program: Command): void {
  program
    .command('fuzz')
    .description("coverage-guided IOCTL fuzzing under Driver Verifier: each distinct bug check, hang or leak at unload is minimized and written as a scenario `dv run --scenario` replays")
    .argument('<driver>', 'driver image: a C driver built with dv build (.wasm; its control codes and compared values are read from its code), or a TypeScript driver (.ts; give its codes with --ioctl)')
    .option('--ioctl <code>', 'a control code to start from (repeatable), besides those the driver compares against', (t, p: number[]) => collect(parseCode(t), p), [] as number[])
    .option('--seed <n>', 'seed of the mutations (default 1): the same seed and driver give the same inputs', parseSeed)
    .option('--runs <n>', 'stop after N inputs (decimal)', parseRuns)
    .addOption(new Option('--time <duration>', 'stop after this much host time, e.g. 60s, 5m (default 60s when --runs is not given; 0: until Ctrl-C)').argParser(parseDuration))
    .option('--jobs <n>', 'fuzz on N machines at once, each in a worker thread with a seed derived from --seed, sharing the corpus and the findings (default 1)', parseJobs)
    .option('--corpus <dir>', 'start from the inputs saved here by an earlier run, and save each input that runs something new (created if missing)')
    .option('--out <dir>', 'write each finding\'s minimized reproducer here (default: DRIVER-fuzz beside the current folder\'s files)')
    .option('--no-value-profile', "do not record the driver's comparisons to learn the values it compares inputs against (libFuzzer's value profile; on by default)")
    .addOption(new Option('--verifier <flags>', "verifier flags: 'standard' (default) or a number such as 0x209bb (hex); the verifier is the fuzzer's oracle, so not 'off'").argParser((t) => parseVerifier(t) ?? ('off' as const)))
    .addHelpText('after', `\nControl codes are ${NUMBER_RULE}.\nExit: 0 no finding, 1 a bug check found, 4 only hangs found, 2 usage errors.\n\nExample:\n  dv fuzz drivers/c/fuzz/FuzzMe.wasm --seed 3 --runs 900 --out findings\n  dv run --scenario findings/crash-1-*.yaml`)
    .action(async (driver: string, opts: { ioctl: number[]; seed?: number; runs?: number; time?: number; jobs?: number; corpus?: string; out?: string; verifier?: number | 'off'; valueProfile: boolean }) => {
      if (opts.verifier === 'off') {
        process.stderr.write("dv: --verifier off: the verifier is what finds the bugs; give 'standard' or flags\n");
        process.exitCode = EXIT.USAGE;
        return;
      }
      const [{ fuzz }, { fuzzJobs }, { moduleNameOf }, { bugCheckName }, { requestCount, inputBytes }, { shellQuote }] = await Promise.all([
        import('../fuzz/fuzzer.ts'),
        import('../fuzz/jobs.ts'),
        import('../loader/loader.ts'),
        import('../nt/bugcheck.ts'),
        import('../fuzz/input.ts'),
        import('./quote.ts'),
      ]);
      const name = moduleNameOf(driver);
      const out = opts.out ?? `${name}-fuzz`;
      const stream = process.stderr;
      const live = stream.isTTY === true && !process.env.CI;
      let drawn = 0;
      let logged = 0;
      const clear = () => live && stream.write('\r\x1b[2K');
      const describe = (f: Finding, i: number) => {
        const what = f.stop.kind === 'hang' ? `hang (${f.stop.reason})` : `${bugCheckName(f.stop.code)} (0x${f.stop.code.toString(16).toUpperCase()})`;
        const where = f.file ? ` -> ${f.file}${f.verified ? '' : ' (the written file did not replay to the same stop)'}` : '';
        return `  ${i + 1}. ${f.bucket}  ${what}: input #${f.foundAt}, minimized to ${requestCount(f.sessions)} request(s), ${inputBytes(f.sessions)} byte(s)${where}`;
      };
      let n = 0;
      // Ctrl-C ends the run after the current input, with the summary; a second one is the default (exit now).
      let interrupted = false;
      process.once('SIGINT', () => (interrupted = true));
      const jobs = opts.jobs ?? 1;
      const run = (o: Parameters<typeof fuzz>[0]) => (jobs > 1 ? fuzzJobs(o, jobs) : fuzz(o));
      const result = await run({
        driver,
        flags: opts.verifier ?? STANDARD_FLAGS,
        ioctls: opts.ioctl,
        seed: opts.seed,
        runs: opts.runs,
        timeMs: opts.time === 0 ? Infinity : (opts.time ?? (opts.runs === undefined ? parseDuration('60s') : undefined)),
        stopRequested: () => interrupted,
        outDir: out,
        corpusDir: opts.corpus,
        valueProfile: opts.valueProfile,
        onStatus: (s) => {
          if (live && s.elapsedMs - drawn >= REDRAW_MS) (stream.write(`\r\x1b[2K${statusText(s)}`), (drawn = s.elapsedMs));
          else if (!live && s.elapsedMs - logged >= LOG_EVERY_MS) (stream.write(`${statusText(s)}\n`), (logged = s.elapsedMs));
        },
        onFinding: (f) => {
          clear();
          process.stdout.write(`new crash:${describe(f, n++).replace(/^\s+\d+\./, '')}\n`);
        },
      });
      clear();
      const lines = [
        `dv fuzz: ${name}.sys: ${result.inputs} inputs${jobs > 1 ? ` on ${jobs} machines` : ''} in ${(result.elapsedMs / 1000).toFixed(1)}s (${rate(result)} inputs/s), ${result.codes.length} control codes, coverage ${result.coverage.hit} of ${result.coverage.sites} blocks, corpus ${result.corpus}`,
        `${result.findings.length} distinct crash${result.findings.length === 1 ? '' : 'es'}${result.duplicates ? ` (${result.duplicates} more stops in the same buckets)` : ''}${result.unreproduced ? `, ${result.unreproduced} stop(s) a fresh machine did not reproduce` : ''}`,
        ...result.findings.map(describe),
      ];
      if (result.findings.some((f) => f.file)) lines.push(`Replay one with: dv run --scenario ${shellQuote(result.findings.find((f) => f.file)!.file!)}`);
      process.stdout.write(lines.join('\n') + '\n');
      const bugchecks = result.findings.some((f) => f.stop.kind === 'bugcheck');
      process.exitCode = bugchecks ? EXIT.BUGCHECK : result.findings.length > 0 ? EXIT.HANG : EXIT.CLEAN;
    });
}
