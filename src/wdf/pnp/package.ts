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
import { WDF_TRI_STATE } from '../../nt/wdf.ts';
import { WDF_DEVICE_PNP_STATE, WDF_PNPPOWER_EVENT_CALLBACKS, WDF_POWER_DEVICE_STATE, WDF_REQUEST_STOP_ACTION } from '../../nt/wdf-pnp.ts';
import { SimulatorError } from '../../kernel/errors.ts';
import type { FxDevice } from '../device.ts';
import type { Framework } from '../framework.ts';
import type { FxRoutine } from '../image.ts';
import { fxRoutine } from '../ke.ts';
import { FxIoQueue } from '../queue.ts';
import { purgeQueue, resumeQueue, stopOwnedRequests } from '../power/queues.ts';
import { FxPowerIdleMachine } from '../power/idle.ts';
import { interruptsOf } from '../interrupt.ts';
import type { FxIoTarget } from '../io-target.ts';
import { FxCmResList } from './resources.ts';
import { FxDeviceInterface } from './interface.ts';
import { wmiDeviceRemoved, wmiDeviceStarted } from '../wmi-irp.ts';

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
export interface FxPnpInit {
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
  /** WDF_DEVICE_PNP_STATE: where the PnP state machine is. */
  state: number = WDF_DEVICE_PNP_STATE.WdfDevStatePnpInit;
  /** In D0: power-managed queues deliver. */
  inD0 = false;
  private selfManagedIoInitialized = false;
  private surpriseRemoved = false;
  private hardwarePrepared = false;
  private raw: FxCmResList | undefined;
  private translated: FxCmResList | undefined;
  readonly interfaces: FxDeviceInterface[] = [];
  /** The device's local I/O target (io-target.ts), made on first use. */
  ioTarget: FxIoTarget | undefined;
  /** S0 idle (power/idle.ts). */
  readonly idle: FxPowerIdleMachine;

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
  }

  get globals() {
    return this.device.globals;
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
  private forwardSynchronously(irp: number): number {
    this.fx.k.ddi.IoForwardIrpSynchronously(this.lower, irp);
    return this.fx.k.as.u32(irp + I['IoStatus.Status']);
  }

  private complete(irp: number, status: number): number {
    this.fx.k.as.setU32(irp + I['IoStatus.Status'], status >>> 0);
    this.fx.k.ddi.IofCompleteRequest(irp, 0);
    return status;
  }

  /** Succeed the IRP on the way down (the status the lower drivers see unless they change it). */
  private succeedAndForward(irp: number): number {
    this.fx.k.as.setU32(irp + I['IoStatus.Status'], STATUS.SUCCESS);
    return this.forward(irp);
  }

  // ---- callbacks ----------------------------------------------------------------------------

  /** Call one of the driver's PnP/power callbacks (if it has it): its NTSTATUS, success when absent. */
  private call(name: keyof PnpPowerCallbacks, ...args: number[]): number {
    const routine = this.callbacks[name];
    if (!routine) return STATUS.SUCCESS;
    const frame = FRAMES[name];
    const result = this.fx.invoke(routine, [this.device.handle, ...args], frame ? [frame] : []);
    return typeof result === 'number' ? result >>> 0 : STATUS.SUCCESS;
  }

  private record(text: string): void {
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
        const status = this.call(minor === IRP_MN_PNP.QUERY_STOP_DEVICE ? 'EvtDeviceQueryStop' : 'EvtDeviceQueryRemove');
        if (!NT_SUCCESS(status)) return this.complete(irp, status);
        return this.succeedAndForward(irp);
      }
      case IRP_MN_PNP.CANCEL_STOP_DEVICE:
      case IRP_MN_PNP.CANCEL_REMOVE_DEVICE:
        return this.succeedAndForward(irp);
      case IRP_MN_PNP.STOP_DEVICE:
        // A rebalance: the power-down half and ReleaseHardware; the next START prepares the hardware again.
        if (this.inD0) this.powerDown(WDF_POWER_DEVICE_STATE.D3);
        this.releaseHardware();
        return this.succeedAndForward(irp);
      case IRP_MN_PNP.SURPRISE_REMOVAL:
        this.surpriseRemoved = true;
        this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpSurpriseRemove;
        this.call('EvtDeviceSurpriseRemoval');
        this.disableInterfaces();
        if (this.inD0) this.powerDown(WDF_POWER_DEVICE_STATE.D3Final);
        this.releaseHardware();
        return this.succeedAndForward(irp);
      case IRP_MN_PNP.REMOVE_DEVICE:
        return this.remove(irp);
      default:
        return this.forward(irp);
    }
  }

  /** After the lower drivers started: prepare the hardware, enter D0, start the queues, the interfaces. */
  private start(raw: number, translated: number): number {
    const restart = this.selfManagedIoInitialized;
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
    for (const i of this.interfaces) i.startDevice();
    wmiDeviceStarted(this.device);
    this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpStarted;
    return STATUS.SUCCESS;
  }

  private failed(status: number, what: string): number {
    this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpFailed;
    this.record(`${what} failed with ${hex(status)}: the start fails`);
    return status;
  }

  /** Orderly or after a surprise removal: what is left of the power-down, the purges, the tail, the IRP down, the device gone. */
  private remove(irp: number): number {
    if (!this.surpriseRemoved) {
      if (this.inD0) this.powerDown(WDF_POWER_DEVICE_STATE.D3Final);
      this.releaseHardware();
    }
    // The power-managed queues first, then SelfManagedIoFlush, then the others.
    const queues = this.queues();
    for (const q of queues.filter((q) => this.isPowerManaged(q))) purgeQueue(this.fx, q);
    if (this.selfManagedIoInitialized) this.call('EvtDeviceSelfManagedIoFlush');
    for (const q of queues.filter((q) => !this.isPowerManaged(q))) purgeQueue(this.fx, q);
    if (this.selfManagedIoInitialized) this.call('EvtDeviceSelfManagedIoCleanup');
    this.disableInterfaces();
    const status = this.succeedAndForward(irp);
    this.state = WDF_DEVICE_PNP_STATE.WdfDevStatePnpFinal;
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
    this.disableInterfaces();
    for (const i of this.interfaces.splice(0)) i.free();
    this.fx.k.ddi.IoDetachDevice(this.lower);
  }

  // ---- power --------------------------------------------------------------------------------

  /** D0Entry(previous), the power-managed queues start, SelfManagedIoInit (first time) or Restart. */
  private powerUp(previous: number): number {
    let status = this.call('EvtDeviceD0Entry', previous);
    if (!NT_SUCCESS(status)) return status;
    for (const i of interruptsOf(this.fx, this.device)) {
      status = i.connect();
      if (!NT_SUCCESS(status)) return status;
    }
    status = this.call('EvtDeviceD0EntryPostInterruptsEnabled', previous);
    if (!NT_SUCCESS(status)) return status;
    this.inD0 = true;
    this.idle.idleDx = false;
    this.fx.k.ddi.PoSetPowerState(this.device.deviceObject, POWER_STATE_TYPE.DevicePowerState, DEVICE_POWER_STATE.PowerDeviceD0);
    for (const q of this.queues()) if (this.isPowerManaged(q)) resumeQueue(this.fx, q);
    if (!this.selfManagedIoInitialized) {
      this.selfManagedIoInitialized = true;
      status = this.call('EvtDeviceSelfManagedIoInit');
    } else {
      status = this.call('EvtDeviceSelfManagedIoRestart');
    }
    this.idle.arm();
    return status;
  }

  /** SelfManagedIoSuspend, the power-managed queues stop (EvtIoStop, then the wait), D0Exit(target). */
  private powerDown(target: number): void {
    this.idle.disarm();
    if (this.selfManagedIoInitialized) this.call('EvtDeviceSelfManagedIoSuspend');
    this.inD0 = false;
    for (const q of this.queues()) if (this.isPowerManaged(q)) stopOwnedRequests(this.fx, q, WDF_REQUEST_STOP_ACTION.Suspend);
    this.call('EvtDeviceD0ExitPreInterruptsDisabled', target);
    for (const i of interruptsOf(this.fx, this.device)) i.disconnect();
    this.call('EvtDeviceD0Exit', target);
    this.fx.k.ddi.PoSetPowerState(this.device.deviceObject, POWER_STATE_TYPE.DevicePowerState, DEVICE_POWER_STATE.PowerDeviceD3);
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
        if (this.filter || this.state !== WDF_DEVICE_PNP_STATE.WdfDevStatePnpStarted) return this.succeedAndForward(irp);
        if (state === SYSTEM_POWER_STATE.PowerSystemWorking) {
          const status = this.forwardSynchronously(irp);
          if (!this.inD0) this.requestDevicePower(DEVICE_POWER_STATE.PowerDeviceD0);
          return this.complete(irp, status);
        }
        if (this.inD0) this.requestDevicePower(DEVICE_POWER_STATE.PowerDeviceD3);
        return this.succeedAndForward(irp);
      }
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
    });
    const status = k.ddi.PoRequestPowerIrp(this.pdo, IRP_MN_POWER.SET_POWER, state, routine, key, 0);
    if (status !== STATUS.PENDING) {
      pendingPowerRequests.delete(key);
      this.record(`PoRequestPowerIrp(${deviceStateName(state)}) failed with ${hex(status)}`);
      return;
    }
    k.withFrames(['KeWaitForSingleObject'], () => k.dispatcher.waitUntil(() => done, () => `${this.globals.name}.sys: the framework waits for its ${deviceStateName(state)} IRP to complete, and nothing left to run completes it`));
    pendingPowerRequests.delete(key);
  }
}

/** The framework's D-IRP requests in flight, by the context their completion routine gets. */
const pendingPowerRequests = new Map<number, () => void>();
let powerRequestKey = 0;

