/**
 * What bus drivers call to have the PnP manager look at a device again (bus.ts runs the actions on a
 * system worker thread, later). Each takes a PDO the PnP manager enumerated; anything else is bug
 * check 0xCA PNP_DETECTED_FATAL_ERROR with Parameter 1 = 2 (invalid PDO), Parameter 3 its driver object.
 * IRQL <= DISPATCH_LEVEL, all three.
 */
import { DEVICE_OBJECT } from '../../nt/layout.ts';
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { DEVICE_RELATION_TYPE } from '../../nt/pnp.ts';
import type { Kernel } from '../kernel.ts';
import type { DeviceNode } from './devnode.ts';
import { PNP_FATAL } from './bus.ts';

export function pnpBusExports(k: Kernel) {
  const devnodeOf = (DeviceObject: number): DeviceNode => {
    const pdo = DeviceObject >>> 0;
    const node = pdo === 0 ? undefined : k.pnp.nodeOfPdo(pdo);
    if (node) return node;
    const driver = pdo !== 0 && k.ob.kindOf(pdo) === 'Device' ? k.as.u32(pdo + DEVICE_OBJECT.off.DriverObject) : 0;
    return k.bugCheck(BUGCHECK.PNP_DETECTED_FATAL_ERROR, PNP_FATAL.INVALID_PDO, pdo, driver, 0);
  };
  return {
    /**
     * BusRelations: the device's bus relations are asked for again (children that appeared get
     * devnodes, children no longer listed are removed). Other relation types are asked for when the
     * PnP manager needs them (a removal, an eject), so invalidating them queues nothing here.
     */
    IoInvalidateDeviceRelations(DeviceObject: number, Type: number): void {
      const node = devnodeOf(DeviceObject);
      if (Type >>> 0 === DEVICE_RELATION_TYPE.BusRelations) k.pnp.bus.request('enumerate', node);
    },

    /** IRP_MN_QUERY_PNP_DEVICE_STATE is sent again to the started device. */
    IoInvalidateDeviceState(PhysicalDeviceObject: number): void {
      k.pnp.bus.request('state', devnodeOf(PhysicalDeviceObject));
    },

    /** The device is ejected: query-removed and removed with its children, then IRP_MN_EJECT if it can eject. */
    IoRequestDeviceEject(PhysicalDeviceObject: number): void {
      k.pnp.bus.request('eject', devnodeOf(PhysicalDeviceObject));
    },
  };
}
