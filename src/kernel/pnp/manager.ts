/**
 * The PnP manager (kernel/pnp): root-enumerates a device for a driver, calls its AddDevice with the
 * PDO, and drives the device through Windows' PnP IRPs in Windows' order: START_DEVICE then
 * QUERY_CAPABILITIES and QUERY_PNP_DEVICE_STATE; QUERY_STOP/STOP/START for a rebalance;
 * QUERY_REMOVE then REMOVE_DEVICE (CANCEL_REMOVE when a driver vetoes); SURPRISE_REMOVAL, then
 * REMOVE_DEVICE once the last handle is closed. The root bus driver and its PDOs are root.ts's.
 *
 * Nothing is created until the first device: a run without PnP has the machine it always had.
 */
import { DRIVER_EXTENSION, DRIVER_OBJECT, DEVICE_CAPABILITIES, DEVICE_OBJECT, DEVOBJ_EXTENSION, IO_STACK_LOCATION } from '../../nt/layout.ts';
import { deviceExtensionOf } from '../io/stack.ts';
import { DEVICE_CAPABILITIES_VERSION, IRP_MN_PNP, pnpMinorName } from '../../nt/pnp.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { REG } from '../../nt/registry.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import { dwordData, multiSzData, szData } from '../cm/hive.ts';
import { SimulatorError } from '../errors.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';
import { DeviceNode } from './devnode.ts';
import { sendPnpIrp, type PnpIrpResult } from './irp.ts';
import { assignResources, releaseResources, type AssignedResources, type ResourceRequest } from './resources.ts';
import { PnpRoot } from './root.ts';
import { DeviceInterfaceTable } from './interfaces.ts';
import { PnpNotifications } from './notify.ts';
import { TargetDeviceNotifications } from './target-notify.ts';

const S = IO_STACK_LOCATION.off;
/**
 * A DEVICE_NODE is Windows' own (no header declares it): the block only gives each devnode an address
 * in pool; what !devnode shows travels in the dump's device tree (debugger/dump-schema.ts).
 */
const DEVICE_NODE_SIZE = 0x40;
const CAPS = DEVICE_CAPABILITIES.off;

export const ENUM_PATH = '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Enum';

/** What the PnP manager sent to a device's stack and how it ended, in order. */
export interface PnpIrpRecord {
  readonly minor: number;
  readonly name: string;
  readonly status: number;
  readonly information: number;
}

export interface RootDeviceRequest {
  readonly driverObject: number;
  /** The service (the driver's module name). */
  readonly service: string;
  /** Default Root\<service>. */
  readonly hardwareIds?: readonly string[];
  readonly compatibleIds?: readonly string[];
  /** Default System. */
  readonly deviceClass?: string;
  /** Filter drivers of the device: lower ones attach before the function driver, upper ones after it. */
  readonly lowerFilters?: readonly FilterDriver[];
  readonly upperFilters?: readonly FilterDriver[];
}

/** A filter driver in a device's stack (the device key's UpperFilters / LowerFilters name its service). */
export interface FilterDriver {
  readonly driverObject: number;
  readonly service: string;
}

export class PnpManager {
  /** HTREE\ROOT\0: the root devnode; root-enumerated devices are its children. */
  readonly root = new DeviceNode(undefined, 'HTREE\\ROOT\\0', [], [], '', '', 0, undefined);
  /** The PnP IRPs each devnode's stack was sent, in order. */
  readonly irpLog = new Map<DeviceNode, PnpIrpRecord[]>();
  private rootBus?: PnpRoot;
  /** The hardware resources of each devnode that was assigned some (START_DEVICE carries their lists). */
  readonly resources = new Map<DeviceNode, AssignedResources>();
  /** Told of each PnP IRP once the stack has completed it (dv run prints them). */
  onIrp?: (node: DeviceNode, irp: PnpIrpRecord) => void;

  /** Device interfaces (interfaces.ts) and the drivers told of their changes (notify.ts). */
  readonly interfaces: DeviceInterfaceTable;
  readonly notifications: PnpNotifications;
  /** Drivers told of a device's removal through a file object they opened on it (target-notify.ts). */
  readonly targets: TargetDeviceNotifications;

  constructor(private readonly k: Kernel) {
    this.interfaces = new DeviceInterfaceTable(k);
    this.notifications = new PnpNotifications(k);
    this.targets = new TargetDeviceNotifications(k);
    this.interfaces.onChange = (iface, arrived) => this.notifications.interfaceChanged(iface, arrived);
    this.root.state = 'DeviceNodeStarted';
    this.root.placement = {
      // The root is placed with its first child: a run without PnP keeps the pool it always had.
      place: (node) => {
        if (this.root.address === 0) this.root.address = this.placeNode(this.root);
        return this.placeNode(node);
      },
      release: (node) => k.freeKernelObject(node.address),
    };
  }

  /** A devnode's block in pool; the PDO's DEVOBJ_EXTENSION names it (DeviceNode), as on Windows. */
  private placeNode(node: DeviceNode): number {
    const k = this.k;
    const address = k.allocateKernelObject(DEVICE_NODE_SIZE, TAG.PnpDeviceNode);
    k.as.zero(address, DEVICE_NODE_SIZE);
    if (node.pdo !== 0) k.as.setU32(deviceExtensionOf(k, node.pdo) + DEVOBJ_EXTENSION.off.DeviceNode, address);
    return address;
  }

  /** Every devnode below the root, depth first. */
  devnodes(): DeviceNode[] {
    const out: DeviceNode[] = [];
    const walk = (n: DeviceNode) => n.children.forEach((c) => (out.push(c), walk(c)));
    walk(this.root);
    return out;
  }

  nodeOfPdo(pdo: number): DeviceNode | undefined {
    return this.devnodes().find((n) => n.pdo === pdo);
  }

  /** The root bus driver (\Driver\PnpManager), created with the first root-enumerated device. */
  get rootDriver(): PnpRoot {
    return (this.rootBus ??= new PnpRoot(this.k, (pdo) => this.nodeOfPdo(pdo)));
  }

  /**
   * Root-enumerate a device for the driver: its devnode and Enum key, its PDO, then the driver's
   * AddDevice. The devnode is DriversAdded when AddDevice succeeds; otherwise it is taken off the tree
   * and its PDO deleted, as Windows leaves a device whose driver failed AddDevice.
   */
  createRootDevice(req: RootDeviceRequest): { node: DeviceNode; status: number } {
    const k = this.k;
    const lowerFilters = req.lowerFilters ?? [];
    const upperFilters = req.upperFilters ?? [];
    // Every driver of the stack must have an AddDevice before anything is created.
    for (const d of [...lowerFilters, req, ...upperFilters]) {
      if (addDeviceOf(k, d.driverObject) === 0) throw new SimulatorError(`${d.service} has no AddDevice routine: the PnP manager cannot add a device for it`);
    }
    const deviceClass = req.deviceClass ?? 'System';
    const hardwareIds = req.hardwareIds?.length ? req.hardwareIds : [`Root\\${req.service}`];
    const compatibleIds = req.compatibleIds ?? [];
    const classKey = k.cm.hive.createPath(`${ENUM_PATH}\\ROOT\\${deviceClass.toUpperCase()}`);
    const instance = nextInstance(classKey.sortedSubkeys().map((c) => c.name));
    const key = k.cm.hive.createKey(classKey, instance).key;
    const hive = k.cm.hive;
    hive.setValue(key, 'HardwareID', REG.MULTI_SZ, multiSzData(hardwareIds));
    if (compatibleIds.length > 0) hive.setValue(key, 'CompatibleIDs', REG.MULTI_SZ, multiSzData(compatibleIds));
    hive.setValue(key, 'Service', REG.SZ, szData(req.service));
    hive.setValue(key, 'Class', REG.SZ, szData(deviceClass));
    hive.setValue(key, 'ConfigFlags', REG.DWORD, dwordData(0));
    if (lowerFilters.length > 0) hive.setValue(key, 'LowerFilters', REG.MULTI_SZ, multiSzData(lowerFilters.map((f) => f.service)));
    if (upperFilters.length > 0) hive.setValue(key, 'UpperFilters', REG.MULTI_SZ, multiSzData(upperFilters.map((f) => f.service)));
    hive.createKey(key, 'Device Parameters');
    const pdo = this.rootDriver.createPdo();
    const node = new DeviceNode(this.root, `ROOT\\${deviceClass.toUpperCase()}\\${instance}`, hardwareIds, compatibleIds, req.service, deviceClass, pdo, key);
    this.irpLog.set(node, []);
    // Windows' order: the lower filters, the function driver, the upper filters, each attaching above the last.
    let status: number = STATUS.SUCCESS;
    for (const d of [...lowerFilters, req, ...upperFilters]) {
      const addDevice = addDeviceOf(k, d.driverObject);
      status = k.runInThread(k.systemThread, () =>
        ((k.callRoutine(addDevice, [d.driverObject, pdo], ['PnpDeviceActionWorker', 'PipCallDriverAddDevice']) as number) >>> 0),
      );
      k.dispatcher.runUntilIdle();
      if (!NT_SUCCESS(status)) break;
    }
    if (NT_SUCCESS(status)) {
      node.state = 'DeviceNodeDriversAdded';
    } else {
      node.problemStatus = status;
      // The drivers that did attach are told their device is gone, as for any device that leaves.
      if (k.as.u32(pdo + DEVICE_OBJECT.off.AttachedDevice) !== 0) this.send(node, IRP_MN_PNP.REMOVE_DEVICE);
      this.deleteDevice(node);
    }
    return { node, status };
  }

  /** Give a devnode hardware resources before its START (the HAL's model learns of them); released after its removal. */
  assignResources(node: DeviceNode, requests: readonly ResourceRequest[]): AssignedResources {
    if (this.resources.has(node)) throw new SimulatorError(`${node.instancePath} already has resources`);
    const assigned = assignResources(this.k, node.pdo, node.instancePath, requests);
    this.resources.set(node, assigned);
    return assigned;
  }

  /** IRP_MN_START_DEVICE, then (if it started) QUERY_CAPABILITIES and QUERY_PNP_DEVICE_STATE. */
  start(node: DeviceNode): number {
    // The raw and translated lists; NULL for a device that was assigned none.
    const assigned = this.resources.get(node);
    const r = this.send(node, IRP_MN_PNP.START_DEVICE, (sp) => {
      this.k.as.setU32(sp + S['Parameters.StartDevice.AllocatedResources'], assigned?.raw ?? 0);
      this.k.as.setU32(sp + S['Parameters.StartDevice.AllocatedResourcesTranslated'], assigned?.translated ?? 0);
    });
    if (!NT_SUCCESS(r.status)) {
      node.problemStatus = r.status;
      return r.status;
    }
    node.state = 'DeviceNodeStarted';
    this.queryCapabilities(node);
    const state = this.send(node, IRP_MN_PNP.QUERY_PNP_DEVICE_STATE);
    if (NT_SUCCESS(state.status)) node.pnpDeviceState = state.information;
    return r.status;
  }

  /** IRP_MN_QUERY_CAPABILITIES with a DEVICE_CAPABILITIES initialised as the PnP manager does (Address, UINumber -1). */
  queryCapabilities(node: DeviceNode): { status: number; bits: number } {
    const as = this.k.as;
    const caps = this.k.pool.allocate(POOL_TYPE.PagedPool, DEVICE_CAPABILITIES.size, TAG.Irp);
    if (caps === 0) return { status: STATUS.INSUFFICIENT_RESOURCES, bits: 0 };
    as.zero(caps, DEVICE_CAPABILITIES.size);
    as.setU16(caps + CAPS.Size, DEVICE_CAPABILITIES.size);
    as.setU16(caps + CAPS.Version, DEVICE_CAPABILITIES_VERSION);
    as.setU32(caps + CAPS.Address, 0xffffffff);
    as.setU32(caps + CAPS.UINumber, 0xffffffff);
    const r = this.send(node, IRP_MN_PNP.QUERY_CAPABILITIES, (sp) => as.setU32(sp + S['Parameters.DeviceCapabilities.Capabilities'], caps));
    const bits = as.u32(caps + CAPS.DvCapabilityBits);
    this.k.pool.free(caps, TAG.Irp);
    return { status: r.status, bits };
  }

  /** A rebalance: QUERY_STOP_DEVICE, STOP_DEVICE, START_DEVICE (CANCEL_STOP when a driver vetoes the query). */
  stopStart(node: DeviceNode): number {
    const q = this.send(node, IRP_MN_PNP.QUERY_STOP_DEVICE);
    if (!NT_SUCCESS(q.status)) {
      this.send(node, IRP_MN_PNP.CANCEL_STOP_DEVICE);
      return q.status;
    }
    node.state = 'DeviceNodeQueryStopped';
    this.send(node, IRP_MN_PNP.STOP_DEVICE);
    node.state = 'DeviceNodeStopped';
    return this.start(node);
  }

  /**
   * An orderly removal: QUERY_REMOVE_DEVICE, then REMOVE_DEVICE; a driver that fails the query keeps
   * its device (CANCEL_REMOVE_DEVICE is sent). Returns the query's status.
   */
  remove(node: DeviceNode): number {
    // The drivers that hold the device open are asked first; one that says no keeps it, and no IRP is sent.
    const asked = this.targets.queryRemove(node);
    if (!NT_SUCCESS(asked)) return asked;
    const q = this.send(node, IRP_MN_PNP.QUERY_REMOVE_DEVICE);
    if (!NT_SUCCESS(q.status)) {
      this.send(node, IRP_MN_PNP.CANCEL_REMOVE_DEVICE);
      this.targets.removeCancelled(node);
      return q.status;
    }
    node.state = 'DeviceNodeQueryRemoved';
    this.removeDevice(node);
    this.targets.removeComplete(node);
    return q.status;
  }

  /** The device is gone without warning: SURPRISE_REMOVAL; REMOVE_DEVICE follows with finishSurpriseRemoval once the handles are closed. */
  surpriseRemove(node: DeviceNode): number {
    const r = this.send(node, IRP_MN_PNP.SURPRISE_REMOVAL);
    this.interfaces.disableAll(node);
    this.k.dispatcher.runUntilIdle();
    node.state = 'DeviceNodeRemovePendingCloses';
    // The device is gone already: the drivers holding it open are told so they close their handles.
    this.targets.removeComplete(node);
    return r.status;
  }

  finishSurpriseRemoval(node: DeviceNode): void {
    this.removeDevice(node);
  }

  /** IRP_MN_REMOVE_DEVICE, then the PDO goes and the devnode leaves the tree. */
  private removeDevice(node: DeviceNode): void {
    this.send(node, IRP_MN_PNP.REMOVE_DEVICE);
    this.interfaces.disableAll(node);
    this.k.dispatcher.runUntilIdle();
    node.state = 'DeviceNodeRemoved';
    const assigned = this.resources.get(node);
    if (assigned) {
      releaseResources(this.k, node.pdo, assigned);
      this.resources.delete(node);
    }
    this.deleteDevice(node);
  }

  /**
   * The root bus deletes the PDO of a device that is gone, unless a driver left its device attached
   * to it (the PDO then stays, so that device's AttachedTo still points at a device object).
   */
  private deleteDevice(node: DeviceNode): void {
    const attached = this.k.as.u32(node.pdo + DEVICE_OBJECT.off.AttachedDevice);
    if (attached === 0) this.k.io.deleteDevice(node.pdo);
    if (node.key) this.k.cm.hive.deleteTree(`${ENUM_PATH}\\${node.instancePath}`);
    node.unlink();
  }

  /** Send one PnP IRP to the devnode's stack from the PnP manager's thread, and log it. */
  send(node: DeviceNode, minor: number, setup?: (sp: number) => void): PnpIrpResult {
    const k = this.k;
    const r = k.runInThread(k.systemThread, () => k.withFrames(['PnpDeviceActionWorker'], () => sendPnpIrp(k, node.pdo, minor, setup)));
    k.dispatcher.runUntilIdle();
    const record = { minor, name: pnpMinorName(minor), status: r.status, information: r.information };
    this.irpLog.get(node)?.push(record);
    this.onIrp?.(node, record);
    return r;
  }
}

function addDeviceOf(k: Kernel, driverObject: number): number {
  return k.as.u32(k.as.u32(driverObject + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice);
}

/** The first free four-digit instance number (0000, 0001...). */
function nextInstance(taken: readonly string[]): string {
  for (let i = 0; ; i++) {
    const name = i.toString().padStart(4, '0');
    if (!taken.includes(name)) return name;
  }
}
