/**
 * Power manager DDIs. PoCallDriver is IoCallDriver (the same routine since Windows Vista, where the
 * power IRPs are no longer serialised per device), and PoStartNextPowerIrp does nothing, as on Vista
 * and later; both stay exported because WDM drivers call them.
 *
 * POWER_STATE is a union passed and returned by value: a C driver's PoSetPowerState and
 * PoRequestPowerIrp arrive through loader/wasm/abi.ts, which reads the union the wasm32 ABI passes by
 * reference; here the state is a number.
 */
import { IRP_MN_POWER, POWER_STATE_TYPE } from '../../nt/power.ts';
import { IRP } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { PO_ROUTINES, powerManager } from './power.ts';

/** The minor functions PoRequestPowerIrp accepts (others: STATUS_INVALID_PARAMETER_2). */
const REQUESTABLE: ReadonlySet<number> = new Set([IRP_MN_POWER.SET_POWER, IRP_MN_POWER.QUERY_POWER, IRP_MN_POWER.WAIT_WAKE]);

export function poExports(k: Kernel) {
  // The power manager's own routines are part of nt from boot, as every frame name the kernel uses is.
  k.nt.addRoutines(PO_ROUTINES);
  return {
    /** IoCallDriver for IRP_MJ_POWER. IRQL <= DISPATCH_LEVEL. */
    PoCallDriver(DeviceObject: number, Irp: number): number {
      return k.io.callDriver(DeviceObject >>> 0, Irp >>> 0);
    },
    /** A no-op since Windows Vista: power IRPs are not held back until the driver is ready for the next. */
    PoStartNextPowerIrp(_Irp: number): void {},
    /** Record the device's new power state of that type (drivers give DevicePowerState); returns the previous one. */
    PoSetPowerState(DeviceObject: number, Type: number, State: number): number {
      return powerManager(k).setState(DeviceObject >>> 0, Type >>> 0, State >>> 0);
    },
    /**
     * Allocate a power IRP for the top of DeviceObject's stack and queue it to the power IRP worker;
     * CompletionFunction(DeviceObject, MinorFunction, PowerState, Context, &Irp->IoStatus) runs when it
     * has completed, at the IRQL it completed at, and then the IRP is freed. STATUS_PENDING once queued.
     * *Irp receives the IRP (documented for IRP_MN_WAIT_WAKE only: others may be gone by then).
     */
    PoRequestPowerIrp(DeviceObject: number, MinorFunction: number, PowerState: number, CompletionFunction: number, Context: number, Irp: number): number {
      const minor = MinorFunction & 0xff;
      if (!REQUESTABLE.has(minor)) return STATUS.INVALID_PARAMETER_2;
      const po = powerManager(k);
      const device = DeviceObject >>> 0;
      const callback = CompletionFunction >>> 0;
      const built = po.buildIrp({
        device,
        minor,
        type: POWER_STATE_TYPE.DevicePowerState,
        state: PowerState >>> 0,
        completed: (irp, stateAddress) => {
          if (callback !== 0) k.callRoutine(callback, [device, minor, stateAddress, Context >>> 0, irp + IRP.off.IoStatus]);
        },
      });
      if (!built) return STATUS.INSUFFICIENT_RESOURCES;
      if (Irp >>> 0 !== 0) k.as.setU32(Irp >>> 0, built.irp);
      po.queue(built.irp, built.target);
      return STATUS.PENDING;
    },
    /** Idle detection on, re-timed, or off (both times 0): the idle counter, or NULL. IRQL < DISPATCH_LEVEL. */
    PoRegisterDeviceForIdleDetection(DeviceObject: number, ConservationIdleTime: number, PerformanceIdleTime: number, State: number): number {
      return powerManager(k).idle.register(DeviceObject >>> 0, ConservationIdleTime >>> 0, PerformanceIdleTime >>> 0, State >>> 0);
    },
    /** PoSetDeviceBusy as a routine: the idle countdown starts again. */
    PoSetDeviceBusyEx(IdlePointer: number): void {
      powerManager(k).idle.setBusy(IdlePointer >>> 0);
    },
    /** The device is busy (it does not count toward idle) until the matching PoEndDeviceBusy. */
    PoStartDeviceBusy(IdlePointer: number): void {
      powerManager(k).idle.startBusy(IdlePointer >>> 0);
    },
    PoEndDeviceBusy(IdlePointer: number): void {
      powerManager(k).idle.endBusy(IdlePointer >>> 0);
    },
  };
}
