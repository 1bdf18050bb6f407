/**
 * FxPkgPnp: the PnP/power package of a framework device that sits in a PnP stack (a function driver's
 * device, or a filter's). It answers the PnP manager's and power manager's IRPs by calling the
 * driver's PnP/power callbacks in the orders of the reference (§4):
 *
 * - start: the IRP goes down first; PrepareHardware(raw, translated), D0Entry(D3Final), the
 *   power-managed queues start, SelfManagedIoInit; the device interfaces are enabled.
 * - power-down (Dx, stop, removal): SelfManagedIoSuspend, the power-managed queues stop (EvtIoStop per
 *   request the driver owns; the framework waits for each to be completed or acknowledged),
 *   D0ExitPreInterruptsDisabled, D0Exit(target) — the end for Dx; then ReleaseHardware (stop, removal).
 * - removal: the queues purged, SelfManagedIoFlush, SelfManagedIoCleanup, the IRP down, then the
 *   WDFDEVICE deleted (its cleanup callbacks) with its device object. Surprise removal:
 *   EvtDeviceSurpriseRemoval first, then the power-down half if in D0, ReleaseHardware.
 * - power: a function driver's device is its stack's power policy owner: a system sleep (S-IRP) is
 *   turned into a D3 request before the S-IRP goes down; the wake's S0 goes down first, then D0 is
 *   requested and the S-IRP completed. D-IRPs run the power-down half (before going down) or the
 *   power-up half (after the lower drivers have powered up). A filter passes the S-IRPs down.
 */
import { IO_STACK_LOCATION, IRP, DEVICE_OBJECT } from '../../nt/layout.ts';
import { DO } from '../../nt/io.ts';
import { IRP_MN_PNP, pnpMinorName } from '../../nt/pnp.ts';
import { DEVICE_POWER_STATE, IRP_MN_POWER, POWER_STATE_TYPE, SYSTEM_POWER_STATE, deviceStateName, systemStateName } from '../../nt/power.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import { WDF_BUGCHECK, WDF_TRI_STATE } from '../../nt/wdf.ts';
import { WDF_DEVICE_POWER_POLICY_STATE as PWRPOL, WDF_DEVICE_POWER_STATE as POWER } from '../../nt/wdf-states.ts';
import { FxDeviceStates } from './state-history.ts';
import { WDF_DEVICE_PNP_STATE, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_POWER_DEVICE_STATE, WDF_REQUEST_STOP_ACTION } from '../../nt/wdf-pnp.ts';
import { SimulatorError } from '../../kernel/errors.ts';
import type { FxDevice } from '../device.ts';
import type { Framework } from '../framework.ts';
import type { FxRoutine } from '../image.ts';
import { fxRoutine } from '../ke.ts';
import { FxIoQueue } from '../queue.ts';
import { purgeQueue, resumeQueue, stopOwnedRequests } from '../power/queues.ts';
import { FxPowerIdleMachine } from '../power/idle.ts';
import { FxPowerPolicy, type FxPowerPolicyInit } from '../power/policy.ts';
import { interruptsOf } from '../interrupt.ts';
import type { FxIoTarget } from '../io-target.ts';
import { FxCmResList } from './resources.ts';
import { FxDeviceInterface, registerDeferredInterfaces } from './interface.ts';
import { applyCapabilities, applyPnpDeviceState, staticStopRemoveVeto } from './device-state.ts';
import { wmiDeviceRemoved, wmiDeviceStarted } from '../wmi-irp.ts';
import { registerPowerFramework, unregisterPowerFramework } from '../power/pofx.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;
const DEV = DEVICE_OBJECT.off;
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

/** The driver's WDF_PNPPOWER_EVENT_CALLBACKS, by member name (0: none). */
export type PnpPowerCallbacks = Readonly<Record<Exclude<keyof typeof WDF_PNPPOWER_EVENT_CALLBACKS.off, 'Size'>, number>>;

export const NO_PNP_CALLBACKS: PnpPowerCallbacks = Object.fromEntries(
  Object.keys(WDF_PNPPOWER_EVENT_CALLBACKS.off)
    .filter((n) => n !== 'Size')
    .map((n) => [n, 0]),
) as PnpPowerCallbacks;

/** What EvtDriverDeviceAdd's WDFDEVICE_INIT carries beyond a control device's (pnp/add-device.ts fills it). */
export interface FxPnpInit extends FxPowerPolicyInit {
  readonly pdo: number;
  callbacks: PnpPowerCallbacks;
  filter: boolean;
  /** The device WdfDeviceCreate made from it. */
  device?: FxDevice;
}

/** Which callback runs under which framework frame. */
const FRAMES: Partial<Record<keyof PnpPowerCallbacks, FxRoutine>> = {
  EvtDevicePrepareHardware: 'FxPnpDevicePrepareHardware::Invoke',
  EvtDeviceReleaseHardware: 'FxPnpDeviceReleaseHardware::Invoke',
  EvtDeviceD0Entry: 'FxPnpDeviceD0Entry::Invoke',
  EvtDeviceD0EntryPostInterruptsEnabled: 'FxPnpDeviceD0EntryPostInterruptsEnabled::Invoke',
  EvtDeviceD0Exit: 'FxPnpDeviceD0Exit::Invoke',
  EvtDeviceD0ExitPreInterruptsDisabled: 'FxPnpDeviceD0ExitPreInterruptsDisabled::Invoke',
  EvtDeviceSelfManagedIoInit: 'FxPnpDeviceSelfManagedIoInit::Invoke',
  EvtDeviceSelfManagedIoSuspend: 'FxPnpDeviceSelfManagedIoSuspend::Invoke',
  EvtDeviceSelfManagedIoRestart: 'FxPnpDeviceSelfManagedIoRestart::Invoke',
  EvtDeviceSelfManagedIoFlush: 'FxPnpDeviceSelfManagedIoFlush::Invoke',
  EvtDeviceSelfManagedIoCleanup: 'FxPnpDeviceSelfManagedIoCleanup::Invoke',
  EvtDeviceSurpriseRemoval: 'FxPnpDeviceSurpriseRemoval::Invoke',
  EvtDeviceQueryRemove: 'FxPnpDeviceQueryRemove::Invoke',
  EvtDeviceQueryStop: 'FxPnpDeviceQueryStop::Invoke',
};

/** WdfDeviceCreate for a PnP init: attach the new device object to its stack and give it its package. */
export function attachPnpDevice(fx: Framework, device: FxDevice, init: FxPnpInit): void {
  // A bus driver's child (pdo.ts) is the bottom of its own stack.
  if (init.pdo === 0) return;
  const k = fx.k;
  const as = k.as;
  const self = device.deviceObject;
  const lower = k.ddi.IoAttachDeviceToDeviceStack(self, init.pdo) >>> 0;
  if (lower === 0) throw new SimulatorError(`${device.globals.name}.sys: the framework could not attach its device to the stack of PDO ${hex(init.pdo)}`);
  // A filter takes the lower device's I/O flags (its own I/O type has no effect); every framework device is power pageable unless told otherwise.
  const lowerFlags = as.u32(lower + DEV.Flags);
  let flags = as.u32(self + DEV.Flags) | DO.POWER_PAGABLE;
  if (init.filter) flags = (flags & ~(DO.BUFFERED_IO | DO.DIRECT_IO)) | (lowerFlags & (DO.BUFFERED_IO | DO.DIRECT_IO));
  as.setU32(self + DEV.Flags, flags);
  if (init.filter) as.setU32(self + DEV.DeviceType, as.u32(lower + DEV.DeviceType));
  device.pnp = new FxPkgPnp(fx, device, init, lower);
  init.device = device;
}

export class FxPkgPnp {
  readonly pdo: number;
  readonly filter: boolean;
  readonly callbacks: PnpPowerCallbacks;
  /** The PnP, power and power policy machines' states and histories (!wdfdevice). */
  readonly states = new FxDeviceStates();
  /** WDF_DEVICE_PNP_STATE: where the PnP state machine is. */
  get state(): number {
    return this.states.pnp.current;
  }
  set state(state: number) {
    this.states.pnp.enter(state);
  }
  /** In D0: power-managed queues deliver. */
  inD0 = false;
  protected selfManagedIoInitialized = false;
  protected surpriseRemoved = false;
  private hardwarePrepared = false;
  private raw: FxCmResList | undefined;
  private translated: FxCmResList | undefined;
  readonly interfaces: FxDeviceInterface[] = [];
  /** Interfaces a PDO's driver created before its bus reported it (interface.ts): registered at its start. */
  readonly deferredInterfaces: { readonly guid: Uint8Array; readonly reference: string }[] = [];
  /** The device's local I/O target (io-target.ts), made on first use. */
  ioTarget: FxIoTarget | undefined;
  /** S0 idle (power/idle.ts). */
  readonly idle: FxPowerIdleMachine;
  /** Power policy ownership and wake (power/policy.ts). */
  readonly powerPolicy: FxPowerPolicy;
  /** D-IRPs this device requested and is waiting for: the only ones a power policy owner accepts. */
  private requestedDevicePower = 0;

  constructor(
    readonly fx: Framework,
    readonly device: FxDevice,
    init: FxPnpInit,
    /** The device this one is attached to: where IRPs go down. */
    readonly lower: number,
  ) {
    this.pdo = init.pdo;
    this.filter = init.filter;
    this.callbacks = init.callbacks;
    this.idle = new FxPowerIdleMachine(fx, this);
    this.powerPolicy = new FxPowerPolicy(fx, this, init, init.filter);
    this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpInit;
  }

  /** The power policy owner's machine (a filter's or a PDO's stays where it was made: it owns no policy). */
  policy(...states: number[]): void {
    if (this.ownsPowerPolicy) this.states.powerPolicy.enter(...states);
  }

  get globals() {
    return this.device.globals;
  }

  /** Whether the device turns S-IRPs into D-IRPs: a function driver's yes unless it gave ownership away (WdfDeviceInitSetPowerPolicyOwnership), a filter's or a PDO's (pdo.ts) no unless it claimed it. */
  get ownsPowerPolicy(): boolean {
    return this.powerPolicy.owner;
  }

  /** The bus device a PDO's parent is (pdo.ts); a function or filter device has none in the framework. */
  get parentDevice(): FxDevice | undefined {
    return undefined;
  }

  /** The PnP state a REMOVE_DEVICE passes after its interfaces are gone (pdo.ts: a PDO's). */
  protected get removedState(): number {
    return WDF_DEVICE_PNP_STATE.WdfDevStatePnpFdoRemoved;
  }

  /** A power-managed queue presents nothing while its device is not in D0; asking, for an idle device, wakes it. */
  holds(queue: FxIoQueue): boolean {
    const held = this.isPowerManaged(queue) && !this.inD0;
    if (held && queue.waiting.length > 0) this.idle.wake();
    return held;
  }

  /** PowerManaged UseDefault: managed unless the device is a filter. */
  isPowerManaged(queue: FxIoQueue): boolean {
    const p = queue.config.powerManaged;
    return p === WDF_TRI_STATE.UseDefault ? !this.filter : p === WDF_TRI_STATE.True;
  }

  /** The device's queues (every queue made on it). */
  queues(): FxIoQueue[] {
    return [...this.fx.handles.values()].filter((o): o is FxIoQueue => o instanceof FxIoQueue && o.device === this.device);
  }

  // ---- IRPs down and back -------------------------------------------------------------------

  /** IoSkipCurrentIrpStackLocation + IoCallDriver to the lower device. */
  forward(irp: number): number {
    const as = this.fx.k.as;
    as.setU8(irp + I.CurrentLocation, as.u8(irp + I.CurrentLocation) + 1);
    as.setU32(irp + I['Tail.CurrentStackLocation'], as.u32(irp + I['Tail.CurrentStackLocation']) + IO_STACK_LOCATION.size);
    return this.fx.k.io.callDriver(this.lower, irp);
  }

  /** Down, and wait until the lower drivers have completed it: its status (the IRP is the framework's again). */
  protected forwardSynchronously(irp: number): number {
    this.fx.k.ddi.IoForwardIrpSynchronously(this.lower, irp);
    return this.fx.k.as.u32(irp + I['IoStatus.Status']);
  }

  protected complete(irp: number, status: number): number {
    this.fx.k.as.setU32(irp + I['IoStatus.Status'], status >>> 0);
    this.fx.k.ddi.IofCompleteRequest(irp, 0);
    return status;
  }

  /** Succeed the IRP on the way down (the status the lower drivers see unless they change it). */
  protected succeedAndForward(irp: number): number {
    this.fx.k.as.setU32(irp + I['IoStatus.Status'], STATUS.SUCCESS);
    return this.forward(irp);
  }

  // ---- callbacks ----------------------------------------------------------------------------

  /** Call one of the driver's PnP/power callbacks (if it has it): its NTSTATUS, success when absent. */
  protected call(name: keyof PnpPowerCallbacks, ...args: number[]): number {
    const routine = this.callbacks[name];
    if (!routine) return STATUS.SUCCESS;
    const frame = FRAMES[name];
    const result = this.fx.invoke(routine, [this.device.handle, ...args], frame ? [frame] : []);
    return typeof result === 'number' ? result >>> 0 : STATUS.SUCCESS;
  }

  protected record(text: string): void {
    this.globals.record('FxPkgPnp::Dispatch', `WDFDEVICE ${hex(this.device.handle)} !devobj ${hex(this.device.deviceObject)} ${text}`);
  }

  // ---- PnP ----------------------------------------------------------------------------------

  dispatchPnp(irp: number): number {
    const as = this.fx.k.as;
    const sp = as.u32(irp + I['Tail.CurrentStackLocation']);
    const minor = as.u8(sp + S.MinorFunction);
    this.record(`IRP_MJ_PNP, ${pnpMinorName(minor)} IRP ${hex(irp)}`);
    switch (minor) {
      case IRP_MN_PNP.START_DEVICE: {
        const status = this.forwardSynchronously(irp);
        if (!NT_SUCCESS(status)) return this.complete(irp, status);
        return this.complete(irp, this.start(as.u32(sp + S['Parameters.StartDevice.AllocatedResources']), as.u32(sp + S['Parameters.StartDevice.AllocatedResourcesTranslated'])));
      }
      case IRP_MN_PNP.QUERY_STOP_DEVICE:
      case IRP_MN_PNP.QUERY_REMOVE_DEVICE: {
        this.state = minor === IRP_MN_PNP.QUERY_STOP_DEVICE ? WDF_DEVICE_PNP_STATE.WdfDevStatePnpQueryStopAskDriver : WDF_DEVICE_PNP_STATE.WdfDevStatePnpQueryRemoveAskDriver;
        const status = staticStopRemoveVeto(this.device) ?? this.call(minor === IRP_MN_PNP.QUERY_STOP_DEVICE ? 'EvtDeviceQueryStop' : 'EvtDeviceQueryRemove');
        if (!NT_SUCCESS(status)) {
          this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpStarted;
          return this.complete(irp, status);
        }
        if (minor === IRP_MN_PNP.QUERY_REMOVE_DEVICE) this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpQueriedRemoving;
        return this.succeedAndForward(irp);
      }
      case IRP_MN_PNP.CANCEL_STOP_DEVICE:
      case IRP_MN_PNP.CANCEL_REMOVE_DEVICE:
        if (this.state !== WDF_DEVICE_PNP_STATE.WdfDevStatePnpStarted) this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpQueryCanceled;
        if (this.hardwarePrepared) this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpStarted;
        return this.succeedAndForward(irp);
      case IRP_MN_PNP.STOP_DEVICE:
        // A rebalance: the power-down half and ReleaseHardware; the next START prepares the hardware again.
        this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpStartedStopping;
        this.policy(PWRPOL.WdfDevStatePwrPolStopping);
        if (this.inD0) this.powerDown(WDF_POWER_DEVICE_STATE.D3);
        this.releaseHardware();
        this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpStopped;
        this.policy(PWRPOL.WdfDevStatePwrPolStopped);
        return this.succeedAndForward(irp);
      case IRP_MN_PNP.SURPRISE_REMOVAL:
        this.powerPolicy.cancel();
        this.surpriseRemoved = true;
        this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpSurpriseRemove;
        this.policy(PWRPOL.WdfDevStatePwrPolStopping);
        this.call('EvtDeviceSurpriseRemoval');
        this.disableInterfaces();
        if (this.inD0) this.powerDown(WDF_POWER_DEVICE_STATE.D3Final);
        this.releaseHardware();
        this.policy(PWRPOL.WdfDevStatePwrPolStopped);
        return this.succeedAndForward(irp);
      case IRP_MN_PNP.REMOVE_DEVICE:
        return this.remove(irp);
      // The driver's capabilities and state over the lower drivers' answer (device-state.ts).
      case IRP_MN_PNP.QUERY_CAPABILITIES: {
        const status = this.forwardSynchronously(irp);
        if (NT_SUCCESS(status)) applyCapabilities(this.fx, this.device, as.u32(sp + S['Parameters.DeviceCapabilities.Capabilities']));
        return this.complete(irp, status);
      }
      case IRP_MN_PNP.QUERY_PNP_DEVICE_STATE: {
        // Nobody below answering (STATUS_NOT_SUPPORTED) is an empty state.
        const below = this.forwardSynchronously(irp);
        const status = below === STATUS.NOT_SUPPORTED ? STATUS.SUCCESS : below;
        if (NT_SUCCESS(status)) as.setU32(irp + I['IoStatus.Information'], applyPnpDeviceState(this.device, below === STATUS.NOT_SUPPORTED ? 0 : as.u32(irp + I['IoStatus.Information'])));
        return this.complete(irp, status);
      }
      default:
        for (const handler of pnpMinorHandlers) {
          const status = handler(this, irp, minor);
          if (status !== undefined) return status;
        }
        return this.forward(irp);
    }
  }

  /** After the lower drivers started: prepare the hardware, enter D0, start the queues, the interfaces. */
  private start(raw: number, translated: number): number {
    const restart = this.selfManagedIoInitialized;
    this.state = restart ? WDF_DEVICE_PNP_STATE.WdfDevStatePnpStartingFromStopped : WDF_DEVICE_PNP_STATE.WdfDevStatePnpInitStarting;
    this.policy(PWRPOL.WdfDevStatePwrPolStarting);
    this.raw = new FxCmResList(this.fx, this.device, raw);
    this.translated = new FxCmResList(this.fx, this.device, translated);
    let status = this.call('EvtDevicePrepareHardware', this.raw.handle, this.translated.handle);
    if (!NT_SUCCESS(status)) return this.failed(status, 'EvtDevicePrepareHardware');
    this.hardwarePrepared = true;
    this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpHardwareAvailable;
    for (const i of interruptsOf(this.fx, this.device)) i.bind(this.translated);
    status = this.powerUp(restart ? WDF_POWER_DEVICE_STATE.D3 : WDF_POWER_DEVICE_STATE.D3Final);
    if (!NT_SUCCESS(status)) {
      this.releaseHardware();
      return this.failed(status, 'the power-up');
    }
    this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpEnableInterfaces;
    registerDeferredInterfaces(this.fx, this);
    for (const i of this.interfaces) i.startDevice();
    wmiDeviceStarted(this.device);
    this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpStarted;
    this.policy(PWRPOL.WdfDevStatePwrPolStartingSucceeded, PWRPOL.WdfDevStatePwrPolStartingDecideS0Wake, this.idle.enabled ? PWRPOL.WdfDevStatePwrPolStartedIdleCapable : PWRPOL.WdfDevStatePwrPolStarted);
    return STATUS.SUCCESS;
  }

  private failed(status: number, what: string): number {
    this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpFailed;
    this.record(`${what} failed with ${hex(status)}: the start fails`);
    return status;
  }

  /** Orderly or after a surprise removal: what is left of the power-down, the purges, the tail, the IRP down, the device gone. */
  private remove(irp: number): number {
    this.powerPolicy.cancel();
    unregisterPowerFramework(this.fx, this.device);
    this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpRemoved;
    if (!this.surpriseRemoved) {
      this.policy(PWRPOL.WdfDevStatePwrPolStopping);
      if (this.inD0) this.powerDown(WDF_POWER_DEVICE_STATE.D3Final);
      this.releaseHardware();
      this.policy(PWRPOL.WdfDevStatePwrPolStopped);
    }
    // The power-managed queues first, then SelfManagedIoFlush, then the others.
    const queues = this.queues();
    for (const q of queues.filter((q) => this.isPowerManaged(q))) purgeQueue(this.fx, q);
    if (this.selfManagedIoInitialized) this.call('EvtDeviceSelfManagedIoFlush');
    for (const q of queues.filter((q) => !this.isPowerManaged(q))) purgeQueue(this.fx, q);
    if (this.selfManagedIoInitialized) this.call('EvtDeviceSelfManagedIoCleanup');
    this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpRemovingDisableInterfaces;
    this.disableInterfaces();
    this.state = this.removedState;
    return this.finishRemove(irp);
  }

  /** The end of REMOVE_DEVICE: the IRP down, the WDFDEVICE deleted (a PDO's package decides otherwise: pdo.ts). */
  protected finishRemove(irp: number): number {
    const status = this.succeedAndForward(irp);
    this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpFinal;
    this.states.power.enter(POWER.WdfDevStatePowerFinal);
    this.policy(PWRPOL.WdfDevStatePwrPolFinal);
    // The WDFDEVICE goes (its tree's cleanup callbacks, then the device object: FxDevice.dispose -> detach).
    this.device.delete();
    return status;
  }

  private releaseHardware(): void {
    if (this.hardwarePrepared) {
      this.hardwarePrepared = false;
      this.call('EvtDeviceReleaseHardware', this.translated?.handle ?? 0);
    }
    this.raw?.delete();
    this.translated?.delete();
    this.raw = this.translated = undefined;
  }

  private disableInterfaces(): void {
    for (const i of this.interfaces) i.disable();
    wmiDeviceRemoved(this.device);
  }

  /** The device leaves its stack (its WDFDEVICE is being deleted): detach, free the interfaces' names. */
  detach(): void {
    this.idle.free();
    this.powerPolicy.free();
    this.disableInterfaces();
    for (const i of this.interfaces.splice(0)) i.free();
    // A PDO (pdo.ts) is attached to nothing.
    if (this.lower !== 0) this.fx.k.ddi.IoDetachDevice(this.lower);
  }

  // ---- power --------------------------------------------------------------------------------

  /** D0Entry(previous), the power-managed queues start, SelfManagedIoInit (first time) or Restart. */
  private powerUp(previous: number): number {
    this.powerPolicy.beforeD0();
    this.states.power.enter(POWER.WdfDevStatePowerD0Starting);
    let status = this.call('EvtDeviceD0Entry', previous);
    if (!NT_SUCCESS(status)) return status;
    this.states.power.enter(POWER.WdfDevStatePowerD0StartingConnectInterrupt);
    for (const i of interruptsOf(this.fx, this.device)) {
      status = i.connect();
      if (!NT_SUCCESS(status)) return status;
    }
    status = this.call('EvtDeviceD0EntryPostInterruptsEnabled', previous);
    if (!NT_SUCCESS(status)) return status;
    this.powerPolicy.disarmCallbacks();
    this.inD0 = true;
    this.idle.idleDx = false;
    this.fx.k.ddi.PoSetPowerState(this.device.deviceObject, POWER_STATE_TYPE.DevicePowerState, DEVICE_POWER_STATE.PowerDeviceD0);
    for (const q of this.queues()) if (this.isPowerManaged(q)) resumeQueue(this.fx, q);
    this.states.power.enter(POWER.WdfDevStatePowerD0StartingStartSelfManagedIo);
    if (!this.selfManagedIoInitialized) {
      this.selfManagedIoInitialized = true;
      status = this.call('EvtDeviceSelfManagedIoInit');
      // The power framework registration, once, with the settings the driver has assigned by now (power/pofx.ts).
      if (NT_SUCCESS(status)) status = registerPowerFramework(this.fx, this.device);
    } else {
      status = this.call('EvtDeviceSelfManagedIoRestart');
    }
    this.states.power.enter(POWER.WdfDevStatePowerD0);
    this.idle.arm();
    return status;
  }

  /** SelfManagedIoSuspend, the power-managed queues stop (EvtIoStop, then the wait), D0Exit(target). */
  private powerDown(target: number): void {
    this.idle.disarm();
    this.states.power.enter(POWER.WdfDevStatePowerGotoDx);
    if (this.selfManagedIoInitialized) this.call('EvtDeviceSelfManagedIoSuspend');
    this.inD0 = false;
    for (const q of this.queues()) if (this.isPowerManaged(q)) stopOwnedRequests(this.fx, q, WDF_REQUEST_STOP_ACTION.Suspend);
    if (target !== WDF_POWER_DEVICE_STATE.D3Final) this.powerPolicy.armCallbacks();
    this.states.power.enter(POWER.WdfDevStatePowerGotoDxIoStopped);
    this.call('EvtDeviceD0ExitPreInterruptsDisabled', target);
    for (const i of interruptsOf(this.fx, this.device)) i.disconnect();
    this.call('EvtDeviceD0Exit', target);
    this.fx.k.ddi.PoSetPowerState(this.device.deviceObject, POWER_STATE_TYPE.DevicePowerState, DEVICE_POWER_STATE.PowerDeviceD3);
    this.states.power.enter(target === WDF_POWER_DEVICE_STATE.D3Final ? POWER.WdfDevStatePowerStopped : POWER.WdfDevStatePowerDx);
  }

  dispatchPower(irp: number): number {
    const as = this.fx.k.as;
    const sp = as.u32(irp + I['Tail.CurrentStackLocation']);
    const minor = as.u8(sp + S.MinorFunction);
    const type = as.u32(sp + S['Parameters.Power.Type']);
    const state = as.u32(sp + S['Parameters.Power.State']);
    const system = type === POWER_STATE_TYPE.SystemPowerState;
    this.record(`IRP_MJ_POWER, ${minor === IRP_MN_POWER.SET_POWER ? 'IRP_MN_SET_POWER' : minor === IRP_MN_POWER.QUERY_POWER ? 'IRP_MN_QUERY_POWER' : `minor ${hex(minor)}`} (${system ? systemStateName(state) : deviceStateName(state)}) IRP ${hex(irp)}`);
    return this.fx.frame('FxPkgPnp::PowerDispatch', () => {
      if (minor === IRP_MN_POWER.QUERY_POWER) return this.succeedAndForward(irp);
      if (minor !== IRP_MN_POWER.SET_POWER) return this.forward(irp);
      if (system) {
        // Only the power policy owner (the function driver's device) turns S-IRPs into D-IRPs.
        if (!this.ownsPowerPolicy || this.state !== WDF_DEVICE_PNP_STATE.WdfDevStatePnpStarted) return this.succeedAndForward(irp);
        if (state === SYSTEM_POWER_STATE.PowerSystemWorking) {
          const status = this.forwardSynchronously(irp);
          if (this.states.powerPolicy.current === PWRPOL.WdfDevStatePwrPolSystemAsleepNoWake) {
            this.policy(PWRPOL.WdfDevStatePwrPolSystemWakeDeviceToD0);
            if (!this.inD0) this.requestDevicePower(DEVICE_POWER_STATE.PowerDeviceD0);
            this.policy(PWRPOL.WdfDevStatePwrPolSystemWakeDeviceToD0CompletePowerUp, this.idle.enabled ? PWRPOL.WdfDevStatePwrPolStartedIdleCapable : PWRPOL.WdfDevStatePwrPolStarted);
          } else if (this.states.powerPolicy.current === PWRPOL.WdfDevStatePwrPolSystemAsleepWakeArmed) {
            this.policy(PWRPOL.WdfDevStatePwrPolSystemWakeDeviceWakeEnabled);
            if (!this.inD0) this.requestDevicePower(DEVICE_POWER_STATE.PowerDeviceD0);
            this.policy(PWRPOL.WdfDevStatePwrPolSystemWakeDeviceWakeDisarm, this.idle.enabled ? PWRPOL.WdfDevStatePwrPolStartedIdleCapable : PWRPOL.WdfDevStatePwrPolStarted);
          } else if (!this.inD0) this.requestDevicePower(DEVICE_POWER_STATE.PowerDeviceD0);
          return this.complete(irp, status);
        }
        // Idle in Dx armed for S0 wake: back to D0 first (disarmed), then down for the sleep.
        if (this.powerPolicy.armedInDx) this.requestDevicePower(DEVICE_POWER_STATE.PowerDeviceD0);
        const wake = this.powerPolicy.sxWakeFor(state);
        this.policy(PWRPOL.WdfDevStatePwrPolSleeping, ...(wake ? [] : [PWRPOL.WdfDevStatePwrPolSleepingNoWakePowerDown]));
        if (this.inD0) {
          this.powerPolicy.beforeSleepDx(state);
          this.requestDevicePower(this.powerPolicy.sleepState(state));
        }
        if (wake) this.policy(PWRPOL.WdfDevStatePwrPolSystemAsleepWakeArmed);
        else this.policy(PWRPOL.WdfDevStatePwrPolSleepingNoWakeCompletePowerDown, PWRPOL.WdfDevStatePwrPolSystemAsleepNoWake);
        return this.succeedAndForward(irp);
      }
      // A D-IRP the policy owner did not request: another driver of the stack thinks it owns the policy too.
      if (this.powerPolicy.owner && this.requestedDevicePower === 0) this.fx.violation(this.globals, WDF_BUGCHECK.POWER_MULTIPLE_PPO, this.device.deviceObject, irp);
      if (state === DEVICE_POWER_STATE.PowerDeviceD0) {
        const status = this.forwardSynchronously(irp);
        if (!NT_SUCCESS(status)) return this.complete(irp, status);
        return this.complete(irp, this.inD0 ? STATUS.SUCCESS : this.powerUp(WDF_POWER_DEVICE_STATE.D3));
      }
      if (this.inD0) this.powerDown(state - DEVICE_POWER_STATE.PowerDeviceD0 + WDF_POWER_DEVICE_STATE.D0);
      return this.succeedAndForward(irp);
    });
  }

  /** PoRequestPowerIrp(SET_POWER, state) to the stack, and wait until it has completed (as the framework's policy state machine does). */
  requestDevicePower(state: number): void {
    const k = this.fx.k;
    let done = false;
    const routine = fxRoutine(this.fx, 'FxPkgFdo::_DevicePowerRequestComplete', (_device, _minor, _state, context) => {
      pendingPowerRequests.get(context)?.();
      return 0;
    });
    const key = ++powerRequestKey;
    pendingPowerRequests.set(key, () => {
      done = true;
      this.requestedDevicePower--;
    });
    this.requestedDevicePower++;
    const status = k.ddi.PoRequestPowerIrp(this.pdo, IRP_MN_POWER.SET_POWER, state, routine, key, 0);
    if (status !== STATUS.PENDING) {
      this.requestedDevicePower--;
      pendingPowerRequests.delete(key);
      this.record(`PoRequestPowerIrp(${deviceStateName(state)}) failed with ${hex(status)}`);
      return;
    }
    k.withFrames(['KeWaitForSingleObject'], () => k.dispatcher.waitUntil(() => done, () => `${this.globals.name}.sys: the framework waits for its ${deviceStateName(state)} IRP to complete, and nothing left to run completes it`));
    pendingPowerRequests.delete(key);
  }
}

/**
 * Handlers of the minor functions the package leaves to the lower drivers: a bus FDO's BusRelations
 * (child lists), query interfaces. The first that answers (returns a status) has handled the IRP.
 */
export const pnpMinorHandlers: ((pkg: FxPkgPnp, irp: number, minor: number) => number | undefined)[] = [];

/** The framework's D-IRP requests in flight, by the context their completion routine gets. */
const pendingPowerRequests = new Map<number, () => void>();
let powerRequestKey = 0;

