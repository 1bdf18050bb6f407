/**
 * `dv run --sarif FILE`: the run's findings as SARIF 2.1.0, the format GitHub and GitLab code scanning read.
 * One result per bug check (at the driver's call that broke the rule, with the stack as a code flow) or,
 * for the 0xC4/0x62 leak report, one per allocation not freed (at the call that allocated it). Rules come
 * from the verifier's rule table: `DriverVerifier/<Rule>`, or `DDI/<Rule>` for DDI compliance rules.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { findModule, formatSymbol, sourceLine, type ModuleInfo } from '../kernel/symbols.ts';
import { bugCheckName } from '../nt/bugcheck.ts';
import { formatTag } from '../nt/pool.ts';
import { VF } from '../verifier/flags.ts';
import { ruleOption, ruleStop } from '../verifier/docs.ts';
import { ALL_RULES, RULES, type VerifierRule } from '../verifier/rules.ts';
import { ruleOfStop } from '../verifier/rule-of-stop.ts';
import type { RunOutcome } from '../system/run.ts';
import { EXIT } from './exit-codes.ts';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const hexs = (n: number) => `0x${(n >>> 0).toString(16).toUpperCase()}`;
/** How many leaks become results; the rest are counted in the run's properties. */
export const SARIF_LEAKS_LISTED = 1000;

export const sarifRuleId = (r: VerifierRule) => `${r.flag & (VF.DDI_COMPLIANCE | VF.DDI_COMPLIANCE_ADDITIONAL) ? 'DDI' : 'DriverVerifier'}/${r.name}`;
const bugCheckRuleId = (code: number) => `BugCheck/${hexs(code)}`;
const HANG_RULE_ID = 'dv/Hang';

function ruleDescriptor(r: VerifierRule) {
  const text = `${r.check[0]!.toUpperCase()}${r.check.slice(1)}. Stops with bug check ${ruleStop(r)} (${bugCheckName(r.code)}); option: ${ruleOption(r)}.${r.note ? ` ${r.note}` : ''}`;
  return {
    id: sarifRuleId(r),
    name: r.name,
    shortDescription: { text: r.check },
    fullDescription: { text },
    help: { text, markdown: `${text}\n\nSee docs/checks.md#${r.name.toLowerCase()} in driver-verifier.` },
    defaultConfiguration: { level: 'error' },
    properties: { bugCheck: hexs(r.code), ...(r.p1 !== undefined ? { parameter1: hexs(r.p1) } : {}), option: ruleOption(r) },
  };
}

/** A path as code scanning wants it: relative to the working directory (the repository) where it lies inside it. */
function artifactUri(file: string): string {
  const rel = isAbsolute(file) ? relative(process.cwd(), file) : file;
  const inside = !rel.startsWith('..') && !isAbsolute(rel);
  return (inside ? rel : file).split(sep).join('/');
}

function location(modules: readonly ModuleInfo[], pc: number, message?: string) {
  const src = sourceLine(modules, pc);
  const symbol = formatSymbol(modules, pc);
  return {
    ...(src ? { physicalLocation: { artifactLocation: { uri: artifactUri(src.file) }, region: { startLine: src.line } } } : {}),
    logicalLocations: [{ fullyQualifiedName: symbol, kind: 'function' }],
    message: { text: message ?? symbol },
    properties: { address: hexs(pc) },
  };
}

function codeFlow(modules: readonly ModuleInfo[], stack: readonly number[]) {
  // A thread flow runs from the outermost call inwards.
  const frames = [...stack].reverse();
  return [{ threadFlows: [{ locations: frames.map((pc, i) => ({ location: location(modules, pc), nestingLevel: i })) }] }];
}

/** The driver's own frame a stop points at: the innermost frame outside the kernel, else the culprit's. */
function driverFrame(modules: readonly ModuleInfo[], stack: readonly number[], culprit?: number): number | undefined {
  return stack.find((pc) => {
    const m = findModule(modules, pc);
    return m !== undefined && m.name !== 'nt';
  }) ?? culprit;
}

export function sarifLog(outcome: RunOutcome, version: string): unknown {
  const modules = outcome.machine.kernel.modules;
  const results: unknown[] = [];
  const used = new Map<string, unknown>();
  const bc = outcome.bugCheck;
  const leaks = bc && bc.code === 0xc4 && bc.params[0] === 0x62;
  if (bc && leaks) {
    const rule = RULES.PoolLeakAtUnload;
    used.set(sarifRuleId(rule), ruleDescriptor(rule));
    for (const a of outcome.leaksFirst(SARIF_LEAKS_LISTED)) {
      const what = `${outcome.driver} unloaded without freeing ${a.kind === 'pool' ? `${hexs(a.size)} bytes of pool with tag '${formatTag(a.tag)}'` : a.kind === 'mdl' ? 'an MDL' : 'a work item'} at ${hexs(a.address)}, allocated here`;
      results.push({
        ruleId: sarifRuleId(rule),
        level: 'error',
        message: { text: `${what} (${formatSymbol(modules, a.caller)}).` },
        locations: a.caller ? [location(modules, a.caller)] : [],
        ...(a.stack.length ? { codeFlows: codeFlow(modules, a.stack) } : {}),
        properties: { bugCheck: '0xC4', parameter1: '0x62', address: hexs(a.address), size: hexs(a.size), tag: formatTag(a.tag), kind: a.kind },
      });
    }
  } else if (bc) {
    const rule = ruleOfStop(bc.code, bc.params);
    const ruleId = rule ? sarifRuleId(rule) : bugCheckRuleId(bc.code);
    if (rule) used.set(ruleId, ruleDescriptor(rule));
    else used.set(ruleId, { id: ruleId, name: bugCheckName(bc.code), shortDescription: { text: `bug check ${hexs(bc.code)} ${bugCheckName(bc.code)}` }, defaultConfiguration: { level: 'error' } });
    const ctx = outcome.dump.context;
    const stack = ctx?.stack ?? [];
    const at = driverFrame(modules, stack, ctx?.culprit?.address);
    results.push({
      ruleId,
      level: 'error',
      message: { text: `${outcome.driver}: bug check ${hexs(bc.code)} ${bc.name} (${bc.params.map(hexs).join(', ')})${rule ? `: ${rule.check}` : ''}.` },
      locations: at !== undefined ? [location(modules, at)] : [],
      ...(stack.length ? { codeFlows: codeFlow(modules, stack) } : {}),
      properties: { bugCheck: hexs(bc.code), parameters: bc.params.map(hexs) },
    });
  } else if (outcome.hang) {
    used.set(HANG_RULE_ID, { id: HANG_RULE_ID, name: 'Hang', shortDescription: { text: 'the machine hung: a runaway driver, a wait nothing can end, or a time limit' }, defaultConfiguration: { level: 'error' } });
    const stack = outcome.dump.context?.stack ?? [];
    const at = driverFrame(modules, stack);
    results.push({
      ruleId: HANG_RULE_ID,
      level: 'error',
      message: { text: `${outcome.driver}: hang: ${outcome.hang.reason}` },
      locations: at !== undefined ? [location(modules, at)] : [],
      ...(stack.length ? { codeFlows: codeFlow(modules, stack) } : {}),
    });
  }
  const rules = [...used.values()];
  // Every rule the run checked is listed, so a clean run still says what it looked for.
  for (const r of ALL_RULES) if (!used.has(sarifRuleId(r))) rules.push(ruleDescriptor(r));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'driver-verifier', semanticVersion: version, rules } },
        results: results.map((r) => ({ ...(r as object), ruleIndex: rules.findIndex((d) => (d as { id: string }).id === (r as { ruleId: string }).ruleId) })),
        invocations: [{ executionSuccessful: true, exitCode: bc ? EXIT.BUGCHECK : outcome.hang ? EXIT.HANG : EXIT.CLEAN }],
        properties: { driver: outcome.driver, ...(leaks && outcome.leakCount > SARIF_LEAKS_LISTED ? { leaksNotListed: outcome.leakCount - SARIF_LEAKS_LISTED } : {}) },
      },
    ],
  };
}
