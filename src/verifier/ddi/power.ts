/**
 * RequestedPowerIrp: PoRequestPowerIrp(DeviceObject, MinorFunction, PowerState, CompletionFunction,
 * Context, Irp) with Irp NULL. The DDI reference allows the pointer for IRP_MN_WAIT_WAKE (a driver
 * cancels its wait/wake IRP through it), so that request is not flagged: our reading of the two pages.
 */
import { IRP_MN_POWER } from '../../nt/power.ts';
import type { VerifierContext } from '../context.ts';
import type { VerifierRule } from '../rules.ts';
import { ruleViolation } from './condition.ts';
import type { DdiCheck } from './irql.ts';

export function powerChecks(rule: VerifierRule, enabled: (vf: VerifierContext, rule: VerifierRule) => boolean): Array<[string, DdiCheck]> {
  const check: DdiCheck = (vf, frames, [, minor = 0, , , , irp = 0]) => {
    if (irp !== 0 && (minor & 0xff) !== IRP_MN_POWER.WAIT_WAKE && enabled(vf, rule)) {
      ruleViolation(vf, rule, 'PoRequestPowerIrp should only be called with Irp = NULL (a pointer is allowed for IRP_MN_WAIT_WAKE only).', 0, 0, frames);
    }
  };
  return [['PoRequestPowerIrp', check]];
}
