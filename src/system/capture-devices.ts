/**
 * The device part of a dump: what the I/O and PnP managers keep in their own tables rather than in
 * simulated memory (the driver objects that are loaded, the names of device objects, the device
 * tree). Device and driver objects, IRPs and stack locations are in the dump's memory already.
 */
import type { DevicesSnapshot } from '../debugger/dump.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { DEVICE_NODE_STATE_VALUE, type DeviceNode } from '../kernel/pnp/devnode.ts';

export function snapshotDevices(k: Kernel): DevicesSnapshot {
  const drivers = [...k.io.drivers.values()].filter((d) => d.state !== 'unloaded').map((d) => d.driverObject);
  const names: { address: number; name: string }[] = [];
  for (const driver of drivers) {
    for (const device of k.io.devicesOf(driver)) {
      const name = k.io.deviceName(device);
      if (name !== undefined) names.push({ address: device, name });
    }
  }
  // The root devnode has an address once the first device was enumerated; before that there is no tree.
  const root = k.pnp.root;
  const tree: DeviceNode[] = root.address === 0 ? [] : [root, ...k.pnp.devnodes()];
  const nodes = tree.map((n) => ({
    address: n.address,
    parent: n.parent?.address ?? 0,
    pdo: n.pdo,
    instancePath: n.instancePath,
    serviceName: n.service,
    state: DEVICE_NODE_STATE_VALUE[n.state],
    previousState: DEVICE_NODE_STATE_VALUE[n.previousState],
    problemStatus: n.problemStatus,
  }));
  return { drivers, names, nodes, routines: [...k.indirectRoutines()] };
}
