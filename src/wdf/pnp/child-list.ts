/**
 * WDFCHILDLIST: what a bus driver's device reports as its children (FxChildList). A dynamic list holds
 * the driver's child descriptions (identification and address descriptions, copied into framework
 * memory by the driver's copy/duplicate callbacks or byte for byte, compared by its compare callback
 * or byte for byte); a static list (WdfFdoAddStaticChild) holds PDOs the driver created itself.
 *
 * A change outside a scan (WdfChildListBeginScan/EndScan) invalidates the bus relations at once
 * (IoInvalidateDeviceRelations); a scan invalidates them at its end, and the descriptions it did not
 * report are missing. When the PnP manager asks the parent for its BusRelations, the framework asks
 * the driver for a PDO for each new present description (EvtChildListCreateDevice) and answers with
 * the PDOs of the present children; a missing child is not listed, so the PnP manager removes it, and
 * its PDO's REMOVE_DEVICE deletes it (pdo.ts). The parent's removal deletes its children's PDOs.
 */
import { DEVICE_RELATIONS, IO_STACK_LOCATION, IRP } from '../../nt/layout.ts';
import { DEVICE_RELATION_TYPE, IRP_MN_PNP } from '../../nt/pnp.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { NT_SUCCESS, STATUS, statusName } from '../../nt/status.ts';
import { FX_TYPE, WDF_BUGCHECK } from '../../nt/wdf.ts';
import { WDF_CHILD_LIST_CONFIG, WDF_CHILD_LIST_ITERATOR, WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS, WDF_CHILD_RETRIEVE_INFO, WDF_RETRIEVE_CHILD_FLAGS } from '../../nt/wdf-bus.ts';
import type { WdfDdi } from '../ddi.ts';
import { INIT_TAG, deviceCreateHooks, deviceInits, type FxDevice, type FxDeviceInit } from '../device.ts';
import type { Framework } from '../framework.ts';
import type { FxDriverGlobals } from '../globals.ts';
import { FxObject, readAttributes, type FxAttributes } from '../object.ts';
import { verifierBreak } from '../verifier.ts';
import { pnpMinorHandlers, type FxPkgPnp } from './package.ts';
import { allocatePdoInit, pdoInitOf, pdoOf, type FxPkgPdo, type PdoOwner } from './pdo.ts';

const CFG = WDF_CHILD_LIST_CONFIG.off;
const INFO = WDF_CHILD_RETRIEVE_INFO.off;
const ITER = WDF_CHILD_LIST_ITERATOR.off;
const S = IO_STACK_LOCATION.off;
const I = IRP.off;
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

export interface ChildListConfig {
  readonly idSize: number;
  readonly addressSize: number;
  readonly createDevice: number;
  readonly scanForChildren: number;
  readonly idCopy: number;
  readonly idDuplicate: number;
  readonly idCleanup: number;
  readonly idCompare: number;
  readonly addressCopy: number;
  readonly addressDuplicate: number;
  readonly addressCleanup: number;
}

interface ChildEntry {
  /** The framework's copies of the descriptions (0: none, a static child). */
  id: number;
  address: number;
  missing: boolean;
  /** Reported by the last scan (while one runs). */
  found: boolean;
  pdo: FxPkgPdo | undefined;
  /** Listed in a BusRelations answer: the PnP manager knows the PDO. */
  reported: boolean;
}

/** The child lists of each parent device, in creation order (the static list first when there is one). */
const listsOf = new WeakMap<FxDevice, FxChildList[]>();
/** The default child list's configuration, from WdfFdoInitSetDefaultChildListConfig, until WdfDeviceCreate. */
const defaultConfigs = new WeakMap<FxDeviceInit, { config: ChildListConfig; attributes: FxAttributes }>();
const defaultLists = new WeakMap<FxDevice, FxChildList>();
const staticLists = new WeakMap<FxDevice, FxChildList>();

export class FxChildList extends FxObject implements PdoOwner {
  readonly entries: ChildEntry[] = [];
  private scans = 0;

  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    readonly device: FxDevice,
    readonly config: ChildListConfig | undefined,
  ) {
    super(fx, g, attributes, attributes.parent ? fx.object(g, attributes.parent) : device, FX_TYPE.ChildList);
    const lists = listsOf.get(device) ?? [];
    lists.push(this);
    listsOf.set(device, lists);
  }

  /** The default and static lists are the framework's; a list from WdfChildListCreate is the driver's too. */
  override get driverMayDelete(): boolean {
    return defaultLists.get(this.device) !== this && staticLists.get(this.device) !== this;
  }

  // ---- descriptions -------------------------------------------------------------------------

  private describe(routine: number, args: number[]): unknown {
    return this.fx.invoke(routine, [this.handle, ...args], ['FxChildList::DescriptionCallback']);
  }

  /** A framework copy of a driver's description (duplicate, else copy callback, else the bytes): its address, or an NTSTATUS failure. */
  private copyIn(source: number, size: number, duplicate: number, copy: number): { address: number } | { status: number } {
    const address = this.fx.tryAllocate(size, this.globals.tag);
    if (address === 0) return { status: STATUS.INSUFFICIENT_RESOURCES };
    const as = this.fx.k.as;
    as.zero(address, size);
    if (duplicate) {
      as.setU32(address, size);
      const status = (this.describe(duplicate, [source, address]) as number) >>> 0;
      if (!NT_SUCCESS(status)) {
        this.fx.free(address, this.globals.tag);
        return { status };
      }
    } else if (copy) {
      as.setU32(address, size);
      this.describe(copy, [source, address]);
    } else {
      as.write(address, as.read(source, size).slice());
    }
    return { address };
  }

  /** Copy the framework's description out to the driver's (the copy callback, else the bytes). */
  copyOut(from: number, to: number, size: number, copy: number): void {
    if (from === 0 || to === 0) return;
    if (copy) this.describe(copy, [from, to]);
    else this.fx.k.as.write(to, this.fx.k.as.read(from, size).slice());
  }

  private same(a: number, b: number, compare = this.config?.idCompare ?? 0): boolean {
    if (compare) return ((this.describe(compare, [a, b]) as number) & 0xff) !== 0;
    const size = this.config?.idSize ?? 0;
    const as = this.fx.k.as;
    const x = as.read(a, size);
    const y = as.read(b, size);
    return x.every((v, i) => v === y[i]);
  }

  find(id: number, compare?: number): ChildEntry | undefined {
    return this.entries.find((e) => e.id !== 0 && this.same(e.id, id, compare || undefined));
  }

  private release(e: ChildEntry): void {
    const c = this.config;
    if (e.id) {
      if (c?.idCleanup) this.describe(c.idCleanup, [e.id]);
      this.fx.free(e.id, this.globals.tag);
    }
    if (e.address) {
      if (c?.addressCleanup) this.describe(c.addressCleanup, [e.address]);
      this.fx.free(e.address, this.globals.tag);
    }
    e.id = e.address = 0;
  }

  addOrUpdate(id: number, address: number): number {
    const c = this.config!;
    const known = this.find(id);
    let status: number = STATUS.SUCCESS;
    let entry = known;
    if (!entry) {
      const copy = this.copyIn(id, c.idSize, c.idDuplicate, c.idCopy);
      if ('status' in copy) return copy.status;
      entry = { id: copy.address, address: 0, missing: false, found: true, pdo: undefined, reported: false };
      this.entries.push(entry);
    } else {
      // Already known and present: the description stays, its address description is updated.
      if (!entry.missing) status = STATUS.OBJECT_NAME_EXISTS;
      entry.missing = false;
      entry.found = true;
    }
    if (address !== 0 && c.addressSize > 0) {
      const copy = this.copyIn(address, c.addressSize, c.addressDuplicate, c.addressCopy);
      if ('status' in copy) return copy.status;
      if (entry.address) {
        if (c.addressCleanup) this.describe(c.addressCleanup, [entry.address]);
        this.fx.free(entry.address, this.globals.tag);
      }
      entry.address = copy.address;
    }
    this.changed();
    return status;
  }

  updateAsMissing(id: number): number {
    const e = this.find(id);
    if (!e || e.missing) return STATUS.NO_SUCH_DEVICE;
    e.missing = true;
    this.changed();
    return STATUS.SUCCESS;
  }

  beginScan(): void {
    if (this.scans++ === 0) for (const e of this.entries) if (e.id) e.found = false;
  }

  endScan(): void {
    if (this.scans === 0) return;
    if (--this.scans > 0) return;
    for (const e of this.entries) if (e.id && !e.found) e.missing = true;
    this.invalidate();
  }

  allPresent(): void {
    for (const e of this.entries) e.found = true;
  }

  /** Outside a scan, the PnP manager hears of a change at once. */
  private changed(): void {
    if (this.scans === 0) this.invalidate();
  }

  invalidate(): void {
    const parent = this.device.pnp;
    if (parent) this.fx.k.ddi.IoInvalidateDeviceRelations(parent.pdo, DEVICE_RELATION_TYPE.BusRelations);
  }

  addStatic(pdo: FxPkgPdo): void {
    this.entries.push({ id: 0, address: 0, missing: false, found: true, pdo, reported: false });
    pdo.owner = this;
    this.invalidate();
  }

  /** Which children WDF_RETRIEVE_CHILD_FLAGS selects: present (reported), pending (not yet reported), missing. */
  matches(e: ChildEntry, flags: number): boolean {
    if (e.missing) return (flags & WDF_RETRIEVE_CHILD_FLAGS.MissingChildren) !== 0;
    return (flags & (e.reported ? WDF_RETRIEVE_CHILD_FLAGS.PresentChildren : WDF_RETRIEVE_CHILD_FLAGS.PendingChildren)) !== 0;
  }

  // ---- PdoOwner -----------------------------------------------------------------------------

  isPresent(pdo: FxPkgPdo): boolean {
    const e = this.entries.find((x) => x.pdo === pdo);
    return e !== undefined && !e.missing;
  }

  forget(pdo: FxPkgPdo): void {
    const i = this.entries.findIndex((x) => x.pdo === pdo);
    if (i < 0) return;
    const [e] = this.entries.splice(i, 1);
    this.release(e!);
  }

  markMissing(pdo: FxPkgPdo): number {
    const e = this.entries.find((x) => x.pdo === pdo);
    if (!e || e.missing) return STATUS.NO_SUCH_DEVICE;
    e.missing = true;
    this.changed();
    return STATUS.SUCCESS;
  }

  // ---- the bus relations --------------------------------------------------------------------

  /** The PDOs to report: the driver's scan first (EvtChildListScanForChildren), then new present descriptions get theirs (EvtChildListCreateDevice); missing children never reported go now. */
  present(): FxPkgPdo[] {
    if (this.config?.scanForChildren && this.scans === 0) {
      // A scan of the framework's: what the callback does not report is missing, and the answer being built is the relations' update.
      this.beginScan();
      this.fx.invoke(this.config.scanForChildren, [this.handle], ['FxChildList::DescriptionCallback']);
      this.scans = 0;
      for (const e of this.entries) if (e.id && !e.found) e.missing = true;
    }
    for (const e of [...this.entries]) {
      if (e.missing) {
        if (!e.reported) this.drop(e);
        continue;
      }
      if (!e.pdo && e.id) this.createPdo(e);
    }
    const out: FxPkgPdo[] = [];
    for (const e of this.entries) {
      if (e.missing || !e.pdo) continue;
      e.reported = true;
      out.push(e.pdo);
    }
    return out;
  }

  private drop(e: ChildEntry): void {
    const i = this.entries.indexOf(e);
    if (i >= 0) this.entries.splice(i, 1);
    const pdo = e.pdo;
    e.pdo = undefined;
    this.release(e);
    if (pdo) pdo.device.delete();
  }

  private createPdo(e: ChildEntry): void {
    const fx = this.fx;
    const g = this.globals;
    const address = allocatePdoInit(fx, g, this.device);
    if (address === 0) return;
    const init = deviceInits(fx).get(address)!;
    const ids = pdoInitOf(init)!;
    const status = (fx.invoke(this.config!.createDevice, [this.handle, e.id, address], ['FxChildList::CreateDevice']) as number) >>> 0;
    if (!init.used) {
      init.used = true;
      deviceInits(fx).delete(address);
      fx.free(address, INIT_TAG);
    }
    const device = ids.device;
    const pdo = pdoOf(device);
    if (!NT_SUCCESS(status) || !pdo) {
      g.record('FxChildList::CreateDevice', `EvtChildListCreateDevice returned ${statusName(status)}${pdo ? '' : ', no PDO created'}: the description is dropped`);
      device?.delete();
      this.drop(e);
      return;
    }
    e.pdo = pdo;
    pdo.owner = this;
  }

  /** The parent is going: its children's PDOs go with it, and the descriptions. */
  protected override dispose(): void {
    for (const e of this.entries.splice(0)) {
      const pdo = e.pdo;
      this.release(e);
      if (pdo) {
        pdo.owner = undefined;
        pdo.device.delete();
      }
    }
    const lists = listsOf.get(this.device);
    if (lists) lists.splice(lists.indexOf(this), 1);
  }
}

/** A parent's BusRelations: the IRP's list so far plus every present child, each referenced; then down the stack. */
function busRelations(pkg: FxPkgPnp, irp: number, minor: number): number | undefined {
  if (minor !== IRP_MN_PNP.QUERY_DEVICE_RELATIONS || pdoOf(pkg.device)) return undefined;
  const fx = pkg.fx;
  const as = fx.k.as;
  const sp = as.u32(irp + I['Tail.CurrentStackLocation']);
  if (as.u32(sp + S['Parameters.QueryDeviceRelations.Type']) !== DEVICE_RELATION_TYPE.BusRelations) return undefined;
  const lists = listsOf.get(pkg.device);
  if (!lists || lists.length === 0) return undefined;
  const pdos = lists.flatMap((l) => l.present()).map((p) => p.device.deviceObject);
  const old = as.u32(irp + I['IoStatus.Information']);
  const kept = old === 0 ? [] : Array.from({ length: as.u32(old + DEVICE_RELATIONS.off.Count) }, (_, i) => as.u32(old + DEVICE_RELATIONS.off.Objects + 4 * i));
  const all = [...kept, ...pdos];
  const relations = fx.k.ddi.ExAllocatePoolWithTag(POOL_TYPE.PagedPool, 4 + 4 * Math.max(1, all.length), pkg.globals.tag) >>> 0;
  if (relations === 0) {
    as.setU32(irp + I['IoStatus.Status'], STATUS.INSUFFICIENT_RESOURCES);
    fx.k.ddi.IofCompleteRequest(irp, 0);
    return STATUS.INSUFFICIENT_RESOURCES;
  }
  as.setU32(relations + DEVICE_RELATIONS.off.Count, all.length);
  all.forEach((d, i) => as.setU32(relations + DEVICE_RELATIONS.off.Objects + 4 * i, d));
  for (const d of pdos) fx.k.ddi.ObfReferenceObject(d);
  if (old !== 0) fx.k.ddi.ExFreePool(old);
  as.setU32(irp + I['IoStatus.Information'], relations);
  pkg.globals.record('FxPkgFdo::_PnpQueryDeviceRelations', `WDFDEVICE ${hex(pkg.device.handle)} reports ${pdos.length} child PDO(s)`);
  as.setU32(irp + I['IoStatus.Status'], STATUS.SUCCESS);
  return pkg.forward(irp);
}
pnpMinorHandlers.push(busRelations);

// WdfDeviceCreate on an init with a default child list configuration: the list, a child of the device.
deviceCreateHooks.push((device, init) => {
  const d = defaultConfigs.get(init);
  if (!d) return;
  defaultConfigs.delete(init);
  defaultLists.set(device, new FxChildList(device.fx, device.globals, d.attributes, device, d.config));
});

function staticList(device: FxDevice): FxChildList {
  let list = staticLists.get(device);
  if (!list) {
    list = new FxChildList(device.fx, device.globals, { ...noParent }, device, undefined);
    staticLists.set(device, list);
  }
  return list;
}
const noParent: FxAttributes = { cleanup: 0, destroy: 0, executionLevel: 0, synchronizationScope: 0, parent: 0, contextType: 0, contextTypeInfo: 0, contextSize: 0 };

export function childListExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const list = (g: FxDriverGlobals, ChildList: number) => fx.object<FxChildList>(g, ChildList, FX_TYPE.ChildList);
  const dynamic = (g: FxDriverGlobals, ChildList: number, routine: string): FxChildList | undefined => {
    const l = list(g, ChildList);
    if (l.config) return l;
    verifierBreak(fx, g, routine, `WDFCHILDLIST ${hex(ChildList)} is a static list`);
    return undefined;
  };

  /** A WDF_CHILD_LIST_CONFIG, or the status that refuses it. */
  const readConfig = (g: FxDriverGlobals, Config: number): ChildListConfig | number => {
    fx.require(g, Config);
    if (as.u32(Config + CFG.Size) !== WDF_CHILD_LIST_CONFIG.size) return STATUS.INFO_LENGTH_MISMATCH;
    const c: ChildListConfig = {
      idSize: as.u32(Config + CFG.IdentificationDescriptionSize),
      addressSize: as.u32(Config + CFG.AddressDescriptionSize),
      createDevice: as.u32(Config + CFG.EvtChildListCreateDevice),
      scanForChildren: as.u32(Config + CFG.EvtChildListScanForChildren),
      idCopy: as.u32(Config + CFG.EvtChildListIdentificationDescriptionCopy),
      idDuplicate: as.u32(Config + CFG.EvtChildListIdentificationDescriptionDuplicate),
      idCleanup: as.u32(Config + CFG.EvtChildListIdentificationDescriptionCleanup),
      idCompare: as.u32(Config + CFG.EvtChildListIdentificationDescriptionCompare),
      addressCopy: as.u32(Config + CFG.EvtChildListAddressDescriptionCopy),
      addressDuplicate: as.u32(Config + CFG.EvtChildListAddressDescriptionDuplicate),
      addressCleanup: as.u32(Config + CFG.EvtChildListAddressDescriptionCleanup),
    };
    // The descriptions start with their size; a list must be able to create its children.
    if (c.idSize < 4 || (c.addressSize !== 0 && c.addressSize < 4) || c.createDevice === 0) return STATUS.INVALID_PARAMETER;
    return c;
  };

  /** A description the driver passes: its header must give the list's size. */
  const sized = (g: FxDriverGlobals, header: number, size: number, routine: string): boolean => {
    fx.require(g, header);
    if (as.u32(header) === size) return true;
    verifierBreak(fx, g, routine, `description size ${as.u32(header)} is not the list's ${size}`);
    return false;
  };

  /** A dynamic child's description, copied out to the driver: STATUS_INVALID_DEVICE_REQUEST for a static child (it has none). */
  const pdoDescription =
    (which: 'id' | 'address'): WdfDdi =>
    (g, Device: number, Description: number) => {
      const pdo = pdoOf(fx.object<FxDevice>(g, Device, FX_TYPE.Device));
      fx.require(g, Description);
      const l = pdo?.owner instanceof FxChildList ? pdo.owner : undefined;
      const e = l?.entries.find((x) => x.pdo === pdo);
      if (!l?.config || !e) return STATUS.INVALID_DEVICE_REQUEST;
      const size = which === 'id' ? l.config.idSize : l.config.addressSize;
      if (size === 0 || as.u32(Description) !== size) return STATUS.INVALID_PARAMETER;
      l.copyOut(which === 'id' ? e.id : e.address, Description >>> 0, size, which === 'id' ? l.config.idCopy : l.config.addressCopy);
      return STATUS.SUCCESS;
    };

  return {
    WdfFdoInitSetDefaultChildListConfig(g, DeviceInit: number, Config: number, DefaultChildListAttributes: number) {
      const init = deviceInits(fx).get(DeviceInit >>> 0);
      if (!init || init.used || !init.pnp) return fx.violation(g, WDF_BUGCHECK.REQUIRED_PARAMETER_IS_NULL, DeviceInit, fx.driverCaller());
      const config = readConfig(g, Config);
      const attributes = readAttributes(fx, DefaultChildListAttributes, { parentNotAllowed: true });
      if (typeof config === 'number' || typeof attributes === 'number') {
        verifierBreak(fx, g, 'FxDeviceInit::SetDefaultChildListConfig', `invalid WDF_CHILD_LIST_CONFIG or attributes (${statusName(typeof config === 'number' ? config : (attributes as number))}): no default child list`);
        return;
      }
      defaultConfigs.set(init, { config, attributes });
    },

    WdfFdoGetDefaultChildList(g, Fdo: number) {
      return defaultLists.get(fx.object<FxDevice>(g, Fdo, FX_TYPE.Device))?.handle ?? 0;
    },

    WdfChildListCreate(g, Device: number, Config: number, ChildListAttributes: number, ChildList: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, ChildList);
      const config = readConfig(g, Config);
      if (typeof config === 'number') return config;
      const attributes = readAttributes(fx, ChildListAttributes);
      if (typeof attributes === 'number') return attributes;
      if (!device.pnp) return STATUS.INVALID_DEVICE_REQUEST;
      as.setU32(ChildList, new FxChildList(fx, g, attributes, device, config).handle);
      return STATUS.SUCCESS;
    },

    WdfChildListGetDevice(g, ChildList: number) {
      return list(g, ChildList).device.handle;
    },

    WdfChildListBeginScan(g, ChildList: number) {
      dynamic(g, ChildList, 'FxChildList::BeginScan')?.beginScan();
    },

    WdfChildListEndScan(g, ChildList: number) {
      dynamic(g, ChildList, 'FxChildList::EndScan')?.endScan();
    },

    WdfChildListUpdateAllChildDescriptionsAsPresent(g, ChildList: number) {
      dynamic(g, ChildList, 'FxChildList::UpdateAllAsPresent')?.allPresent();
    },

    WdfChildListAddOrUpdateChildDescriptionAsPresent(g, ChildList: number, IdentificationDescription: number, AddressDescription: number) {
      const l = dynamic(g, ChildList, 'FxChildList::Add');
      if (!l || !sized(g, IdentificationDescription, l.config!.idSize, 'FxChildList::Add')) return STATUS.INVALID_PARAMETER;
      if (AddressDescription !== 0 && as.u32(AddressDescription) !== l.config!.addressSize) return STATUS.INVALID_PARAMETER;
      return l.addOrUpdate(IdentificationDescription >>> 0, AddressDescription >>> 0);
    },

    WdfChildListUpdateChildDescriptionAsMissing(g, ChildList: number, IdentificationDescription: number) {
      const l = dynamic(g, ChildList, 'FxChildList::UpdateAsMissing');
      if (!l || !sized(g, IdentificationDescription, l.config!.idSize, 'FxChildList::UpdateAsMissing')) return STATUS.INVALID_PARAMETER;
      return l.updateAsMissing(IdentificationDescription >>> 0);
    },

    WdfChildListRetrievePdo(g, ChildList: number, RetrieveInfo: number) {
      const l = dynamic(g, ChildList, 'FxChildList::RetrievePdo');
      fx.require(g, RetrieveInfo);
      if (!l || as.u32(RetrieveInfo + INFO.Size) !== WDF_CHILD_RETRIEVE_INFO.size) return 0;
      const id = as.u32(RetrieveInfo + INFO.IdentificationDescription);
      fx.require(g, id);
      const e = l.find(id, as.u32(RetrieveInfo + INFO.EvtChildListIdentificationDescriptionCompare));
      const status = !e || e.missing ? WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS.NoSuchDevice : e.pdo ? WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS.Success : WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS.NotYetCreated;
      as.setU32(RetrieveInfo + INFO.Status, status);
      if (e && !e.missing) l.copyOut(e.address, as.u32(RetrieveInfo + INFO.AddressDescription), l.config!.addressSize, l.config!.addressCopy);
      return status === WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS.Success ? e!.pdo!.device.handle : 0;
    },

    WdfChildListRetrieveAddressDescription(g, ChildList: number, IdentificationDescription: number, AddressDescription: number) {
      const l = dynamic(g, ChildList, 'FxChildList::GetAddressDescription');
      fx.require(g, AddressDescription);
      if (!l || !sized(g, IdentificationDescription, l.config!.idSize, 'FxChildList::GetAddressDescription')) return STATUS.INVALID_PARAMETER;
      if (as.u32(AddressDescription) !== l.config!.addressSize) return STATUS.INVALID_PARAMETER;
      const e = l.find(IdentificationDescription >>> 0);
      if (!e || e.missing) return STATUS.NO_SUCH_DEVICE;
      l.copyOut(e.address, AddressDescription >>> 0, l.config!.addressSize, l.config!.addressCopy);
      return STATUS.SUCCESS;
    },

    WdfChildListBeginIteration(g, ChildList: number, Iterator: number) {
      list(g, ChildList);
      fx.require(g, Iterator);
      as.setU32(Iterator + ITER.Reserved, 0);
    },

    WdfChildListRetrieveNextDevice(g, ChildList: number, Iterator: number, Device: number, Info: number) {
      const l = list(g, ChildList);
      fx.require(g, Iterator);
      fx.require(g, Device);
      if (as.u32(Iterator + ITER.Size) !== WDF_CHILD_LIST_ITERATOR.size) return STATUS.INFO_LENGTH_MISMATCH;
      if (Info !== 0 && as.u32(Info + INFO.Size) !== WDF_CHILD_RETRIEVE_INFO.size) return STATUS.INFO_LENGTH_MISMATCH;
      const flags = as.u32(Iterator + ITER.Flags);
      // Reserved[0]: how many entries the iteration has passed.
      for (let i = as.u32(Iterator + ITER.Reserved); i < l.entries.length; i++) {
        const e = l.entries[i]!;
        if (!l.matches(e, flags) || !e.pdo) continue;
        as.setU32(Iterator + ITER.Reserved, i + 1);
        as.setU32(Device, e.pdo.device.handle);
        if (Info !== 0) {
          as.setU32(Info + INFO.Status, WDF_CHILD_LIST_RETRIEVE_DEVICE_STATUS.Success);
          if (l.config) {
            l.copyOut(e.id, as.u32(Info + INFO.IdentificationDescription), l.config.idSize, l.config.idCopy);
            l.copyOut(e.address, as.u32(Info + INFO.AddressDescription), l.config.addressSize, l.config.addressCopy);
          }
        }
        return STATUS.SUCCESS;
      }
      as.setU32(Iterator + ITER.Reserved, l.entries.length);
      as.setU32(Device, 0);
      return STATUS.NO_MORE_ENTRIES;
    },

    WdfChildListEndIteration(g, ChildList: number, Iterator: number) {
      list(g, ChildList);
      fx.require(g, Iterator);
    },

    WdfChildListRequestChildEject(g, ChildList: number, IdentificationDescription: number) {
      const l = dynamic(g, ChildList, 'FxChildList::RequestChildEject');
      fx.require(g, IdentificationDescription);
      const e = l?.find(IdentificationDescription >>> 0);
      if (!e || e.missing || !e.pdo || !e.reported) return 0;
      fx.k.ddi.IoRequestDeviceEject(e.pdo.device.deviceObject);
      return 1;
    },

    WdfPdoRetrieveIdentificationDescription: pdoDescription('id'),
    WdfPdoRetrieveAddressDescription: pdoDescription('address'),

    // ---- static children (wdffdo.h) ----

    WdfFdoAddStaticChild(g, Fdo: number, Child: number) {
      const fdo = fx.object<FxDevice>(g, Fdo, FX_TYPE.Device);
      const child = pdoOf(fx.object<FxDevice>(g, Child, FX_TYPE.Device));
      if (!child || child.parent !== fdo || child.owner) {
        verifierBreak(fx, g, 'FxPkgFdo::AddStaticChild', `WDFDEVICE ${hex(Child)} is not a new PDO of WDFDEVICE ${hex(Fdo)}`);
        return STATUS.INVALID_DEVICE_REQUEST;
      }
      staticList(fdo).addStatic(child);
      return STATUS.SUCCESS;
    },

    WdfFdoLockStaticChildListForIteration(g, Fdo: number) {
      fx.object<FxDevice>(g, Fdo, FX_TYPE.Device);
    },

    WdfFdoUnlockStaticChildListFromIteration(g, Fdo: number) {
      fx.object<FxDevice>(g, Fdo, FX_TYPE.Device);
    },

    WdfFdoRetrieveNextStaticChild(g, Fdo: number, PreviousChild: number, Flags: number) {
      const fdo = fx.object<FxDevice>(g, Fdo, FX_TYPE.Device);
      const entries = staticLists.get(fdo)?.entries ?? [];
      const l = staticLists.get(fdo);
      let i = 0;
      if (PreviousChild !== 0) {
        i = entries.findIndex((e) => e.pdo?.device.handle === PreviousChild >>> 0) + 1;
        if (i === 0) return 0;
      }
      for (; i < entries.length; i++) if (l!.matches(entries[i]!, Flags) && entries[i]!.pdo) return entries[i]!.pdo!.device.handle;
      return 0;
    },
  };
}
