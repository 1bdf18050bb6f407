/**
 * Idle detection (PoRegisterDeviceForIdleDetection, PoSetDeviceBusy(Ex), PoStart/EndDeviceBusy). As
 * WRK's PopScanIdleList does, a scan once a second of simulated time adds a second to each
 * registered device's idle counter (a ULONG the driver zeroes with PoSetDeviceBusy, a macro that
 * writes it), unless the device is held busy; when the counter reaches the idle time, the power
 * manager requests an IRP_MN_SET_POWER for the registered device state, once, until the device's
 * state changes again. The idle time used is PerformanceIdleTime (the machine runs on AC power,
 * where Windows optimises for performance), or ConservationIdleTime when that one is 0.
 *
 * The scan's timer is set only while some device counts toward idle, so a machine with nothing to
 * count stays idle (a run can end, a wait with nothing left to run is still a hang).
 */
import { IO_TYPE } from '../../nt/io.ts';
import { DEVICE_OBJECT, KDPC, KTIMER } from '../../nt/layout.ts';
import { IRP_MN_POWER, POWER_STATE_TYPE } from '../../nt/power.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';
import type { PowerManager } from './power.ts';

/** One second, as a relative NT due time (100 ns units). */
const SCAN_INTERVAL = -10_000_000n;
/** The class-default idle time a driver asks for with -1: not modelled (no device class policies here). */
const USE_CLASS_DEFAULT = 0xffffffff;

interface Registration {
  readonly device: number;
  /** The ULONG counter handed to the driver, in seconds idle. */
  readonly counter: number;
  idleTime: number;
  state: number;
  busyCount: number;
  /** A D-IRP for the idle state was requested and the device has not changed state since. */
  requested: boolean;
}

export class IdleDetection {
  private readonly byDevice = new Map<number, Registration>();
  private timer = 0;
  private dpc = 0;

  constructor(private readonly k: Kernel, private readonly po: PowerManager) {}

  /** PoRegisterDeviceForIdleDetection: the counter, or 0 when detection is now off (or the times are not usable). */
  register(device: number, conservationIdleTime: number, performanceIdleTime: number, state: number): number {
    const idleTime = performanceIdleTime !== 0 ? performanceIdleTime : conservationIdleTime;
    if (idleTime === 0 || conservationIdleTime === USE_CLASS_DEFAULT || performanceIdleTime === USE_CLASS_DEFAULT) {
      this.cancel(device);
      return 0;
    }
    let r = this.byDevice.get(device);
    if (r === undefined) {
      const counter = this.k.tryAllocateKernelObject(4, TAG.PowerIdle);
      if (counter === 0) return 0;
      r = { device, counter, idleTime, state, busyCount: 0, requested: false };
      this.byDevice.set(device, r);
    }
    r.idleTime = idleTime;
    r.state = state;
    r.requested = false;
    this.k.as.setU32(r.counter, 0);
    this.arm();
    return r.counter;
  }

  /** PoSetDeviceBusyEx: the countdown starts again (and the scan, if it had stopped). */
  setBusy(counter: number): void {
    this.k.as.setU32(counter, 0);
    const r = this.byCounter(counter);
    if (r) {
      r.requested = false;
      this.arm();
    }
  }

  /** PoStartDeviceBusy: the device is busy until the matching PoEndDeviceBusy; it does not count toward idle meanwhile. */
  startBusy(counter: number): void {
    const r = this.byCounter(counter);
    if (r) r.busyCount++;
    this.k.as.setU32(counter, 0);
  }

  endBusy(counter: number): void {
    const r = this.byCounter(counter);
    if (r && r.busyCount > 0) r.busyCount--;
    this.k.as.setU32(counter, 0);
    if (r) this.arm();
  }

  /** PoSetPowerState saw the device change state: leaving the idle state starts the count again. */
  deviceStateChanged(device: number, state: number): void {
    const r = this.byDevice.get(device);
    if (!r || state === r.state) return;
    r.requested = false;
    this.k.as.setU32(r.counter, 0);
    this.arm();
  }

  /** The registered devices, for tests and the debugger. */
  registrations(): ReadonlyArray<Readonly<Registration>> {
    return [...this.byDevice.values()];
  }

  private byCounter(counter: number): Registration | undefined {
    for (const r of this.byDevice.values()) if (r.counter === counter) return r;
    return undefined;
  }

  private cancel(device: number): void {
    const r = this.byDevice.get(device);
    if (!r) return;
    this.byDevice.delete(device);
    this.k.freeKernelObject(r.counter);
  }

  /** Counts toward idle: alive, not yet in its idle state, no idle D-IRP requested since it last changed. */
  private counting(r: Registration): boolean {
    return !r.requested && this.k.ob.isObject(r.device) && this.po.state(r.device, POWER_STATE_TYPE.DevicePowerState) !== r.state;
  }

  /** Set the scan's one-second timer if a device counts toward idle and it is not set already. */
  private arm(): void {
    if (![...this.byDevice.values()].some((r) => this.counting(r))) return;
    const k = this.k;
    if (this.timer === 0) {
      const block = k.allocateKernelObject(KTIMER.size + KDPC.size, TAG.PowerIdle);
      this.timer = block;
      this.dpc = block + KTIMER.size;
      const scan = k.nt.address('PopScanIdleList');
      k.registerRoutine(scan, (() => this.scan()) as never, 'nt');
      k.dispatcher.initializeTimer(this.timer, 0);
      k.dispatcher.initializeDpc(this.dpc, scan, 0);
    }
    if (!k.dispatcher.isTimerSet(this.timer)) k.dispatcher.setTimer(this.timer, SCAN_INTERVAL, 0, this.dpc);
  }

  /** The scan DPC (DISPATCH_LEVEL): count a second, request the idle D-IRPs that fall due. */
  private scan(): void {
    const as = this.k.as;
    for (const r of [...this.byDevice.values()]) {
      // A deleted device takes its registration with it.
      if (!this.k.ob.isObject(r.device) || as.u16(r.device + DEVICE_OBJECT.off.Type) !== IO_TYPE.DEVICE) {
        this.cancel(r.device);
        continue;
      }
      if (!this.counting(r) || r.busyCount > 0) continue;
      const idle = as.u32(r.counter) + 1;
      as.setU32(r.counter, idle);
      if (idle < r.idleTime) continue;
      r.requested = true;
      const built = this.po.buildIrp({ device: r.device, minor: IRP_MN_POWER.SET_POWER, type: POWER_STATE_TYPE.DevicePowerState, state: r.state, completed: () => {} });
      if (built) this.po.queue(built.irp, built.target);
      else r.requested = false;
    }
    this.arm();
  }
}
