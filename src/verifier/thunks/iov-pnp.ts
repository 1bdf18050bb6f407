/**
 * I/O verification's PnP and power rules (0xC9 0x20E..0x231) checked when a verified driver sends or
 * completes an IRP: a PnP or power IRP it builds must start STATUS_NOT_SUPPORTED; one it fails must
 * be completed, not passed down; one it does not fail must be passed down by a function or filter
 * driver (only the PDO at the bottom of the stack completes it). The removal rules, checked when the
 * dispatch routine returns, are io-verify.ts's; these thunks tell it about IoDetachDevice and
 * IoDeleteDevice. Called from thunks/iov.ts with the option on.
 */
import { IRP_MJ } from '../../nt/io.ts';
import { IO_STACK_LOCATION, IRP } from '../../nt/layout.ts';
import { IRP_MN_PNP } from '../../nt/pnp.ts';
import { IRP_MN_POWER } from '../../nt/power.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import type { VerifierContext } from '../context.ts';
import { ioVerification } from '../io-verify.ts';
import { RULES } from '../rules.ts';

const I = IRP.off;

/** The power IRPs a function or filter driver must pass down (the bus driver completes them). */
const PASSED_DOWN_POWER: ReadonlySet<number> = new Set([IRP_MN_POWER.SET_POWER, IRP_MN_POWER.QUERY_POWER]);

/** IoCallDriver / PoCallDriver of `irp` by a verified driver, before the IRP goes down. */
export function checkPnpPowerSend(vf: VerifierContext, irp: number, frames: readonly number[], skip: Function): void {
  const k = vf.k;
  const as = k.as;
  const status = as.u32(irp + I['IoStatus.Status']);
  const iov = ioVerification(k);
  // Not held by any driver (with IoSkipCurrentIrpStackLocation a forwarded IRP is also at StackCount + 1):
  // the caller built it, and its next location is the first the target sees.
  if (iov && !iov.inFlight.has(irp) && as.u8(irp + I.CurrentLocation) === as.u8(irp + I.StackCount) + 1) {
    const major = as.u8(as.u32(irp + I['Tail.CurrentStackLocation']) - IO_STACK_LOCATION.size + IO_STACK_LOCATION.off.MajorFunction);
    if (status === STATUS.NOT_SUPPORTED) return;
    if (major === IRP_MJ.PNP) vf.violation(RULES.PnpIrpInitialStatus, vf.caller(skip), irp, status, frames);
    if (major === IRP_MJ.POWER) vf.violation(RULES.PowerIrpInitialStatus, vf.caller(skip), irp, status, frames);
    return;
  }
  // Passed down from the dispatch routine that holds it: a failure this driver set must be completed instead.
  const call = iov?.activeCall(irp);
  if (!call || NT_SUCCESS(status) || status === STATUS.NOT_SUPPORTED || status === call.statusIn) return;
  if (call.major === IRP_MJ.PNP) vf.violation(RULES.PnpFailurePassedDown, vf.caller(skip), irp, status, frames);
  if (call.major === IRP_MJ.POWER) vf.violation(RULES.PowerFailurePassedDown, vf.caller(skip), irp, status, frames);
}

/** IoCompleteRequest of `irp` by a verified driver, in the dispatch routine it arrived at, before completion runs. */
export function checkPnpPowerComplete(vf: VerifierContext, irp: number, frames: readonly number[], skip: Function): void {
  const k = vf.k;
  const call = ioVerification(k)?.activeCall(irp);
  // Only a function or filter driver (a device with one below it) that has not sent the IRP on, at its own location.
  if (!call || call.forwarded || call.lower === 0 || k.as.u32(irp + I['Tail.CurrentStackLocation']) !== call.location) return;
  const status = k.as.u32(irp + I['IoStatus.Status']);
  if (call.major === IRP_MJ.PNP) {
    if (status === STATUS.NOT_SUPPORTED) vf.violation(RULES.PnpUntouchedCompleted, vf.caller(skip), irp, 0, frames);
    // A driver that exports an interface answers IRP_MN_QUERY_INTERFACE itself.
    if (NT_SUCCESS(status) && call.minor !== IRP_MN_PNP.QUERY_INTERFACE) vf.violation(RULES.PnpSuccessCompleted, vf.caller(skip), irp, status, frames);
  }
  if (call.major === IRP_MJ.POWER && PASSED_DOWN_POWER.has(call.minor)) {
    if (status === STATUS.NOT_SUPPORTED) vf.violation(RULES.PowerUntouchedCompleted, vf.caller(skip), irp, 0, frames);
    if (NT_SUCCESS(status)) vf.violation(RULES.PowerSuccessCompleted, vf.caller(skip), irp, status, frames);
  }
}
