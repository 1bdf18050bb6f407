/**
 * The framework's AddDevice (FxDriver::AddDevice), in every KMDF PnP driver's DRIVER_EXTENSION: it
 * makes a WDFDEVICE_INIT for the PDO and calls EvtDriverDeviceAdd, which fills it (the init calls
 * below, and wdfdevice.h's) and calls WdfDeviceCreate (attached to the stack: package.ts). The init
 * is freed when EvtDriverDeviceAdd returns; a device created by an EvtDriverDeviceAdd that fails is
 * deleted with it, as Windows does.
 */
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import { FX_TYPE, WDF_BUGCHECK } from '../../nt/wdf.ts';
import { WDF_PNPPOWER_EVENT_CALLBACKS } from '../../nt/wdf-pnp.ts';
import type { WdfDdi } from '../ddi.ts';
import { FxDeviceInit, INIT_TAG, deviceInits, type FxDevice } from '../device.ts';
import type { Framework } from '../framework.ts';
import type { FxDriverGlobals } from '../globals.ts';
import { fxRoutine } from '../ke.ts';
import { verifierBreak } from '../verifier.ts';
import { NO_PNP_CALLBACKS, type FxPnpInit, type PnpPowerCallbacks } from './package.ts';

const CB = WDF_PNPPOWER_EVENT_CALLBACKS.off;

/** The framework's PnP routines drivers' objects point at. */
export function pnpRoutines(fx: Framework): { readonly addDevice: number } {
  return { addDevice: fxRoutine(fx, 'FxDriver::AddDevice', (driverObject, pdo) => addDevice(fx, driverObject, pdo)) };
}

function addDevice(fx: Framework, driverObject: number, pdo: number): number {
  const g = fx.byDriverObject.get(driverObject);
  const driver = g?.driver;
  if (!g || !driver || driver.deviceAdd === 0) return STATUS.UNSUCCESSFUL;
  const address = fx.allocate(0x10, INIT_TAG);
  const init = new FxDeviceInit(address, g, driver, false);
  const pnp: FxPnpInit = { pdo, callbacks: NO_PNP_CALLBACKS, filter: false };
  init.pnp = pnp;
  deviceInits(fx).set(address, init);
  const status = (fx.invoke(driver.deviceAdd, [driver.handle, address], []) as number) >>> 0;
  // WdfDeviceCreate took the init if it succeeded; otherwise it is freed here.
  if (!init.used) {
    init.used = true;
    deviceInits(fx).delete(address);
    fx.free(address, INIT_TAG);
  }
  const device: FxDevice | undefined = pnp.device;
  if (!NT_SUCCESS(status) && device) device.delete();
  g.record('FxDriver::AddDevice', `EvtDriverDeviceAdd returned 0x${status.toString(16)}${device ? `, WDFDEVICE 0x${device.handle.toString(16)}` : ', no WDFDEVICE created'}`);
  return status;
}

export function pnpInitExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;

  /** A PnP init: NULL or used up is 0x10D/0x4 (as for every init); a control device's init has no PnP part. */
  const pnpInit = (g: FxDriverGlobals, DeviceInit: number, routine: string): FxPnpInit | undefined => {
    const init = deviceInits(fx).get(DeviceInit >>> 0);
    if (!init || init.used) return fx.violation(g, WDF_BUGCHECK.REQUIRED_PARAMETER_IS_NULL, DeviceInit, fx.driverCaller());
    if (!init.pnp) verifierBreak(fx, g, routine, `PWDFDEVICE_INIT 0x${DeviceInit.toString(16)} is a control device's: not allowed`);
    return init.pnp;
  };

  return {
    WdfDeviceInitSetPnpPowerEventCallbacks(g, DeviceInit: number, PnpPowerEventCallbacks: number) {
      const pnp = pnpInit(g, DeviceInit, 'FxDeviceInit::SetPnpPowerEventCallbacks');
      fx.require(g, PnpPowerEventCallbacks);
      if (!pnp) return;
      if (as.u32(PnpPowerEventCallbacks + CB.Size) !== WDF_PNPPOWER_EVENT_CALLBACKS.size) {
        verifierBreak(fx, g, 'FxDeviceInit::SetPnpPowerEventCallbacks', `PnpPowerEventCallbacks size ${as.u32(PnpPowerEventCallbacks + CB.Size)} invalid, expected ${WDF_PNPPOWER_EVENT_CALLBACKS.size}`);
        return;
      }
      const callbacks = Object.fromEntries(Object.keys(NO_PNP_CALLBACKS).map((n) => [n, as.u32(PnpPowerEventCallbacks + CB[n as keyof PnpPowerCallbacks])]));
      pnp.callbacks = callbacks as PnpPowerCallbacks;
    },

    WdfFdoInitSetFilter(g, DeviceInit: number) {
      const pnp = pnpInit(g, DeviceInit, 'FxDeviceInit::SetFilter');
      if (pnp) pnp.filter = true;
    },

    WdfFdoInitWdmGetPhysicalDevice(g, DeviceInit: number) {
      return pnpInit(g, DeviceInit, 'FxDeviceInit::GetPhysicalDevice')?.pdo ?? 0;
    },

    WdfDeviceWdmGetAttachedDevice(g, Device: number) {
      return fx.object<FxDevice>(g, Device, FX_TYPE.Device).pnp?.lower ?? 0;
    },

    WdfDeviceWdmGetPhysicalDevice(g, Device: number) {
      return fx.object<FxDevice>(g, Device, FX_TYPE.Device).pnp?.pdo ?? 0;
    },
  };
}
