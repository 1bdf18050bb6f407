/**
 * The rule a stop was raised for, read back from its bug check code and Parameter 1: the rule whose code
 * and Parameter 1 both match, else the one rule with that code when Parameter 1 is a value (0xD6's address).
 * Undefined when no rule, or more than one, fits (0xCE is raised by two unload rules alike).
 */
import { ALL_RULES, type VerifierRule } from './rules.ts';

export function ruleOfStop(code: number, params: readonly number[]): VerifierRule | undefined {
  const sameCode = ALL_RULES.filter((r) => r.code === code >>> 0);
  const exact = sameCode.filter((r) => r.p1 !== undefined && r.p1 === params[0]! >>> 0);
  if (exact.length === 1) return exact[0];
  const byValue = sameCode.filter((r) => r.p1 === undefined);
  return exact.length === 0 && byValue.length === 1 ? byValue[0] : undefined;
}
