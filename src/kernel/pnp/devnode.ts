/**
 * The device tree: a devnode for each device the PnP manager knows, under the root devnode
 * (HTREE\ROOT\0). A devnode carries what Windows keeps in its DEVICE_NODE: the IDs, the instance path,
 * the service (the function driver), the class, the state and the PDO, and its key under Enum.
 */
import type { CmKey } from '../cm/hive.ts';

/** Windows' PNP_DEVNODE_STATE values a devnode here goes through. */
export type DeviceNodeState =
  | 'DeviceNodeUninitialized'
  | 'DeviceNodeInitialized'
  | 'DeviceNodeDriversAdded'
  | 'DeviceNodeStarted'
  | 'DeviceNodeQueryStopped'
  | 'DeviceNodeStopped'
  | 'DeviceNodeQueryRemoved'
  | 'DeviceNodeRemovePendingCloses'
  | 'DeviceNodeRemoved'
  | 'DeviceNodeDeleted';

/** PNP_DEVNODE_STATE's numbers (!devnode prints them beside the names). */
export const DEVICE_NODE_STATE_VALUE: Readonly<Record<DeviceNodeState, number>> = {
  DeviceNodeUninitialized: 0x301,
  DeviceNodeInitialized: 0x302,
  DeviceNodeDriversAdded: 0x303,
  DeviceNodeStarted: 0x308,
  DeviceNodeQueryStopped: 0x309,
  DeviceNodeStopped: 0x30a,
  DeviceNodeQueryRemoved: 0x310,
  DeviceNodeRemovePendingCloses: 0x311,
  DeviceNodeRemoved: 0x312,
  DeviceNodeDeleted: 0x314,
};

/**
 * Where a devnode lives in kernel memory: given to each new devnode by its parent (the PnP manager
 * places the root's), so `!devnode ADDR` and the PDO's DEVOBJ_EXTENSION.DeviceNode name real pool.
 */
export interface DeviceNodePlacement {
  place(node: DeviceNode): number;
  release(node: DeviceNode): void;
}

export class DeviceNode {
  readonly children: DeviceNode[] = [];
  private current: DeviceNodeState = 'DeviceNodeInitialized';
  /** The state before the current one (Windows keeps a history; !devnode shows the last). */
  previousState: DeviceNodeState = 'DeviceNodeUninitialized';
  /** The DEVICE_NODE's address (0 until placed: the root is placed with its first child). */
  address = 0;
  /** Placement inherited by the children (see DeviceNodePlacement). */
  placement?: DeviceNodePlacement;
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
  /** The root bus wires its wake signal (pnp/wake.ts): SystemWake S3, DeviceWake D3, WAIT_WAKE pends until it signals. */
  wakeCapable = false;
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
    this.placement = parent?.placement;
    if (this.placement) this.address = this.placement.place(this);
  }

  get state(): DeviceNodeState {
    return this.current;
  }

  set state(s: DeviceNodeState) {
    if (s === this.current) return;
    this.previousState = this.current;
    this.current = s;
  }

  /** Off the tree (the device is gone). */
  unlink(): void {
    const siblings = this.parent?.children;
    const i = siblings?.indexOf(this) ?? -1;
    if (i >= 0) siblings!.splice(i, 1);
    this.state = 'DeviceNodeDeleted';
    this.placement?.release(this);
  }
}
