/**
 * Device interfaces of a framework device: WdfDeviceCreateDeviceInterface registers one for the PDO
 * (IoRegisterDeviceInterface); one registered before the start is enabled at the start and disabled
 * at a stop or removal; one registered later stays disabled until WdfDeviceSetDeviceInterfaceState.
 */
import { UNICODE_STRING } from '../../nt/layout.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import { FX_TYPE } from '../../nt/wdf.ts';
import { WDF_DEVICE_PNP_STATE } from '../../nt/wdf-pnp.ts';
import type { WdfDdi } from '../ddi.ts';
import type { FxDevice } from '../device.ts';
import type { Framework } from '../framework.ts';
import type { FxPkgPnp } from './package.ts';
import { verifierBreak } from '../verifier.ts';

export class FxDeviceInterface {
  enabled = false;

  constructor(
    private readonly fx: Framework,
    /** The UNICODE_STRING IoRegisterDeviceInterface filled (framework pool, its buffer the kernel's). */
    readonly link: number,
    readonly guid: string,
    readonly reference: string,
    /** Enabled by the start (registered before it, and not disabled by the driver since). */
    public atStart: boolean,
  ) {}

  startDevice(): void {
    if (this.atStart) this.setState(true);
  }

  setState(enable: boolean): void {
    if (this.enabled === enable) return;
    this.enabled = enable;
    this.fx.k.ddi.IoSetDeviceInterfaceState(this.link, enable ? 1 : 0);
  }

  disable(): void {
    this.setState(false);
  }

  free(): void {
    this.fx.k.ddi.RtlFreeUnicodeString(this.link);
    this.fx.free(this.link, INTERFACE_TAG);
  }
}

/** The framework's tag for its interface name headers ('FxIf'). */
const INTERFACE_TAG = 0x66497846;

const guidText = (fx: Framework, guid: number) => [...fx.k.as.read(guid, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** IoRegisterDeviceInterface for the device's PDO, and the interface the package enables at start. */
function registerInterface(fx: Framework, pnp: FxPkgPnp, guid: number, referenceString: number): number {
  const k = fx.k;
  const link = fx.allocate(UNICODE_STRING.size, INTERFACE_TAG);
  k.as.zero(link, UNICODE_STRING.size);
  const status = k.ddi.IoRegisterDeviceInterface(pnp.pdo, guid, referenceString, link);
  if (!NT_SUCCESS(status)) {
    fx.free(link, INTERFACE_TAG);
    return status;
  }
  const started = pnp.state === WDF_DEVICE_PNP_STATE.WdfDevStatePnpStarted;
  pnp.interfaces.push(new FxDeviceInterface(fx, link, guidText(fx, guid), referenceString === 0 ? '' : fx.readUnicodeString(referenceString), !started));
  return STATUS.SUCCESS;
}

/** A PDO's start: the interfaces created before its bus reported it, registered now (a failure is in the log, as the framework's). */
export function registerDeferredInterfaces(fx: Framework, pnp: FxPkgPnp): void {
  for (const d of pnp.deferredInterfaces.splice(0)) {
    const guid = fx.allocate(16, INTERFACE_TAG);
    fx.k.as.write(guid, d.guid);
    const ref = d.reference === '' ? 0 : fx.unicodeString(d.reference, INTERFACE_TAG);
    const status = registerInterface(fx, pnp, guid, ref);
    if (!NT_SUCCESS(status)) pnp.globals.record('FxDeviceInterface::Register', `WDFDEVICE 0x${pnp.device.handle.toString(16)}: IoRegisterDeviceInterface failed with 0x${status.toString(16)}`);
    if (ref) fx.free(ref, INTERFACE_TAG);
    fx.free(guid, INTERFACE_TAG);
  }
}

export function interfaceExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const reference = (ReferenceString: number) => (ReferenceString === 0 ? '' : fx.readUnicodeString(ReferenceString));

  return {
    WdfDeviceCreateDeviceInterface(g, Device: number, InterfaceClassGUID: number, ReferenceString: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, InterfaceClassGUID);
      const pnp = device.pnp;
      // Control devices have no stack, so no interfaces.
      if (!pnp) return STATUS.INVALID_DEVICE_REQUEST;
      // A PDO its bus has not reported yet has no device node to register with: the framework keeps the
      // interface and registers it when the PDO starts (registerDeferredInterfaces), as KMDF does for PDOs.
      if (pnp.parentDevice && !k.pnp.nodeOfPdo(pnp.pdo)) {
        pnp.deferredInterfaces.push({ guid: k.as.read(InterfaceClassGUID, 16), reference: reference(ReferenceString) });
        return STATUS.SUCCESS;
      }
      return registerInterface(fx, pnp, InterfaceClassGUID, ReferenceString);
    },

    WdfDeviceSetDeviceInterfaceState(g, Device: number, InterfaceClassGUID: number, ReferenceString: number, IsInterfaceEnabled: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, InterfaceClassGUID);
      const guid = guidText(fx, InterfaceClassGUID);
      const ref = reference(ReferenceString);
      const iface = device.pnp?.interfaces.find((i) => i.guid === guid && i.reference === ref);
      if (!iface) return verifierBreak(fx, g, 'FxDevice::SetDeviceInterfaceState', `WDFDEVICE 0x${device.handle.toString(16)} has no such device interface`);
      // The driver's word holds over the framework's enabling at a (re)start.
      iface.atStart = (IsInterfaceEnabled & 0xff) !== 0;
      iface.setState(iface.atStart);
    },
  };
}
