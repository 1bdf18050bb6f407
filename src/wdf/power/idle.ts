/**
 * S0 idle (WdfDeviceAssignS0IdleSettings): a device whose power-managed queues have nothing waiting
 * or dispatched, and no WdfDeviceStopIdle reference, for IdleTimeout ms (0: 5 s) powers down to its
 * DxState (D3 for PowerDeviceMaximum) while the system stays in S0; a request arriving on a
 * power-managed queue, or WdfDeviceStopIdle, powers it up again. The power policy owner requests the
 * D-IRPs, from a work item (PASSIVE_LEVEL): the idle timer's DPC only checks (reference §4).
 */
import { WDF_DEVICE_POWER_POLICY_STATE as PWRPOL } from '../../nt/wdf-states.ts';
import { DEVICE_POWER_STATE } from '../../nt/power.ts';
import { STATUS } from '../../nt/status.ts';
import { FX_TYPE, WDF_TRI_STATE } from '../../nt/wdf.ts';
import { IDLE_TIMEOUT_DEFAULT_MS, WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS, WDF_POWER_POLICY_IDLE_TIMEOUT_TYPE, WDF_POWER_POLICY_S0_IDLE_CAPABILITIES } from '../../nt/wdf-pnp.ts';
import type { WdfDdi } from '../ddi.ts';
import type { FxDevice } from '../device.ts';
import type { Framework } from '../framework.ts';
import { FxKeTimer, fxRoutine } from '../ke.ts';
import { verifierBreak } from '../verifier.ts';
import type { FxPkgPnp } from '../pnp/package.ts';
import { frameworkWait } from './wait.ts';

const IS = WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS.off;
/** DelayedWorkQueue. */
const DELAYED_WORK_QUEUE = 1;

/** A device's idle state machine. */
export class FxPowerIdleMachine {
  enabled = false;
  timeoutMs = IDLE_TIMEOUT_DEFAULT_MS;
  dxState: number = DEVICE_POWER_STATE.PowerDeviceD3;
  /** IdleTimeoutType SystemManagedIdleTimeout(WithHint): the power framework settings may be assigned (power/pofx.ts). */
  systemManaged = false;
  /** WdfDeviceStopIdle references. */
  stopIdle = 0;
  /** Powered down for idleness (not for a sleep): an arrival powers it up. */
  idleDx = false;
  private timer: FxKeTimer | undefined;
  private workItem = 0;
  /** A power change the work item is to make (or is making). */
  private pending: 'down' | 'up' | undefined;

  constructor(
    private readonly fx: Framework,
    private readonly pnp: FxPkgPnp,
  ) {}

  /** Nothing waiting in or dispatched from a power-managed queue, no StopIdle reference. */
  private idle(): boolean {
    if (this.stopIdle > 0) return false;
    return this.pnp.queues().every((q) => !this.pnp.isPowerManaged(q) || (q.waiting.length === 0 && q.presented.size === 0));
  }

  /** The device is in D0 (started or woken): count the idle time from now. */
  arm(): void {
    if (!this.enabled || !this.pnp.inD0) return;
    const g = this.pnp.globals;
    this.timer ??= new FxKeTimer(this.fx, g.tag, () => this.expired());
    this.timer.set(BigInt(-this.timeoutMs) * 10_000n, 0);
  }

  disarm(): void {
    this.timer?.cancel();
  }

  /** The idle timer's DPC: idle still? then the work item powers down; busy: count again. */
  private expired(): void {
    if (!this.pnp.inD0 || this.pending) return;
    if (!this.idle()) return this.arm();
    this.schedule('down');
  }

  /** An arrival on a power-managed queue while idle in Dx (or WdfDeviceStopIdle): power up. */
  wake(): void {
    if (this.idleDx && !this.pending) this.schedule('up');
  }

  private schedule(change: 'down' | 'up'): void {
    const k = this.fx.k;
    this.pending = change;
    if (this.workItem === 0) this.workItem = k.ddi.IoAllocateWorkItem(this.pnp.device.deviceObject) >>> 0;
    const routine = fxRoutine(this.fx, 'FxPkgPnp::_PowerPolicyWorkItem', (_device, context) => machines.get(context)?.run());
    machines.set(this.workItem, this);
    k.ddi.IoQueueWorkItem(this.workItem, routine, DELAYED_WORK_QUEUE, this.workItem);
  }

  /** In the work item, at PASSIVE_LEVEL: the D-IRP, waited for. */
  private run(): void {
    const change = this.pending;
    if (change === 'down' && this.pnp.inD0 && this.idle()) {
      this.pnp.globals.record('FxPowerIdleMachine::ProcessEvent', `WDFDEVICE 0x${this.pnp.device.handle.toString(16)} idle for ${this.timeoutMs} ms: to D${this.dxState - 1}`);
      this.idleDx = true;
      this.pnp.powerPolicy.beforeIdleDx();
      if (!this.pnp.powerPolicy.s0Wake) this.pnp.policy(PWRPOL.WdfDevStatePwrPolTimerExpiredNoWake);
      this.pnp.requestDevicePower(this.dxState);
      if (!this.pnp.powerPolicy.s0Wake) this.pnp.policy(PWRPOL.WdfDevStatePwrPolTimerExpiredNoWakeCompletePowerDown, PWRPOL.WdfDevStatePwrPolWaitingUnarmed);
    } else if (change === 'up' && this.idleDx) {
      this.idleDx = false;
      const noWake = !this.pnp.powerPolicy.s0Wake;
      if (noWake) this.pnp.policy(PWRPOL.WdfDevStatePwrPolS0NoWakePowerUp);
      this.pnp.requestDevicePower(DEVICE_POWER_STATE.PowerDeviceD0);
      this.pnp.policy(...(noWake ? [PWRPOL.WdfDevStatePwrPolS0NoWakeCompletePowerUp] : []), PWRPOL.WdfDevStatePwrPolStartedIdleCapable);
    }
    this.pending = undefined;
    if (change === 'down' && this.pnp.inD0) this.arm();
  }

  free(): void {
    this.timer?.free();
    this.timer = undefined;
    if (this.workItem) {
      machines.delete(this.workItem);
      this.fx.k.ddi.IoFreeWorkItem(this.workItem);
      this.workItem = 0;
    }
  }
}

const machines = new Map<number, FxPowerIdleMachine>();

export function idleExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const pnpOf = (g: Parameters<WdfDdi>[0], Device: number): FxPkgPnp | undefined => fx.object<FxDevice>(g, Device, FX_TYPE.Device).pnp;

  return {
    WdfDeviceAssignS0IdleSettings(g, Device: number, Settings: number) {
      const pnp = pnpOf(g, Device);
      fx.require(g, Settings);
      if (!pnp) return STATUS.INVALID_DEVICE_REQUEST;
      if (as.u32(Settings + IS.Size) !== WDF_DEVICE_POWER_POLICY_IDLE_SETTINGS.size) return STATUS.INFO_LENGTH_MISMATCH;
      // Only the power policy owner (not a filter, unless it took the ownership) sets idle policy.
      if (!pnp.powerPolicy.owner) {
        verifierBreak(fx, g, 'FxPkgPnp::PowerPolicySetS0IdleSettings', `WDFDEVICE 0x${Device.toString(16)} is not the power policy owner`);
        return STATUS.INVALID_DEVICE_REQUEST;
      }
      const caps = as.u32(Settings + IS.IdleCaps);
      if (caps < WDF_POWER_POLICY_S0_IDLE_CAPABILITIES.CannotWakeFromS0 || caps > WDF_POWER_POLICY_S0_IDLE_CAPABILITIES.UsbSelectiveSuspend) return STATUS.INVALID_PARAMETER;
      // Waking from S0 needs a bus that can wake the device (power/policy.ts asks it).
      const s0Wake = caps !== WDF_POWER_POLICY_S0_IDLE_CAPABILITIES.CannotWakeFromS0;
      if (s0Wake && !pnp.powerPolicy.busCanWake()) return STATUS.POWER_STATE_INVALID;
      pnp.powerPolicy.s0Wake = s0Wake;
      const idle = pnp.idle;
      const dx = as.u32(Settings + IS.DxState);
      idle.dxState = dx >= DEVICE_POWER_STATE.PowerDeviceD1 && dx <= DEVICE_POWER_STATE.PowerDeviceD3 ? dx : DEVICE_POWER_STATE.PowerDeviceD3;
      idle.timeoutMs = as.u32(Settings + IS.IdleTimeout) || IDLE_TIMEOUT_DEFAULT_MS;
      idle.systemManaged = as.u32(Settings + IS.IdleTimeoutType) !== WDF_POWER_POLICY_IDLE_TIMEOUT_TYPE.DriverManaged;
      idle.enabled = as.u32(Settings + IS.Enabled) !== WDF_TRI_STATE.False;
      if (idle.enabled) idle.arm();
      else idle.disarm();
      return STATUS.SUCCESS;
    },

    WdfDeviceStopIdleActual(g, Device: number, WaitForD0: number, _Tag: number, _Line: number, _File: number) {
      const pnp = pnpOf(g, Device);
      if (!pnp) return STATUS.INVALID_DEVICE_REQUEST;
      const idle = pnp.idle;
      idle.stopIdle++;
      if (!idle.idleDx) return STATUS.SUCCESS;
      idle.wake();
      if ((WaitForD0 & 0xff) === 0) return STATUS.PENDING;
      frameworkWait(fx, g, () => pnp.inD0, `WDFDEVICE 0x${Device.toString(16)} to return to D0`);
      return STATUS.SUCCESS;
    },

    WdfDeviceResumeIdleActual(g, Device: number, _Tag: number, _Line: number, _File: number) {
      const pnp = pnpOf(g, Device);
      if (!pnp) return;
      const idle = pnp.idle;
      if (idle.stopIdle === 0) return verifierBreak(fx, g, 'FxPkgPnp::PowerPolicyResumeIdle', `WDFDEVICE 0x${Device.toString(16)}: WdfDeviceResumeIdle without a WdfDeviceStopIdle`);
      if (--idle.stopIdle === 0) idle.arm();
    },
  };
}
