/**
 * Driver-defined interfaces (IRP_MN_QUERY_INTERFACE). WdfDeviceAddQueryInterface keeps a copy of the
 * driver's INTERFACE structure (its Size bytes) under its GUID; when the device's stack is asked for
 * that GUID, the framework copies it into the requester's structure, lets the driver edit it
 * (EvtDeviceProcessQueryInterfaceRequest), takes the reference the requester will release
 * (InterfaceReference(Context)) and completes the IRP. A PDO's interface marked SendQueryToParentStack
 * is asked of the parent's stack instead. A GUID the device does not have goes down (a PDO completes
 * it as it came: STATUS_NOT_SUPPORTED). WdfFdoQueryForInterface asks the device's own stack, from the top.
 */
import { INTERFACE, IO_STACK_LOCATION, IRP } from '../../nt/layout.ts';
import { IRP_MN_PNP } from '../../nt/pnp.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import { FX_TYPE } from '../../nt/wdf.ts';
import { WDF_QUERY_INTERFACE_CONFIG } from '../../nt/wdf-bus.ts';
import { sendPnpIrp } from '../../kernel/pnp/irp.ts';
import type { WdfDdi } from '../ddi.ts';
import type { FxDevice } from '../device.ts';
import type { Framework } from '../framework.ts';
import { pnpMinorHandlers, type FxPkgPnp } from './package.ts';
import { pdoOf } from './pdo.ts';

const QI = WDF_QUERY_INTERFACE_CONFIG.off;
const Q = IO_STACK_LOCATION.off;
const I = IRP.off;
const IF = INTERFACE.off;
const GUID_SIZE = 16;

interface FxQueryInterface {
  readonly guid: string;
  /** The driver's INTERFACE as it gave it (Size bytes). */
  readonly data: Uint8Array;
  readonly sendToParent: boolean;
  readonly process: number;
  readonly importInterface: boolean;
}

const interfaces = new WeakMap<FxDevice, FxQueryInterface[]>();
const guidKey = (fx: Framework, address: number) => Buffer.from(fx.k.as.read(address, GUID_SIZE)).toString('hex');

/** QUERY_INTERFACE at a framework device: answered when the device added that GUID, else undefined (the IRP goes on). */
function queryInterface(pkg: FxPkgPnp, irp: number, minor: number): number | undefined {
  if (minor !== IRP_MN_PNP.QUERY_INTERFACE) return undefined;
  const fx = pkg.fx;
  const as = fx.k.as;
  const sp = as.u32(irp + I['Tail.CurrentStackLocation']);
  const type = as.u32(sp + Q['Parameters.QueryInterface.InterfaceType']);
  if (type === 0) return undefined;
  const qi = interfaces.get(pkg.device)?.find((q) => q.guid === guidKey(fx, type));
  if (!qi) return undefined;
  const exposed = as.u32(sp + Q['Parameters.QueryInterface.Interface']);
  const size = as.u16(sp + Q['Parameters.QueryInterface.Size']);
  const specific = as.u32(sp + Q['Parameters.QueryInterface.InterfaceSpecificData']);
  const status = fx.frame('FxPkgPnp::HandleQueryInterface', () => {
    const parent = pdoOf(pkg.device)?.parent;
    if (qi.sendToParent && parent?.pnp) {
      // The parent's stack answers, into the same structure.
      const version = as.u16(sp + Q['Parameters.QueryInterface.Version']);
      return sendQueryInterface(fx, parent.pnp.pdo, type, exposed, size, version, specific);
    }
    if (exposed === 0 || size < qi.data.length) return STATUS.INVALID_PARAMETER;
    if (!qi.importInterface) as.write(exposed, qi.data);
    let s: number = STATUS.SUCCESS;
    if (qi.process) s = (fx.invoke(qi.process, [pkg.device.handle, type, exposed, specific], []) as number) >>> 0;
    if (NT_SUCCESS(s)) {
      const reference = as.u32(exposed + IF.InterfaceReference);
      if (reference) fx.invoke(reference, [as.u32(exposed + IF.Context)], []);
    }
    return s;
  });
  pkg.globals.record('FxPkgPnp::HandleQueryInterface', `WDFDEVICE 0x${pkg.device.handle.toString(16)} answers IRP_MN_QUERY_INTERFACE with 0x${status.toString(16)}`);
  as.setU32(irp + I['IoStatus.Status'], status);
  fx.k.ddi.IofCompleteRequest(irp, 0);
  return status;
}
pnpMinorHandlers.push(queryInterface);

/** IRP_MN_QUERY_INTERFACE to the top of the stack above `pdo`, waited for: its status. */
function sendQueryInterface(fx: Framework, pdo: number, type: number, iface: number, size: number, version: number, specific: number): number {
  const as = fx.k.as;
  return sendPnpIrp(fx.k, pdo, IRP_MN_PNP.QUERY_INTERFACE, (sp) => {
    as.setU32(sp + Q['Parameters.QueryInterface.InterfaceType'], type);
    as.setU16(sp + Q['Parameters.QueryInterface.Size'], size);
    as.setU16(sp + Q['Parameters.QueryInterface.Version'], version);
    as.setU32(sp + Q['Parameters.QueryInterface.Interface'], iface);
    as.setU32(sp + Q['Parameters.QueryInterface.InterfaceSpecificData'], specific);
  }).status;
}

export function queryInterfaceExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  return {
    WdfDeviceAddQueryInterface(g, Device: number, InterfaceConfig: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, InterfaceConfig);
      if (as.u32(InterfaceConfig + QI.Size) !== WDF_QUERY_INTERFACE_CONFIG.size) return STATUS.INFO_LENGTH_MISMATCH;
      const iface = as.u32(InterfaceConfig + QI.Interface);
      const type = as.u32(InterfaceConfig + QI.InterfaceType);
      fx.require(g, iface);
      fx.require(g, type);
      const sendToParent = as.u8(InterfaceConfig + QI.SendQueryToParentStack) !== 0;
      const process = as.u32(InterfaceConfig + QI.EvtDeviceProcessQueryInterfaceRequest);
      const importInterface = as.u8(InterfaceConfig + QI.ImportInterface) !== 0;
      const size = as.u16(iface + IF.Size);
      // Only a PDO has a parent stack to send to; an imported interface is the driver's to fill.
      if ((sendToParent && !pdoOf(device)) || size < INTERFACE.size || (importInterface && process === 0)) return STATUS.INVALID_PARAMETER;
      const list = interfaces.get(device) ?? [];
      const guid = guidKey(fx, type);
      if (list.some((q) => q.guid === guid)) return STATUS.OBJECT_NAME_COLLISION;
      list.push({ guid, data: as.read(iface, size).slice(), sendToParent, process, importInterface });
      interfaces.set(device, list);
      return STATUS.SUCCESS;
    },

    WdfFdoQueryForInterface(g, Fdo: number, InterfaceType: number, Interface: number, Size: number, Version: number, InterfaceSpecificData: number) {
      const device = fx.object<FxDevice>(g, Fdo, FX_TYPE.Device);
      fx.require(g, InterfaceType);
      fx.require(g, Interface);
      if (!device.pnp) return STATUS.INVALID_DEVICE_REQUEST;
      return sendQueryInterface(fx, device.pnp.pdo, InterfaceType >>> 0, Interface >>> 0, Size & 0xffff, Version & 0xffff, InterfaceSpecificData >>> 0);
    },
  };
}
