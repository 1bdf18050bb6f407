/**
 * PnpRemove: a driver never fails IRP_MN_SURPRISE_REMOVAL, IRP_MN_REMOVE_DEVICE,
 * IRP_MN_CANCEL_REMOVE_DEVICE or IRP_MN_CANCEL_STOP_DEVICE. Checked where a verified driver completes
 * one of them (IoCompleteRequest) with a status that is not a success; one it passes down is the
 * lower driver's to complete.
 */
import { IO_STACK_LOCATION, IO_STATUS_BLOCK, IRP } from '../../nt/layout.ts';
import { IRP_MJ } from '../../nt/io.ts';
import { IRP_MN_PNP } from '../../nt/pnp.ts';
import { NT_SUCCESS } from '../../nt/status.ts';
import type { VerifierContext } from '../context.ts';
import type { VerifierRule } from '../rules.ts';
import { ruleViolation } from './condition.ts';
import type { DdiCheck } from './irql.ts';

const MAY_NOT_FAIL: ReadonlyMap<number, string> = new Map([
  [IRP_MN_PNP.SURPRISE_REMOVAL, 'IRP_MN_SURPRISE_REMOVAL'],
  [IRP_MN_PNP.REMOVE_DEVICE, 'IRP_MN_REMOVE_DEVICE'],
  [IRP_MN_PNP.CANCEL_REMOVE_DEVICE, 'IRP_MN_CANCEL_REMOVE_DEVICE'],
  [IRP_MN_PNP.CANCEL_STOP_DEVICE, 'IRP_MN_CANCEL_STOP_DEVICE'],
]);

export function pnpChecks(rule: VerifierRule, enabled: (vf: VerifierContext, rule: VerifierRule) => boolean): Array<[string, DdiCheck]> {
  const complete =
    (ddi: string): DdiCheck =>
    (vf, frames, [irp = 0]) => {
      if (!enabled(vf, rule) || irp === 0) return;
      const k = vf.k;
      const sp = k.io.currentStackLocation(irp);
      if (k.as.u8(sp + IO_STACK_LOCATION.off.MajorFunction) !== IRP_MJ.PNP) return;
      const minor = MAY_NOT_FAIL.get(k.as.u8(sp + IO_STACK_LOCATION.off.MinorFunction));
      const status = k.as.u32(irp + IRP.off.IoStatus + IO_STATUS_BLOCK.off.Status) | 0;
      if (minor && !NT_SUCCESS(status)) ruleViolation(vf, rule, `${ddi} should not be called to fail ${minor}.`, 0, 0, frames);
    };
  return [
    ['IoCompleteRequest', complete('IoCompleteRequest')],
    ['IofCompleteRequest', complete('IofCompleteRequest')],
  ];
}
