/**
 * Generated `dv` command lines, and running them. Every path an argv may write to lies in a scratch
 * folder (outputs never point into the repository, so a dv that overwrote an input would damage only
 * a scratch copy); inputs are scratch copies of sample drivers and a dump, missing files, folders,
 * garbage files and unicode names. The invariant: exit 0, 1, 2 (or 4, dv's hang verdict), a bounded
 * run time, and no Node stack trace on stderr.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { serializeDump } from '../../../src/debugger/dump.ts';
import { runDriver } from '../../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../../src/verifier/flags.ts';
import { ROOT } from '../../helpers.ts';

/** The exit codes a command line may end with: a verdict or a usage error; never INTERNAL (3). */
export const ALLOWED_EXITS: ReadonlySet<number> = new Set([EXIT.CLEAN, EXIT.BUGCHECK, EXIT.USAGE, EXIT.HANG]);

export interface Scratch {
  readonly dir: string;
  /** Named inputs: `clean.wasm`, `trap.wasm`, `ts` (a repository TS driver, read only), `dump`... */
  readonly inputs: Readonly<Record<InputName, string>>;
  /** Output paths: fresh names in the scratch folder, a missing folder, the scratch folder itself. */
  readonly outputs: readonly string[];
}

export const INPUT_NAMES = ['clean.wasm', 'trap.wasm', 'ts', 'dump', 'missing', 'folder', 'garbage.wasm', 'garbage.ts', 'garbage.dmp', 'unicode', 'garbage.c'] as const;
export type InputName = (typeof INPUT_NAMES)[number];

/** Make the scratch folder: copies of two C samples, a real dump, garbage files. */
export async function makeScratch(): Promise<Scratch> {
  const dir = mkdtempSync(join(tmpdir(), 'dv-fuzz-argv-'));
  const copy = (from: string, name: string) => {
    const to = join(dir, name);
    copyFileSync(join(ROOT, from), to);
    return to;
  };
  const write = (name: string, data: string | Uint8Array) => {
    const to = join(dir, name);
    writeFileSync(to, data);
    return to;
  };
  const trap = copy('test/fixtures/c/traps/DivideByZero.wasm', 'DivideByZero.wasm');
  const outcome = await runDriver({ driver: trap, verifierFlags: STANDARD_FLAGS, ioctls: [], captureStacks: false });
  mkdirSync(join(dir, 'sub folder'));
  return {
    dir,
    inputs: {
      'clean.wasm': copy('drivers/c/rules/EverythingRight.wasm', 'EverythingRight.wasm'),
      'trap.wasm': trap,
      ts: join(ROOT, 'drivers', 'ts', 'MyDriverClean.ts'),
      dump: write('trap.dmp', serializeDump(outcome.dump)),
      missing: join(dir, 'no-such-file.wasm'),
      folder: join(dir, 'sub folder'),
      'garbage.wasm': write('Garbage.wasm', Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff, 0xff])),
      'garbage.ts': write('Garbage.ts', 'export function DriverEntry( {'),
      'garbage.dmp': write('garbage.dmp', 'not a dump'),
      unicode: write('ドライバ\u2028ü.wasm', 'x'),
      'garbage.c': write('garbage.c', 'int DriverEntry( {'),
    },
    outputs: [join(dir, 'out.dmp'), join(dir, 'out.json'), join(dir, 'missing folder', 'x.dmp'), join(dir, 'sub folder'), join(dir, 'ü \u2028.json')],
  };
}

/** A piece of a command line: literal text, an input file, or an output path (indices into Scratch). */
type Piece = { readonly t: string } | { readonly input: InputName } | { readonly output: number };

const garbage = fc.oneof(
  fc.constantFrom('', '-', '--', '---', '-x', '--nope', '=', '\u2028', '\u0000x'.slice(1), 'ü', '😀', ' ', '%s%n', '$(id)', '0x', '-1', '1e309', 'NaN', '../..', '\\\\?\\C:'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }).map((s) => s.replace(/\u0000/g, '')),
);
const text = (a: fc.Arbitrary<string>): fc.Arbitrary<Piece> => a.map((t) => ({ t }));
const input: fc.Arbitrary<Piece> = fc.constantFrom(...INPUT_NAMES).map((n) => ({ input: n }));
const output: fc.Arbitrary<Piece> = fc.nat(4).map((n) => ({ output: n }));
const hexish = fc.oneof(fc.constantFrom('0x222003', '222003', '0x0', '0xffffffff', '0x100000000', '-5', '0x222003:00', '0x222003:0011:4', '0x222003:zz', '0x222003:00:99999999', '0x222003:00:4:aabb', '0x222003:::'), garbage);
const verifierValue = fc.oneof(fc.constantFrom('standard', 'off', 'none', '0x209bb', '209bb', '10', '0x8', '0xffffffff', 'STANDARD', '0x', ''), garbage);
const kdCommands = fc.oneof(
  fc.constantFrom('!analyze -v', '!verifier 3', 'k; lm', 'ln 0', '.bugcheck', 'q', 'help', '!verifier 0x80 1', 'nope', '!analyze -v\n!verifier', '\u2028', 'ln\u2028 1', ';;;', '!verifier 0x80 ffffffffffff'),
  fc.array(fc.constantFrom('!analyze', 'k', 'lm', 'ln', '.bugcheck', 'r', '!verifier', '?', '\u2028'), { maxLength: 4 }).map((a) => a.join('; ')),
  garbage,
);

/** One generated argv: a subcommand and a few options with values, plus garbage anywhere. */
export const argvArb: fc.Arbitrary<readonly Piece[]> = fc.oneof(
  // dv run
  fc
    .tuple(
      input,
      fc.array(
        fc.oneof(
          fc.tuple(text(fc.constant('--verifier')), text(verifierValue)),
          fc.tuple(text(fc.constant('--ioctl')), text(hexish)),
          fc.tuple(text(fc.constantFrom('--dump', '--json', '--html')), fc.oneof({ weight: 4, arbitrary: output }, { weight: 1, arbitrary: input })),
          fc.tuple(text(fc.constantFrom('--no-stacks', '--debugger', '--help', '--verbose', '--timeout', '--memory'))),
          fc.tuple(text(garbage)),
        ),
        { maxLength: 4 },
      ),
    )
    .map(([driver, opts]) => [{ t: 'run' }, driver, ...opts.flat()]),
  // dv kd
  fc
    .tuple(fc.oneof(input, fc.constant<Piece>({ input: 'dump' })), fc.option(kdCommands, { nil: undefined }), fc.option(text(garbage), { nil: undefined }))
    .map(([dump, c, extra]) => [{ t: 'kd' }, { t: '-z' }, dump, ...(c === undefined ? [] : [{ t: '-c' }, { t: c }]), ...(extra ? [extra] : [])]),
  // dv demo
  fc.option(fc.tuple(text(fc.constant('--lang')), text(fc.oneof(fc.constantFrom('ts', 'c', 'rust', 'C', ''), garbage))), { nil: undefined }).map((l) => [{ t: 'demo' }, ...(l ?? [])]),
  // dv build (sources that fail before the compiler runs for long)
  fc
    .tuple(fc.constantFrom<InputName>('garbage.c', 'missing', 'folder', 'clean.wasm'), fc.oneof(output, input), fc.boolean())
    .map(([src, o, dashO]) => [{ t: 'build' }, { input: src }, ...(dashO ? [{ t: '-o' }, o] : [])]),
  // anything
  fc.array(fc.oneof(text(fc.constantFrom('run', 'kd', 'demo', 'build', 'help', '--help', '-h', '--version', '-V', '-z', '-c', '-o')), text(garbage), input), { maxLength: 5 }),
);

export function argvOf(pieces: readonly Piece[], s: Scratch): string[] {
  return pieces.map((p) => ('t' in p ? p.t : 'input' in p ? s.inputs[p.input] : s.outputs[p.output % s.outputs.length]!));
}

export interface ArgvResult {
  readonly argv: readonly string[];
  readonly status: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly ms: number;
}

/** Run `node bin/dv.js ...argv` with stdin closed (so a kd> prompt sees end of input) and a host-time limit. */
export function runDv(argv: readonly string[], cwd: string, limitMs: number): Promise<ArgvResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'dv.js'), ...argv], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ argv, status, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

/** What is wrong with a result, or undefined if it keeps the invariant. */
export function violation(r: ArgvResult): string | undefined {
  if (r.timedOut) return `no exit within the limit (${r.ms} ms)`;
  if (r.status === null || !ALLOWED_EXITS.has(r.status)) return `exit ${r.status}`;
  if (/^ {4}at /m.test(r.stderr)) return 'a stack trace on stderr';
  return undefined;
}
