/**
 * docs/checks.md, generated from the rule table: each rule with its stop code and Parameter 1, what
 * each parameter means (the bug check table's texts), its sample drivers and the command that shows
 * it firing. `npm run docs:checks` writes it; a test keeps the committed file current.
 */
import { argumentTexts, bugCheckName, hasSubcodes } from '../nt/bugcheck.ts';
import { STANDARD_FLAGS, VERIFIER_FLAGS } from './flags.ts';
import { ALL_RULES, type VerifierRule } from './rules.ts';

const hex = (n: number) => '0x' + (n >>> 0).toString(16).toUpperCase();

/** The `dv run` command line that shows a sample firing. */
export function runCommand(driver: string, ioctls: readonly string[], extra = ''): string {
  return ['dv run', driver, ...ioctls.map((i) => `--ioctl ${i}`), extra].filter((s) => s !== '').join(' ');
}

/** `0xC4 / 0x62`: the rule's bug check, with its Parameter 1 where the code has a table of them. */
export function ruleStop(rule: VerifierRule): string {
  const p1 = rule.p1 === undefined ? '' : hasSubcodes(rule.code) ? ` / ${hex(rule.p1)}` : '';
  return `${hex(rule.code)}${p1}`;
}

/** The option a rule belongs to, as `!verifier` names it ('automatic' for the automatic checks). */
export function ruleOption(rule: VerifierRule): string {
  if (rule.flag === 0) return 'automatic';
  return VERIFIER_FLAGS.find((f) => f.value === rule.flag)?.name ?? hex(rule.flag);
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function parameterRows(rule: VerifierRule): string[] {
  // For a rule whose Parameter 1 is a value (0xCE), the code's own texts; else the Parameter 1 row.
  const texts = argumentTexts(rule.code, [rule.p1 ?? 0, 0, 0, 0]);
  return texts.map((lines, i) => {
    const text = lines.filter((l) => l !== '').join(' ');
    const value = i === 0 && rule.p1 !== undefined ? `${hex(rule.p1)}: ` : '';
    return `| ${i + 1} | ${cell(value + text)} |`;
  });
}

function section(rule: VerifierRule): string[] {
  const out = [`## ${rule.name}`, '', `${rule.check[0]!.toUpperCase()}${rule.check.slice(1)}.`, ''];
  out.push(`**Stop:** bug check ${ruleStop(rule)} (${bugCheckName(rule.code)}); option: ${ruleOption(rule)}.`, '');
  out.push('| Parameter | Meaning |', '| --- | --- |', ...parameterRows(rule), '');
  if (rule.note) out.push(`**Note:** ${rule.note}`, '');
  if (rule.pending) {
    out.push(`**Not raised for TypeScript drivers yet:** ${rule.pending}`, '');
    return out;
  }
  const s = rule.sample!;
  out.push(`**Samples:** [${s.violating}](../${s.violating}) breaks it; [${s.clean}](../${s.clean}) does the same work right.`, '');
  // An option outside /standard is added to it on the command line, unless the sample says its own.
  const flags = s.args ?? (rule.flag & ~STANDARD_FLAGS ? `--verifier 0x${((STANDARD_FLAGS | rule.flag) >>> 0).toString(16)}` : '');
  out.push('**See it fire:**', '', '```', runCommand(s.violating, s.ioctls, flags), '```', '');
  if (rule.name === 'ShutdownTimeout') {
    out.push('With a kernel debugger attached, the same moment is a break at a `kd>` prompt (`g` continues, `q` quits):', '', '```', runCommand(s.violating, s.ioctls, '--debugger'), '```', '');
  }
  for (const v of rule.variants ?? []) {
    out.push(`**Variant:** [${v.violating}](../${v.violating}): ${v.what}.`, '', '```', runCommand(v.violating, v.ioctls), '```', '');
  }
  return out;
}

export function checksMarkdown(): string {
  const out = [
    '# Driver Verifier checks',
    '',
    '<!-- Generated from src/verifier/rules.ts by `npm run docs:checks`. Do not edit by hand. -->',
    '',
    'Every check this Driver Verifier makes on TypeScript and C drivers, from the rule table',
    '([src/verifier/rules.ts](../src/verifier/rules.ts)). The automatic checks are always on for a verified',
    'driver (`dv run` verifies with `/standard`); the parameters\' meanings are those `!analyze -v` prints',
    '([src/nt/bugcheck.ts](../src/nt/bugcheck.ts)). Each rule has a sample that breaks it on a line marked',
    '`// VIOLATION` and a clean twin; each TypeScript sample in drivers/ts/rules has its C twin in drivers/c/rules',
    '(the same name, built to .wasm). [drivers/ts/rules/EverythingRight.ts](../drivers/ts/rules/EverythingRight.ts)',
    'uses every object class right and stops nothing. The memory rules also list what a bad access gets',
    'from Windows itself (an access violation, 0x50, 0xD1, 0x7F) or from its kernel address sanitizer (0x1F2): every',
    'access a verified driver makes is checked, so these are found at the faulting instruction too.',
    '',
    '| Rule | Check | Stop | Option |',
    '| --- | --- | --- | --- |',
    ...ALL_RULES.map((r) => `| [${r.name}](#${r.name.toLowerCase()}) | ${cell(r.check)} | ${ruleStop(r)} | ${ruleOption(r)} |`),
    '',
  ];
  for (const rule of ALL_RULES) out.push(...section(rule));
  return out.join('\n').replace(/\n+$/, '\n');
}
