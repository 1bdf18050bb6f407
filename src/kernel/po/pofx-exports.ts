/**
 * The power framework's DDIs (po/pofx.ts has the semantics). A handle that names no registration is
 * ignored by the routines that return nothing (Windows would use it as a pointer: undefined behaviour
 * we do not try to imitate).
 */
import type { Kernel } from '../kernel.ts';
import { POFX_ROUTINES, powerFramework, type FxRegistration } from './pofx.ts';

export function pofxExports(k: Kernel) {
  // The framework's routines are part of nt from boot, as every frame name the kernel uses is.
  k.nt.addRoutines(POFX_ROUTINES);
  const fx = () => powerFramework(k);
  const on = (handle: number, body: (r: FxRegistration) => void): void => {
    const r = fx().registration(handle);
    if (r) body(r);
  };
  return {
    /** Register the device (PASSIVE_LEVEL): *Handle receives the POHANDLE. STATUS_INVALID_PARAMETER for a bad PO_FX_DEVICE. */
    PoFxRegisterDevice(Pdo: number, Device: number, Handle: number): number {
      return fx().register(Pdo >>> 0, Device >>> 0, Handle >>> 0);
    },
    /** Start power management (PASSIVE_LEVEL): components with no activation reference go idle. */
    PoFxStartDevicePowerManagement(Handle: number): void {
      on(Handle, (r) => fx().start(r));
    },
    /** End the registration (PASSIVE_LEVEL): no callback comes after it. */
    PoFxUnregisterDevice(Handle: number): void {
      on(Handle, (r) => fx().unregister(r));
    },
    /** Take an activation reference (IRQL <= DISPATCH_LEVEL; PO_FX_FLAG_BLOCKING below it). */
    PoFxActivateComponent(Handle: number, Component: number, Flags: number): void {
      on(Handle, (r) => fx().activate(r, Component >>> 0, Flags >>> 0));
    },
    /** Release an activation reference (IRQL <= DISPATCH_LEVEL): the last one starts the idle transition. */
    PoFxIdleComponent(Handle: number, Component: number, Flags: number): void {
      on(Handle, (r) => fx().idle(r, Component >>> 0, Flags >>> 0));
    },
    /** The driver's answer to ComponentIdleConditionCallback (IRQL <= DISPATCH_LEVEL). */
    PoFxCompleteIdleCondition(Handle: number, Component: number): void {
      on(Handle, (r) => fx().completeIdleCondition(r, Component >>> 0));
    },
    /** The driver's answer to ComponentIdleStateCallback (IRQL <= DISPATCH_LEVEL): the component is in the new Fx state. */
    PoFxCompleteIdleState(Handle: number, Component: number): void {
      on(Handle, (r) => fx().completeIdleState(r, Component >>> 0));
    },
    /** The driver's answer to DevicePowerNotRequiredCallback (IRQL <= DISPATCH_LEVEL). */
    PoFxCompleteDevicePowerNotRequired(Handle: number): void {
      on(Handle, (r) => fx().completeDevicePowerNotRequired(r));
    },
    /** The driver's answer to DevicePowerRequiredCallback once the device is in D0 (IRQL <= DISPATCH_LEVEL). */
    PoFxReportDevicePoweredOn(Handle: number): void {
      on(Handle, (r) => fx().reportDevicePoweredOn(r));
    },
    /** The longest transition back to F0 the driver tolerates for the component (100 ns units, ULONGLONG by value). IRQL <= DISPATCH_LEVEL. */
    PoFxSetComponentLatency(Handle: number, Component: number, Latency: bigint): void {
      on(Handle, (r) => fx().setLatency(r, Component >>> 0, BigInt(Latency)));
    },
    /** How long the component is expected to stay idle (100 ns units, ULONGLONG by value). IRQL <= DISPATCH_LEVEL. */
    PoFxSetComponentResidency(Handle: number, Component: number, Residency: bigint): void {
      on(Handle, (r) => fx().setResidency(r, Component >>> 0, BigInt(Residency)));
    },
    /** The time (100 ns units, ULONGLONG by value) from the last component idle to DevicePowerNotRequiredCallback. */
    PoFxSetDeviceIdleTimeout(Handle: number, IdleTimeout: bigint): void {
      on(Handle, (r) => fx().setIdleTimeout(r, BigInt(IdleTimeout)));
    },
  };
}
