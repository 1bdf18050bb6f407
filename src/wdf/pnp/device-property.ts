/**
 * A device's properties through the framework: IoGetDeviceProperty (DEVICE_REGISTRY_PROPERTY) and the
 * unified property model (IoGetDevicePropertyData / IoSetDevicePropertyData, by DEVPROPKEY), asked of
 * the device's PDO, from the WDFDEVICE or, in EvtDriverDeviceAdd, from its WDFDEVICE_INIT. The
 * AllocAndQuery forms ask the size first and return a WDFMEMORY (parent: the device, or the driver
 * for an init). A control device has no PDO: STATUS_INVALID_DEVICE_REQUEST. PASSIVE_LEVEL (irql.ts).
 */
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import { FX_TYPE, WDF_BUGCHECK } from '../../nt/wdf.ts';
import { WDF_DEVICE_PROPERTY_DATA } from '../../nt/wdf-device.ts';
import type { WdfDdi } from '../ddi.ts';
import { deviceInits, type FxDevice } from '../device.ts';
import type { Framework } from '../framework.ts';
import type { FxDriverGlobals } from '../globals.ts';
import { FxMemory } from '../memory.ts';
import { readAttributes, type FxObject } from '../object.ts';

const PD = WDF_DEVICE_PROPERTY_DATA.off;
/** Scratch for the sizes and types the kernel writes ('FxPr'). */
const SCRATCH_TAG = 0x72507846;

export function devicePropertyExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;

  /** The PDO a WDFDEVICE answers for (0: a control device), and the WDFMEMORY's default parent. */
  const ofDevice = (g: FxDriverGlobals, Device: number): { pdo: number; parent: FxObject | undefined } => {
    const d = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
    return { pdo: d.pnp?.pdo ?? 0, parent: d };
  };
  /** The same for a WDFDEVICE_INIT (NULL or used up: 0x10D/0x4, as for every init call). */
  const ofInit = (g: FxDriverGlobals, DeviceInit: number): { pdo: number; parent: FxObject | undefined } => {
    const init = deviceInits(fx).get(DeviceInit >>> 0);
    if (!init || init.used) fx.violation(g, WDF_BUGCHECK.REQUIRED_PARAMETER_IS_NULL, DeviceInit, fx.driverCaller());
    return { pdo: init!.pnp?.pdo ?? 0, parent: g.driver };
  };

  /** Run `body` with two scratch ULONGs (a size and a type the kernel writes). */
  const withScratch = <T>(body: (size: number, type: number) => T): T => {
    const block = fx.allocate(8, SCRATCH_TAG);
    as.setU32(block, 0);
    as.setU32(block + 4, 0);
    try {
      return body(block, block + 4);
    } finally {
      fx.free(block, SCRATCH_TAG);
    }
  };

  const query = (pdo: number, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: number): number => (pdo === 0 ? STATUS.INVALID_DEVICE_REQUEST : k.ddi.IoGetDeviceProperty(pdo, DeviceProperty, BufferLength, PropertyBuffer, ResultLength) >>> 0);

  /** A WDF_DEVICE_PROPERTY_DATA's key, locale and flags; undefined for a wrong Size. */
  const propertyData = (g: FxDriverGlobals, data: number): { key: number; lcid: number; flags: number } | undefined => {
    fx.require(g, data);
    if (as.u32(data + PD.Size) !== WDF_DEVICE_PROPERTY_DATA.size) return undefined;
    return { key: as.u32(data + PD.PropertyKey), lcid: as.u32(data + PD.Lcid), flags: as.u32(data + PD.Flags) };
  };
  const queryEx = (g: FxDriverGlobals, pdo: number, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, RequiredSize: number, Type: number): number => {
    const p = propertyData(g, DeviceProperty);
    fx.require(g, RequiredSize);
    fx.require(g, Type);
    if (!p) return STATUS.INFO_LENGTH_MISMATCH;
    if (pdo === 0) return STATUS.INVALID_DEVICE_REQUEST;
    return k.ddi.IoGetDevicePropertyData(pdo, p.key, p.lcid, p.flags, BufferLength, PropertyBuffer, RequiredSize, Type) >>> 0;
  };

  /** Size first (STATUS_BUFFER_TOO_SMALL with the length), then the value into a new WDFMEMORY. */
  const allocAndQuery = (g: FxDriverGlobals, target: { pdo: number; parent: FxObject | undefined }, PoolType: number, Attributes: number, PropertyMemory: number, ask: (length: number, buffer: number, size: number, type: number) => number, Type = 0): number => {
    fx.require(g, PropertyMemory);
    as.setU32(PropertyMemory, 0);
    const attributes = readAttributes(fx, Attributes);
    if (typeof attributes === 'number') return attributes;
    if (target.pdo === 0) return STATUS.INVALID_DEVICE_REQUEST;
    return withScratch((size, type) => {
      let status = ask(0, 0, size, type);
      if (status !== STATUS.BUFFER_TOO_SMALL && !NT_SUCCESS(status)) return status;
      const length = as.u32(size);
      const buffer = k.ddi.ExAllocatePoolWithTag(PoolType, Math.max(length, 1), g.tag) >>> 0;
      if (buffer === 0) return STATUS.INSUFFICIENT_RESOURCES;
      status = ask(length, buffer, size, type);
      if (!NT_SUCCESS(status)) {
        k.ddi.ExFreePoolWithTag(buffer, g.tag);
        return status;
      }
      const parent = attributes.parent ? fx.object(g, attributes.parent) : target.parent;
      as.setU32(PropertyMemory, new FxMemory(fx, g, attributes, parent, buffer, length, g.tag).handle);
      if (Type) as.setU32(Type, as.u32(type));
      return STATUS.SUCCESS;
    });
  };

  const allocAndQueryEx = (g: FxDriverGlobals, target: { pdo: number; parent: FxObject | undefined }, DeviceProperty: number, PoolType: number, Attributes: number, PropertyMemory: number, Type: number): number => {
    const p = propertyData(g, DeviceProperty);
    fx.require(g, Type);
    if (!p) return STATUS.INFO_LENGTH_MISMATCH;
    return allocAndQuery(g, target, PoolType, Attributes, PropertyMemory, (length, buffer, size, type) => k.ddi.IoGetDevicePropertyData(target.pdo, p.key, p.lcid, p.flags, length, buffer, size, type) >>> 0, Type);
  };

  return {
    WdfDeviceQueryProperty(g, Device: number, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: number) {
      const { pdo } = ofDevice(g, Device);
      fx.require(g, ResultLength);
      return query(pdo, DeviceProperty, BufferLength, PropertyBuffer, ResultLength);
    },

    WdfDeviceAllocAndQueryProperty(g, Device: number, DeviceProperty: number, PoolType: number, PropertyMemoryAttributes: number, PropertyMemory: number) {
      const target = ofDevice(g, Device);
      return allocAndQuery(g, target, PoolType, PropertyMemoryAttributes, PropertyMemory, (length, buffer, size) => query(target.pdo, DeviceProperty, length, buffer, size));
    },

    WdfDeviceQueryPropertyEx(g, Device: number, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, RequiredSize: number, Type: number) {
      return queryEx(g, ofDevice(g, Device).pdo, DeviceProperty, BufferLength, PropertyBuffer, RequiredSize, Type);
    },

    WdfDeviceAllocAndQueryPropertyEx(g, Device: number, DeviceProperty: number, PoolType: number, PropertyMemoryAttributes: number, PropertyMemory: number, Type: number) {
      return allocAndQueryEx(g, ofDevice(g, Device), DeviceProperty, PoolType, PropertyMemoryAttributes, PropertyMemory, Type);
    },

    WdfDeviceAssignProperty(g, Device: number, DeviceProperty: number, Type: number, Size: number, Data: number) {
      const { pdo } = ofDevice(g, Device);
      const p = propertyData(g, DeviceProperty);
      if (!p) return STATUS.INFO_LENGTH_MISMATCH;
      if (pdo === 0) return STATUS.INVALID_DEVICE_REQUEST;
      return k.ddi.IoSetDevicePropertyData(pdo, p.key, p.lcid, p.flags, Type, Size, Data) >>> 0;
    },

    WdfFdoInitQueryProperty(g, DeviceInit: number, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: number) {
      const { pdo } = ofInit(g, DeviceInit);
      fx.require(g, ResultLength);
      return query(pdo, DeviceProperty, BufferLength, PropertyBuffer, ResultLength);
    },

    WdfFdoInitAllocAndQueryProperty(g, DeviceInit: number, DeviceProperty: number, PoolType: number, PropertyMemoryAttributes: number, PropertyMemory: number) {
      const target = ofInit(g, DeviceInit);
      return allocAndQuery(g, target, PoolType, PropertyMemoryAttributes, PropertyMemory, (length, buffer, size) => query(target.pdo, DeviceProperty, length, buffer, size));
    },

    WdfFdoInitQueryPropertyEx(g, DeviceInit: number, DeviceProperty: number, BufferLength: number, PropertyBuffer: number, ResultLength: number, Type: number) {
      return queryEx(g, ofInit(g, DeviceInit).pdo, DeviceProperty, BufferLength, PropertyBuffer, ResultLength, Type);
    },

    WdfFdoInitAllocAndQueryPropertyEx(g, DeviceInit: number, DeviceProperty: number, PoolType: number, PropertyMemoryAttributes: number, PropertyMemory: number, Type: number) {
      return allocAndQueryEx(g, ofInit(g, DeviceInit), DeviceProperty, PoolType, PropertyMemoryAttributes, PropertyMemory, Type);
    },
  };
}
