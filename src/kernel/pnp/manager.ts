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
import { DEVICE_CAPABILITIES_VERSION, DEVICE_USAGE_NOTIFICATION_TYPE, IRP_MN_PNP, pnpMinorName } from '../../nt/pnp.ts';
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
import { BusEnumerator } from './bus.ts';
import { TargetDeviceNotifications } from './target-notify.ts';
import { HardwareProfileNotifications } from './hwprofile.ts';

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
  /** What the IRP asked, where the minor code alone does not say (BusRelations, BusQueryDeviceID...). */
  readonly detail?: string;
  readonly status: number;
  readonly information: number;
}

export interface PnpSendOptions {
  /** IoStatus.Information's first value. */
  readonly information?: number;
  /** For the record: what the IRP asks (BusRelations...). */
  readonly detail?: string;
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
  /** The device can wake the system (pnp/wake.ts); default false, as for every root-enumerated device on Windows. */
  readonly wake?: boolean;
  /** Values of the device's Device Parameters key, there before AddDevice (an installer's). */
  readonly deviceParameters?: readonly DeviceParameter[];
}

/** A value an installer writes to a device's hardware key. */
export interface DeviceParameter {
  readonly name: string;
  readonly type: number;
  readonly data: Uint8Array;
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
  /** Told of a child devnode's AddDevice (bus.ts), for dv run's line. */
  onAddDevice?: (node: DeviceNode, status: number) => void;
  /** Told of the resources a child devnode was given (bus.ts; undefined: its requirements could not be met), for dv run's line. */
  onResources?: (node: DeviceNode, resources: readonly ResourceRequest[] | undefined) => void;
  /** Told of each PnP IRP once the stack has completed it (dv run prints them). */
  onIrp?: (node: DeviceNode, irp: PnpIrpRecord) => void;

  /** Device interfaces (interfaces.ts) and the drivers told of their changes (notify.ts). */
  readonly interfaces: DeviceInterfaceTable;
  readonly notifications: PnpNotifications;
  /** Bus relations and the child devnodes of bus drivers (bus.ts). */
  readonly bus: BusEnumerator;
  /** Drivers told of a device's removal through a file object they opened on it (target-notify.ts). */
  readonly targets: TargetDeviceNotifications;
  /** Drivers told of a hardware profile change (hwprofile.ts). */
  readonly profiles: HardwareProfileNotifications;

  constructor(private readonly k: Kernel) {
    this.bus = new BusEnumerator(k, this);
    this.interfaces = new DeviceInterfaceTable(k);
    this.notifications = new PnpNotifications(k);
    this.targets = new TargetDeviceNotifications(k);
    this.profiles = new HardwareProfileNotifications(k);
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

  /** How many PnP notification registrations of the driver are left: each holds its driver object. */
  registrationsOf(driverObject: number): number {
    const of = (entries: readonly { readonly driverObject: number }[]) => entries.filter((e) => e.driverObject === driverObject).length;
    return of(this.notifications.entries) + of(this.targets.entries) + of(this.profiles.entries);
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
    const parameters = hive.createKey(key, 'Device Parameters').key;
    for (const v of req.deviceParameters ?? []) hive.setValue(parameters, v.name, v.type, v.data);
    const pdo = this.rootDriver.createPdo();
    const node = new DeviceNode(this.root, `ROOT\\${deviceClass.toUpperCase()}\\${instance}`, hardwareIds, compatibleIds, req.service, deviceClass, pdo, key);
    node.wakeCapable = req.wake ?? false;
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
    // A started device is asked for its children (a bus driver's FDO answers; for others the IRP comes back unanswered).
    this.bus.enumerate(node);
    return r.status;
  }

  /** IRP_MN_QUERY_CAPABILITIES with a DEVICE_CAPABILITIES initialised as the PnP manager does (Address, UINumber -1). */
  queryCapabilities(node: DeviceNode): { status: number; bits: number } {
    const { record, bits } = this.capabilitiesOf(node.pdo);
    if (NT_SUCCESS(record.status)) node.capabilities = bits;
    this.log(node, record);
    return { status: record.status, bits };
  }

  /** QUERY_CAPABILITIES to the stack above `pdo`, unlogged (bus.ts asks a child before its devnode exists). */
  capabilitiesOf(pdo: number): { record: PnpIrpRecord; bits: number } {
    const as = this.k.as;
    const caps = this.k.pool.allocate(POOL_TYPE.PagedPool, DEVICE_CAPABILITIES.size, TAG.Irp);
    if (caps === 0) {
      const name = pnpMinorName(IRP_MN_PNP.QUERY_CAPABILITIES);
      return { record: { minor: IRP_MN_PNP.QUERY_CAPABILITIES, name, status: STATUS.INSUFFICIENT_RESOURCES, information: 0 }, bits: 0 };
    }
    as.zero(caps, DEVICE_CAPABILITIES.size);
    as.setU16(caps + CAPS.Size, DEVICE_CAPABILITIES.size);
    as.setU16(caps + CAPS.Version, DEVICE_CAPABILITIES_VERSION);
    as.setU32(caps + CAPS.Address, 0xffffffff);
    as.setU32(caps + CAPS.UINumber, 0xffffffff);
    const { record } = this.sendToPdo(pdo, IRP_MN_PNP.QUERY_CAPABILITIES, (sp) => as.setU32(sp + S['Parameters.DeviceCapabilities.Capabilities'], caps));
    const bits = as.u32(caps + CAPS.DvCapabilityBits);
    this.k.pool.free(caps, TAG.Irp);
    return { record, bits };
  }

  /**
   * A rebalance: QUERY_STOP_DEVICE, STOP_DEVICE, START_DEVICE (CANCEL_STOP_DEVICE to each device queried,
   * the last first, when a driver vetoes). A device's started children are stopped with it, each before
   * its parent (their resources come from it), and started again after it, parents first.
   */
  stopStart(node: DeviceNode): number {
    const subtree = [...this.descendants(node).filter((d) => d.state === 'DeviceNodeStarted'), node];
    const queried: DeviceNode[] = [];
    for (const d of subtree) {
      const q = this.send(d, IRP_MN_PNP.QUERY_STOP_DEVICE);
      queried.push(d);
      if (!NT_SUCCESS(q.status)) {
        for (const c of queried.reverse()) this.send(c, IRP_MN_PNP.CANCEL_STOP_DEVICE);
        return q.status;
      }
    }
    for (const d of subtree) d.state = 'DeviceNodeQueryStopped';
    for (const d of subtree) {
      this.send(d, IRP_MN_PNP.STOP_DEVICE);
      d.state = 'DeviceNodeStopped';
    }
    const status = this.start(node);
    // Then down the tree, in the order the children were enumerated.
    const below = (n: DeviceNode): DeviceNode[] => n.children.flatMap((c) => [c, ...below(c)]);
    for (const d of below(node)) {
      if (subtree.includes(d) && d.state === 'DeviceNodeStopped' && d.parent?.state === 'DeviceNodeStarted') this.start(d);
    }
    return status;
  }

  /**
   * The device objects of a device and its started children in the order the power manager powers them
   * down: each child before its parent (systemSleepWake powers them up in reverse, parents first).
   */
  powerOrder(node: DeviceNode): number[] {
    return [...this.descendants(node).filter((d) => d.state === 'DeviceNodeStarted'), node].map((d) => d.pdo);
  }

  /** The hardware profile changes (a dock or undock): the registered drivers are asked, then told; the vetoing status, or success. */
  hardwareProfileChange(): number {
    void this.rootDriver; // the PnP manager's routines the callbacks are called from come with it
    return this.profiles.change();
  }

  /**
   * IRP_MN_DEVICE_USAGE_NOTIFICATION: a special file (paging, hibernation, dump) is being put on the
   * device (`inPath` TRUE) or was taken off it. It goes to the top of the stack; every driver must
   * succeed it for the file to be created (the record says whether the stack did).
   */
  deviceUsageNotification(node: DeviceNode, type: number, inPath: boolean): PnpIrpResult {
    const typeName = Object.entries(DEVICE_USAGE_NOTIFICATION_TYPE).find(([, v]) => v === type)?.[0] ?? `DeviceUsageType ${type}`;
    return this.send(
      node,
      IRP_MN_PNP.DEVICE_USAGE_NOTIFICATION,
      (sp) => {
        this.k.as.setU8(sp + S['Parameters.UsageNotification.InPath'], inPath ? 1 : 0);
        this.k.as.setU32(sp + S['Parameters.UsageNotification.Type'], type);
      },
      { detail: `${typeName}, InPath ${inPath ? 'TRUE' : 'FALSE'}` },
    );
  }

  /**
   * An orderly removal: QUERY_REMOVE_DEVICE, then REMOVE_DEVICE, to the device's children before the
   * device; a driver that fails a query keeps the devices (CANCEL_REMOVE_DEVICE to each that was
   * queried, the last first). Returns the failed query's status, or success. `keep`: the devnode stays
   * on the tree, removed (an eject: its bus still lists it).
   */
  remove(node: DeviceNode, keep = false): number {
    // Already removed (failed, or ejected) and kept for its bus: only the devnode is left to go.
    if (node.state === 'DeviceNodeRemoved') {
      this.deleteDevice(node);
      return STATUS.SUCCESS;
    }
    // The drivers that hold the device open are asked first; one that says no keeps it, and no IRP is sent.
    const asked = this.targets.queryRemove(node);
    if (!NT_SUCCESS(asked)) return asked;
    // The descendants are asked first and removed first, children before parents.
    const subtree = [...this.descendants(node), node];
    const queried: DeviceNode[] = [];
    for (const d of subtree) {
      if (d.state === 'DeviceNodeRemoved') continue;
      const q = this.send(d, IRP_MN_PNP.QUERY_REMOVE_DEVICE);
      queried.push(d);
      if (!NT_SUCCESS(q.status)) {
        for (const c of queried.reverse()) this.send(c, IRP_MN_PNP.CANCEL_REMOVE_DEVICE);
        this.targets.removeCancelled(node);
        return q.status;
      }
    }
    for (const d of queried) d.state = 'DeviceNodeQueryRemoved';
    for (const d of subtree) d.state === 'DeviceNodeRemoved' ? this.deleteDevice(d) : this.removeDevice(d, keep && d === node);
    this.targets.removeComplete(node);
    return STATUS.SUCCESS;
  }

  /** The devnodes below `node`, each after its own children (the order removals go in). */
  descendants(node: DeviceNode): DeviceNode[] {
    const out: DeviceNode[] = [];
    const walk = (n: DeviceNode) => n.children.forEach((c) => (walk(c), out.push(c)));
    walk(node);
    return out;
  }

  /** The device is gone without warning: SURPRISE_REMOVAL; REMOVE_DEVICE follows with finishSurpriseRemoval once the handles are closed. */
  surpriseRemove(node: DeviceNode): number {
    // The device's children are gone with it: they are told first.
    let status: number = STATUS.SUCCESS;
    for (const d of [...this.descendants(node), node]) {
      if (d.state === 'DeviceNodeRemoved' || d.state === 'DeviceNodeRemovePendingCloses') continue;
      const r = this.send(d, IRP_MN_PNP.SURPRISE_REMOVAL);
      this.interfaces.disableAll(d);
      this.k.dispatcher.runUntilIdle();
      d.state = 'DeviceNodeRemovePendingCloses';
      if (d === node) status = r.status;
    }
    // The device is gone already: the drivers holding it open are told so they close their handles.
    this.targets.removeComplete(node);
    return status;
  }

  finishSurpriseRemoval(node: DeviceNode): void {
    for (const d of [...this.descendants(node), node]) d.state === 'DeviceNodeRemoved' ? this.deleteDevice(d) : this.removeDevice(d);
  }

  /** IRP_MN_REMOVE_DEVICE, then the PDO goes and the devnode leaves the tree (`keep`: it stays, removed, for its bus). */
  removeDevice(node: DeviceNode, keep = false): void {
    this.send(node, IRP_MN_PNP.REMOVE_DEVICE);
    this.interfaces.disableAll(node);
    this.k.dispatcher.runUntilIdle();
    node.state = 'DeviceNodeRemoved';
    const assigned = this.resources.get(node);
    if (assigned) {
      releaseResources(this.k, node.pdo, assigned);
      this.resources.delete(node);
    }
    if (!keep) this.deleteDevice(node);
  }

  /**
   * The root bus deletes the PDO of a device that is gone, unless a driver left its device attached
   * to it (the PDO then stays, so that device's AttachedTo still points at a device object).
   */
  deleteDevice(node: DeviceNode): void {
    for (const c of [...node.children]) this.deleteDevice(c);
    const attached = this.k.as.u32(node.pdo + DEVICE_OBJECT.off.AttachedDevice);
    // A bus driver's PDO is its own to delete: the PnP manager drops the reference it held.
    if (node.busChild) this.k.ob.dereference(node.pdo);
    else if (attached === 0) this.k.io.deleteDevice(node.pdo);
    if (node.key) this.k.cm.hive.deleteTree(`${ENUM_PATH}\\${node.instancePath}`);
    node.unlink();
  }

  /** Send one PnP IRP to the devnode's stack from the PnP manager's thread, and log it. */
  send(node: DeviceNode, minor: number, setup?: (sp: number) => void, opts: PnpSendOptions = {}): PnpIrpResult {
    const { result, record } = this.sendToPdo(node.pdo, minor, setup, opts);
    this.log(node, record);
    return result;
  }

  /** Send one PnP IRP to the stack above `pdo` (a devnode not made yet: bus.ts logs the record once it is). */
  sendToPdo(pdo: number, minor: number, setup?: (sp: number) => void, opts: PnpSendOptions = {}): { result: PnpIrpResult; record: PnpIrpRecord } {
    const k = this.k;
    const result = k.runInThread(k.systemThread, () => k.withFrames(['PnpDeviceActionWorker'], () => sendPnpIrp(k, pdo, minor, setup, opts.information)));
    k.dispatcher.runUntilIdle();
    const record = { minor, name: pnpMinorName(minor), ...(opts.detail !== undefined ? { detail: opts.detail } : {}), status: result.status, information: result.information };
    return { result, record };
  }

  log(node: DeviceNode, record: PnpIrpRecord): void {
    if (!this.irpLog.has(node)) this.irpLog.set(node, []);
    this.irpLog.get(node)!.push(record);
    this.onIrp?.(node, record);
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
