/**
 * A device's WMI package (FxWmiIrpHandler): its providers, its registration with the kernel's WMI
 * (IoWMIRegistrationControl: at the start, UPDATE_GUIDS when the registered instances change,
 * DEREGISTER at removal) and its answers to IRP_MJ_SYSTEM_CONTROL. A request for another provider
 * (Parameters.WMI.ProviderId is not this device) or of an unknown minor function goes down the
 * stack; one for a GUID no provider has is STATUS_WMI_GUID_NOT_FOUND, for an instance it has not
 * STATUS_WMI_INSTANCE_NOT_FOUND. Instances are named by the PDO (WMIREG_FLAG_INSTANCE_PDO) and
 * addressed by index. A buffer too small for the answer gets a WNODE_TOO_SMALL saying how much is
 * needed, completed with STATUS_SUCCESS, as WMI expects. Only PnP devices have one: WMI is
 * refused to control devices.
 */
import { IO_STACK_LOCATION, IRP } from '../nt/layout.ts';
import { NT_SUCCESS, STATUS } from '../nt/status.ts';
import { WDF_WMI_PROVIDER_CONTROL, WDF_WMI_PROVIDER_FLAG } from '../nt/wdf-wmi.ts';
import { WDF_DEVICE_PNP_STATE } from '../nt/wdf-pnp.ts';
import {
  ALL_DATA_OFFSET_ENTRY, ALL_DATA_OFFSETS, IRP_MN_WMI, WMIREG_ACTION, WMIREG_FLAG, WMIREGGUIDW, WMIREGINFOW,
  WNODE_ALL_DATA, WNODE_FLAG, WNODE_HEADER, WNODE_METHOD_ITEM, WNODE_SINGLE_INSTANCE, WNODE_SINGLE_ITEM, WNODE_TOO_SMALL,
} from '../nt/wmi.ts';
import { readGuid } from '../kernel/pnp/interfaces.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxWmiInstance, FxWmiProvider } from './wmi.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;
const H = WNODE_HEADER.off;
/** Parameters.WMI (ProviderId, DataPath, BufferSize, Buffer) is laid over Parameters.Others. */
const WMI = { ProviderId: S['Parameters.Others.Argument1']!, DataPath: S['Parameters.Others.Argument2']!, BufferSize: S['Parameters.Others.Argument3']!, Buffer: S['Parameters.Others.Argument4']! };
/** MEMORY_ALLOCATION_ALIGNMENT on a 32-bit machine: each instance's data starts on it. */
const ALIGN = 8;
const alignUp = (n: number) => (n + ALIGN - 1) & ~(ALIGN - 1);

/** What a handler answers: the IRP's status and Information, or a WNODE_TOO_SMALL of `needed` bytes. */
type Answer = { readonly status: number; readonly information: number } | { readonly tooSmall: number };

export class FxWmiPackage {
  readonly providers: FxWmiProvider[] = [];
  mofResourceName: string | undefined;
  /** Registered with WMI (from the start to the removal). */
  private registered = false;

  constructor(
    readonly fx: Framework,
    readonly device: FxDevice,
  ) {}

  provider(guid: string): FxWmiProvider | undefined {
    return this.providers.find((p) => p.guid === guid);
  }

  removeProvider(p: FxWmiProvider): void {
    const i = this.providers.indexOf(p);
    if (i >= 0) this.providers.splice(i, 1);
    this.guidsChanged();
  }

  /** The device started: register it with WMI (IRP_MN_REGINFO_EX follows when WMI asks). */
  register(): void {
    if (this.registered) return;
    this.registered = NT_SUCCESS(this.fx.k.ddi.IoWMIRegistrationControl(this.device.deviceObject, WMIREG_ACTION.REGISTER) >>> 0);
  }

  /** The device is being removed. */
  deregister(): void {
    if (!this.registered) return;
    this.registered = false;
    this.fx.k.ddi.IoWMIRegistrationControl(this.device.deviceObject, WMIREG_ACTION.DEREGISTER);
  }

  /** An instance came or went: WMI asks for the registration again. */
  guidsChanged(): void {
    if (this.registered) this.fx.k.ddi.IoWMIRegistrationControl(this.device.deviceObject, WMIREG_ACTION.UPDATE_GUIDS);
  }

  /** The providers WMI is told of: those with a registered instance, and event-only ones. */
  private reported(): FxWmiProvider[] {
    return this.providers.filter((p) => p.instances.length > 0 || (p.flags & WDF_WMI_PROVIDER_FLAG.EventOnly) !== 0);
  }

  dispatch(irp: number): number {
    const fx = this.fx;
    const as = fx.k.as;
    const sp = as.u32(irp + I['Tail.CurrentStackLocation']);
    const minor = as.u8(sp + S.MinorFunction);
    const known = minor <= IRP_MN_WMI.EXECUTE_METHOD || minor === IRP_MN_WMI.REGINFO_EX;
    if (!known || as.u32(sp + WMI.ProviderId) !== this.device.deviceObject) return this.passOn(irp);
    const buffer = as.u32(sp + WMI.Buffer);
    const size = as.u32(sp + WMI.BufferSize);
    let answer: Answer;
    if (minor === IRP_MN_WMI.REGINFO || minor === IRP_MN_WMI.REGINFO_EX) {
      answer = this.regInfo(buffer, size);
    } else {
      const p = this.provider(readGuid(fx.k, as.u32(sp + WMI.DataPath)));
      if (!p) answer = { status: STATUS.WMI_GUID_NOT_FOUND, information: 0 };
      else if (minor === IRP_MN_WMI.QUERY_ALL_DATA) answer = this.queryAllData(p, buffer, size);
      else if (minor >= IRP_MN_WMI.ENABLE_EVENTS && minor <= IRP_MN_WMI.DISABLE_COLLECTION) answer = this.functionControl(p, minor);
      else {
        // The requests for one instance name it by index (static names: the PDO's).
        const static_ = (as.u32(buffer + H.Flags!) & WNODE_FLAG.STATIC_INSTANCE_NAMES) !== 0;
        const i = static_ ? p.instances[as.u32(buffer + WNODE_SINGLE_INSTANCE.off.InstanceIndex!)] : undefined;
        if (!i) answer = { status: STATUS.WMI_INSTANCE_NOT_FOUND, information: 0 };
        else if (minor === IRP_MN_WMI.QUERY_SINGLE_INSTANCE) answer = this.querySingleInstance(p, i, buffer, size);
        else if (minor === IRP_MN_WMI.CHANGE_SINGLE_INSTANCE) answer = this.changeSingleInstance(p, i, buffer);
        else if (minor === IRP_MN_WMI.CHANGE_SINGLE_ITEM) answer = this.changeSingleItem(i, buffer);
        else answer = this.executeMethod(i, buffer, size);
      }
    }
    if ('tooSmall' in answer) {
      as.setU32(buffer + H.Flags!, as.u32(buffer + H.Flags!) | WNODE_FLAG.TOO_SMALL);
      as.setU32(buffer + H.BufferSize!, WNODE_TOO_SMALL.size);
      as.setU32(buffer + WNODE_TOO_SMALL.off.SizeNeeded!, answer.tooSmall);
      answer = { status: STATUS.SUCCESS, information: WNODE_TOO_SMALL.size };
    }
    as.setU32(irp + I['IoStatus.Status'], answer.status >>> 0);
    as.setU32(irp + I['IoStatus.Information'], answer.information);
    fx.k.ddi.IofCompleteRequest(irp, 0);
    return answer.status;
  }

  /** Not this device's request: down the stack, or (nothing below) completed as it came. */
  private passOn(irp: number): number {
    if (this.device.pnp) return this.device.pnp.forward(irp);
    const status = this.fx.k.as.u32(irp + I['IoStatus.Status']);
    this.fx.k.ddi.IofCompleteRequest(irp, 0);
    return status;
  }

  private regInfo(buffer: number, size: number): Answer {
    const as = this.fx.k.as;
    const providers = this.reported();
    const registryPath = this.device.globals.driver ? this.fx.readUnicodeString(this.device.globals.driver.registryPath) : '';
    const strings = [registryPath, this.mofResourceName ?? ''];
    const guidsEnd = WMIREGINFOW.off.WmiRegGuid! + providers.length * WMIREGGUIDW.size;
    const pathAt = alignUp(guidsEnd);
    const mofAt = this.mofResourceName !== undefined ? (pathAt + 2 + strings[0]!.length * 2 + 1) & ~1 : 0;
    const total = mofAt !== 0 ? mofAt + 2 + strings[1]!.length * 2 : pathAt + 2 + strings[0]!.length * 2;
    if (size < total) {
      // The size needed, in the first ULONG: WMI sends the request again with that much.
      if (size >= 4) as.setU32(buffer, total);
      return { status: STATUS.BUFFER_TOO_SMALL, information: 4 };
    }
    as.zero(buffer, total);
    as.setU32(buffer + WMIREGINFOW.off.BufferSize!, total);
    as.setU32(buffer + WMIREGINFOW.off.GuidCount!, providers.length);
    const pdo = this.device.pnp?.pdo ?? 0;
    providers.forEach((p, n) => {
      const e = buffer + WMIREGINFOW.off.WmiRegGuid! + n * WMIREGGUIDW.size;
      as.write(e + WMIREGGUIDW.off.Guid!, as.read(p.guidAddress, 16));
      let flags = WMIREG_FLAG.INSTANCE_PDO;
      if ((p.flags & WDF_WMI_PROVIDER_FLAG.Expensive) !== 0) flags |= WMIREG_FLAG.EXPENSIVE;
      if ((p.flags & WDF_WMI_PROVIDER_FLAG.EventOnly) !== 0) flags |= WMIREG_FLAG.EVENT_ONLY_GUID;
      as.setU32(e + WMIREGGUIDW.off.Flags!, flags);
      as.setU32(e + WMIREGGUIDW.off.InstanceCount!, p.instances.length);
      as.setU32(e + WMIREGGUIDW.off.InstanceInfo!, pdo);
    });
    const counted = (at: number, text: string) => {
      as.setU16(buffer + at, text.length * 2);
      as.writeUtf16(buffer + at + 2, text);
    };
    counted(pathAt, strings[0]!);
    as.setU32(buffer + WMIREGINFOW.off.RegistryPath!, pathAt);
    if (mofAt !== 0) {
      counted(mofAt, strings[1]!);
      as.setU32(buffer + WMIREGINFOW.off.MofResourceName!, mofAt);
    }
    return { status: STATUS.SUCCESS, information: total };
  }

  /**
   * A driver's EvtWmiInstanceQueryInstance (or the instance's context, UseContextForQuery) into
   * `size` bytes at `out`: its status and the bytes it used, or needs when STATUS_BUFFER_TOO_SMALL.
   */
  private query(i: FxWmiInstance, size: number, out: number): { status: number; used: number } {
    const fx = this.fx;
    const as = fx.k.as;
    if (i.contextForQuery) {
      const need = i.contextForQuery.size;
      if (size < need) return { status: STATUS.BUFFER_TOO_SMALL, used: need };
      as.write(out, as.read(i.context(i.contextForQuery.type), need));
      return { status: STATUS.SUCCESS, used: need };
    }
    if (i.callbacks.query === 0) return { status: STATUS.INVALID_DEVICE_REQUEST, used: 0 };
    return this.withUlong((used) => (fx.invoke(i.callbacks.query, [i.handle, size, size === 0 ? 0 : out, used], []) as number) >>> 0);
  }

  /** Call `body` with a ULONG the driver writes (BufferUsed), zeroed first. */
  private withUlong(body: (ulong: number) => number): { status: number; used: number } {
    const fx = this.fx;
    const tag = this.device.globals.tag;
    const ulong = fx.allocate(4, tag);
    try {
      fx.k.as.setU32(ulong, 0);
      const status = body(ulong);
      return { status, used: fx.k.as.u32(ulong) };
    } finally {
      fx.free(ulong, tag);
    }
  }

  private queryAllData(p: FxWmiProvider, buffer: number, size: number): Answer {
    const as = this.fx.k.as;
    if (size < WNODE_ALL_DATA.size) return { status: STATUS.UNSUCCESSFUL, information: 0 };
    const instances = [...p.instances];
    if (instances.length === 0) return { status: STATUS.WMI_INSTANCE_NOT_FOUND, information: 0 };
    const first = alignUp(ALL_DATA_OFFSETS + instances.length * ALL_DATA_OFFSET_ENTRY);
    // With a minimum size per instance, the size needed is known without asking the driver.
    const minimum = p.minInstanceBufferSize === 0 ? 0 : first + alignUp(p.minInstanceBufferSize) * (instances.length - 1) + p.minInstanceBufferSize;
    if (minimum > size) return { tooSmall: minimum };
    let offset = first;
    let tooSmall = first > size;
    const entries: [number, number][] = [];
    for (const i of instances) {
      const room = tooSmall ? 0 : size - offset;
      const r = this.query(i, room, buffer + offset);
      if (r.status === STATUS.BUFFER_TOO_SMALL) tooSmall = true;
      else if (!NT_SUCCESS(r.status)) return { status: r.status, information: 0 };
      else if (r.used > room) tooSmall = true;
      entries.push([offset, r.used]);
      offset += alignUp(r.used);
    }
    const end = entries.length > 0 ? entries[entries.length - 1]![0] + entries[entries.length - 1]![1] : first;
    if (tooSmall) return { tooSmall: end };
    as.setU32(buffer + H.BufferSize!, end);
    as.setU32(buffer + H.Flags!, as.u32(buffer + H.Flags!) & ~WNODE_FLAG.FIXED_INSTANCE_SIZE);
    as.setU32(buffer + WNODE_ALL_DATA.off.DataBlockOffset!, first);
    as.setU32(buffer + WNODE_ALL_DATA.off.InstanceCount!, instances.length);
    entries.forEach(([o, length], n) => {
      as.setU32(buffer + ALL_DATA_OFFSETS + n * ALL_DATA_OFFSET_ENTRY, o);
      as.setU32(buffer + ALL_DATA_OFFSETS + n * ALL_DATA_OFFSET_ENTRY + 4, length);
    });
    return { status: STATUS.SUCCESS, information: end };
  }

  private querySingleInstance(p: FxWmiProvider, i: FxWmiInstance, buffer: number, size: number): Answer {
    const as = this.fx.k.as;
    const W = WNODE_SINGLE_INSTANCE.off;
    const dataOffset = as.u32(buffer + W.DataBlockOffset!);
    if (dataOffset > size) return { status: STATUS.UNSUCCESSFUL, information: 0 };
    const room = size - dataOffset;
    if (room < p.minInstanceBufferSize) return { tooSmall: dataOffset + p.minInstanceBufferSize };
    const r = this.query(i, room, buffer + dataOffset);
    if (r.status === STATUS.BUFFER_TOO_SMALL || (NT_SUCCESS(r.status) && r.used > room)) return { tooSmall: dataOffset + r.used };
    if (!NT_SUCCESS(r.status)) return { status: r.status, information: 0 };
    as.setU32(buffer + W.SizeDataBlock!, r.used);
    as.setU32(buffer + H.BufferSize!, dataOffset + r.used);
    return { status: r.status, information: dataOffset + r.used };
  }

  private changeSingleInstance(p: FxWmiProvider, i: FxWmiInstance, buffer: number): Answer {
    const as = this.fx.k.as;
    const W = WNODE_SINGLE_INSTANCE.off;
    if (i.callbacks.set === 0) return { status: STATUS.WMI_READ_ONLY, information: 0 };
    const length = as.u32(buffer + W.SizeDataBlock!);
    if (length < p.minInstanceBufferSize) return { status: STATUS.BUFFER_TOO_SMALL, information: 0 };
    const status = (this.fx.invoke(i.callbacks.set, [i.handle, length, buffer + as.u32(buffer + W.DataBlockOffset!)], []) as number) >>> 0;
    return { status, information: 0 };
  }

  private changeSingleItem(i: FxWmiInstance, buffer: number): Answer {
    const as = this.fx.k.as;
    const W = WNODE_SINGLE_ITEM.off;
    if (i.callbacks.setItem === 0) return { status: STATUS.WMI_READ_ONLY, information: 0 };
    const args = [i.handle, as.u32(buffer + W.ItemId!), as.u32(buffer + W.SizeDataItem!), buffer + as.u32(buffer + W.DataBlockOffset!)];
    return { status: (this.fx.invoke(i.callbacks.setItem, args, []) as number) >>> 0, information: 0 };
  }

  private executeMethod(i: FxWmiInstance, buffer: number, size: number): Answer {
    const as = this.fx.k.as;
    const W = WNODE_METHOD_ITEM.off;
    if (i.callbacks.execute === 0) return { status: STATUS.INVALID_DEVICE_REQUEST, information: 0 };
    const dataOffset = as.u32(buffer + W.DataBlockOffset!);
    if (dataOffset > size) return { status: STATUS.UNSUCCESSFUL, information: 0 };
    const r = this.withUlong((used) => (this.fx.invoke(i.callbacks.execute, [i.handle, as.u32(buffer + W.MethodId!), as.u32(buffer + W.SizeDataBlock!), size - dataOffset, buffer + dataOffset, used], []) as number) >>> 0);
    if (r.status === STATUS.BUFFER_TOO_SMALL) return { tooSmall: dataOffset + r.used };
    if (!NT_SUCCESS(r.status)) return { status: r.status, information: 0 };
    as.setU32(buffer + W.SizeDataBlock!, r.used);
    return { status: r.status, information: dataOffset + r.used };
  }

  /** ENABLE/DISABLE_EVENTS and _COLLECTION: the provider's state, then its EvtWmiProviderFunctionControl. */
  private functionControl(p: FxWmiProvider, minor: number): Answer {
    const events = minor === IRP_MN_WMI.ENABLE_EVENTS || minor === IRP_MN_WMI.DISABLE_EVENTS;
    const enable = minor === IRP_MN_WMI.ENABLE_EVENTS || minor === IRP_MN_WMI.ENABLE_COLLECTION;
    if (events) p.eventsEnabled = enable;
    else p.collectionEnabled = enable;
    if (p.functionControl === 0) return { status: STATUS.SUCCESS, information: 0 };
    const control = events ? WDF_WMI_PROVIDER_CONTROL.EventControl : WDF_WMI_PROVIDER_CONTROL.InstanceControl;
    return { status: (this.fx.invoke(p.functionControl, [p.handle, control, enable ? 1 : 0], []) as number) >>> 0, information: 0 };
  }
}

const packages = new WeakMap<FxDevice, FxWmiPackage>();

/** The device's WMI package, made on first use (a device without providers has none and registers nothing). */
export function wmiPackage(fx: Framework, device: FxDevice): FxWmiPackage {
  let p = packages.get(device);
  if (!p) {
    packages.set(device, (p = new FxWmiPackage(fx, device)));
    // Made after the start (providers created in EvtDeviceSelfManagedIoInit...): register now.
    if (device.pnp?.state === WDF_DEVICE_PNP_STATE.WdfDevStatePnpStarted) p.register();
  }
  return p;
}

/** The PnP package's hooks: the device started, or is going. */
export function wmiDeviceStarted(device: FxDevice): void {
  packages.get(device)?.register();
}

export function wmiDeviceRemoved(device: FxDevice): void {
  packages.get(device)?.deregister();
}

/** IRP_MJ_SYSTEM_CONTROL for a device with a WMI package; undefined: the framework's default. */
export function wmiDispatch(device: FxDevice, irp: number): number | undefined {
  return packages.get(device)?.dispatch(irp);
}
