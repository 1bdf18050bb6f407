/**
 * Interrupt objects and their dispatch. A connected KINTERRUPT (opaque to drivers: a pool block with
 * its own spin lock) names an ISR, its context, a vector and the DIRQL its ISR runs at. When a device
 * raises its line (Interrupts.raise, from a test or a register write hook), the ISRs of that vector run
 * at their SynchronizeIrql holding the interrupt spin lock, as KiInterruptDispatch runs them: for a
 * level-sensitive vector until one claims the interrupt (returns TRUE), for a latched one all of them.
 * An interrupt raised while the processor is at or above its DIRQL waits until the IRQL drops below it;
 * DPCs the ISR queued run when the IRQL falls below DISPATCH_LEVEL on the way out.
 */
import { KINTERRUPT_MODE } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';

/** The opaque KINTERRUPT: ActualLock (the interrupt spin lock, unless the driver gave one) first. */
export const KINTERRUPT_SIZE = 0x40;
const ACTUAL_LOCK = 0;

export interface KInterrupt {
  readonly address: number;
  readonly serviceRoutine: number;
  readonly serviceContext: number;
  /** The spin lock the ISR and KeSynchronizeExecution hold: the driver's, or the object's own. */
  readonly spinLock: number;
  readonly vector: number;
  /** The device's DIRQL. */
  readonly irql: number;
  /** Where the ISR runs: at least irql (the highest DIRQL of the ISRs sharing the driver's lock). */
  readonly synchronizeIrql: number;
  readonly mode: number;
  readonly shareVector: boolean;
  /** The IoConnectInterruptEx version that connected it (CONNECT_FULLY_SPECIFIED for IoConnectInterrupt). */
  readonly version: number;
}

/** What IoConnectInterrupt is told (the fully specified form of IoConnectInterruptEx). */
export type ConnectSpec = Omit<KInterrupt, 'address' | 'spinLock'> & { readonly spinLock: number; readonly processorEnableMask: number };

/** A device's line-based interrupt: what its resources say (PnP hands these out as CM_RESOURCE_LIST). */
export interface InterruptLine {
  readonly vector: number;
  readonly irql: number;
  readonly mode: number;
  readonly shareVector: boolean;
}

/** One ISR call, for tests and listings. */
export interface IsrCall {
  readonly interrupt: number;
  readonly vector: number;
  readonly irql: number;
  readonly claimed: boolean;
}

export class Interrupts {
  readonly connected = new Map<number, KInterrupt>();
  /** Line-based interrupts by physical device object (IoConnectInterruptEx CONNECT_LINE_BASED reads these). */
  readonly lines = new Map<number, InterruptLine>();
  readonly isrCalls: IsrCall[] = [];
  /** Raised on a vector no ISR is connected to (Windows counts these as unexpected interrupts). */
  unexpected = 0;
  private readonly pending: number[] = [];

  constructor(private readonly k: Kernel) {}

  /** KeConnectInterrupt's checks, then a new KINTERRUPT; a status when it cannot be connected. */
  connect(spec: ConnectSpec): { status: number; interrupt?: KInterrupt } {
    const processors = this.k.processors.length;
    const available = processors >= 32 ? 0xffffffff : (1 << processors) - 1;
    if (spec.synchronizeIrql < spec.irql || (spec.processorEnableMask & available) === 0) return { status: STATUS.INVALID_PARAMETER };
    if (spec.mode !== KINTERRUPT_MODE.LevelSensitive && spec.mode !== KINTERRUPT_MODE.Latched) return { status: STATUS.INVALID_PARAMETER };
    const others = [...this.connected.values()].filter((i) => i.vector === spec.vector);
    // A vector is shared only if every connection to it says so, in the same mode.
    if (others.some((i) => !i.shareVector || !spec.shareVector || i.mode !== spec.mode)) return { status: STATUS.INVALID_PARAMETER };
    const address = this.k.tryAllocateKernelObject(KINTERRUPT_SIZE, TAG.Interrupt);
    if (address === 0) return { status: STATUS.INSUFFICIENT_RESOURCES };
    this.k.as.zero(address, KINTERRUPT_SIZE);
    const interrupt: KInterrupt = { ...spec, address, spinLock: spec.spinLock || address + ACTUAL_LOCK };
    this.connected.set(address, interrupt);
    return { status: STATUS.SUCCESS, interrupt };
  }

  /** IoDisconnectInterrupt: the ISR is no longer called and the object is freed. False if it is not connected. */
  disconnect(address: number): boolean {
    if (!this.connected.delete(address)) return false;
    this.k.freeKernelObject(address);
    return true;
  }

  get(address: number): KInterrupt | undefined {
    return this.connected.get(address);
  }

  /** A device raises its line: the ISRs run now, or once the IRQL drops below their DIRQL. */
  raise(vector: number): void {
    const isrs = [...this.connected.values()].filter((i) => i.vector === vector);
    if (isrs.length === 0) {
      this.unexpected++;
      return;
    }
    if (this.k.irql >= Math.min(...isrs.map((i) => i.irql))) {
      if (!this.pending.includes(vector)) this.pending.push(vector);
      return;
    }
    this.dispatch(isrs);
  }

  /** After code of ours lowered the IRQL: the interrupts it held off run now. */
  deliverPending(): void {
    const ready = this.pending.filter((v) => [...this.connected.values()].some((i) => i.vector === v && this.k.irql < i.irql));
    for (const v of ready) {
      this.pending.splice(this.pending.indexOf(v), 1);
      this.raise(v);
    }
  }

  private dispatch(isrs: readonly KInterrupt[]): void {
    const k = this.k;
    const old = k.prcb.irql;
    for (const i of isrs) {
      k.prcb.irql = i.synchronizeIrql;
      this.acquire(i);
      let claimed = false;
      try {
        claimed = (k.callRoutine(i.serviceRoutine, [i.address, i.serviceContext], ['KiInterruptDispatch']) as number | boolean) ? true : false;
      } finally {
        this.release(i);
      }
      this.isrCalls.push({ interrupt: i.address, vector: i.vector, irql: i.synchronizeIrql, claimed });
      if (claimed && i.mode === KINTERRUPT_MODE.LevelSensitive) break;
    }
    // The end of the interrupt: back to the interrupted IRQL, where the DPCs the ISR queued run if it is low enough.
    this.lower(old);
  }

  /** KeAcquireInterruptSpinLock's and KeSynchronizeExecution's raise: to SynchronizeIrql, holding the lock. */
  enter(i: KInterrupt): number {
    const old = this.k.prcb.irql;
    if (i.synchronizeIrql > old) this.k.prcb.irql = i.synchronizeIrql;
    this.acquire(i);
    return old;
  }

  leave(i: KInterrupt, oldIrql: number): void {
    this.release(i);
    this.lower(oldIrql);
  }

  /** Back to `irql`: DPCs run below DISPATCH_LEVEL (KeLowerIrql), held-off interrupts below their DIRQL. */
  private lower(irql: number): void {
    this.k.ddi.KeLowerIrql(irql);
    if (this.pending.length > 0) this.deliverPending();
  }

  private acquire(i: KInterrupt): void {
    // One processor: a held interrupt lock is never released while this code spins at DIRQL.
    if (this.k.as.u32(i.spinLock) !== 0) this.k.watchdog.spinForever();
    this.k.as.setU32(i.spinLock, this.k.currentThread.address | 1);
  }

  private release(i: KInterrupt): void {
    this.k.as.setU32(i.spinLock, 0);
  }
}
