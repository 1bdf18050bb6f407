/**
 * The device tree: a devnode for each device the PnP manager knows, under the root devnode
 * (HTREE\ROOT\0). A devnode carries what Windows keeps in its DEVICE_NODE: the IDs, the instance path,
 * the service (the function driver), the class, the state and the PDO, and its key under Enum.
 */
import type { CmKey } from '../cm/hive.ts';

/** Windows' PNP_DEVNODE_STATE values a devnode here goes through. */
export type DeviceNodeState =
  | 'DeviceNodeInitialized'
  | 'DeviceNodeDriversAdded'
  | 'DeviceNodeStarted'
  | 'DeviceNodeQueryStopped'
  | 'DeviceNodeStopped'
  | 'DeviceNodeQueryRemoved'
  | 'DeviceNodeRemovePendingCloses'
  | 'DeviceNodeRemoved'
  | 'DeviceNodeDeleted';

export class DeviceNode {
  readonly children: DeviceNode[] = [];
  state: DeviceNodeState = 'DeviceNodeInitialized';
  /** The last QUERY_PNP_DEVICE_STATE answer (PNP_DEVICE_* bits). */
  pnpDeviceState = 0;
  /** What the last failed request ended with (AddDevice, START), 0 while none failed. */
  problemStatus = 0;
  /**
   * A bus driver's child (bus.ts): its PDO is the bus driver's, which deletes it, and the PnP manager
   * holds a reference on it while the devnode exists. False for the root bus's devices.
   */
  busChild = false;
  /** The function driver whose AddDevice was called for it (0: none, a raw device or no driver found). */
  functionDriver = 0;
  /** The DEVICE_CAPABILITIES bits of its last QUERY_CAPABILITIES (CAPABILITY_BIT). */
  capabilities = 0;
  /** The device text the bus answered (IRP_MN_QUERY_DEVICE_TEXT), when it answered. */
  description?: string;
  location?: string;

  constructor(
    readonly parent: DeviceNode | undefined,
    /** ROOT\SYSTEM\0000; HTREE\ROOT\0 for the root. */
    readonly instancePath: string,
    readonly hardwareIds: readonly string[],
    readonly compatibleIds: readonly string[],
    /** The function driver's service name. */
    readonly service: string,
    readonly deviceClass: string,
    /** The physical device object, the bottom of the device's stack (0 for the root). */
    readonly pdo: number,
    readonly key: CmKey | undefined,
  ) {
    parent?.children.push(this);
  }

  /** Off the tree (the device is gone). */
  unlink(): void {
    const siblings = this.parent?.children;
    const i = siblings?.indexOf(this) ?? -1;
    if (i >= 0) siblings!.splice(i, 1);
    this.state = 'DeviceNodeDeleted';
  }
}
