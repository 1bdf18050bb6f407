/**
 * How a DDI compliance rule stops the machine: the condition's text goes into nonpaged memory for
 * Parameter 2 (as Windows' rule extension hands the debugger a string), kd first prints the
 * extension's abort lines, then bug check 0xC4 with the rule's ID.
 */
import { TAG } from '../../kernel/tags.ts';
import type { VerifierContext } from '../context.ts';
import type { VerifierRule } from '../rules.ts';

/** The condition text in kernel memory; the machine stops, so it is never freed. */
export function conditionText(vf: VerifierContext, text: string): number {
  const bytes = new TextEncoder().encode(text + '\0');
  const a = vf.k.allocateKernelObject(bytes.length, TAG.Name);
  vf.k.as.write(a, bytes);
  return a;
}

/** Raise `rule` (a DDI rule's row) for `condition`; Parameters 3 and 4 as the rule's layout says. */
export function ruleViolation(vf: VerifierContext, rule: VerifierRule, condition: string, p3: number, p4: number, frames: readonly number[]): never {
  vf.k.debugPrint(`Driver Verifier: Extension abort with Error Code 0x${rule.p1!.toString(16)}\nError String ${condition}\n`);
  return vf.violation(rule, conditionText(vf, condition), p3, p4, frames);
}
