/**
 * The IRQL rules of DDI compliance checking, generated from the rule table: each watched DDI gets a
 * check of the IRQL it is called at against its rule's requirement. Two rules look at an argument
 * too: IrqlExAllocatePool (paged pool only at APC_LEVEL or below) and IrqlKeSetEvent (Wait = TRUE
 * only at APC_LEVEL or below).
 */
import { ddiRuleByName, irqlConditionText, type IrqlRequirement } from '../../nt/ddi-rules.ts';
import { APC_LEVEL, DISPATCH_LEVEL } from '../../nt/irql.ts';
import { isPagedPool } from '../../nt/pool.ts';
import type { VerifierContext } from '../context.ts';
import type { VerifierRule } from '../rules.ts';
import { ruleViolation } from './condition.ts';

/** A check one rule makes of one DDI call, before the DDI runs. */
export type DdiCheck = (vf: VerifierContext, frames: readonly number[], args: readonly number[]) => void;

const violates = (r: IrqlRequirement, irql: number) => (r.op === '=' ? irql !== r.level : irql > r.level);

/** Names under which a DDI of a rule is also exported (the Kf forms of the spin lock routines). */
export const DDI_ALIASES: Readonly<Record<string, string>> = { KfAcquireSpinLock: 'KeAcquireSpinLock', KfReleaseSpinLock: 'KeReleaseSpinLock' };

/** Checks that depend on an argument, by DDI: they replace the plain IRQL check. */
const SPECIAL: Readonly<Record<string, (ddi: string, rule: VerifierRule) => DdiCheck>> = {
  // ExAllocatePool*(PoolType, ...): at DISPATCH_LEVEL only nonpaged pool.
  ...Object.fromEntries(
    ['ExAllocatePool', 'ExAllocatePoolWithTag', 'ExAllocatePoolWithTagPriority', 'ExAllocatePoolWithQuota', 'ExAllocatePoolWithQuotaTag'].map((ddi) => [
      ddi,
      (name: string, rule: VerifierRule): DdiCheck =>
        (vf, frames, [poolType = 0]) => {
          const irql = vf.k.irql;
          if (irql > DISPATCH_LEVEL) ruleViolation(vf, rule, irqlConditionText(name, { op: '<=', level: DISPATCH_LEVEL }), 0, 0, frames);
          if (irql === DISPATCH_LEVEL && isPagedPool(poolType)) ruleViolation(vf, rule, `${name} should only be called at IRQL <= APC_LEVEL for a paged pool type.`, 0, 0, frames);
        },
    ]),
  ),
  // KeSetEvent(Event, Increment, Wait): a waiting caller must be able to wait.
  KeSetEvent:
    (name, rule): DdiCheck =>
    (vf, frames, [, , wait = 0]) => {
      const req: IrqlRequirement = { op: '<=', level: (wait & 0xff) !== 0 ? APC_LEVEL : DISPATCH_LEVEL };
      if (violates(req, vf.k.irql)) ruleViolation(vf, rule, irqlConditionText(name, req), 0, 0, frames);
    },
};

/** The IRQL checks of `rule` (a row whose table entry has DDIs with IRQL requirements), by DDI name. */
export function irqlChecks(rule: VerifierRule, exported: (ddi: string) => boolean): Array<[string, DdiCheck]> {
  const out: Array<[string, DdiCheck]> = [];
  const requirements = Object.entries(ddiRuleByName(rule.name).irql ?? {});
  const names = (ddi: string) => [ddi, ...Object.keys(DDI_ALIASES).filter((a) => DDI_ALIASES[a] === ddi)].filter(exported);
  for (const [ddi, req] of requirements) {
    for (const name of names(ddi)) {
      const special = SPECIAL[ddi];
      out.push([
        name,
        special
          ? special(name, rule)
          : (vf, frames) => {
              if (violates(req, vf.k.irql)) ruleViolation(vf, rule, irqlConditionText(name, req), 0, 0, frames);
            },
      ]);
    }
  }
  return out;
}
