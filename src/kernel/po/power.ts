/**
 * The power manager's state: each device object's power state as its driver last reported it with
 * PoSetPowerState, and the routine that builds and sends a power IRP (PoRequestPowerIrp's and the
 * system transition's). One per kernel, made on first use, so a run that never touches power uses
 * no pool for it.
 */
import { IO_TYPE, IRP_MJ } from '../../nt/io.ts';
import { DEVICE_OBJECT, IO_STACK_LOCATION, IRP } from '../../nt/layout.ts';
import { DEVICE_POWER_STATE, IRP_MN_POWER, POWER_ACTION, POWER_STATE_TYPE, SYSTEM_POWER_STATE } from '../../nt/power.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { IdleDetection } from './idle.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;

/** nt routines the power manager runs as and under (poExports adds them to nt's image at boot). */
export const PO_ROUTINES = ['PopIrpWorker', 'PopCompleteRequestIrp', 'PopScanIdleList', 'PopSetDevicesSystemState', 'PopNotifyDevice'] as const;

export interface PowerIrpRequest {
  /** The device the IRP is for: it goes to the top of that device's stack. */
  readonly device: number;
  readonly minor: number;
  /** POWER_STATE_TYPE (ignored for IRP_MN_WAIT_WAKE, whose state is a system state). */
  readonly type: number;
  readonly state: number;
  readonly shutdownType?: number;
  /**
   * Runs once the IRP has completed all the way up (no completion routine stopped it), before the
   * IRP is freed. `stateAddress` holds the POWER_STATE the request named, in the IRP's own stack
   * location (where a completion function's by-value POWER_STATE can point).
   */
  readonly completed: (irp: number, stateAddress: number) => void;
}

export class PowerManager {
  private readonly states = new Map<number, { system: number; device: number }>();
  /** Power IRPs sent and not yet completed, by IRP. */
  readonly pending = new Set<number>();
  readonly idle: IdleDetection;
  private readonly worker: number;

  constructor(private readonly k: Kernel) {
    this.worker = k.nt.address('PopIrpWorker');
    // The power IRP worker: sends one queued IRP to the top of its stack at PASSIVE_LEVEL.
    k.registerRoutine(this.worker, ((irp: number, target: number) => k.io.callDriver(target, irp)) as never, 'nt');
    this.idle = new IdleDetection(k, this);
  }

  /** The device's power state of `type` as its driver last set it; Unspecified (0) until then, as WRK's device object extension starts. */
  state(device: number, type: number): number {
    const s = this.live(device);
    return type === POWER_STATE_TYPE.SystemPowerState ? s.system : s.device;
  }

  /** PoSetPowerState's record: returns the previous state of that type. */
  setState(device: number, type: number, state: number): number {
    const s = this.live(device);
    const previous = type === POWER_STATE_TYPE.SystemPowerState ? s.system : s.device;
    if (type === POWER_STATE_TYPE.SystemPowerState) s.system = state;
    else s.device = state;
    if (type === POWER_STATE_TYPE.DevicePowerState) this.idle.deviceStateChanged(device, state);
    return previous;
  }

  /** A deleted device's record goes with it (a new device at the same address starts afresh). */
  private live(device: number): { system: number; device: number } {
    let s = this.states.get(device);
    if (s === undefined || !this.k.ob.isObject(device)) {
      s = { system: SYSTEM_POWER_STATE.PowerSystemUnspecified, device: DEVICE_POWER_STATE.PowerDeviceUnspecified };
      this.states.set(device, s);
    }
    return s;
  }

  /**
   * Build a power IRP for the top of `req.device`'s stack, with one stack location more than the
   * stack needs: the power manager's own (as WRK's PopRequestPowerIrp keeps its request there), its
   * Others arguments the device, minor function, state and 0. IoStatus starts as STATUS_NOT_SUPPORTED,
   * as the power manager starts every power IRP. Returns 0 when there is no pool for it.
   */
  buildIrp(req: PowerIrpRequest): { irp: number; target: number } | undefined {
    const k = this.k;
    const as = k.as;
    const target = k.io.topOfStack(req.device);
    const irp = k.io.allocateIrp(as.u8(target + DEVICE_OBJECT.off.StackSize) + 1);
    if (irp === 0) return undefined;
    as.setU8(irp + I.RequestorMode, 0);
    as.setU32(irp + I['IoStatus.Status'], STATUS.NOT_SUPPORTED);
    as.setU32(irp + I['IoStatus.Information'], 0);
    // IoSetNextIrpStackLocation: the power manager's location becomes current.
    const own = k.io.nextStackLocation(irp);
    as.setU8(irp + I.CurrentLocation, as.u8(irp + I.CurrentLocation) - 1);
    as.setU32(irp + I['Tail.CurrentStackLocation'], own);
    as.setU8(own + S.MajorFunction, IRP_MJ.POWER);
    as.setU8(own + S.MinorFunction, req.minor);
    as.setU32(own + S.DeviceObject, req.device);
    as.setU32(own + S['Parameters.Others.Argument1'], req.device);
    as.setU32(own + S['Parameters.Others.Argument2'], req.minor);
    as.setU32(own + S['Parameters.Others.Argument3'], req.state);
    // The first driver's location.
    const sp = k.io.nextStackLocation(irp);
    as.setU8(sp + S.MajorFunction, IRP_MJ.POWER);
    as.setU8(sp + S.MinorFunction, req.minor);
    if (req.minor === IRP_MN_POWER.WAIT_WAKE) {
      as.setU32(sp + S['Parameters.WaitWake.PowerState'], req.state);
    } else {
      as.setU32(sp + S['Parameters.Power.SystemContext'], 0);
      as.setU32(sp + S['Parameters.Power.Type'], req.type);
      as.setU32(sp + S['Parameters.Power.State'], req.state);
      as.setU32(sp + S['Parameters.Power.ShutdownType'], req.shutdownType ?? POWER_ACTION.PowerActionNone);
    }
    this.pending.add(irp);
    k.io.completionHooks.set(irp, () => {
      this.pending.delete(irp);
      try {
        k.withFrames(['PopCompleteRequestIrp'], () => req.completed(irp, own + S['Parameters.Others.Argument3']));
      } finally {
        k.io.freeIrp(irp);
      }
    });
    return { irp, target };
  }

  /** Queue the IRP to the power IRP worker: it reaches the stack once the dispatcher runs the worker. */
  queue(irp: number, target: number): void {
    this.k.dispatcher.workQueue.push({ routine: this.worker, args: [irp, target], frames: [] });
  }

  /** True if `irp` is a power IRP still on its way. */
  isPending(irp: number): boolean {
    return this.pending.has(irp) && this.k.as.u16(irp + I.Type) === IO_TYPE.IRP;
  }
}

const managers = new WeakMap<Kernel, PowerManager>();

/** The kernel's power manager, made on first use. */
export function powerManager(k: Kernel): PowerManager {
  let po = managers.get(k);
  if (po === undefined) {
    po = new PowerManager(k);
    managers.set(k, po);
  }
  return po;
}
