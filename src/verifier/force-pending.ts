/**
 * Force pending I/O requests (0x200, with I/O verification 0x10): as Windows 7 and later do it, the
 * completion of an IRP a verified driver sends is held back right before it unwinds into that
 * driver, and IoCallDriver returns STATUS_PENDING, as if the driver below had pended it. The
 * completion then goes on from a system worker thread: the driver's completion routine sees
 * Irp->PendingReturned set, and a driver that neither waits nor propagates the pending state is
 * caught (0xC9/0x228, 0x23D) or reads a result that is not there yet.
 *
 * Windows picks the IRPs at random; this project forces every IRP a verified driver sends with
 * IoCallDriver that the driver below completes before IoCallDriver returns, so a run is
 * deterministic and takes the pending path of every send.
 */
import type { Kernel } from '../kernel/kernel.ts';
import { SL } from '../nt/io.ts';
import { IO_STACK_LOCATION, IRP } from '../nt/layout.ts';
import { NT_SUCCESS, STATUS } from '../nt/status.ts';
import type { AnyFn, VerifierContext } from './context.ts';
import { VF } from './flags.ts';
import { ioVerification } from './io-verify.ts';

const S = IO_STACK_LOCATION.off;
const I = IRP.off;

/** The driver's completion routine of the location the verifier took over, and where the send stands. */
interface Held {
  readonly routine: number;
  readonly context: number;
  readonly control: number;
  /** The location the IRP was sent with (the callee's). */
  readonly location: number;
  /** IoCallDriver has not returned yet. */
  inCall: boolean;
  /** The completion reached the verifier's routine while IoCallDriver was still running: held back. */
  held: boolean;
}

interface Machine {
  readonly held: Map<number, Held>;
  readonly trap: number;
  readonly resume: number;
}

const machines = new WeakMap<Kernel, Machine>();

export const forcesPending = (vf: VerifierContext) => (vf.flags & (VF.IO_VERIFICATION | VF.FORCE_PENDING_IO)) === (VF.IO_VERIFICATION | VF.FORCE_PENDING_IO);

function machine(k: Kernel): Machine {
  let m = machines.get(k);
  if (m) return m;
  const held = new Map<number, Held>();
  m = { held, trap: k.nt.address('ViForcePendingCompletion'), resume: k.nt.address('ViForcePendingResume') };
  machines.set(k, m);
  k.registerRoutine(m.trap, ((device: number, irp: number) => trap(k, device, irp >>> 0)) as never, 'nt');
  k.registerRoutine(m.resume, ((irp: number) => k.withFrames(['ViForcePendingResume'], () => resume(k, irp >>> 0))) as never, 'nt');
  return m;
}

/** IoCallDriver with the IRP's completion held back before it reaches the caller. */
export function forcePendingCall(vf: VerifierContext, next: AnyFn, device: number, irp: number): number {
  const k = vf.k;
  const m = machine(k);
  const as = k.as;
  const location = k.io.nextStackLocation(irp);
  const h: Held = { routine: as.u32(location + S.CompletionRoutine), context: as.u32(location + S.Context), control: as.u8(location + S.Control), location, inCall: true, held: false };
  m.held.set(irp, h);
  as.setU32(location + S.CompletionRoutine, m.trap);
  as.setU32(location + S.Context, 0);
  as.setU8(location + S.Control, (h.control & ~(SL.INVOKE_ON_SUCCESS | SL.INVOKE_ON_ERROR | SL.INVOKE_ON_CANCEL)) | SL.INVOKE_ON_SUCCESS | SL.INVOKE_ON_ERROR | SL.INVOKE_ON_CANCEL);
  const status = (next as (d: number, i: number) => number)(device, irp) >>> 0;
  h.inCall = false;
  if (!h.held) return status;
  // As if the driver below had marked the IRP pending and returned STATUS_PENDING.
  as.setU8(location + S.Control, as.u8(location + S.Control) | SL.PENDING_RETURNED);
  k.dispatcher.workQueue.push({ routine: m.resume, args: [irp], frames: ['ExpWorkerThread'] });
  return STATUS.PENDING;
}

/** The verifier's completion routine in the caller's place: hold the completion back during the call, else pass it on. */
function trap(k: Kernel, device: number, irp: number): number {
  const h = machines.get(k)!.held.get(irp);
  if (!h) return STATUS.SUCCESS;
  if (h.inCall) {
    h.held = true;
    return STATUS.MORE_PROCESSING_REQUIRED;
  }
  machines.get(k)!.held.delete(irp);
  return callersRoutine(k, h, device, irp);
}

/** The held completion goes on: the caller's routine, then the locations above it, as IofCompleteRequest would have. */
function resume(k: Kernel, irp: number): void {
  const h = machines.get(k)!.held.get(irp);
  if (!h) return;
  machines.get(k)!.held.delete(irp);
  const as = k.as;
  as.setU8(irp + I.PendingReturned, 1);
  const stackCount = as.u8(irp + I.StackCount);
  const upper = h.location + IO_STACK_LOCATION.size;
  const last = as.u8(irp + I.CurrentLocation) > stackCount;
  const device = last ? 0 : as.u32(upper + S.DeviceObject);
  if (callersRoutine(k, h, device, irp) === STATUS.MORE_PROCESSING_REQUIRED) return;
  k.io.completeRequest(irp);
}

/** Run the routine the caller set for the location (if its Control asks for it), with the checks IofCompleteRequest makes. */
function callersRoutine(k: Kernel, h: Held, device: number, irp: number): number {
  const as = k.as;
  const status = as.i32(irp + I['IoStatus.Status']);
  const wants =
    (NT_SUCCESS(status) && h.control & SL.INVOKE_ON_SUCCESS) || (!NT_SUCCESS(status) && h.control & SL.INVOKE_ON_ERROR) || (as.u8(irp + I.Cancel) && h.control & SL.INVOKE_ON_CANCEL);
  const stackCount = as.u8(irp + I.StackCount);
  const upper = h.location + IO_STACK_LOCATION.size;
  const last = as.u8(irp + I.CurrentLocation) > stackCount;
  if (h.routine === 0 || !wants) {
    // IoMarkIrpPending propagates up when no completion routine does it.
    if (as.u8(irp + I.PendingReturned) && !last) as.setU8(upper + S.Control, as.u8(upper + S.Control) | SL.PENDING_RETURNED);
    return STATUS.SUCCESS;
  }
  const irql = k.irql;
  const r = (k.callRoutine(h.routine, [device, irp, h.context], ['IofCompleteRequest', 'IopfCompleteRequest']) as number) >>> 0;
  k.withFrames(['IofCompleteRequest', 'IopfCompleteRequest'], () => ioVerification(k)?.completionRoutineReturned(irp, k.routineAddress(h.routine), upper, r, irql, last));
  return r;
}
