/**
 * WDFDRIVER: WdfDriverCreate and the driver object's DDIs. Creating the driver takes over the
 * DRIVER_OBJECT's dispatch table (unless WdfDriverInitNoDispatchOverride) and, when the driver
 * has an EvtDriverUnload (or is a PnP driver), its unload routine: the framework's unload calls
 * EvtDriverUnload and then deletes the driver's object tree.
 */
import { DRIVER_EXTENSION, DRIVER_OBJECT, IRP_MJ_COUNT, UNICODE_STRING } from '../nt/layout.ts';
import { STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_DRIVER_CONFIG, WDF_DRIVER_INIT, WDF_GENERIC_POOL_TAG } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';
import { readWdfVerifierSettings } from './settings.ts';
import { pnpRoutines } from './pnp/add-device.ts';
import { readIfrLogPages } from './ifr.ts';

const DRV = DRIVER_OBJECT.off;
const C = WDF_DRIVER_CONFIG.off;
const KNOWN_INIT_FLAGS = WDF_DRIVER_INIT.NonPnpDriver | WDF_DRIVER_INIT.NoDispatchOverride;

export class FxDriver extends FxObject {
  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    readonly driverObject: number,
    readonly registryPath: number,
    readonly deviceAdd: number,
    readonly unload: number,
    readonly initFlags: number,
  ) {
    super(fx, g, attributes, undefined, FX_TYPE.Driver);
  }

  override get driverMayDelete(): boolean {
    return false;
  }

  get nonPnp(): boolean {
    return (this.initFlags & WDF_DRIVER_INIT.NonPnpDriver) !== 0;
  }
}

export function driverExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  return {
    WdfDriverCreate(g, DriverObject: number, RegistryPath: number, DriverAttributes: number, DriverConfig: number, Driver: number) {
      fx.require(g, DriverObject);
      fx.require(g, RegistryPath);
      fx.require(g, DriverConfig);
      if (as.u32(DriverConfig + C.Size) !== WDF_DRIVER_CONFIG.size) return STATUS.INFO_LENGTH_MISMATCH;
      const flags = as.u32(DriverConfig + C.DriverInitFlags);
      if ((flags & ~KNOWN_INIT_FLAGS) !== 0) return STATUS.INVALID_PARAMETER;
      if (g.driver) return STATUS.DRIVER_INTERNAL_ERROR;
      const deviceAdd = as.u32(DriverConfig + C.EvtDriverDeviceAdd);
      const unload = as.u32(DriverConfig + C.EvtDriverUnload);
      const nonPnp = (flags & WDF_DRIVER_INIT.NonPnpDriver) !== 0;
      if (nonPnp && deviceAdd !== 0) return STATUS.INVALID_PARAMETER;
      const attributes = readAttributes(fx, DriverAttributes, { parentNotAllowed: true, executionLevel: true, synchronizationScope: true });
      if (typeof attributes === 'number') return attributes;
      // The framework's verifier settings are read here, from the service key's Parameters\Wdf.
      g.setVerifier(readWdfVerifierSettings(fx.k, fx.readUnicodeString(RegistryPath), fx.verifierDefault(g.name)));
      g.setIfrPages(readIfrLogPages(fx.k, fx.readUnicodeString(RegistryPath), g.verifierOn));
      const tag = as.u32(DriverConfig + C.DriverPoolTag);
      if (tag !== 0 && tag !== WDF_GENERIC_POOL_TAG) g.setTag(tag);
      const driver = new FxDriver(fx, g, attributes, DriverObject, RegistryPath, deviceAdd, unload, flags);
      g.setDriver(driver);
      fx.byDriverObject.set(DriverObject, g);
      if ((flags & WDF_DRIVER_INIT.NoDispatchOverride) === 0) {
        for (let i = 0; i < IRP_MJ_COUNT; i++) as.setU32(DriverObject + DRV.MajorFunction + 4 * i, fx.routines.dispatch);
      }
      // A non-PnP driver without EvtDriverUnload cannot be unloaded; a PnP driver always can.
      const displace = !nonPnp || unload !== 0;
      g.setDisplaceDriverUnload(displace);
      if (displace) as.setU32(DriverObject + DRV.DriverUnload, fx.routines.unload);
      // A PnP driver's AddDevice is the framework's, which calls EvtDriverDeviceAdd (pnp/add-device.ts).
      if (!nonPnp) as.setU32(as.u32(DriverObject + DRV.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, pnpRoutines(fx).addDevice);
      if (Driver !== 0) as.setU32(Driver, driver.handle);
      g.record('FxDriver::Initialize', `WDFDRIVER 0x${driver.handle.toString(16)} created for ${g.name}.sys`);
      return STATUS.SUCCESS;
    },

    WdfDriverWdmGetDriverObject(g, Driver: number) {
      return fx.object<FxDriver>(g, Driver, FX_TYPE.Driver).driverObject;
    },

    WdfWdmDriverGetWdfDriverHandle(g, DriverObject: number) {
      fx.require(g, DriverObject);
      return fx.byDriverObject.get(DriverObject)?.driver?.handle ?? 0;
    },

    WdfDriverGetRegistryPath(g, Driver: number) {
      const d = fx.object<FxDriver>(g, Driver, FX_TYPE.Driver);
      return as.u32(d.registryPath + UNICODE_STRING.off.Buffer);
    },

    WdfDriverIsVersionAvailable(g, Driver: number, Params: number) {
      fx.object<FxDriver>(g, Driver, FX_TYPE.Driver);
      fx.require(g, Params);
      if (as.u32(Params) !== 12) return 0;
      const major = as.u32(Params + 4);
      const minor = as.u32(Params + 8);
      // This framework is version 1.33.
      return major < 1 || (major === 1 && minor <= 33) ? 1 : 0;
    },
  };
}
