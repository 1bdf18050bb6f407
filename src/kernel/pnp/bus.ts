/**
 * Bus relations: the children of bus drivers. After a device starts, the PnP manager asks its stack
 * for IRP_MN_QUERY_DEVICE_RELATIONS/BusRelations; the PDOs a bus driver lists (IoCreateDevice'd,
 * referenced, in a DEVICE_RELATIONS from pool the PnP manager frees) are compared with the devnode's
 * children. A new PDO becomes a child devnode: its stack (the bus driver alone yet) is asked for its
 * IDs, capabilities, text, bus information and resources in ReactOS's order (Windows promises none),
 * its function driver is found by hardware ID (then compatible ID) among the child drivers the run
 * registered, AddDevice is called, FILTER_RESOURCE_REQUIREMENTS goes to the whole stack, then START.
 * A child no longer listed is surprise-removed (SURPRISE_REMOVAL, REMOVE_DEVICE) if it had started,
 * else just removed; one that was already removed and kept (failed, ejected) gets REMOVE_DEVICE once
 * more, so that its bus driver, which now knows it is missing, deletes the PDO.
 *
 * IoInvalidateDeviceRelations, IoInvalidateDeviceState and IoRequestDeviceEject queue device actions
 * run later by one work item on a system worker thread (PnpDeviceActionWorker), in the order asked;
 * an action already queued for the same device is not queued twice.
 *
 * What a child can use (its requirements, as the stack left them) is arbitrated (arbiter.ts) and START
 * carries what it got. Not modelled: rebalancing a child's resources when they conflict, a child's REMOVE_DEVICE waiting for handles opened on it (it follows its SURPRISE_REMOVAL at once),
 * and relations other than BusRelations (IoInvalidateDeviceRelations of another type does nothing).
 */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { DO } from '../../nt/io.ts';
import { DEVICE_OBJECT, DEVICE_RELATIONS, DRIVER_EXTENSION, DRIVER_OBJECT, IO_STACK_LOCATION } from '../../nt/layout.ts';
import {
  BUS_QUERY_ID_TYPE,
  CAPABILITY_BIT,
  DEVICE_RELATION_TYPE,
  DEVICE_TEXT_TYPE,
  IRP_MN_PNP,
  MAX_DEVICE_ID_LEN,
  PNP_DEVICE,
  PNP_TEXT_LOCALE,
  idTypeName,
} from '../../nt/pnp.ts';
import { REG } from '../../nt/registry.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import { dwordData, multiSzData, szData } from '../cm/hive.ts';
import type { Kernel } from '../kernel.ts';
import { DeviceNode } from './devnode.ts';
import { ENUM_PATH, type PnpIrpRecord, type PnpManager } from './manager.ts';
import { arbitrate } from './arbiter.ts';

const S = IO_STACK_LOCATION.off;

/** PNP_DETECTED_FATAL_ERROR's Parameter 1 values this file raises (bug-check-0xca). */
export const PNP_FATAL = {
  /** Two children with the same device and instance IDs: P2 the new PDO, P3 the older one. */
  DUPLICATE_PDO: 0x1,
  /** A routine that needs a PDO was given something else: P2 the object, P3 its driver object. */
  INVALID_PDO: 0x2,
  /** An ID with a character IDs may not hold: P2 the PDO, P3 the ID buffer, P4 which ID (ID_KIND). */
  INVALID_ID: 0x3,
  /** A NULL entry in a DEVICE_RELATIONS: P2 the relations, P3 their Count, P4 the entry's index. */
  NULL_RELATION: 0x8,
} as const;

/** INVALID_ID's Parameter 4: 1 DeviceID, 2 UniqueID (the instance ID), 3 HardwareIDs, 4 CompatibleIDs. */
const ID_KIND: Partial<Record<number, number>> = {
  [BUS_QUERY_ID_TYPE.BusQueryDeviceID]: 1,
  [BUS_QUERY_ID_TYPE.BusQueryInstanceID]: 2,
  [BUS_QUERY_ID_TYPE.BusQueryHardwareIDs]: 3,
  [BUS_QUERY_ID_TYPE.BusQueryCompatibleIDs]: 4,
};

/** The longest ID list read (REGSTR_VAL_MAX_HCID_LEN); a string runs on no further. */
const MAX_ID_LIST_CHARS = 1024;

/** A child's function driver: the devnodes whose hardware or compatible IDs name this ID get it. */
export interface ChildDriver {
  readonly id: string;
  readonly driverObject: number;
  /** The service name the Enum key records. */
  readonly service: string;
}

type DeviceAction = { readonly kind: 'enumerate' | 'state' | 'eject'; readonly node: DeviceNode };

export class BusEnumerator {
  readonly childDrivers: ChildDriver[] = [];
  private readonly actions: DeviceAction[] = [];
  private workerQueued = false;
  private workerRoutine = 0;

  constructor(
    private readonly k: Kernel,
    private readonly pnp: PnpManager,
  ) {}

  /** Children whose IDs name `id` get this driver (IDs compare without case, as Windows compares them). */
  addChildDriver(id: string, driverObject: number, service: string): void {
    this.childDrivers.push({ id, driverObject, service });
  }

  /** The driver for a child: its hardware IDs in order (most specific first), then its compatible IDs. */
  driverFor(hardwareIds: readonly string[], compatibleIds: readonly string[]): ChildDriver | undefined {
    for (const id of [...hardwareIds, ...compatibleIds]) {
      const d = this.childDrivers.find((c) => c.id.toLowerCase() === id.toLowerCase());
      if (d) return d;
    }
    return undefined;
  }

  /** IRP_MN_QUERY_DEVICE_RELATIONS/BusRelations to a started device, and the tree brought in line with the answer. */
  enumerate(node: DeviceNode): void {
    const r = this.pnp.send(node, IRP_MN_PNP.QUERY_DEVICE_RELATIONS, (sp) => this.k.as.setU32(sp + S['Parameters.QueryDeviceRelations.Type'], DEVICE_RELATION_TYPE.BusRelations), {
      detail: 'BusRelations',
    });
    // Unanswered (no bus driver in the stack) or failed: the children stay as they were.
    if (!NT_SUCCESS(r.status)) return;
    const listed = this.readRelations(r.information);
    const fresh: number[] = [];
    for (const pdo of listed) {
      // A child already known, or listed twice: the PnP manager keeps one reference per devnode.
      if (node.children.some((c) => c.pdo === pdo) || fresh.includes(pdo)) this.k.ob.dereference(pdo);
      else fresh.push(pdo);
    }
    for (const child of [...node.children]) if (!listed.includes(child.pdo)) this.childGone(child);
    for (const pdo of fresh) this.addChild(node, pdo);
  }

  /** The PDOs of a DEVICE_RELATIONS the bus answered with; the list is freed (it was the PnP manager's to free). */
  private readRelations(relations: number): number[] {
    if (relations === 0) return [];
    const as = this.k.as;
    const count = as.u32(relations + DEVICE_RELATIONS.off.Count);
    const pdos: number[] = [];
    for (let i = 0; i < count; i++) {
      const pdo = as.u32(relations + DEVICE_RELATIONS.off.Objects + 4 * i);
      if (pdo === 0) this.k.bugCheck(BUGCHECK.PNP_DETECTED_FATAL_ERROR, PNP_FATAL.NULL_RELATION, relations, count, i);
      pdos.push(pdo);
    }
    this.freeAnswer(relations);
    return pdos;
  }

  /** Free a buffer a driver answered a PnP IRP with (ExFreePool: a bad pointer is the driver's 0xC2). */
  freeAnswer(buffer: number): void {
    if (buffer === 0) return;
    this.k.events.emit('driverPoolFreedByKernel', { address: buffer });
    this.k.ddi.ExFreePool(buffer);
  }

  /** A child the bus no longer lists. */
  private childGone(child: DeviceNode): void {
    if (child.state === 'DeviceNodeRemoved') {
      // Removed earlier and kept while listed: the bus may delete its PDO now.
      this.pnp.send(child, IRP_MN_PNP.REMOVE_DEVICE);
      this.pnp.deleteDevice(child);
    } else if (child.state === 'DeviceNodeInitialized' || child.state === 'DeviceNodeDriversAdded') {
      this.pnp.finishSurpriseRemoval(child);
    } else {
      this.pnp.surpriseRemove(child);
      this.pnp.finishSurpriseRemoval(child);
    }
  }

  /** A new PDO in the bus relations: its IDs and the rest, its devnode, its driver's AddDevice, START. */
  private addChild(parent: DeviceNode, pdo: number): void {
    const k = this.k;
    const as = k.as;
    // Every PDO the PnP manager knows carries DO_BUS_ENUMERATED_DEVICE.
    as.setU32(pdo + DEVICE_OBJECT.off.Flags, as.u32(pdo + DEVICE_OBJECT.off.Flags) | DO.BUS_ENUMERATED_DEVICE);
    const records: PnpIrpRecord[] = [];
    const deviceId = this.queryIds(pdo, BUS_QUERY_ID_TYPE.BusQueryDeviceID, records)?.[0];
    const caps = this.pnp.capabilitiesOf(pdo);
    records.push(caps.record);
    const instanceId = this.queryIds(pdo, BUS_QUERY_ID_TYPE.BusQueryInstanceID, records)?.[0] ?? '0';
    const hardwareIds = this.queryIds(pdo, BUS_QUERY_ID_TYPE.BusQueryHardwareIDs, records) ?? [];
    const compatibleIds = this.queryIds(pdo, BUS_QUERY_ID_TYPE.BusQueryCompatibleIDs, records) ?? [];
    const description = this.queryText(pdo, DEVICE_TEXT_TYPE.DeviceTextDescription, records);
    const location = this.queryText(pdo, DEVICE_TEXT_TYPE.DeviceTextLocationInformation, records);
    for (const minor of [IRP_MN_PNP.QUERY_BUS_INFORMATION, IRP_MN_PNP.QUERY_RESOURCES]) {
      const { result, record } = this.pnp.sendToPdo(pdo, minor);
      records.push(record);
      if (NT_SUCCESS(result.status)) this.freeAnswer(result.information);
    }
    const req = this.pnp.sendToPdo(pdo, IRP_MN_PNP.QUERY_RESOURCE_REQUIREMENTS);
    records.push(req.record);
    let requirements = NT_SUCCESS(req.result.status) ? req.result.information : 0;

    // The instance path: the bus's instance ID is unique on its own only with UniqueID; otherwise it is made so with the parent's prefix.
    const unique = (caps.bits & (1 << CAPABILITY_BIT.UniqueID)) !== 0;
    const instance = unique ? instanceId : `${parentIdPrefix(parent)}&${instanceId}`;
    const instancePath = `${deviceId ?? 'UNKNOWN'}\\${instance}`;
    const twin = this.pnp.devnodes().find((n) => n.instancePath.toLowerCase() === instancePath.toLowerCase());
    if (twin) k.bugCheck(BUGCHECK.PNP_DETECTED_FATAL_ERROR, PNP_FATAL.DUPLICATE_PDO, pdo, twin.pdo, 0);

    const driver = this.driverFor(hardwareIds, compatibleIds);
    const key = k.cm.hive.createPath(`${ENUM_PATH}\\${instancePath}`);
    const hive = k.cm.hive;
    if (hardwareIds.length > 0) hive.setValue(key, 'HardwareID', REG.MULTI_SZ, multiSzData(hardwareIds));
    if (compatibleIds.length > 0) hive.setValue(key, 'CompatibleIDs', REG.MULTI_SZ, multiSzData(compatibleIds));
    if (description !== undefined) hive.setValue(key, 'DeviceDesc', REG.SZ, szData(description));
    if (location !== undefined) hive.setValue(key, 'LocationInformation', REG.SZ, szData(location));
    if (driver) hive.setValue(key, 'Service', REG.SZ, szData(driver.service));
    hive.setValue(key, 'ConfigFlags', REG.DWORD, dwordData(0));
    hive.createKey(key, 'Device Parameters');
    const node = new DeviceNode(parent, instancePath, hardwareIds, compatibleIds, driver?.service ?? '', '', pdo, key);
    node.busChild = true;
    node.description = description;
    node.location = location;
    node.capabilities = caps.bits;
    for (const r of records) this.pnp.log(node, r);

    const raw = (caps.bits & (1 << CAPABILITY_BIT.RawDeviceOK)) !== 0;
    if (driver) {
      const addDevice = as.u32(as.u32(driver.driverObject + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice);
      const status = addDevice === 0 ? STATUS.NOT_IMPLEMENTED : this.callAddDevice(addDevice, driver.driverObject, pdo);
      this.pnp.onAddDevice?.(node, status);
      if (!NT_SUCCESS(status)) {
        // CM_PROB_FAILED_ADD: the devnode stays, without a driver, until the bus stops listing it.
        node.problemStatus = status;
        this.freeAnswer(requirements);
        return;
      }
      node.functionDriver = driver.driverObject;
    } else if (!raw) {
      // No driver for it (Windows: CM_PROB_FAILED_INSTALL): the devnode stays Initialized, never started.
      this.freeAnswer(requirements);
      return;
    }
    node.state = 'DeviceNodeDriversAdded';
    // The whole stack may edit the requirements (an FDO that replaces the list frees the old one).
    const filtered = this.pnp.send(node, IRP_MN_PNP.FILTER_RESOURCE_REQUIREMENTS, (sp) => as.setU32(sp + S['Parameters.FilterResourceRequirements.IoResourceRequirementList'], requirements), {
      information: requirements,
    });
    if (NT_SUCCESS(filtered.status)) requirements = filtered.information;
    // What the device can use becomes what it gets: START carries the lists, as --resources gives a root device.
    const resources = arbitrate(k, requirements);
    this.freeAnswer(requirements);
    if (resources === undefined) {
      // CM_PROB_NORMAL_CONFLICT: a requirement nothing free meets; the devnode stays, not started.
      node.problemStatus = STATUS.INSUFFICIENT_RESOURCES;
      this.pnp.onResources?.(node, undefined);
      return;
    }
    if (resources.length > 0) {
      this.pnp.assignResources(node, resources);
      this.pnp.onResources?.(node, resources);
    }
    this.pnp.start(node);
  }

  private callAddDevice(addDevice: number, driverObject: number, pdo: number): number {
    const k = this.k;
    const status = k.runInThread(k.systemThread, () => (k.callRoutine(addDevice, [driverObject, pdo], ['PnpDeviceActionWorker', 'PipCallDriverAddDevice']) as number) >>> 0);
    k.dispatcher.runUntilIdle();
    return status;
  }

  /** QUERY_ID: the ID (a list for the two lists), checked for characters IDs may not hold; undefined when unanswered. */
  private queryIds(pdo: number, idType: number, records: PnpIrpRecord[]): string[] | undefined {
    const { result, record } = this.pnp.sendToPdo(pdo, IRP_MN_PNP.QUERY_ID, (sp) => this.k.as.setU32(sp + S['Parameters.QueryId.IdType'], idType), { detail: idTypeName(idType) });
    records.push(record);
    if (!NT_SUCCESS(result.status) || result.information === 0) return undefined;
    const buffer = result.information;
    const list = idType === BUS_QUERY_ID_TYPE.BusQueryHardwareIDs || idType === BUS_QUERY_ID_TYPE.BusQueryCompatibleIDs;
    const ids = list ? this.readMultiSz(buffer) : [this.readWide(buffer, MAX_DEVICE_ID_LEN)];
    const kind = ID_KIND[idType];
    for (const id of ids) {
      const bad = [...id].some((c) => c <= ' ' || c > '\x7f' || c === ',') || (idType === BUS_QUERY_ID_TYPE.BusQueryInstanceID && id.includes('\\'));
      if (bad && kind !== undefined) this.k.bugCheck(BUGCHECK.PNP_DETECTED_FATAL_ERROR, PNP_FATAL.INVALID_ID, pdo, buffer, kind);
    }
    this.freeAnswer(buffer);
    return ids;
  }

  /** QUERY_DEVICE_TEXT in the system's locale; undefined when unanswered. */
  private queryText(pdo: number, textType: number, records: PnpIrpRecord[]): string | undefined {
    const detail = textType === DEVICE_TEXT_TYPE.DeviceTextDescription ? 'DeviceTextDescription' : 'DeviceTextLocationInformation';
    const { result, record } = this.pnp.sendToPdo(
      pdo,
      IRP_MN_PNP.QUERY_DEVICE_TEXT,
      (sp) => {
        this.k.as.setU32(sp + S['Parameters.QueryDeviceText.DeviceTextType'], textType);
        this.k.as.setU32(sp + S['Parameters.QueryDeviceText.LocaleId'], PNP_TEXT_LOCALE);
      },
      { detail },
    );
    records.push(record);
    if (!NT_SUCCESS(result.status) || result.information === 0) return undefined;
    const text = this.readWide(result.information, MAX_ID_LIST_CHARS);
    this.freeAnswer(result.information);
    return text;
  }

  private readWide(va: number, max: number): string {
    let out = '';
    for (let i = 0; i < max; i++) {
      const c = this.k.as.u16(va + 2 * i);
      if (c === 0) break;
      out += String.fromCharCode(c);
    }
    return out;
  }

  private readMultiSz(va: number): string[] {
    const out: string[] = [];
    let at = va;
    while (at - va < 2 * MAX_ID_LIST_CHARS) {
      const s = this.readWide(at, MAX_ID_LIST_CHARS);
      if (s === '') break;
      out.push(s);
      at += 2 * (s.length + 1);
    }
    return out;
  }

  // ---- device actions (IoInvalidateDeviceRelations, IoInvalidateDeviceState, IoRequestDeviceEject) ----

  /** Queue an action for the device action worker (once per device and kind while it waits). */
  request(kind: DeviceAction['kind'], node: DeviceNode): void {
    if (this.actions.some((a) => a.kind === kind && a.node === node)) return;
    this.actions.push({ kind, node });
    if (this.workerQueued) return;
    this.workerQueued = true;
    this.k.dispatcher.workQueue.push({ routine: this.worker(), args: [], frames: ['ExpWorkerThread'] });
  }

  /** PnpDeviceActionWorker: run the queued actions in order; actions queued meanwhile run in the same pass. */
  private worker(): number {
    if (this.workerRoutine !== 0) return this.workerRoutine;
    const k = this.k;
    k.nt.addRoutines(['PnpDeviceActionWorker']);
    this.workerRoutine = k.nt.address('PnpDeviceActionWorker');
    k.registerRoutine(
      this.workerRoutine,
      (() => {
        for (let a = this.actions.shift(); a; a = this.actions.shift()) this.run(a);
        this.workerQueued = false;
      }) as never,
      'nt',
    );
    return this.workerRoutine;
  }

  private run(a: DeviceAction): void {
    const node = a.node;
    if (node.state === 'DeviceNodeDeleted') return;
    if (a.kind === 'enumerate') {
      if (node.state === 'DeviceNodeStarted') this.enumerate(node);
    } else if (a.kind === 'state') {
      this.queryState(node);
    } else {
      this.eject(node);
    }
  }

  /** QUERY_PNP_DEVICE_STATE again: a failed, removed or disabled device is removed (and kept for its bus); changed requirements rebalance it. */
  private queryState(node: DeviceNode): void {
    if (node.state !== 'DeviceNodeStarted') return;
    const r = this.pnp.send(node, IRP_MN_PNP.QUERY_PNP_DEVICE_STATE);
    if (!NT_SUCCESS(r.status)) return;
    node.pnpDeviceState = r.information;
    if (r.information & (PNP_DEVICE.FAILED | PNP_DEVICE.REMOVED | PNP_DEVICE.DISABLED)) {
      this.pnp.surpriseRemove(node);
      for (const d of this.pnp.descendants(node)) this.pnp.removeDevice(d);
      this.pnp.removeDevice(node, true);
      node.problemStatus = STATUS.UNSUCCESSFUL; // Windows' CM_PROB_FAILED_POST_START
    } else if (r.information & PNP_DEVICE.RESOURCE_REQUIREMENTS_CHANGED) {
      this.pnp.stopStart(node);
    }
  }

  /** IoRequestDeviceEject: the device and its children are query-removed and removed, then IRP_MN_EJECT goes to what is left (the PDO) if the device can eject. */
  private eject(node: DeviceNode): void {
    if (node.state === 'DeviceNodeRemoved') return;
    if (!NT_SUCCESS(this.pnp.remove(node, true))) return;
    if (node.capabilities & (1 << CAPABILITY_BIT.EjectSupported)) this.pnp.send(node, IRP_MN_PNP.EJECT);
  }
}

/**
 * The prefix that makes a child's instance ID unique among its parent's (Windows' ParentIdPrefix,
 * `<depth>&<hash>&<n>`): here the depth of the parent, a hash of its instance path and 0, the same on
 * every run.
 */
export function parentIdPrefix(parent: DeviceNode): string {
  let depth = 0;
  for (let n = parent.parent; n; n = n.parent) depth++;
  let h = 0x811c9dc5;
  for (const c of parent.instancePath.toUpperCase()) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return `${depth}&${h.toString(16).padStart(8, '0')}&0`;
}
