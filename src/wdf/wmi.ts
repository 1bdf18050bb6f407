/**
 * WMI providers and instances (wdfwmi.h): a WDFWMIPROVIDER is one WMI data block (a GUID) of a
 * device, a WDFWMIINSTANCE one instance of it, answered by the driver's EvtWmiInstance* callbacks.
 * The device's WMI package ([wmi-irp.ts](wmi-irp.ts)) registers the device with the kernel's WMI
 * (IoWMIRegistrationControl) when it starts, answers IRP_MJ_SYSTEM_CONTROL and deregisters it when
 * it is removed. A provider's instances are numbered in the order they were registered.
 */
import { NT_SUCCESS, STATUS } from '../nt/status.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import { WDF_WMI_INSTANCE_CONFIG, WDF_WMI_PROVIDER_CONFIG, WDF_WMI_PROVIDER_CONTROL, WDF_WMI_PROVIDER_FLAG } from '../nt/wdf-wmi.ts';
import { WNODE_FLAG, WNODE_HEADER, WNODE_SINGLE_INSTANCE } from '../nt/wmi.ts';
import { POOL_TYPE } from '../nt/pool.ts';
import { readGuid } from '../kernel/pnp/interfaces.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';
import { wmiPackage } from './wmi-irp.ts';

const P = WDF_WMI_PROVIDER_CONFIG.off;
const C = WDF_WMI_INSTANCE_CONFIG.off;
const W = WNODE_SINGLE_INSTANCE.off;
const H = WNODE_HEADER.off;

export class FxWmiProvider extends FxObject {
  readonly instances: FxWmiInstance[] = [];
  eventsEnabled = false;
  collectionEnabled = false;

  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    readonly device: FxDevice,
    readonly guid: string,
    /** The GUID's 16 bytes, in the framework's pool (events name it). */
    readonly guidAddress: number,
    readonly flags: number,
    readonly minInstanceBufferSize: number,
    readonly functionControl: number,
  ) {
    super(fx, g, attributes, device, FX_TYPE.WmiProvider);
    wmiPackage(fx, device).providers.push(this);
  }

  protected override dispose(): void {
    wmiPackage(this.fx, this.device).removeProvider(this);
    this.fx.free(this.guidAddress, this.globals.tag);
  }
}

export interface FxWmiInstanceCallbacks {
  readonly query: number;
  readonly set: number;
  readonly setItem: number;
  readonly execute: number;
}

export class FxWmiInstance extends FxObject {
  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    readonly provider: FxWmiProvider,
    readonly callbacks: FxWmiInstanceCallbacks,
    /** UseContextForQuery: a query answers the first context, of this size. */
    readonly contextForQuery: { readonly type: number; readonly size: number } | undefined,
  ) {
    super(fx, g, attributes, provider, FX_TYPE.WmiInstance);
  }

  get registered(): boolean {
    return this.provider.instances.includes(this);
  }

  register(): number {
    if (this.registered) return STATUS.OBJECT_NAME_COLLISION;
    this.provider.instances.push(this);
    wmiPackage(this.fx, this.provider.device).guidsChanged();
    return STATUS.SUCCESS;
  }

  deregister(): void {
    const i = this.provider.instances.indexOf(this);
    if (i < 0) return;
    this.provider.instances.splice(i, 1);
    wmiPackage(this.fx, this.provider.device).guidsChanged();
  }

  protected override dispose(): void {
    this.deregister();
  }
}

export function wmiExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const provider = (g: FxDriverGlobals, handle: number) => fx.object<FxWmiProvider>(g, handle, FX_TYPE.WmiProvider);
  const instance = (g: FxDriverGlobals, handle: number) => fx.object<FxWmiInstance>(g, handle, FX_TYPE.WmiInstance);

  /** A provider from a WDF_WMI_PROVIDER_CONFIG: a status for a bad one (the device's own checks first). */
  function createProvider(g: FxDriverGlobals, device: FxDevice, config: number, attributesAddress: number): FxWmiProvider | number {
    if (device.control) return STATUS.INVALID_DEVICE_REQUEST;
    if (as.u32(config + P.Size!) !== WDF_WMI_PROVIDER_CONFIG.size) return STATUS.INFO_LENGTH_MISMATCH;
    const flags = as.u32(config + P.Flags!);
    if ((flags & ~WDF_WMI_PROVIDER_FLAG.ValidFlags) !== 0) return STATUS.INVALID_PARAMETER;
    const attributes = readAttributes(fx, attributesAddress, { parentNotAllowed: true });
    if (typeof attributes === 'number') return attributes;
    const guid = readGuid(fx.k, config + P.Guid!);
    if (wmiPackage(fx, device).provider(guid)) return STATUS.OBJECT_NAME_COLLISION;
    const guidAddress = fx.allocate(16, g.tag);
    as.write(guidAddress, as.read(config + P.Guid!, 16));
    return new FxWmiProvider(fx, g, attributes, device, guid, guidAddress, flags, as.u32(config + P.MinInstanceBufferSize!), as.u32(config + P.EvtWmiProviderFunctionControl!));
  }

  return {
    WdfWmiProviderCreate(g, Device: number, WmiProviderConfig: number, ProviderAttributes: number, WmiProvider: number) {
      fx.require(g, WmiProviderConfig);
      fx.require(g, WmiProvider);
      as.setU32(WmiProvider, 0);
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      const p = createProvider(g, device, WmiProviderConfig, ProviderAttributes);
      if (typeof p === 'number') return p;
      as.setU32(WmiProvider, p.handle);
      return STATUS.SUCCESS;
    },
    WdfWmiProviderGetDevice(g, WmiProvider: number) {
      return provider(g, WmiProvider).device.handle;
    },
    WdfWmiProviderIsEnabled(g, WmiProvider: number, ProviderControl: number) {
      const p = provider(g, WmiProvider);
      if (ProviderControl === WDF_WMI_PROVIDER_CONTROL.EventControl) return p.eventsEnabled ? 1 : 0;
      if (ProviderControl === WDF_WMI_PROVIDER_CONTROL.InstanceControl) return p.collectionEnabled ? 1 : 0;
      g.record('FxWmiProvider::IsEnabled', `WDFWMIPROVIDER 0x${(WmiProvider >>> 0).toString(16)}: invalid WDF_WMI_PROVIDER_CONTROL ${ProviderControl}`);
      return 0;
    },
    WdfWmiProviderGetTracingHandle(g, WmiProvider: number) {
      // Only a WdfWmiProviderTracing provider has a handle, once a trace session enabled it: none does here.
      provider(g, WmiProvider);
      return 0n;
    },
    WdfWmiInstanceCreate(g, Device: number, InstanceConfig: number, InstanceAttributes: number, Instance: number) {
      fx.require(g, InstanceConfig);
      if (Instance !== 0) as.setU32(Instance, 0);
      if (as.u32(InstanceConfig + C.Size!) !== WDF_WMI_INSTANCE_CONFIG.size) return STATUS.INFO_LENGTH_MISMATCH;
      const providerHandle = as.u32(InstanceConfig + C.Provider!);
      const providerConfig = as.u32(InstanceConfig + C.ProviderConfig!);
      // One of the two, not both.
      if ((providerHandle === 0) === (providerConfig === 0)) return STATUS.INVALID_PARAMETER;
      const attributes = readAttributes(fx, InstanceAttributes, { parentNotAllowed: true });
      if (typeof attributes === 'number') return attributes;
      const callbacks = {
        query: as.u32(InstanceConfig + C.EvtWmiInstanceQueryInstance!),
        set: as.u32(InstanceConfig + C.EvtWmiInstanceSetInstance!),
        setItem: as.u32(InstanceConfig + C.EvtWmiInstanceSetItem!),
        execute: as.u32(InstanceConfig + C.EvtWmiInstanceExecuteMethod!),
      };
      const useContext = as.u8(InstanceConfig + C.UseContextForQuery!) !== 0;
      // UseContextForQuery answers queries with the context: no query callback beside it, and a context to answer with.
      if (useContext && (callbacks.query !== 0 || attributes.contextType === 0)) return STATUS.INVALID_PARAMETER;
      let p: FxWmiProvider;
      if (providerHandle !== 0) {
        p = provider(g, providerHandle);
      } else {
        const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
        // A provider of the GUID made by an earlier instance is the one (the driver re-creates a deleted instance).
        const existing = device.control ? undefined : wmiPackage(fx, device).provider(readGuid(fx.k, providerConfig + P.Guid!));
        const made = existing ?? createProvider(g, device, providerConfig, 0);
        if (typeof made === 'number') return made;
        p = made;
      }
      const i = new FxWmiInstance(fx, g, attributes, p, callbacks, useContext ? { type: attributes.contextType, size: attributes.contextSize } : undefined);
      if (as.u8(InstanceConfig + C.Register!) !== 0) {
        const status = i.register();
        if (!NT_SUCCESS(status)) {
          i.delete();
          return status;
        }
      }
      if (Instance !== 0) as.setU32(Instance, i.handle);
      return STATUS.SUCCESS;
    },
    WdfWmiInstanceRegister(g, WmiInstance: number) {
      return instance(g, WmiInstance).register();
    },
    WdfWmiInstanceDeregister(g, WmiInstance: number) {
      instance(g, WmiInstance).deregister();
    },
    WdfWmiInstanceGetDevice(g, WmiInstance: number) {
      return instance(g, WmiInstance).provider.device.handle;
    },
    WdfWmiInstanceGetProvider(g, WmiInstance: number) {
      return instance(g, WmiInstance).provider.handle;
    },
    WdfWmiInstanceFireEvent(g, WmiInstance: number, EventDataSize: number, EventData: number) {
      const i = instance(g, WmiInstance);
      const p = i.provider;
      const index = p.instances.indexOf(i);
      if (index < 0) return STATUS.WMI_INSTANCE_NOT_FOUND;
      // A WNODE_SINGLE_INSTANCE event in nonpaged pool: IoWMIWriteEvent frees it when it succeeds.
      const dataOffset = (W.VariableData! + 7) & ~7;
      const size = dataOffset + (EventData === 0 ? 0 : EventDataSize);
      const wnode = fx.k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, size, g.tag) >>> 0;
      if (wnode === 0) return STATUS.INSUFFICIENT_RESOURCES;
      as.zero(wnode, size);
      as.setU32(wnode + H.BufferSize!, size);
      as.setU32(wnode + H.ProviderId!, p.device.deviceObject);
      as.write(wnode + H.Guid!, as.read(p.guidAddress, 16));
      as.setU32(wnode + H.Flags!, WNODE_FLAG.EVENT_ITEM | WNODE_FLAG.SINGLE_INSTANCE | WNODE_FLAG.STATIC_INSTANCE_NAMES | WNODE_FLAG.PDO_INSTANCE_NAMES);
      fx.k.ddi.KeQuerySystemTime(wnode + H.TimeStamp!);
      as.setU32(wnode + W.InstanceIndex!, index);
      as.setU32(wnode + W.DataBlockOffset!, dataOffset);
      as.setU32(wnode + W.SizeDataBlock!, size - dataOffset);
      if (EventData !== 0 && EventDataSize > 0) as.write(wnode + dataOffset, as.read(EventData, EventDataSize));
      const status = fx.k.ddi.IoWMIWriteEvent(wnode) >>> 0;
      if (!NT_SUCCESS(status)) fx.k.ddi.ExFreePoolWithTag(wnode, g.tag);
      return status;
    },
    WdfDeviceAssignMofResourceName(g, Device: number, MofResourceName: number) {
      fx.require(g, MofResourceName);
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      if (device.control) return STATUS.INVALID_DEVICE_REQUEST;
      const pkg = wmiPackage(fx, device);
      // Once per device: a second name is the driver's mistake.
      if (pkg.mofResourceName !== undefined) return STATUS.INVALID_DEVICE_REQUEST;
      pkg.mofResourceName = fx.readUnicodeString(MofResourceName);
      return STATUS.SUCCESS;
    },
  };
}
