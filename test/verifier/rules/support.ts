/**
 * Helpers for the rule tests: run a rule's samples under /standard, read the addresses a sample
 * reports with DbgPrint, and check a stop against the rule table, the bug check table and `!analyze -v`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argumentTexts } from '../../../src/nt/bugcheck.ts';
import { execute } from '../../../src/debugger/engine.ts';
import { DebugTarget } from '../../../src/debugger/target.ts';
import { runDriver, type IoctlRequest, type RunOptions, type RunOutcome } from '../../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../../src/verifier/flags.ts';
import type { VerifierRule } from '../../../src/verifier/rules.ts';
import { ROOT } from '../../helpers.ts';

export const hex = (n: number) => '0x' + (n >>> 0).toString(16);
const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** `dv run --ioctl` text (CODE[:INPUT_HEX[:OUTPUT_LENGTH]]) as a request. */
export function ioctlRequest(spec: string): IoctlRequest {
  const [code = '0', input = '', length = '0'] = spec.split(':');
  return { code: Number(code) >>> 0, input: Buffer.from(input, 'hex'), outputLength: Number(length) };
}

export type Extra = Partial<Omit<RunOptions, 'driver' | 'ioctls'>>;

/** Run a sample (repository-relative path) verified with /standard, as `dv run` does. */
export function runSample(path: string, ioctls: readonly string[] = [], extra: Extra = {}): Promise<RunOutcome> {
  return runDriver({ driver: join(ROOT, path), verifierFlags: STANDARD_FLAGS, ioctls: ioctls.map(ioctlRequest), ...extra });
}

/**
 * /standard without DDI compliance checking: the automatic check of a call that a DDI rule also
 * covers (under /standard the DDI rule is reported first: DdiPrecedence.test.ts).
 */
export const WITHOUT_DDI_RULES: Extra = { verifierFlags: STANDARD_FLAGS & ~VF.DDI_COMPLIANCE };

/** The rule's violating sample. */
export function runViolating(rule: VerifierRule, extra: Extra = {}): Promise<RunOutcome> {
  assert.ok(rule.sample, `${rule.name} has a sample`);
  return runSample(rule.sample.violating, rule.sample.ioctls, extra);
}

/** The value a sample reported as `key=%p` in its DbgPrint output (the last report wins). */
export function reported(r: RunOutcome, key: string): number {
  let value: number | undefined;
  const re = new RegExp(`\\b${key}=([0-9A-F]{8})\\b`);
  for (const line of r.dump.debugLog) {
    const m = re.exec(line);
    if (m) value = Number.parseInt(m[1]!, 16);
  }
  assert.ok(value !== undefined, `the sample reported ${key}= (debug log: ${r.dump.debugLog.join(' | ')})`);
  return value;
}

/** The 1-based line of the sample marked `// VIOLATION` (the n-th such mark). */
export function markedLine(path: string, mark = 'VIOLATION', n = 1): number {
  const lines = readFileSync(join(ROOT, path), 'utf8').split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(`// ${mark}`) && ++seen === n) return i + 1;
  assert.fail(`${path} has no line marked // ${mark}`);
}

export function analyzeV(r: RunOutcome): string[] {
  return execute(new DebugTarget(r.dump), '!analyze -v');
}

/** The `ArgN:` block of `!analyze -v` (from "Arguments:" to the blank line). */
export function argumentsBlock(analysis: readonly string[]): string[] {
  const from = analysis.indexOf('Arguments:');
  assert.ok(from >= 0, 'the analysis has an Arguments: block');
  const out: string[] = [];
  for (let i = from + 1; i < analysis.length && analysis[i] !== ''; i++) out.push(analysis[i]!);
  return out;
}

/** What the Arguments block must say for these parameters: the bug check table's texts. */
export function expectedArguments(code: number, params: readonly number[]): string[] {
  const out: string[] = [];
  argumentTexts(code, params).forEach((lines, i) => {
    out.push(`Arg${i + 1}: ${hex8(params[i]!)}, ${lines[0] ?? ''}`);
    for (const more of lines.slice(1)) out.push(`\t${more}`);
  });
  return out;
}

export function field(analysis: readonly string[], name: string): string | undefined {
  const line = analysis.find((l) => l.startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

export interface ExpectedStop {
  /** Parameters 2-4 (Parameter 1 comes from the rule), or all four for a rule whose Parameter 1 is a value. */
  readonly params: readonly number[];
  /** The function `!analyze -v` blames (SYMBOL_NAME without the offset), e.g. `Sample!DriverEntry`; undefined: none (0x62). */
  readonly symbol?: string;
  /** The source line it blames: the sample's line marked `// VIOLATION`. */
  readonly line?: number;
  /** The verifier's nt frame expected right under KeBugCheckEx (thunk violations). */
  readonly ntFrame?: string;
}

/**
 * The stop is the rule's: its code and Parameter 1 from the rule table, the four parameters, the
 * Arguments text of the bug check table, the driver as IMAGE_NAME, and the blamed function and line.
 */
export function assertStop(r: RunOutcome, rule: VerifierRule, expected: ExpectedStop): string[] {
  assert.ok(r.bugCheck, `${rule.name}: expected a bug check, got none (${r.dump.debugLog.join(' | ')})`);
  const params = rule.p1 === undefined ? expected.params : [rule.p1, ...expected.params];
  assert.equal(params.length, 4, 'four parameters');
  assert.equal(hex(r.bugCheck.code), hex(rule.code), `${rule.name}: bug check code`);
  assert.deepEqual(r.bugCheck.params.map(hex), params.map(hex), `${rule.name}: parameters`);
  const analysis = analyzeV(r);
  assert.deepEqual(argumentsBlock(analysis), expectedArguments(rule.code, params), `${rule.name}: !analyze -v Arguments`);
  assert.ok(!argumentsBlock(analysis)[0]!.includes('no description'), `${rule.name}: Arg1 names the rule`);
  assert.equal(field(analysis, 'IMAGE_NAME'), r.driver, 'IMAGE_NAME');
  assert.equal(field(analysis, 'MODULE_NAME'), r.driver.replace(/\.sys$/, ''), 'MODULE_NAME');
  if (expected.symbol !== undefined) {
    assert.match(field(analysis, 'SYMBOL_NAME') ?? '', new RegExp(`^${expected.symbol.replace(/[!$]/g, '\\$&')}\\+0x[0-9a-f]+$`), 'SYMBOL_NAME');
    assert.equal(field(analysis, 'FAULTING_SOURCE_LINE_NUMBER'), String(expected.line), 'FAULTING_SOURCE_LINE_NUMBER');
  }
  if (expected.ntFrame && expected.symbol !== undefined) {
    const stack = analysis.slice(analysis.indexOf('STACK_TEXT:  ') + 2);
    assert.match(stack[0] ?? '', / nt!KeBugCheck2\+/);
    assert.match(stack[1] ?? '', / nt!KeBugCheckEx\+/);
    assert.match(stack[2] ?? '', new RegExp(` nt!${expected.ntFrame}\\+0x`), 'the thunk frame is under KeBugCheckEx');
    assert.match(stack[3] ?? '', new RegExp(` ${expected.symbol.replace(/[!$]/g, '\\$&')}\\+0x`), "then the driver's call site");
  }
  return analysis;
}

/** The clean twin does the same work and the machine unloads it and shuts down with no stop. */
export async function assertClean(rule: VerifierRule, extra: Extra = {}): Promise<RunOutcome> {
  assert.ok(rule.sample, `${rule.name} has a sample`);
  const r = await runSample(rule.sample.clean, rule.sample.ioctls, extra);
  assert.equal(r.bugCheck, null, `${rule.sample.clean}: no bug check (${r.bugCheck ? r.bugCheck.params.map(hex).join(' ') : ''})`);
  assert.deepEqual(r.leaks, [], 'nothing left allocated');
  assert.ok(r.shutDown, 'the machine shut down');
  return r;
}

/**
 * The C twin of a TypeScript rule sample, by convention: drivers/ts/rules/X.ts is written in C as
 * drivers/c/rules/X.c and built (dv build) to drivers/c/rules/X.wasm, with the same function names,
 * the same `key=%p` DbgPrint reports and the same `// VIOLATION` mark, so one test checks both.
 */
export function cSampleOf(tsPath: string): { wasm: string; source: string } {
  const name = tsPath.replace(/^.*\//, '').replace(/\.ts$/, '');
  return { wasm: `drivers/c/rules/${name}.wasm`, source: `drivers/c/rules/${name}.c` };
}

/** Both languages of a sample: [label, path to run, source file for markedLine]. */
export function languagesOf(tsPath: string): Array<{ lang: 'ts' | 'c'; run: string; source: string }> {
  const c = cSampleOf(tsPath);
  return [
    { lang: 'ts', run: tsPath, source: tsPath },
    { lang: 'c', run: c.wasm, source: c.source },
  ];
}

export const LANGS = ['ts', 'c'] as const;
export type Lang = (typeof LANGS)[number];
/** One language's files of a sample. */
export const pick = (path: string, lang: Lang) => languagesOf(path).find((l) => l.lang === lang)!;

/** A rule's samples in one language: run the violating one, its marked line, and the rule as assertClean should see it. */
export function samplesIn(rule: VerifierRule, lang: Lang) {
  const s = rule.sample!;
  const violating = pick(s.violating, lang);
  return {
    run: (extra: Extra = {}) => runSample(violating.run, s.ioctls, extra),
    line: (n = 1) => markedLine(violating.source, 'VIOLATION', n),
    rule: { ...rule, sample: { ...s, violating: violating.run, clean: pick(s.clean, lang).run } },
  };
}
