/**
 * The power framework (PoFx) for a single-component device whose S0 idle is system-managed:
 * WdfDeviceWdmAssignPowerFrameworkSettings keeps the driver's settings; at the device's first start
 * (after EvtDeviceSelfManagedIoInit, where the reference lets the driver assign them) the framework
 * registers the device with PoFx itself (PoFxRegisterDevice: one component, the driver's or an
 * F0-only one), calls EvtDeviceWdmPostPoFxRegisterDevice with the POHANDLE, then
 * PoFxStartDevicePowerManagement; at removal EvtDeviceWdmPrePoFxUnregisterDevice, then
 * PoFxUnregisterDevice. The registration's callbacks are the framework's: the component ones go on
 * to the driver's (with its PoFxDeviceContext), or complete the condition themselves when it gave
 * none; the device power ones are answered at once (this framework's own idle timer still decides Dx).
 */
import { PO_FX_COMPONENT_IDLE_STATE, PO_FX_COMPONENT_V1, PO_FX_DEVICE_V1 } from '../../nt/layout.ts';
import { PO_FX_VERSION_V1 } from '../../nt/pofx.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import { FX_TYPE } from '../../nt/wdf.ts';
import { WDF_POWER_FRAMEWORK_SETTINGS } from '../../nt/wdf-device.ts';
import type { WdfDdi } from '../ddi.ts';
import type { FxDevice } from '../device.ts';
import type { Framework } from '../framework.ts';
import { fxRoutine } from '../ke.ts';
import { verifierBreak } from '../verifier.ts';

const S = WDF_POWER_FRAMEWORK_SETTINGS.off;
const D = PO_FX_DEVICE_V1.off;
const C = PO_FX_COMPONENT_V1.off;
/** PO_FX_DEVICE_V1 with its one component. */
const DEVICE_SIZE = D.Components + PO_FX_COMPONENT_V1.size;

interface PowerFrameworkSettings {
  readonly postRegister: number;
  readonly preUnregister: number;
  readonly component: number;
  readonly activeCondition: number;
  readonly idleCondition: number;
  readonly idleState: number;
  readonly context: number;
}

interface Registration {
  readonly settings: PowerFrameworkSettings;
  handle: number;
  block: number;
}

const registrations = new WeakMap<FxDevice, Registration>();

/** The framework's registration callbacks; DeviceContext is the WDFDEVICE. */
function routines(fx: Framework) {
  const k = fx.k;
  const of = (handle: number) => {
    const device = fx.handles.get(handle) as FxDevice | undefined;
    return device ? registrations.get(device) : undefined;
  };
  return {
    powerRequired: fxRoutine(fx, 'FxPoxInterface::PowerRequiredCallback', (context: number) => {
      const r = of(context);
      if (r) k.ddi.PoFxReportDevicePoweredOn(r.handle);
    }),
    powerNotRequired: fxRoutine(fx, 'FxPoxInterface::PowerNotRequiredCallback', (context: number) => {
      const r = of(context);
      if (r) k.ddi.PoFxCompleteDevicePowerNotRequired(r.handle);
    }),
    active: fxRoutine(fx, 'FxPoxInterface::ComponentActiveCallback', (context: number, component: number) => {
      const r = of(context);
      if (r?.settings.activeCondition) fx.invoke(r.settings.activeCondition, [r.settings.context, component], []);
    }),
    idle: fxRoutine(fx, 'FxPoxInterface::ComponentIdleCallback', (context: number, component: number) => {
      const r = of(context);
      if (!r) return;
      if (r.settings.idleCondition) fx.invoke(r.settings.idleCondition, [r.settings.context, component], []);
      else k.ddi.PoFxCompleteIdleCondition(r.handle, component);
    }),
    idleState: fxRoutine(fx, 'FxPoxInterface::ComponentIdleStateCallback', (context: number, component: number, state: number) => {
      const r = of(context);
      if (!r) return;
      if (r.settings.idleState) fx.invoke(r.settings.idleState, [r.settings.context, component, state], []);
      else k.ddi.PoFxCompleteIdleState(r.handle, component);
    }),
  };
}

/** The device's first start, after SelfManagedIoInit: register with PoFx if the driver assigned settings. */
export function registerPowerFramework(fx: Framework, device: FxDevice): number {
  const r = registrations.get(device);
  if (!r || r.handle !== 0 || !device.pnp) return STATUS.SUCCESS;
  const as = fx.k.as;
  const g = device.globals;
  const cb = routines(fx);
  r.block = fx.allocate(DEVICE_SIZE + PO_FX_COMPONENT_IDLE_STATE.size, g.tag);
  as.zero(r.block, DEVICE_SIZE + PO_FX_COMPONENT_IDLE_STATE.size);
  as.setU32(r.block + D.Version, PO_FX_VERSION_V1);
  as.setU32(r.block + D.ComponentCount, 1);
  as.setU32(r.block + D.ComponentActiveConditionCallback, cb.active);
  as.setU32(r.block + D.ComponentIdleConditionCallback, cb.idle);
  as.setU32(r.block + D.ComponentIdleStateCallback, cb.idleState);
  as.setU32(r.block + D.DevicePowerRequiredCallback, cb.powerRequired);
  as.setU32(r.block + D.DevicePowerNotRequiredCallback, cb.powerNotRequired);
  as.setU32(r.block + D.DeviceContext, device.handle);
  const component = r.block + D.Components;
  if (r.settings.component) {
    as.copy(component, r.settings.component, PO_FX_COMPONENT_V1.size);
  } else {
    // No component given: F0 only.
    as.setU32(component + C.IdleStateCount, 1);
    as.setU32(component + C.IdleStates, r.block + DEVICE_SIZE);
  }
  const out = fx.allocate(4, g.tag);
  let status = fx.frame('FxPoxInterface::PoxRegisterDevice', () => fx.k.ddi.PoFxRegisterDevice(device.pnp!.pdo, r.block, out) as number);
  r.handle = NT_SUCCESS(status) ? as.u32(out) : 0;
  fx.free(out, g.tag);
  if (!NT_SUCCESS(status)) return status;
  g.record('FxPoxInterface::PoxRegisterDevice', `WDFDEVICE 0x${device.handle.toString(16)} registered with the power framework: POHANDLE 0x${r.handle.toString(16)}`);
  if (r.settings.postRegister) {
    status = fx.invoke(r.settings.postRegister, [device.handle, r.handle], []) as number;
    if (!NT_SUCCESS(status)) {
      unregisterPowerFramework(fx, device, false);
      return status;
    }
  }
  fx.k.ddi.PoFxStartDevicePowerManagement(r.handle);
  return STATUS.SUCCESS;
}

/** Removal: EvtDeviceWdmPrePoFxUnregisterDevice (when the post-register one succeeded), then PoFxUnregisterDevice. */
export function unregisterPowerFramework(fx: Framework, device: FxDevice, callDriver = true): void {
  const r = registrations.get(device);
  if (!r || r.handle === 0) return;
  if (callDriver && r.settings.preUnregister) fx.invoke(r.settings.preUnregister, [device.handle, r.handle], []);
  fx.k.ddi.PoFxUnregisterDevice(r.handle);
  fx.free(r.block, device.globals.tag);
  registrations.delete(device);
}

export function powerFrameworkExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  return {
    WdfDeviceWdmAssignPowerFrameworkSettings(g, Device: number, Settings: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, Settings);
      if (as.u32(Settings + S.Size) !== WDF_POWER_FRAMEWORK_SETTINGS.size) return STATUS.INFO_LENGTH_MISMATCH;
      const pnp = device.pnp;
      if (!pnp || !pnp.powerPolicy.owner) return STATUS.INVALID_DEVICE_REQUEST;
      // The reference: WdfDeviceAssignS0IdleSettings with a system-managed IdleTimeoutType first.
      if (!pnp.idle.systemManaged) return STATUS.INVALID_DEVICE_REQUEST;
      if (registrations.has(device)) {
        verifierBreak(fx, g, 'FxPkgPnp::AssignPowerFrameworkSettings', `WDFDEVICE 0x${Device.toString(16)} already has power framework settings`);
        return STATUS.INVALID_DEVICE_REQUEST;
      }
      const component = as.u32(Settings + S.Component);
      // A component's states: F0 at least, its deepest wakeable one among them.
      if (component && (as.u32(component + C.IdleStateCount) === 0 || as.u32(component + C.DeepestWakeableIdleState) >= as.u32(component + C.IdleStateCount))) return STATUS.INVALID_PARAMETER;
      registrations.set(device, {
        settings: {
          postRegister: as.u32(Settings + S.EvtDeviceWdmPostPoFxRegisterDevice),
          preUnregister: as.u32(Settings + S.EvtDeviceWdmPrePoFxUnregisterDevice),
          component,
          activeCondition: as.u32(Settings + S.ComponentActiveConditionCallback),
          idleCondition: as.u32(Settings + S.ComponentIdleConditionCallback),
          idleState: as.u32(Settings + S.ComponentIdleStateCallback),
          context: as.u32(Settings + S.PoFxDeviceContext),
        },
        handle: 0,
        block: 0,
      });
      return STATUS.SUCCESS;
    },
  };
}
