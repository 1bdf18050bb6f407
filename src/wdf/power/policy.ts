/**
 * Power policy and wake (FxPkgPnp's power policy owner half): the driver's power-policy callbacks
 * (WdfDeviceInitSetPowerPolicyEventCallbacks), who owns the stack's policy
 * (WdfDeviceInitSetPowerPolicyOwnership; default: the function driver, not a filter), system wake
 * (WdfDeviceAssignSxWakeSettings) and S0 wake (IdleCanWakeFromS0 in the idle settings, power/idle.ts).
 *
 * Arming, as the reference (§4) and the callbacks' pages order it: before the owner requests the Dx
 * IRP it sends IRP_MN_WAIT_WAKE down (PoRequestPowerIrp, PowerState = the bus's SystemWake); in the
 * power-down half, after the power-managed queues stopped, EvtDeviceArmWakeFromS0 (idle) or
 * EvtDeviceArmWakeFromSx[WithReason] (sleep), then D0ExitPreInterruptsDisabled and D0Exit. Waking:
 * the bus completes the WAIT_WAKE with success when the device signals wake; in S0 the owner then
 * requests D0 (the idle work item), in Sx the system's S0 does. In the power-up half, after D0Entry
 * (and D0EntryPostInterruptsEnabled): EvtDeviceWakeFromS0Triggered / EvtDeviceWakeFromSxTriggered
 * if the device signalled, then EvtDeviceDisarmWakeFromS0 / Sx, then the queues restart. A power-up
 * for another reason (a request arriving, the system's S0 without a wake signal) cancels the pending
 * WAIT_WAKE first. A failed ArmWakeFromS0 gets no Disarm; a failed ArmWakeFromSx gets its Disarm at
 * once (the pages of both callbacks).
 *
 * The bus's wake capabilities (SystemWake, DeviceWake) come from IRP_MN_QUERY_CAPABILITIES, sent down
 * the stack the first time they are needed (assigning wake settings, the start): a bus that cannot
 * wake makes the assignment fail with STATUS_POWER_STATE_INVALID, as the DDI reference says.
 */
import { IRP_MJ } from '../../nt/io.ts';
import { DEVICE_CAPABILITIES, IO_STACK_LOCATION, IO_STATUS_BLOCK, IRP, KEVENT } from '../../nt/layout.ts';
import { IRP_MN_PNP } from '../../nt/pnp.ts';
import { DEVICE_POWER_STATE, IRP_MN_POWER, SYSTEM_POWER_STATE, systemStateName } from '../../nt/power.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import { FX_TYPE, WDF_BUGCHECK, WDF_TRI_STATE } from '../../nt/wdf.ts';
import { WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS, WDF_POWER_POLICY_EVENT_CALLBACKS, WDF_POWER_POLICY_SX_WAKE_USER_CONTROL } from '../../nt/wdf-wake.ts';
import type { WdfDdi } from '../ddi.ts';
import { deviceInits, type FxDevice } from '../device.ts';
import type { FxDriverGlobals } from '../globals.ts';
import type { Framework } from '../framework.ts';
import type { FxRoutine } from '../image.ts';
import { fxRoutine } from '../ke.ts';
import { verifierBreak } from '../verifier.ts';
import type { FxPkgPnp } from '../pnp/package.ts';

const CB = WDF_POWER_POLICY_EVENT_CALLBACKS.off;
const WS = WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS.off;
const CAPS = DEVICE_CAPABILITIES.off;
const S = IO_STACK_LOCATION.off;
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

/** The driver's WDF_POWER_POLICY_EVENT_CALLBACKS, by member name (0: none). */
export type PowerPolicyCallbacks = Readonly<Record<Exclude<keyof typeof CB, 'Size'>, number>>;

export const NO_POLICY_CALLBACKS: PowerPolicyCallbacks = Object.fromEntries(
  Object.keys(CB)
    .filter((n) => n !== 'Size')
    .map((n) => [n, 0]),
) as PowerPolicyCallbacks;

/** Which callback runs under which framework frame. */
const FRAMES: Record<keyof PowerPolicyCallbacks, FxRoutine> = {
  EvtDeviceArmWakeFromS0: 'FxPowerDeviceArmWakeFromS0::Invoke',
  EvtDeviceDisarmWakeFromS0: 'FxPowerDeviceDisarmWakeFromS0::Invoke',
  EvtDeviceWakeFromS0Triggered: 'FxPowerDeviceWakeFromS0Triggered::Invoke',
  EvtDeviceArmWakeFromSx: 'FxPowerDeviceArmWakeFromSx::Invoke',
  EvtDeviceDisarmWakeFromSx: 'FxPowerDeviceDisarmWakeFromSx::Invoke',
  EvtDeviceWakeFromSxTriggered: 'FxPowerDeviceWakeFromSxTriggered::Invoke',
  EvtDeviceArmWakeFromSxWithReason: 'FxPowerDeviceArmWakeFromSxWithReason::Invoke',
};

/** What WDFDEVICE_INIT carries for power policy (pnp/add-device.ts's FxPnpInit holds it). */
export interface FxPowerPolicyInit {
  policyCallbacks?: PowerPolicyCallbacks;
  /** WdfDeviceInitSetPowerPolicyOwnership; undefined: the default (owner unless a filter). */
  policyOwner?: boolean;
}

/** The WAIT_WAKE the owner has sent, until its completion routine has run. */
interface WaitWake {
  readonly irp: number;
  /** Its final status once completed. */
  status?: number;
}

/** For S0 (idle in S0) or Sx (a system sleep). */
type WakeFrom = 'S0' | 'Sx';

export class FxPowerPolicy {
  readonly callbacks: PowerPolicyCallbacks;
  readonly owner: boolean;
  /** IdleCanWakeFromS0 / IdleUsbSelectiveSuspend in the idle settings. */
  s0Wake = false;
  /** WdfDeviceAssignSxWakeSettings: the Dx for a wakeable sleep, and whether system wake is on. */
  sx: { dxState: number; enabled: boolean; userControl: boolean } | undefined;
  /** The bus's answer to IRP_MN_QUERY_CAPABILITIES (undefined until asked). */
  private caps: { systemWake: number; deviceWake: number } | undefined;
  /** Armed for the current Dx: for what, and whether the driver's Arm callback succeeded (its Disarm is due). */
  private armed: { from: WakeFrom; disarmDue: boolean } | undefined;
  private waitWake: WaitWake | undefined;
  /** The device signalled wake while armed (its WAIT_WAKE completed with success). */
  private triggered = false;
  /** Where PoRequestPowerIrp stores the WAIT_WAKE's address (nonpaged pool, the driver's tag). */
  private irpSlot = 0;
  private readonly key: number;

  constructor(
    private readonly fx: Framework,
    private readonly pnp: FxPkgPnp,
    init: FxPowerPolicyInit,
    filter: boolean,
  ) {
    this.callbacks = init.policyCallbacks ?? NO_POLICY_CALLBACKS;
    this.owner = init.policyOwner ?? !filter;
    this.key = ++policyKey;
    policies.set(this.key, this);
  }

  private record(text: string): void {
    this.pnp.globals.record('FxPkgPnp::PowerPolicy', `WDFDEVICE ${hex(this.pnp.device.handle)} ${text}`);
  }

  private call(name: keyof PowerPolicyCallbacks, ...args: number[]): number {
    const routine = this.callbacks[name];
    if (!routine) return STATUS.SUCCESS;
    const result = this.fx.invoke(routine, [this.pnp.device.handle, ...args], [FRAMES[name]]);
    return typeof result === 'number' ? result >>> 0 : STATUS.SUCCESS;
  }

  // ---- the bus's capabilities ---------------------------------------------------------------

  /** SystemWake and DeviceWake of the stack below (IRP_MN_QUERY_CAPABILITIES, sent once, at PASSIVE_LEVEL). */
  capabilities(): { systemWake: number; deviceWake: number } {
    if (this.caps) return this.caps;
    const k = this.fx.k;
    const as = k.as;
    const tag = this.pnp.globals.tag;
    const block = this.fx.allocate(KEVENT.size + IO_STATUS_BLOCK.size + DEVICE_CAPABILITIES.size, tag);
    const iosb = block + KEVENT.size;
    const caps = iosb + IO_STATUS_BLOCK.size;
    as.setU16(caps + CAPS.Size, DEVICE_CAPABILITIES.size);
    as.setU16(caps + CAPS.Version, 1);
    as.setU32(caps + CAPS.Address, 0xffffffff);
    as.setU32(caps + CAPS.UINumber, 0xffffffff);
    let systemWake: number = SYSTEM_POWER_STATE.PowerSystemUnspecified;
    let deviceWake: number = DEVICE_POWER_STATE.PowerDeviceUnspecified;
    k.ddi.KeInitializeEvent(block, 0, 0);
    const irp = k.ddi.IoBuildSynchronousFsdRequest(IRP_MJ.PNP, this.pnp.lower, 0, 0, 0, block, iosb) >>> 0;
    if (irp !== 0) {
      as.setU32(irp + IRP.off['IoStatus.Status'], STATUS.NOT_SUPPORTED);
      const sp = k.io.nextStackLocation(irp);
      as.setU8(sp + S.MinorFunction, IRP_MN_PNP.QUERY_CAPABILITIES);
      as.setU32(sp + S['Parameters.DeviceCapabilities.Capabilities'], caps);
      if (k.ddi.IofCallDriver(this.pnp.lower, irp) === STATUS.PENDING) k.ddi.KeWaitForSingleObject(block, 0, 0, 0, 0);
      if (NT_SUCCESS(as.u32(iosb))) {
        systemWake = as.u32(caps + CAPS.SystemWake);
        deviceWake = as.u32(caps + CAPS.DeviceWake);
      }
    }
    this.fx.free(block, tag);
    this.caps = { systemWake, deviceWake };
    this.record(`bus capabilities: SystemWake ${systemStateName(systemWake)}, DeviceWake D${deviceWake ? deviceWake - 1 : '?'}`);
    return this.caps;
  }

  /** The bus can wake the device (and the system from some sleep state). */
  busCanWake(): boolean {
    const c = this.capabilities();
    return c.systemWake !== SYSTEM_POWER_STATE.PowerSystemUnspecified && c.deviceWake !== DEVICE_POWER_STATE.PowerDeviceUnspecified;
  }

  /** The D-state a settings' DxState names: PowerDeviceMaximum means the bus's DeviceWake. */
  private deviceState(dx: number): number {
    return dx === DEVICE_POWER_STATE.PowerDeviceMaximum ? this.capabilities().deviceWake : dx;
  }

  /** The D-state for a sleep to `system`: the wake settings' when the device is to wake the system from it, else D3. */
  sleepState(system: number): number {
    return this.sxWakeFor(system) ? this.deviceState(this.sx!.dxState) : DEVICE_POWER_STATE.PowerDeviceD3;
  }

  /** The device is to be armed to wake the system from a sleep to `system`. */
  sxWakeFor(system: number): boolean {
    return this.owner && this.sx !== undefined && this.sx.enabled && this.busCanWake() && system <= this.capabilities().systemWake;
  }

  // ---- arming --------------------------------------------------------------------------------

  /** Before the owner requests Dx for idleness: armed for S0 wake if the idle settings asked for it. */
  beforeIdleDx(): void {
    if (this.owner && this.s0Wake && this.busCanWake()) this.arm('S0');
  }

  /** Before the owner requests Dx for a sleep to `system`. */
  beforeSleepDx(system: number): void {
    if (this.sxWakeFor(system)) this.arm('Sx');
  }

  /** The WAIT_WAKE down (not waited for: the bus holds it until wake or cancel). */
  private arm(from: WakeFrom): void {
    this.triggered = false;
    this.armed = { from, disarmDue: false };
    if (this.waitWake) return;
    const k = this.fx.k;
    if (this.irpSlot === 0) this.irpSlot = this.fx.allocate(4, this.pnp.globals.tag);
    const routine = fxRoutine(this.fx, 'FxPkgPnp::_PowerWaitWakeCompletionRoutine', (_device, _minor, _state, context, ioStatus) => {
      policies.get(context)?.waitWakeCompleted(k.as.u32(ioStatus));
      return 0;
    });
    const state = this.capabilities().systemWake;
    const status = k.ddi.PoRequestPowerIrp(this.pnp.pdo, IRP_MN_POWER.WAIT_WAKE, state, routine, this.key, this.irpSlot) >>> 0;
    if (status !== STATUS.PENDING) {
      this.record(`PoRequestPowerIrp(IRP_MN_WAIT_WAKE) failed with ${hex(status)}: not armed`);
      this.armed = undefined;
      return;
    }
    this.waitWake = { irp: k.as.u32(this.irpSlot) };
    this.record(`IRP_MN_WAIT_WAKE ${hex(this.waitWake.irp)} sent (${systemStateName(state)}), armed for wake from ${from}`);
  }

  /** The WAIT_WAKE's completion routine (any IRQL up to DISPATCH_LEVEL). */
  private waitWakeCompleted(status: number): void {
    const ww = this.waitWake;
    if (!ww) return;
    ww.status = status;
    this.waitWake = undefined;
    this.record(`IRP_MN_WAIT_WAKE ${hex(ww.irp)} completed with ${hex(status)}`);
    if (status === STATUS.CANCELLED) return;
    if (NT_SUCCESS(status)) this.triggered = true;
    // In S0 the owner brings the device back (the wake signal, or a WAIT_WAKE the bus failed); in Sx the system's S0 will.
    if (this.armed?.from === 'S0') this.pnp.idle.wake();
  }

  /** The power-down half, after the queues stopped: the driver arms its device. */
  armCallbacks(): void {
    const armed = this.armed;
    if (!armed) return;
    const s0 = armed.from === 'S0';
    const status = s0
      ? this.call('EvtDeviceArmWakeFromS0')
      : this.callbacks.EvtDeviceArmWakeFromSxWithReason
        ? this.call('EvtDeviceArmWakeFromSxWithReason', 1, 0)
        : this.call('EvtDeviceArmWakeFromSx');
    if (NT_SUCCESS(status)) {
      armed.disarmDue = true;
      return;
    }
    // Not armed after all: no Disarm for S0, Disarm at once for Sx (the callbacks' pages); the WAIT_WAKE goes.
    this.record(`EvtDeviceArmWakeFrom${armed.from}${s0 ? '' : '[WithReason]'} failed with ${hex(status)}: the device goes to Dx unarmed`);
    if (!s0) this.call('EvtDeviceDisarmWakeFromSx');
    this.armed = undefined;
    this.beforeD0();
  }

  /** At the start of the power-up: a WAIT_WAKE still pending is not needed any more (its completion runs now). */
  beforeD0(): void {
    const ww = this.waitWake;
    if (!ww) return;
    this.fx.k.ddi.IoCancelIrp(ww.irp);
    // A WAIT_WAKE still on its way down is canceled when it reaches the bus; the power-up waits until then.
    if (this.waitWake === ww) this.fx.k.withFrames(['KeWaitForSingleObject'], () => this.fx.k.dispatcher.waitUntil(() => this.waitWake !== ww, () => `${this.pnp.globals.name}.sys: the framework waits for its canceled IRP_MN_WAIT_WAKE ${hex(ww.irp)}, and nothing completes it`));
  }

  /** The power-up half, after D0Entry: Triggered (if the device signalled), then Disarm. */
  disarmCallbacks(): void {
    const armed = this.armed;
    if (!armed) return;
    this.armed = undefined;
    const s0 = armed.from === 'S0';
    if (this.triggered) this.call(s0 ? 'EvtDeviceWakeFromS0Triggered' : 'EvtDeviceWakeFromSxTriggered');
    this.triggered = false;
    if (armed.disarmDue) this.call(s0 ? 'EvtDeviceDisarmWakeFromS0' : 'EvtDeviceDisarmWakeFromSx');
  }

  /** Armed while in Dx (idle): a sleep or a removal has to take the device through D0 or cancel first. */
  get armedInDx(): boolean {
    return this.armed !== undefined && !this.pnp.inD0;
  }

  /** Removal: a pending WAIT_WAKE is canceled (reference: FDO REMOVE cancels wait-wake first). */
  cancel(): void {
    this.beforeD0();
    this.armed = undefined;
  }

  free(): void {
    this.cancel();
    policies.delete(this.key);
    if (this.irpSlot) this.fx.free(this.irpSlot, this.pnp.globals.tag);
    this.irpSlot = 0;
  }
}

/** Each device's policy, by the context its WAIT_WAKE's completion routine gets. */
const policies = new Map<number, FxPowerPolicy>();
let policyKey = 0;

export function powerPolicyExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const pnpOf = (g: Parameters<WdfDdi>[0], Device: number): FxPkgPnp | undefined => fx.object<FxDevice>(g, Device, FX_TYPE.Device).pnp;

  /** A PnP init (as add-device.ts checks one): NULL or used up is 0x10D/0x4; a control device's has no power policy. */
  const policyInit = (g: FxDriverGlobals, DeviceInit: number, routine: string): FxPowerPolicyInit | undefined => {
    const init = deviceInits(fx).get(DeviceInit >>> 0);
    if (!init || init.used) return fx.violation(g, WDF_BUGCHECK.REQUIRED_PARAMETER_IS_NULL, DeviceInit, fx.driverCaller());
    if (!init.pnp) verifierBreak(fx, g, routine, `PWDFDEVICE_INIT ${hex(DeviceInit)} is a control device's: not allowed`);
    return init.pnp;
  };

  return {
    WdfDeviceInitSetPowerPolicyEventCallbacks(g, DeviceInit: number, PowerPolicyEventCallbacks: number) {
      const init = policyInit(g, DeviceInit, 'FxDeviceInit::SetPowerPolicyEventCallbacks');
      fx.require(g, PowerPolicyEventCallbacks);
      if (!init) return;
      const size = as.u32(PowerPolicyEventCallbacks + CB.Size);
      if (size !== WDF_POWER_POLICY_EVENT_CALLBACKS.size) {
        verifierBreak(fx, g, 'FxDeviceInit::SetPowerPolicyEventCallbacks', `PowerPolicyEventCallbacks size ${size} invalid, expected ${WDF_POWER_POLICY_EVENT_CALLBACKS.size}`);
        return;
      }
      const callbacks = Object.fromEntries(Object.keys(NO_POLICY_CALLBACKS).map((n) => [n, as.u32(PowerPolicyEventCallbacks + CB[n as keyof PowerPolicyCallbacks])])) as PowerPolicyCallbacks;
      // One or the other (the callbacks' pages): with both, WithReason is the one called.
      if (callbacks.EvtDeviceArmWakeFromSx && callbacks.EvtDeviceArmWakeFromSxWithReason) {
        verifierBreak(fx, g, 'FxDeviceInit::SetPowerPolicyEventCallbacks', 'EvtDeviceArmWakeFromSx and EvtDeviceArmWakeFromSxWithReason are both set: only one may be');
      }
      init.policyCallbacks = callbacks;
    },

    WdfDeviceInitSetPowerPolicyOwnership(g, DeviceInit: number, IsPowerPolicyOwner: number) {
      const init = policyInit(g, DeviceInit, 'FxDeviceInit::SetPowerPolicyOwnership');
      if (init) init.policyOwner = (IsPowerPolicyOwner & 0xff) !== 0;
    },

    WdfDeviceAssignSxWakeSettings(g, Device: number, Settings: number) {
      const pnp = pnpOf(g, Device);
      fx.require(g, Settings);
      if (!pnp) return STATUS.INVALID_DEVICE_REQUEST;
      if (as.u32(Settings + WS.Size) !== WDF_DEVICE_POWER_POLICY_WAKE_SETTINGS.size) return STATUS.INFO_LENGTH_MISMATCH;
      const policy = pnp.powerPolicy;
      if (!policy.owner) {
        verifierBreak(fx, g, 'FxPkgPnp::PowerPolicySetSxWakeSettings', `WDFDEVICE ${hex(Device)} is not the power policy owner`);
        return STATUS.INVALID_DEVICE_REQUEST;
      }
      const dx = as.u32(Settings + WS.DxState);
      const enabled = as.u32(Settings + WS.Enabled);
      const userControl = as.u32(Settings + WS.UserControlOfWakeSettings);
      if (enabled > WDF_TRI_STATE.UseDefault || userControl > WDF_POWER_POLICY_SX_WAKE_USER_CONTROL.AllowUserControl) return STATUS.INVALID_PARAMETER;
      if (dx <= DEVICE_POWER_STATE.PowerDeviceD0 || dx > DEVICE_POWER_STATE.PowerDeviceMaximum) return STATUS.POWER_STATE_INVALID;
      if (!policy.busCanWake()) return STATUS.POWER_STATE_INVALID;
      // Deeper than the bus can wake from: invalid (a PowerDeviceMaximum takes the bus's DeviceWake).
      if (dx !== DEVICE_POWER_STATE.PowerDeviceMaximum && dx > policy.capabilities().deviceWake) return STATUS.POWER_STATE_INVALID;
      // UseDefault is on; the user's setting (WakeFromSleepState) is not modelled: no one changes it here.
      policy.sx = { dxState: dx, enabled: enabled !== WDF_TRI_STATE.False, userControl: userControl === WDF_POWER_POLICY_SX_WAKE_USER_CONTROL.AllowUserControl };
      return STATUS.SUCCESS;
    },

    /** For a bus driver's PDO (its child's wait-wake); a function or filter device never waits for one. */
    WdfDeviceIndicateWakeStatus(g, Device: number, WaitWakeStatus: number) {
      const pnp = pnpOf(g, Device);
      const status = WaitWakeStatus >>> 0;
      if (status === STATUS.PENDING || status === STATUS.CANCELLED) return STATUS.INVALID_PARAMETER;
      if (!pnp) return STATUS.INVALID_DEVICE_REQUEST;
      return STATUS.INVALID_DEVICE_STATE;
    },
  };
}
