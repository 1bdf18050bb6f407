/**
 * I/O verification (0x10, with 0x40 enhanced): what Windows checks in IovCallDriver and
 * IovCompleteRequest around a verified driver's dispatch and completion routines. Those routines are
 * not imports, so no thunk sees them: the I/O manager says when it calls them and when they return
 * (k.events irpDispatch, irpDispatched, irpCompleting, irpCompletionRoutineReturned) and this
 * listens. The thunks of the DDIs a driver calls (IoCompleteRequest, IoCallDriver, IoFreeIrp,
 * ExFreePool) are in thunks/iov.ts; both share the IRP state kept here.
 */
import type { Culprit, Kernel } from '../kernel/kernel.ts';
import { lowerDevice } from '../kernel/io/stack.ts';
import { IRP_MJ, SL } from '../nt/io.ts';
import { IRP_MN_PNP } from '../nt/pnp.ts';
import { IO_STACK_LOCATION, IRP } from '../nt/layout.ts';
import { NT_SUCCESS, STATUS } from '../nt/status.ts';
import type { VerifierContext } from './context.ts';
import { VF } from './flags.ts';
import { IrpLog } from './irp-log.ts';
import { AddressSet } from '../kernel/rtl/address-table.ts';
import { RULES, type VerifierRule } from './rules.ts';

/** One call of a dispatch routine, on the thread that made it. */
export interface DispatchCall {
  readonly irp: number;
  readonly location: number;
  readonly device: number;
  /** The dispatch routine (its code address). */
  readonly routine: number;
  /** The device directly below `device` when the call began; 0 for the bottom of a stack (a PDO). */
  readonly lower: number;
  readonly major: number;
  readonly minor: number;
  /** Irp->IoStatus.Status as the IRP arrived. */
  readonly statusIn: number;
  /** SL_PENDING_RETURNED was already set in the location as the IRP arrived: a caller that marked it pending skipped its location (IoSkipCurrentIrpStackLocation), and the mark is the caller's, not this routine's. */
  readonly pendingIn: boolean;
  /** The IRP was sent on to another driver (IoCallDriver) during the call. */
  forwarded: boolean;
  /** Completed at this call's own stack location during the call: IoStatus.Status and the location's Control then. */
  completed?: { readonly status: number; readonly control: number };
  /** Sent on, or completion begun, on any thread during the call (a dispatch may hand the IRP to a worker and wait). */
  sentAnywhere: boolean;
  completedAnywhere: boolean;
  /** During the call the driver detached `device` from `lower` (IoDetachDevice) / deleted `device` (IoDeleteDevice). */
  detached: boolean;
  deleted: boolean;
}

/** nt routines of I/O verification: the frames of its checks around dispatch and completion routines, and Force pending I/O's (force-pending.ts). */
export const IOV_ROUTINES = ['IovCallDriver', 'IovCompleteRequest', 'IovpCompleteRequest', 'ViForcePendingCompletion', 'ViForcePendingResume'];

const isRemove = (c: DispatchCall) => c.major === IRP_MJ.PNP && c.minor === IRP_MN_PNP.REMOVE_DEVICE;

const machines = new WeakMap<Kernel, IoVerification>();

/** The machine's I/O verification state (created by the Verifier). */
export function ioVerification(k: Kernel): IoVerification | undefined {
  return machines.get(k);
}

export class IoVerification {
  /**
   * IRPs sent with IoCallDriver whose completion has not begun: freeing one is 0xC9/0x20B. Typed
   * arrays, not a Set: one IRP in and out per request made a Set shrink and regrow its table each time.
   */
  readonly inFlight = new AddressSet();
  /** IRP logging (0x400): the log `!verifier 0x100` reads. */
  readonly irpLog = new IrpLog();
  /** Dispatch routines running, per thread (a dispatch may wait, and another thread dispatch meanwhile). */
  private readonly calls = new Map<number, DispatchCall[]>();

  constructor(
    private readonly k: Kernel,
    private readonly flags: number,
    /** The verified driver whose image holds `address`, as its thunks see it. */
    private readonly contextAt: (address: number) => VerifierContext | undefined,
  ) {
    machines.set(k, this);
    k.events.on('irpDispatch', (e) => this.onDispatch(e.device, e.irp, e.routine, e.location));
    k.events.on('irpDispatched', (e) => this.onDispatched(e.device, e.irp, e.routine, e.location, e.status, e.irql));
    k.events.on('irpCompleting', (e) => this.onCompleting(e.irp, e.location, e.status));
    k.events.on('irpCompletionRoutineReturned', (e) => this.completionRoutineReturned(e.irp, e.routine, e.location, e.status, e.irql, e.last));
  }

  private get on(): boolean {
    return (this.flags & VF.IO_VERIFICATION) !== 0;
  }

  private stack(): DispatchCall[] {
    const t = this.k.currentThread.address;
    // The thread of the last event, remembered: three events a request, all on one thread.
    if (t === this.lastThread) return this.lastStack;
    let s = this.calls.get(t);
    if (!s) this.calls.set(t, (s = []));
    this.lastThread = t;
    this.lastStack = s;
    return s;
  }
  private lastThread = -1;
  private lastStack: DispatchCall[] = [];

  private onDispatch(device: number, irp: number, routine: number, location: number): void {
    this.inFlight.insert(irp);
    const s = this.stack();
    for (const c of s) if (c.irp === irp) c.forwarded = true;
    for (const t of this.calls.values()) for (const c of t) if (c.irp === irp) c.sentAnywhere = true;
    const as = this.k.as;
    s.push({
      irp,
      location,
      device,
      routine,
      lower: lowerDevice(this.k, device),
      major: as.u8(location + IO_STACK_LOCATION.off.MajorFunction),
      minor: as.u8(location + IO_STACK_LOCATION.off.MinorFunction),
      statusIn: as.u32(irp + IRP.off['IoStatus.Status']),
      pendingIn: (as.u8(location + IO_STACK_LOCATION.off.Control) & SL.PENDING_RETURNED) !== 0,
      forwarded: false,
      sentAnywhere: false,
      completedAnywhere: false,
      detached: false,
      deleted: false,
    });
  }

  /** The innermost dispatch call of `irp` running on this thread (the driver that holds it now), if any. */
  activeCall(irp: number): DispatchCall | undefined {
    const s = this.calls.get(this.k.currentThread.address);
    if (!s) return undefined;
    for (let i = s.length - 1; i >= 0; i--) if (s[i]!.irp === irp) return s[i];
    return undefined;
  }

  /** IoDetachDevice(target) / IoDeleteDevice(device) by a verified driver: noted on the removal calls they finish. */
  deviceDetached(target: number): void {
    for (const s of this.calls.values()) for (const c of s) if (c.lower === target && isRemove(c)) c.detached = true;
  }

  deviceDeleted(device: number): void {
    for (const s of this.calls.values()) for (const c of s) if (c.device === device && isRemove(c)) c.deleted = true;
  }

  private onCompleting(irp: number, location: number, status: number): void {
    this.inFlight.remove(irp);
    for (const t of this.calls.values()) for (const c of t) if (c.irp === irp) c.completedAnywhere = true;
    const s = this.stack();
    // The innermost call of this IRP: with IoSkipCurrentIrpStackLocation a driver below shares its caller's location.
    for (let i = s.length - 1; i >= 0; i--) {
      const c = s[i]!;
      if (c.irp !== irp) continue;
      if (c.location === location) c.completed = { status, control: this.k.as.u8(location + IO_STACK_LOCATION.off.Control) };
      break;
    }
  }

  private onDispatched(device: number, irp: number, routine: number, location: number, status: number, irql: number): void {
    const s = this.stack();
    let call: DispatchCall | undefined;
    for (let i = s.length - 1; i >= 0; i--) {
      if (s[i]!.irp === irp && s[i]!.location === location) {
        call = s[i];
        // The innermost call (nearly always the last): pop, no array made.
        if (i === s.length - 1) s.pop();
        else s.splice(i, 1);
        break;
      }
    }
    const vf = this.on ? this.contextAt(routine) : undefined;
    if (!vf || !call) return;
    const k = this.k;
    const raise = (rule: VerifierRule, p2: number, p3: number, p4: number) => this.raise(vf, rule, p2, p3, p4, 'IovCallDriver', 0x6b, routine);
    if (k.irql !== irql) raise(RULES.DispatchIrqlChanged, device, irql, k.irql);
    // A function or filter driver leaves the stack when it handles a removal (a PDO stays until its hardware is gone).
    if (isRemove(call) && call.lower !== 0 && status !== STATUS.PENDING && NT_SUCCESS(status)) {
      if (!call.detached) raise(RULES.PnpRemoveNotDetached, routine, irp, device);
      if (!call.deleted) raise(RULES.PnpRemoveNotDeleted, routine, irp, device);
    }
    // Neither sent on nor completed, and not STATUS_PENDING: nobody will ever complete the IRP.
    if (status !== STATUS.PENDING && !call.sentAnywhere && !call.completedAnywhere) raise(RULES.DispatchLeftIrp, routine, irp, status);
    // A routine that sent the IRP on returns what the driver below said; the checks below are the lower driver's.
    if (call.forwarded) return;
    // Completed: the IRP may be freed by now; its Control is the one seen at completion. Not completed: it is still the driver's.
    const control = call.completed ? call.completed.control : k.as.u8(location + IO_STACK_LOCATION.off.Control);
    const marked = (control & SL.PENDING_RETURNED) !== 0;
    if (status === STATUS.PENDING && !marked) raise(RULES.PendingNotMarked, routine, irp, status);
    if (status !== STATUS.PENDING && marked && !call.pendingIn) raise(RULES.MarkedNotPending, routine, irp, status);
    if (call.completed && status !== STATUS.PENDING && status !== call.completed.status >>> 0) raise(RULES.ReturnStatusMismatch, routine, irp, call.completed.status);
  }

  /** A completion routine returned (from IofCompleteRequest, or from Force pending I/O's resumed completion). */
  completionRoutineReturned(irp: number, routine: number, location: number, status: number, irql: number, last: boolean): void {
    const vf = this.on ? this.contextAt(routine) : undefined;
    if (!vf) return;
    const k = this.k;
    if (k.irql !== irql) this.raise(vf, RULES.CompletionRoutineIrqlChanged, routine, irql, k.irql, 'IovpCompleteRequest', 0x4e, routine);
    // The routine of the IRP's creator has no stack location of its own to mark.
    if (last || status === STATUS.MORE_PROCESSING_REQUIRED) return;
    const pendingReturned = k.as.u8(irp + IRP.off.PendingReturned) !== 0;
    const marked = (k.as.u8(location + IO_STACK_LOCATION.off.Control) & SL.PENDING_RETURNED) !== 0;
    if (pendingReturned && !marked) this.raise(vf, RULES.CompletionNotMarkedPending, routine, irp, 0, 'IovpCompleteRequest', 0x4e, routine);
  }

  /** Raise from the I/O manager's side: the driver's routine has returned, so blame it by name. */
  private raise(vf: VerifierContext, rule: VerifierRule, p2: number, p3: number, p4: number, frame: string, offset: number, routine: number): never {
    const k = this.k;
    vf.driver.sync();
    const culprit: Culprit = { module: vf.driver.name, address: routine };
    return k.stacks.frame(k.nt.address(frame, offset), () => k.bugCheck(rule.code, rule.p1 ?? 0, p2, p3, p4, undefined, culprit));
  }
}
