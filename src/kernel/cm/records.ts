/**
 * The KEY_* and KEY_VALUE_* information records ZwQueryKey, ZwEnumerateKey, ZwQueryValueKey and
 * ZwEnumerateValueKey return, built as bytes, and how they go into the caller's buffer: whole
 * (STATUS_SUCCESS), only their fixed part and as much of the rest as fits (STATUS_BUFFER_OVERFLOW),
 * or nothing when even the fixed part does not fit (STATUS_BUFFER_TOO_SMALL); *ResultLength is the
 * whole record's size in every case.
 */
import {
  KEY_BASIC_INFORMATION,
  KEY_FULL_INFORMATION,
  KEY_NAME_INFORMATION,
  KEY_NODE_INFORMATION,
  KEY_VALUE_BASIC_INFORMATION,
  KEY_VALUE_FULL_INFORMATION,
  KEY_VALUE_PARTIAL_INFORMATION,
} from '../../nt/layout.ts';
import { KEY_INFORMATION_CLASS as KIC, KEY_VALUE_INFORMATION_CLASS as KVIC } from '../../nt/registry.ts';
import { STATUS } from '../../nt/status.ts';
import type { AddressSpace } from '../mm/address-space.ts';
import { szData, type CmKey, type CmValue } from './hive.ts';

export interface InfoRecord {
  readonly bytes: Uint8Array;
  /** FIELD_OFFSET of the variable part: the least a buffer must hold. */
  readonly fixed: number;
}

/** A name's bytes without the NUL (the records count names in bytes, unterminated). */
const nameBytes = (s: string): Uint8Array => szData(s).subarray(0, 2 * s.length);

const NO_CLASS = 0xffffffff;

class RecordWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u32(off: number, v: number): this {
    this.view.setUint32(off, v >>> 0, true);
    return this;
  }
  u64(off: number, v: bigint): this {
    this.view.setBigInt64(off, v, true);
    return this;
  }
  put(off: number, data: Uint8Array): this {
    this.bytes.set(data, off);
    return this;
  }
}

const align4 = (n: number) => (n + 3) & ~3;

/** A value's record for a KEY_VALUE_INFORMATION_CLASS, or undefined for a class we do not return. */
export function valueRecord(value: CmValue, infoClass: number): InfoRecord | undefined {
  const name = nameBytes(value.name);
  switch (infoClass) {
    case KVIC.KeyValueBasicInformation: {
      const O = KEY_VALUE_BASIC_INFORMATION.off;
      const w = new RecordWriter(O.Name + name.length).u32(O.TitleIndex, 0).u32(O.Type, value.type).u32(O.NameLength, name.length).put(O.Name, name);
      return { bytes: w.bytes, fixed: O.Name };
    }
    case KVIC.KeyValueFullInformation: {
      const O = KEY_VALUE_FULL_INFORMATION.off;
      const dataOffset = align4(O.Name + name.length);
      const w = new RecordWriter(dataOffset + value.data.length)
        .u32(O.TitleIndex, 0)
        .u32(O.Type, value.type)
        .u32(O.DataOffset, dataOffset)
        .u32(O.DataLength, value.data.length)
        .u32(O.NameLength, name.length)
        .put(O.Name, name)
        .put(dataOffset, value.data);
      return { bytes: w.bytes, fixed: O.Name };
    }
    case KVIC.KeyValuePartialInformation: {
      const O = KEY_VALUE_PARTIAL_INFORMATION.off;
      const w = new RecordWriter(O.Data + value.data.length).u32(O.TitleIndex, 0).u32(O.Type, value.type).u32(O.DataLength, value.data.length).put(O.Data, value.data);
      return { bytes: w.bytes, fixed: O.Data };
    }
    default:
      return undefined;
  }
}

/** A key's record for a KEY_INFORMATION_CLASS, or undefined for a class we do not return. */
export function keyRecord(key: CmKey, infoClass: number): InfoRecord | undefined {
  const name = nameBytes(key.name);
  const cls = nameBytes(key.className);
  switch (infoClass) {
    case KIC.KeyBasicInformation: {
      const O = KEY_BASIC_INFORMATION.off;
      const w = new RecordWriter(O.Name + name.length).u64(O.LastWriteTime, key.lastWriteTime).u32(O.TitleIndex, 0).u32(O.NameLength, name.length).put(O.Name, name);
      return { bytes: w.bytes, fixed: O.Name };
    }
    case KIC.KeyNodeInformation: {
      const O = KEY_NODE_INFORMATION.off;
      // The class follows the name.
      const classOffset = O.Name + name.length;
      const w = new RecordWriter(classOffset + cls.length)
        .u64(O.LastWriteTime, key.lastWriteTime)
        .u32(O.TitleIndex, 0)
        .u32(O.ClassOffset, cls.length > 0 ? classOffset : NO_CLASS)
        .u32(O.ClassLength, cls.length)
        .u32(O.NameLength, name.length)
        .put(O.Name, name)
        .put(classOffset, cls);
      return { bytes: w.bytes, fixed: O.Name };
    }
    case KIC.KeyFullInformation: {
      const O = KEY_FULL_INFORMATION.off;
      const subkeys = [...key.subkeys.values()];
      const values = [...key.values.values()];
      const max = (ns: number[]) => ns.reduce((a, b) => Math.max(a, b), 0);
      const w = new RecordWriter(O.Class + cls.length)
        .u64(O.LastWriteTime, key.lastWriteTime)
        .u32(O.TitleIndex, 0)
        .u32(O.ClassOffset, cls.length > 0 ? O.Class : NO_CLASS)
        .u32(O.ClassLength, cls.length)
        .u32(O.SubKeys, subkeys.length)
        .u32(O.MaxNameLen, max(subkeys.map((s) => 2 * s.name.length)))
        .u32(O.MaxClassLen, max(subkeys.map((s) => 2 * s.className.length)))
        .u32(O.Values, values.length)
        .u32(O.MaxValueNameLen, max(values.map((v) => 2 * v.name.length)))
        .u32(O.MaxValueDataLen, max(values.map((v) => v.data.length)))
        .put(O.Class, cls);
      return { bytes: w.bytes, fixed: O.Class };
    }
    case KIC.KeyNameInformation: {
      const O = KEY_NAME_INFORMATION.off;
      const full = nameBytes(key.path);
      const w = new RecordWriter(O.Name + full.length).u32(O.NameLength, full.length).put(O.Name, full);
      return { bytes: w.bytes, fixed: O.Name };
    }
    default:
      return undefined;
  }
}

/** Copy a record into the caller's buffer as the Zw query routines do; returns their status. */
export function returnRecord(as: AddressSpace, record: InfoRecord, buffer: number, length: number, resultLength: number): number {
  as.setU32(resultLength, record.bytes.length);
  if (length < record.fixed) return STATUS.BUFFER_TOO_SMALL;
  const n = Math.min(length >>> 0, record.bytes.length);
  as.write(buffer, record.bytes.subarray(0, n));
  return n < record.bytes.length ? STATUS.BUFFER_OVERFLOW : STATUS.SUCCESS;
}
