/**
 * The kernel's WMI component: the providers drivers register (IoWMIRegistrationControl), the events
 * they write (IoWMIWriteEvent), and the requests WMI sends them, IRP_MJ_SYSTEM_CONTROL with a WNODE
 * (what a WMI consumer's query becomes). The machine runs no WMI service in user mode, so the
 * consumer is whoever calls `wmiService(k)`'s methods (tests, `dv run`): each builds the WNODE in
 * nonpaged pool, sends the IRP to the top of the provider's stack with Parameters.WMI.ProviderId
 * naming the provider, waits for it, and reads the answer. A registration's GUIDs are asked for
 * (IRP_MN_REGINFO_EX) when a request first needs them and again after WMIREG_ACTION_UPDATE_GUIDS,
 * as WMI asks for them after the registration call returns.
 */
import { IRP_MJ } from '../../nt/io.ts';
import { DEVICE_OBJECT, IO_STACK_LOCATION, IRP } from '../../nt/layout.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import {
  ALL_DATA_OFFSET_ENTRY, ALL_DATA_OFFSETS, IRP_MN_WMI, WMIREG_ACTION, WMIREG_FLAG, WMIREGGUIDW, WMIREGINFOW, WMIREGISTER, WMIUPDATE,
  WNODE_ALL_DATA, WNODE_FLAG, WNODE_HEADER, WNODE_METHOD_ITEM, WNODE_SINGLE_INSTANCE, WNODE_SINGLE_ITEM, WNODE_TOO_SMALL,
} from '../../nt/wmi.ts';
import type { Kernel } from '../kernel.ts';
import { readGuid, writeGuid } from '../pnp/interfaces.ts';
import { TAG } from '../tags.ts';

const DEV = DEVICE_OBJECT.off;
const S = IO_STACK_LOCATION.off;
const I = IRP.off;
const H = WNODE_HEADER.off;
/** Parameters.WMI (ProviderId, DataPath, BufferSize, Buffer) is laid over Parameters.Others. */
const WMI_PARAMS = { ProviderId: S['Parameters.Others.Argument1']!, DataPath: S['Parameters.Others.Argument2']!, BufferSize: S['Parameters.Others.Argument3']!, Buffer: S['Parameters.Others.Argument4']! };
/** The buffer WMI tries first; a WNODE_TOO_SMALL answer says how much to send again. */
const FIRST_BUFFER = 0x200;
const MAX_BUFFER = 0x100000;

/** One GUID a provider registered. */
export interface WmiGuidRegistration {
  readonly guid: string;
  readonly flags: number;
  readonly instanceCount: number;
  /** The instances' names WMI gives them (PDO names: the device instance path, `_`, the index). */
  readonly instanceNames: readonly string[];
}

export interface WmiProviderRegistration {
  readonly deviceObject: number;
  readonly registryPath: string;
  readonly mofResourceName: string;
  readonly guids: readonly WmiGuidRegistration[];
}

/** An event a provider wrote (IoWMIWriteEvent), as WMI delivers it. */
export interface WmiEvent {
  readonly guid: string;
  readonly providerId: number;
  readonly flags: number;
  readonly instanceIndex: number;
  readonly data: Uint8Array;
}

export interface WmiAnswer {
  readonly status: number;
  /** QUERY_ALL_DATA: each instance's data; the single-instance requests: one. */
  readonly instances: readonly Uint8Array[];
}

interface Provider {
  readonly deviceObject: number;
  registration: WmiProviderRegistration | undefined;
}

export class WmiService {
  private readonly providers = new Map<number, Provider>();
  readonly events: WmiEvent[] = [];

  constructor(private readonly k: Kernel) {
    k.nt.addRoutines(['WmipSendWmiIrp']);
  }

  /** IoWMIRegistrationControl. */
  control(deviceObject: number, action: number): number {
    switch (action & 0xff) {
      case WMIREG_ACTION.REGISTER:
        if (this.providers.has(deviceObject)) return STATUS.INVALID_PARAMETER;
        this.providers.set(deviceObject, { deviceObject, registration: undefined });
        return STATUS.SUCCESS;
      case WMIREG_ACTION.DEREGISTER:
        return this.providers.delete(deviceObject) ? STATUS.SUCCESS : STATUS.INVALID_PARAMETER;
      case WMIREG_ACTION.REREGISTER:
      case WMIREG_ACTION.UPDATE_GUIDS: {
        const p = this.providers.get(deviceObject);
        if (!p) return STATUS.INVALID_PARAMETER;
        p.registration = undefined;
        return STATUS.SUCCESS;
      }
      case WMIREG_ACTION.BLOCK_IRPS:
        return this.providers.has(deviceObject) ? STATUS.SUCCESS : STATUS.INVALID_PARAMETER;
      default:
        return STATUS.INVALID_PARAMETER;
    }
  }

  /** The device objects registered now. */
  get registered(): readonly number[] {
    return [...this.providers.keys()];
  }

  /** What a provider registered (IRP_MN_REGINFO_EX, sent now if WMI has not asked yet); undefined if it is not a provider or refused the request. */
  registration(deviceObject: number): WmiProviderRegistration | undefined {
    const p = this.providers.get(deviceObject);
    if (!p) return undefined;
    p.registration ??= this.regInfo(p);
    return p.registration;
  }

  /** The provider of `guid` and the GUID's registration. */
  private find(guid: string): { provider: Provider; entry: WmiGuidRegistration } | undefined {
    for (const p of this.providers.values()) {
      const entry = this.registration(p.deviceObject)?.guids.find((g) => g.guid.toUpperCase() === guid.toUpperCase());
      if (entry) return { provider: p, entry };
    }
    return undefined;
  }

  private regInfo(p: Provider): WmiProviderRegistration | undefined {
    const as = this.k.as;
    const r = this.send(p.deviceObject, IRP_MN_WMI.REGINFO_EX, p.registration === undefined ? WMIREGISTER : WMIUPDATE, FIRST_BUFFER, () => {}, (buffer, size, status, information) => {
      // Too small: the provider wrote the size it needs as the first ULONG.
      if (status === STATUS.BUFFER_TOO_SMALL) return { retry: as.u32(buffer) };
      if (!NT_SUCCESS(status) || information < WMIREGINFOW.off.WmiRegGuid! || information > size) return { value: undefined };
      const counted = (offset: number) => (offset === 0 || offset + 2 > information ? '' : as.utf16(buffer + offset + 2, as.u16(buffer + offset) / 2));
      const guids: WmiGuidRegistration[] = [];
      const count = as.u32(buffer + WMIREGINFOW.off.GuidCount!);
      for (let i = 0; i < count; i++) {
        const e = buffer + WMIREGINFOW.off.WmiRegGuid! + i * WMIREGGUIDW.size;
        if (e + WMIREGGUIDW.size > buffer + information) break;
        const flags = as.u32(e + WMIREGGUIDW.off.Flags!);
        const instanceCount = as.u32(e + WMIREGGUIDW.off.InstanceCount!);
        const pdo = as.u32(e + WMIREGGUIDW.off.InstanceInfo!);
        const base = (flags & WMIREG_FLAG.INSTANCE_PDO) !== 0 ? this.k.pnp.nodeOfPdo(pdo)?.instancePath ?? `PDO ${pdo.toString(16)}` : readGuid(this.k, e);
        guids.push({ guid: readGuid(this.k, e), flags, instanceCount, instanceNames: Array.from({ length: instanceCount }, (_, n) => `${base}_${n}`) });
      }
      return { value: { deviceObject: p.deviceObject, registryPath: counted(as.u32(buffer + WMIREGINFOW.off.RegistryPath!)), mofResourceName: counted(as.u32(buffer + WMIREGINFOW.off.MofResourceName!)), guids } };
    });
    return r.value;
  }

  /** IRP_MN_QUERY_ALL_DATA: every instance's data block. */
  queryAllData(guid: string): WmiAnswer {
    const found = this.find(guid);
    if (!found) return { status: STATUS.WMI_GUID_NOT_FOUND, instances: [] };
    return this.wnodeRequest(found.provider, IRP_MN_WMI.QUERY_ALL_DATA, guid, WNODE_FLAG.ALL_DATA, () => {}, (buffer) => {
      const as = this.k.as;
      const count = as.u32(buffer + WNODE_ALL_DATA.off.InstanceCount!);
      const fixed = (as.u32(buffer + H.Flags!) & WNODE_FLAG.FIXED_INSTANCE_SIZE) !== 0;
      const instances: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        if (fixed) {
          const size = as.u32(buffer + ALL_DATA_OFFSETS);
          instances.push(as.read(buffer + as.u32(buffer + WNODE_ALL_DATA.off.DataBlockOffset!) + i * ((size + 7) & ~7), size));
        } else {
          const entry = buffer + ALL_DATA_OFFSETS + i * ALL_DATA_OFFSET_ENTRY;
          instances.push(as.read(buffer + as.u32(entry), as.u32(entry + 4)));
        }
      }
      return instances;
    });
  }

  /** IRP_MN_QUERY_SINGLE_INSTANCE of instance `index`. */
  querySingleInstance(guid: string, index: number): WmiAnswer {
    const W = WNODE_SINGLE_INSTANCE.off;
    return this.instanceRequest(guid, IRP_MN_WMI.QUERY_SINGLE_INSTANCE, WNODE_FLAG.SINGLE_INSTANCE, index, W.InstanceIndex!, W.DataBlockOffset!, WNODE_SINGLE_INSTANCE.off.VariableData!, new Uint8Array(0), W.SizeDataBlock!, 0);
  }

  /** IRP_MN_CHANGE_SINGLE_INSTANCE: instance `index`'s whole data block becomes `data`. */
  changeSingleInstance(guid: string, index: number, data: Uint8Array): WmiAnswer {
    const W = WNODE_SINGLE_INSTANCE.off;
    return this.instanceRequest(guid, IRP_MN_WMI.CHANGE_SINGLE_INSTANCE, WNODE_FLAG.SINGLE_INSTANCE, index, W.InstanceIndex!, W.DataBlockOffset!, W.VariableData!, data, W.SizeDataBlock!, 0);
  }

  /** IRP_MN_CHANGE_SINGLE_ITEM: data item `itemId` of instance `index`. */
  changeSingleItem(guid: string, index: number, itemId: number, data: Uint8Array): WmiAnswer {
    const W = WNODE_SINGLE_ITEM.off;
    return this.instanceRequest(guid, IRP_MN_WMI.CHANGE_SINGLE_ITEM, WNODE_FLAG.SINGLE_ITEM, index, W.InstanceIndex!, W.DataBlockOffset!, W.VariableData!, data, W.SizeDataItem!, 0, (b) => this.k.as.setU32(b + W.ItemId!, itemId));
  }

  /** IRP_MN_EXECUTE_METHOD: method `methodId` of instance `index` with `input`; the output is the answer's instance. */
  executeMethod(guid: string, index: number, methodId: number, input: Uint8Array, outputSize: number): WmiAnswer {
    const W = WNODE_METHOD_ITEM.off;
    return this.instanceRequest(guid, IRP_MN_WMI.EXECUTE_METHOD, WNODE_FLAG.METHOD_ITEM, index, W.InstanceIndex!, W.DataBlockOffset!, W.VariableData!, input, W.SizeDataBlock!, outputSize, (b) => this.k.as.setU32(b + W.MethodId!, methodId));
  }

  /** IRP_MN_ENABLE/DISABLE_EVENTS or _COLLECTION for `guid` (a consumer subscribing, or the first one of an expensive block). */
  enable(guid: string, what: 'events' | 'collection', enable: boolean): number {
    const found = this.find(guid);
    if (!found) return STATUS.WMI_GUID_NOT_FOUND;
    const minor = what === 'events' ? (enable ? IRP_MN_WMI.ENABLE_EVENTS : IRP_MN_WMI.DISABLE_EVENTS) : enable ? IRP_MN_WMI.ENABLE_COLLECTION : IRP_MN_WMI.DISABLE_COLLECTION;
    return this.wnodeRequest(found.provider, minor, guid, 0, () => {}, () => []).status;
  }

  /** IoWMIWriteEvent: WMI takes the WNODE (and frees it). */
  writeEvent(wnode: number): number {
    const as = this.k.as;
    const flags = as.u32(wnode + H.Flags!);
    const size = as.u32(wnode + H.BufferSize!);
    let instanceIndex = 0;
    let data: Uint8Array = new Uint8Array(0);
    if ((flags & WNODE_FLAG.SINGLE_INSTANCE) !== 0) {
      instanceIndex = as.u32(wnode + WNODE_SINGLE_INSTANCE.off.InstanceIndex!);
      data = as.read(wnode + as.u32(wnode + WNODE_SINGLE_INSTANCE.off.DataBlockOffset!), as.u32(wnode + WNODE_SINGLE_INSTANCE.off.SizeDataBlock!));
    } else if (size > WNODE_HEADER.size) {
      data = as.read(wnode + WNODE_HEADER.size, size - WNODE_HEADER.size);
    }
    this.events.push({ guid: readGuid(this.k, wnode + H.Guid!), providerId: as.u32(wnode + H.ProviderId!), flags, instanceIndex, data });
    this.k.ddi.ExFreePool(wnode);
    return STATUS.SUCCESS;
  }

  private instanceRequest(
    guid: string, minor: number, wnodeFlag: number, index: number, indexOffset: number, dataOffsetField: number, dataAt: number,
    input: Uint8Array, sizeField: number, outputSize: number, extra?: (buffer: number) => void,
  ): WmiAnswer {
    const found = this.find(guid);
    if (!found) return { status: STATUS.WMI_GUID_NOT_FOUND, instances: [] };
    const as = this.k.as;
    const dataOffset = (dataAt + 7) & ~7;
    return this.wnodeRequest(
      found.provider, minor, guid, wnodeFlag | WNODE_FLAG.STATIC_INSTANCE_NAMES,
      (buffer) => {
        as.setU32(buffer + indexOffset, index);
        as.setU32(buffer + dataOffsetField, dataOffset);
        as.setU32(buffer + sizeField, input.length);
        as.write(buffer + dataOffset, input);
        extra?.(buffer);
      },
      (buffer) => [as.read(buffer + as.u32(buffer + dataOffsetField), as.u32(buffer + sizeField))],
      dataOffset + Math.max(input.length, outputSize),
    );
  }

  /** A WNODE request, sent again with the size a WNODE_TOO_SMALL answer asks for. */
  private wnodeRequest(
    provider: Provider, minor: number, guid: string, flags: number, fill: (buffer: number) => void, read: (buffer: number) => Uint8Array[], first = FIRST_BUFFER,
  ): WmiAnswer {
    const as = this.k.as;
    const r = this.send<Uint8Array[]>(provider.deviceObject, minor, -1, Math.max(first, WNODE_ALL_DATA.size), (buffer, size) => {
      as.setU32(buffer + H.BufferSize!, size);
      as.setU32(buffer + H.ProviderId!, provider.deviceObject);
      writeGuid(this.k, buffer + H.Guid!, guid);
      as.setU32(buffer + H.Flags!, flags);
      fill(buffer);
    }, (buffer, _size, status, information) => {
      if (NT_SUCCESS(status) && information >= WNODE_TOO_SMALL.size && (as.u32(buffer + H.Flags!) & WNODE_FLAG.TOO_SMALL) !== 0) {
        return { retry: as.u32(buffer + WNODE_TOO_SMALL.off.SizeNeeded!) };
      }
      return { value: NT_SUCCESS(status) ? read(buffer) : [] };
    }, guid);
    return { status: r.status, instances: r.value ?? [] };
  }

  /**
   * Send IRP_MJ_SYSTEM_CONTROL/`minor` to the provider with a zeroed buffer of `size` bytes;
   * `answer` reads it: a value, or a retry with a larger buffer.
   */
  private send<T>(
    deviceObject: number, minor: number, dataPath: number, size: number,
    fill: (buffer: number, size: number) => void,
    answer: (buffer: number, size: number, status: number, information: number) => { value: T } | { retry: number },
    guid?: string,
  ): { status: number; value: T | undefined } {
    const k = this.k;
    const as = k.as;
    for (;;) {
      const buffer = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, size, TAG.Wmi) >>> 0;
      if (buffer === 0) return { status: STATUS.INSUFFICIENT_RESOURCES, value: undefined };
      const guidAt = guid !== undefined ? k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 16, TAG.Wmi) >>> 0 : 0;
      try {
        as.zero(buffer, size);
        fill(buffer, size);
        if (guid !== undefined) writeGuid(k, guidAt, guid);
        const { status, information } = this.call(deviceObject, minor, guid !== undefined ? guidAt : dataPath, size, buffer);
        const a = answer(buffer, size, status, information);
        if ('value' in a) return { status, value: a.value };
        if (a.retry <= size || a.retry > MAX_BUFFER) return { status: STATUS.BUFFER_TOO_SMALL, value: undefined };
        size = a.retry;
      } finally {
        k.ddi.ExFreePoolWithTag(buffer, TAG.Wmi);
        if (guidAt !== 0) k.ddi.ExFreePoolWithTag(guidAt, TAG.Wmi);
      }
    }
  }

  /** The IRP itself, to the top of the provider's stack, in the system thread, waited for. */
  private call(deviceObject: number, minor: number, dataPath: number, size: number, buffer: number): { status: number; information: number } {
    const k = this.k;
    return k.runInThread(k.systemThread, () => {
      const as = k.as;
      const io = k.io;
      const top = io.topOfStack(deviceObject);
      const irp = io.allocateIrp(as.u8(top + DEV.StackSize));
      if (irp === 0) return { status: STATUS.INSUFFICIENT_RESOURCES, information: 0 };
      as.setU32(irp + I['Tail.Thread'], k.currentThread.address);
      as.setU8(irp + I.RequestorMode, 0);
      as.setU32(irp + I['IoStatus.Status'], STATUS.NOT_SUPPORTED);
      const sp = io.nextStackLocation(irp);
      as.setU8(sp + S.MajorFunction, IRP_MJ.SYSTEM_CONTROL);
      as.setU8(sp + S.MinorFunction, minor);
      as.setU32(sp + WMI_PARAMS.ProviderId, deviceObject);
      as.setU32(sp + WMI_PARAMS.DataPath, dataPath >>> 0);
      as.setU32(sp + WMI_PARAMS.BufferSize, size);
      as.setU32(sp + WMI_PARAMS.Buffer, buffer);
      let done = false;
      io.completionHooks.set(irp, () => {
        done = true;
      });
      k.withFrames(['WmipSendWmiIrp'], () => {
        io.callDriver(top, irp);
        if (!done) k.withFrames(['KeWaitForSingleObject'], () => k.dispatcher.waitUntil(() => done, () => `WMI waits for IRP_MJ_SYSTEM_CONTROL minor 0x${minor.toString(16)} (IRP ${irp.toString(16)}): nothing left to run completes it`));
      });
      const result = { status: as.u32(irp + I['IoStatus.Status']), information: as.u32(irp + I['IoStatus.Information']) };
      io.freeIrp(irp);
      return result;
    });
  }
}

const services = new WeakMap<Kernel, WmiService>();

/** The machine's WMI component. */
export function wmiService(k: Kernel): WmiService {
  let s = services.get(k);
  if (!s) services.set(k, (s = new WmiService(k)));
  return s;
}

export function ioWmiServiceExports(k: Kernel) {
  return {
    IoWMIRegistrationControl(DeviceObject: number, Action: number): number {
      return wmiService(k).control(DeviceObject >>> 0, Action >>> 0);
    },
    IoWMIWriteEvent(WnodeEventItem: number): number {
      return wmiService(k).writeEvent(WnodeEventItem >>> 0);
    },
  };
}
