/**
 * WDFKEY: a registry key the framework opened for the driver (FxRegKey), over the kernel's Zw
 * registry routines, as Wdf01000.sys does: the object holds a kernel handle (OBJ_KERNEL_HANDLE),
 * closed when the object goes (WdfRegistryClose, WdfObjectDelete, or its parent's deletion; the
 * default parent is the driver). Every WdfRegistry DDI runs at PASSIVE_LEVEL (irql.ts).
 *
 * The statuses are the kernel's (STATUS_OBJECT_NAME_NOT_FOUND for a missing key or value) plus the
 * framework's own: STATUS_BUFFER_OVERFLOW with the length needed when the caller's buffer is too
 * small, STATUS_OBJECT_TYPE_MISMATCH when a typed query (ULONG, strings) finds another value type.
 */
import { KEY_VALUE_PARTIAL_INFORMATION, OBJECT_ATTRIBUTES, UNICODE_STRING } from '../nt/layout.ts';
import { DRIVER_REGKEY_TYPE, KEY_VALUE_INFORMATION_CLASS, OBJ, REG, REG_OPTION } from '../nt/registry.ts';
import { NT_SUCCESS, STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_BUGCHECK } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';
import { FxString } from './string.ts';
import { FxMemory } from './memory.ts';
import { FxCollection } from './collection.ts';
import type { FxDriver } from './driver.ts';
import { deviceInits, type FxDevice } from './device.ts';

const OA = OBJECT_ATTRIBUTES.off;
const US = UNICODE_STRING.off;
const KVP = KEY_VALUE_PARTIAL_INFORMATION.off;
/** KEY_VALUE_PARTIAL_INFORMATION's header: the data follow it. */
const PARTIAL_HEADER = KVP.Data;
/** Where WdfDeviceOpenDevicemapKey's keys go. */
const DEVICEMAP_PATH = '\\REGISTRY\\MACHINE\\HARDWARE\\DEVICEMAP';
/** The framework's scratch blocks ('FxRg'): OBJECT_ATTRIBUTES, query buffers. */
const SCRATCH_TAG = 0x67527846;

export class FxRegKey extends FxObject {
  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    parent: FxObject | undefined,
    /** The kernel handle (0 once closed). */
    public keyHandle: number,
  ) {
    super(fx, g, attributes, parent, FX_TYPE.RegKey);
  }

  /** ZwClose the handle (once). */
  close(): void {
    if (this.keyHandle !== 0) this.fx.k.ddi.ZwClose(this.keyHandle);
    this.keyHandle = 0;
  }

  protected override dispose(): void {
    this.close();
  }
}

/** What a KeyValuePartialInformation query found: the status, and the type and length on success or overflow. */
interface QueryResult {
  readonly status: number;
  readonly type: number;
  readonly length: number;
  /** The data (success only). */
  readonly data: Uint8Array;
}

/** The helpers the registry DDIs share (and WdfDeviceOpenRegistryKey & co., which make keys from kernel handles). */
export class FxRegistry {
  constructor(private readonly fx: Framework) {}

  /** FxValidateUnicodeString: an odd or inconsistent length, or a NULL buffer with a length, is STATUS_INVALID_PARAMETER. */
  validString(us: number): boolean {
    const as = this.fx.k.as;
    const length = as.u16(us + US.Length);
    const max = as.u16(us + US.MaximumLength);
    return length % 2 === 0 && max % 2 === 0 && length <= max && (length === 0 || as.u32(us + US.Buffer) !== 0);
  }

  /** A WDFKEY over an open kernel handle, parented as its attributes say (the driver by default). */
  keyObject(g: FxDriverGlobals, attributes: FxAttributes, handle: number): FxRegKey {
    const parent = attributes.parent ? this.fx.object(g, attributes.parent) : g.driver;
    return new FxRegKey(this.fx, g, attributes, parent, handle);
  }

  /** ZwOpenKey / ZwCreateKey of `name` (a UNICODE_STRING) below `root` (0: an absolute name): the handle, or the status. */
  openOrCreate(root: number, name: number, access: number, create?: { options: number; disposition: number }): { status: number; handle: number } {
    const fx = this.fx;
    const as = fx.k.as;
    const block = fx.allocate(OBJECT_ATTRIBUTES.size + 4, SCRATCH_TAG);
    const out = block + OBJECT_ATTRIBUTES.size;
    as.zero(block, OBJECT_ATTRIBUTES.size + 4);
    as.setU32(block + OA.Length, OBJECT_ATTRIBUTES.size);
    as.setU32(block + OA.RootDirectory, root);
    as.setU32(block + OA.ObjectName, name);
    as.setU32(block + OA.Attributes, OBJ.KERNEL_HANDLE | OBJ.CASE_INSENSITIVE);
    const status = create ? fx.k.ddi.ZwCreateKey(out, access, block, 0, 0, create.options, create.disposition) : fx.k.ddi.ZwOpenKey(out, access, block);
    const handle = as.u32(out);
    fx.free(block, SCRATCH_TAG);
    return { status: status >>> 0, handle: NT_SUCCESS(status) ? handle : 0 };
  }

  /** ZwQueryValueKey(KeyValuePartialInformation) with room for `capacity` data bytes. */
  query(handle: number, valueName: number, capacity: number): QueryResult {
    const fx = this.fx;
    const as = fx.k.as;
    const size = PARTIAL_HEADER + capacity;
    const block = fx.allocate(size + 4, SCRATCH_TAG);
    const resultLength = block + size;
    let status = fx.k.ddi.ZwQueryValueKey(handle, valueName, KEY_VALUE_INFORMATION_CLASS.KeyValuePartialInformation, block, size, resultLength) >>> 0;
    // The header always fits: a short buffer is an overflow of the data.
    if (status === STATUS.BUFFER_TOO_SMALL) status = STATUS.BUFFER_OVERFLOW;
    const ok = NT_SUCCESS(status) || status === STATUS.BUFFER_OVERFLOW;
    const result: QueryResult = {
      status,
      type: ok ? as.u32(block + KVP.Type) : REG.NONE,
      length: ok ? as.u32(block + KVP.DataLength) : 0,
      data: NT_SUCCESS(status) ? as.read(block + PARTIAL_HEADER, as.u32(block + KVP.DataLength)).slice() : new Uint8Array(0),
    };
    fx.free(block, SCRATCH_TAG);
    return result;
  }

  /** The whole value (its size asked first, as the framework does). */
  queryAll(handle: number, valueName: number): QueryResult {
    const size = this.query(handle, valueName, 0);
    if (!NT_SUCCESS(size.status) && size.status !== STATUS.BUFFER_OVERFLOW) return size;
    return this.query(handle, valueName, size.length);
  }

  /** ZwSetValueKey with data bytes the framework holds (copied to a scratch block). */
  set(handle: number, valueName: number, type: number, data: Uint8Array): number {
    const fx = this.fx;
    const block = fx.allocate(Math.max(data.length, 1), SCRATCH_TAG);
    fx.k.as.write(block, data);
    const status = fx.k.ddi.ZwSetValueKey(handle, valueName, 0, type, block, data.length) >>> 0;
    fx.free(block, SCRATCH_TAG);
    return status;
  }
}

/** REG_SZ / REG_EXPAND_SZ: what the string queries accept. */
const isSz = (type: number) => type === REG.SZ || type === REG.EXPAND_SZ;

/** UTF-16LE text of registry data, without its terminating NUL (embedded NULs kept). */
function szText(data: Uint8Array): string {
  let n = data.length >>> 1;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (n > 0 && view.getUint16(2 * (n - 1), true) === 0) n--;
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(view.getUint16(2 * i, true));
  return s;
}

/** UTF-16LE bytes of `strings`, each NUL-terminated, plus `extra` NULs. */
function utf16z(strings: readonly string[], extra = 0): Uint8Array {
  const text = strings.map((s) => s + '\0').join('') + '\0'.repeat(extra);
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    out[2 * i] = text.charCodeAt(i) & 0xff;
    out[2 * i + 1] = text.charCodeAt(i) >>> 8;
  }
  return out;
}

/** The strings of REG_MULTI_SZ data, or undefined if it is not a valid multi-string (unterminated). */
function multiSzStrings(data: Uint8Array): string[] | undefined {
  const text = szText(data.length >= 2 ? data : new Uint8Array(0));
  if (data.length < 2 || data[data.length - 1] !== 0 || data[data.length - 2] !== 0) return undefined;
  const out: string[] = [];
  for (const s of text.split('\0')) {
    if (s === '') break;
    out.push(s);
  }
  return out;
}

export function registryExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const reg = new FxRegistry(fx);
  const key = (g: FxDriverGlobals, handle: number) => fx.object<FxRegKey>(g, handle, FX_TYPE.RegKey);

  /** WdfRegistryOpenKey / CreateKey: validate, open or create below the parent key (or absolutely), make the WDFKEY. */
  const openKey = (g: FxDriverGlobals, ParentKey: number, KeyName: number, DesiredAccess: number, KeyAttributes: number, Key: number, create?: { options: number; disposition: number }) => {
    const root = ParentKey === 0 ? 0 : key(g, ParentKey).keyHandle;
    fx.require(g, KeyName);
    fx.require(g, Key);
    as.setU32(Key, 0);
    const attributes = readAttributes(fx, KeyAttributes);
    if (typeof attributes === 'number') return attributes;
    if (!reg.validString(KeyName)) return STATUS.INVALID_PARAMETER;
    const { status, handle } = reg.openOrCreate(root, KeyName, DesiredAccess, create);
    if (!NT_SUCCESS(status)) {
      g.record('FxRegKey::Open', `WDFKEY open of ${fx.readUnicodeString(KeyName)} failed, ${hexStatus(status)}`);
      return status;
    }
    as.setU32(Key, reg.keyObject(g, attributes, handle).handle);
    return status;
  };

  /** The checks every value DDI starts with: the key, a valid ValueName. */
  const valueCall = (g: FxDriverGlobals, Key: number, ValueName: number): FxRegKey | number => {
    const k = key(g, Key);
    fx.require(g, ValueName);
    return reg.validString(ValueName) ? k : STATUS.INVALID_PARAMETER;
  };

  const assignText = (g: FxDriverGlobals, Key: number, ValueName: number, text: string): number => {
    const k = valueCall(g, Key, ValueName);
    return typeof k === 'number' ? k : reg.set(k.keyHandle, ValueName, REG.SZ, utf16z([text]));
  };

  return {
    WdfRegistryOpenKey(g, ParentKey: number, KeyName: number, DesiredAccess: number, KeyAttributes: number, Key: number) {
      return openKey(g, ParentKey, KeyName, DesiredAccess, KeyAttributes, Key);
    },

    WdfRegistryCreateKey(g, ParentKey: number, KeyName: number, DesiredAccess: number, CreateOptions: number, CreateDisposition: number, KeyAttributes: number, Key: number) {
      return openKey(g, ParentKey, KeyName, DesiredAccess, KeyAttributes, Key, { options: CreateOptions, disposition: CreateDisposition });
    },

    WdfRegistryClose(g, Key: number) {
      const k = key(g, Key);
      k.close();
      k.delete();
    },

    WdfRegistryWdmGetHandle(g, Key: number) {
      return key(g, Key).keyHandle;
    },

    /** The key goes from the registry (it must have no subkeys) and its WDFKEY with it. */
    WdfRegistryRemoveKey(g, Key: number) {
      const k = key(g, Key);
      const status = fx.k.ddi.ZwDeleteKey(k.keyHandle) >>> 0;
      if (NT_SUCCESS(status)) k.delete();
      return status;
    },

    WdfRegistryRemoveValue(g, Key: number, ValueName: number) {
      const k = valueCall(g, Key, ValueName);
      return typeof k === 'number' ? k : fx.k.ddi.ZwDeleteValueKey(k.keyHandle, ValueName) >>> 0;
    },

    WdfRegistryQueryValue(g, Key: number, ValueName: number, ValueLength: number, Value: number, ValueLengthQueried: number, ValueType: number) {
      const k = valueCall(g, Key, ValueName);
      if (typeof k === 'number') return k;
      const r = reg.query(k.keyHandle, ValueName, Value === 0 ? 0 : ValueLength >>> 0);
      if (NT_SUCCESS(r.status) || r.status === STATUS.BUFFER_OVERFLOW) {
        if (ValueLengthQueried) as.setU32(ValueLengthQueried, r.length);
        if (ValueType) as.setU32(ValueType, r.type);
      }
      if (NT_SUCCESS(r.status) && r.data.length > 0) as.write(Value, r.data);
      return r.status;
    },

    WdfRegistryQueryMemory(g, Key: number, ValueName: number, PoolType: number, MemoryAttributes: number, Memory: number, ValueType: number) {
      const k = key(g, Key);
      fx.require(g, ValueName);
      fx.require(g, Memory);
      as.setU32(Memory, 0);
      const attributes = readAttributes(fx, MemoryAttributes);
      if (typeof attributes === 'number') return attributes;
      if (!reg.validString(ValueName)) return STATUS.INVALID_PARAMETER;
      const r = reg.queryAll(k.keyHandle, ValueName);
      if (!NT_SUCCESS(r.status)) return r.status;
      const buffer = fx.k.ddi.ExAllocatePoolWithTag(PoolType, Math.max(r.data.length, 1), g.tag) >>> 0;
      if (buffer === 0) return STATUS.INSUFFICIENT_RESOURCES;
      as.write(buffer, r.data);
      const parent = attributes.parent ? fx.object(g, attributes.parent) : g.driver;
      as.setU32(Memory, new FxMemory(fx, g, attributes, parent, buffer, r.data.length, g.tag).handle);
      if (ValueType) as.setU32(ValueType, r.type);
      return STATUS.SUCCESS;
    },

    /** Each string of a REG_MULTI_SZ value becomes a WDFSTRING added to the collection (all or none). */
    WdfRegistryQueryMultiString(g, Key: number, ValueName: number, StringsAttributes: number, Collection: number) {
      const k = key(g, Key);
      fx.require(g, ValueName);
      fx.require(g, Collection);
      const attributes = readAttributes(fx, StringsAttributes);
      if (typeof attributes === 'number') return attributes;
      if (!reg.validString(ValueName)) return STATUS.INVALID_PARAMETER;
      const collection = fx.object<FxCollection>(g, Collection, FX_TYPE.Collection);
      const r = reg.queryAll(k.keyHandle, ValueName);
      if (!NT_SUCCESS(r.status)) return r.status;
      if (r.type !== REG.MULTI_SZ) return STATUS.OBJECT_TYPE_MISMATCH;
      const strings = multiSzStrings(r.data);
      if (!strings) return STATUS.INVALID_PARAMETER;
      const parent = attributes.parent ? fx.object(g, attributes.parent) : g.driver;
      for (const text of strings) {
        const s = new FxString(fx, g, attributes, parent, fx.unicodeString(text, g.tag));
        // The collection's reference; the string's own stays the caller's (or its parent's).
        s.reference();
        collection.items.push(s);
      }
      return STATUS.SUCCESS;
    },

    /** Value NULL: only the length (bytes, with the NUL) is returned. The NUL is not counted in Value->Length. */
    WdfRegistryQueryUnicodeString(g, Key: number, ValueName: number, ValueByteLength: number, Value: number) {
      const k = valueCall(g, Key, ValueName);
      if (typeof k === 'number') return k;
      if (Value !== 0 && !reg.validString(Value)) return STATUS.INVALID_PARAMETER;
      const r = reg.query(k.keyHandle, ValueName, Value === 0 ? 0 : as.u16(Value + US.MaximumLength));
      let status = r.status;
      if (NT_SUCCESS(status) && !isSz(r.type)) status = STATUS.OBJECT_TYPE_MISMATCH;
      if ((NT_SUCCESS(status) || status === STATUS.BUFFER_OVERFLOW) && ValueByteLength) as.setU16(ValueByteLength, r.length);
      if (NT_SUCCESS(status) && Value !== 0) {
        as.write(as.u32(Value + US.Buffer), r.data);
        as.setU16(Value + US.Length, 2 * szText(r.data).length);
      }
      return status;
    },

    WdfRegistryQueryString(g, Key: number, ValueName: number, String: number) {
      const k = key(g, Key);
      fx.require(g, ValueName);
      fx.require(g, String);
      if (!reg.validString(ValueName)) return STATUS.INVALID_PARAMETER;
      const s = fx.object<FxString>(g, String, FX_TYPE.String);
      const r = reg.queryAll(k.keyHandle, ValueName);
      if (!NT_SUCCESS(r.status)) return r.status;
      if (!isSz(r.type)) return STATUS.OBJECT_TYPE_MISMATCH;
      if (r.data.length > 0xffff) return STATUS.INVALID_BUFFER_SIZE;
      s.replace(szText(r.data));
      return STATUS.SUCCESS;
    },

    WdfRegistryQueryULong(g, Key: number, ValueName: number, Value: number) {
      const k = key(g, Key);
      fx.require(g, ValueName);
      fx.require(g, Value);
      if (!reg.validString(ValueName)) return STATUS.INVALID_PARAMETER;
      const r = reg.query(k.keyHandle, ValueName, 4);
      if (!NT_SUCCESS(r.status) && r.status !== STATUS.BUFFER_OVERFLOW) return r.status;
      if (r.type !== REG.DWORD) return STATUS.OBJECT_TYPE_MISMATCH;
      if (r.status === STATUS.BUFFER_OVERFLOW) return r.status;
      as.setU32(Value, new DataView(r.data.buffer, r.data.byteOffset).getUint32(0, true));
      return STATUS.SUCCESS;
    },

    WdfRegistryAssignValue(g, Key: number, ValueName: number, ValueType: number, ValueLength: number, Value: number) {
      const k = valueCall(g, Key, ValueName);
      return typeof k === 'number' ? k : fx.k.ddi.ZwSetValueKey(k.keyHandle, ValueName, 0, ValueType, Value, ValueLength) >>> 0;
    },

    /** The memory's bytes (or the part MemoryOffsets names: BufferOffset, BufferLength 0 = to the end). */
    WdfRegistryAssignMemory(g, Key: number, ValueName: number, ValueType: number, Memory: number, MemoryOffsets: number) {
      const k = valueCall(g, Key, ValueName);
      fx.require(g, Memory);
      if (typeof k === 'number') return k;
      const m = fx.object<FxMemory>(g, Memory, FX_TYPE.Memory);
      const offset = MemoryOffsets === 0 ? 0 : as.u32(MemoryOffsets);
      const length = MemoryOffsets === 0 || as.u32(MemoryOffsets + 4) === 0 ? m.length - offset : as.u32(MemoryOffsets + 4);
      if (offset > m.length || offset + length > m.length) return STATUS.BUFFER_TOO_SMALL;
      return fx.k.ddi.ZwSetValueKey(k.keyHandle, ValueName, 0, ValueType, m.buffer + offset, length) >>> 0;
    },

    /** A REG_MULTI_SZ of the collection's WDFSTRINGs; anything else in it is STATUS_INVALID_PARAMETER. */
    WdfRegistryAssignMultiString(g, Key: number, ValueName: number, StringsCollection: number) {
      const k = valueCall(g, Key, ValueName);
      fx.require(g, StringsCollection);
      if (typeof k === 'number') return k;
      const collection = fx.object<FxCollection>(g, StringsCollection, FX_TYPE.Collection);
      if (!collection.items.every((i) => i instanceof FxString)) return STATUS.INVALID_PARAMETER;
      const strings = collection.items.map((s) => fx.readUnicodeString((s as FxString).string));
      return reg.set(k.keyHandle, ValueName, REG.MULTI_SZ, utf16z(strings, 1));
    },

    WdfRegistryAssignUnicodeString(g, Key: number, ValueName: number, Value: number) {
      fx.require(g, Value);
      if (!reg.validString(Value)) return STATUS.INVALID_PARAMETER;
      return assignText(g, Key, ValueName, fx.readUnicodeString(Value));
    },

    WdfRegistryAssignString(g, Key: number, ValueName: number, String: number) {
      fx.require(g, String);
      const s = fx.object<FxString>(g, String, FX_TYPE.String);
      return assignText(g, Key, ValueName, fx.readUnicodeString(s.string));
    },

    WdfRegistryAssignULong(g, Key: number, ValueName: number, Value: number) {
      const k = valueCall(g, Key, ValueName);
      return typeof k === 'number' ? k : reg.set(k.keyHandle, ValueName, REG.DWORD, new Uint8Array(new Uint32Array([Value >>> 0]).buffer));
    },

    /** The driver's service key's Parameters subkey, created if missing (IoOpenDriverRegistryKey). */
    WdfDriverOpenParametersRegistryKey(g, Driver: number, DesiredAccess: number, KeyAttributes: number, Key: number) {
      const driver = fx.object<FxDriver>(g, Driver, FX_TYPE.Driver);
      fx.require(g, Key);
      as.setU32(Key, 0);
      const attributes = readAttributes(fx, KeyAttributes);
      if (typeof attributes === 'number') return attributes;
      return openedKey(fx, reg, g, attributes, Key, (out) => fx.k.ddi.IoOpenDriverRegistryKey(driver.driverObject, DRIVER_REGKEY_TYPE.DriverRegKeyParameters, DesiredAccess, 0, out));
    },

    /**
     * The device's hardware (PLUGPLAY_REGKEY_DEVICE) or software (PLUGPLAY_REGKEY_DRIVER) key, through
     * its PDO (IoOpenDeviceRegistryKey): a control device has none (STATUS_INVALID_DEVICE_REQUEST).
     */
    WdfDeviceOpenRegistryKey(g, Device: number, DeviceInstanceKeyType: number, DesiredAccess: number, KeyAttributes: number, Key: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, Key);
      as.setU32(Key, 0);
      const attributes = readAttributes(fx, KeyAttributes);
      if (typeof attributes === 'number') return attributes;
      if (!device.pnp) return STATUS.INVALID_DEVICE_REQUEST;
      const pdo = device.pnp.pdo;
      return openedKey(fx, reg, g, attributes, Key, (out) => fx.k.ddi.IoOpenDeviceRegistryKey(pdo, DeviceInstanceKeyType, DesiredAccess, out));
    },

    /**
     * HKLM\HARDWARE\DEVICEMAP\<KeyName>, created volatile (DEVICEMAP lives only while the machine runs);
     * the WDFKEY's default parent is the device.
     */
    WdfDeviceOpenDevicemapKey(g, Device: number, KeyName: number, DesiredAccess: number, KeyAttributes: number, Key: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, KeyName);
      fx.require(g, Key);
      as.setU32(Key, 0);
      const attributes = readAttributes(fx, KeyAttributes);
      if (typeof attributes === 'number') return attributes;
      if (!reg.validString(KeyName) || as.u16(KeyName + US.Length) === 0) return STATUS.INVALID_PARAMETER;
      const path = fx.unicodeString(`${DEVICEMAP_PATH}\\${fx.readUnicodeString(KeyName)}`, SCRATCH_TAG);
      const { status, handle } = reg.openOrCreate(0, path, DesiredAccess, { options: REG_OPTION.VOLATILE, disposition: 0 });
      fx.free(path, SCRATCH_TAG);
      if (!NT_SUCCESS(status)) return status;
      const parent = attributes.parent ? fx.object(g, attributes.parent) : device;
      as.setU32(Key, new FxRegKey(fx, g, attributes, parent, handle).handle);
      return status;
    },

    /** The same from EvtDriverDeviceAdd, before the device exists (its PDO is the init's). */
    WdfFdoInitOpenRegistryKey(g, DeviceInit: number, DeviceInstanceKeyType: number, DesiredAccess: number, KeyAttributes: number, Key: number) {
      const init = deviceInits(fx).get(DeviceInit >>> 0);
      if (!init || init.used) return fx.violation(g, WDF_BUGCHECK.REQUIRED_PARAMETER_IS_NULL, DeviceInit, fx.driverCaller());
      fx.require(g, Key);
      as.setU32(Key, 0);
      const attributes = readAttributes(fx, KeyAttributes);
      if (typeof attributes === 'number') return attributes;
      if (!init.pnp) return STATUS.INVALID_DEVICE_REQUEST;
      const pdo = init.pnp.pdo;
      return openedKey(fx, reg, g, attributes, Key, (out) => fx.k.ddi.IoOpenDeviceRegistryKey(pdo, DeviceInstanceKeyType, DesiredAccess, out));
    },
  };
}

/** Run a kernel open that writes a handle to `out`; on success the WDFKEY over it goes to *Key. */
export function openedKey(fx: Framework, reg: FxRegistry, g: FxDriverGlobals, attributes: FxAttributes, Key: number, open: (out: number) => number): number {
  const as = fx.k.as;
  const out = fx.allocate(4, SCRATCH_TAG);
  as.setU32(out, 0);
  const status = open(out) >>> 0;
  const handle = as.u32(out);
  fx.free(out, SCRATCH_TAG);
  if (!NT_SUCCESS(status)) return status;
  as.setU32(Key, reg.keyObject(g, attributes, handle).handle);
  return status;
}

const hexStatus = (s: number) => `0x${(s >>> 0).toString(16).padStart(8, '0')}`;
