/**
 * The Rtl registry helpers: RtlQueryRegistryValues (a table of values to read, each into a
 * driver variable or through a driver callback), RtlWriteRegistryValue, RtlDeleteRegistryValue,
 * RtlCheckRegistryKey and RtlCreateRegistryKey. Paths are RTL_REGISTRY_* relative (or a key handle
 * with RTL_REGISTRY_HANDLE); the keys are the configuration manager's (kernel/cm).
 */
import { RTL_QUERY_REGISTRY_TABLE, UNICODE_STRING } from '../../nt/layout.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { REG, RTL_QUERY_REGISTRY as Q, RTL_QUERY_REGISTRY_TYPECHECK_SHIFT, RTL_REGISTRY, RTL_REGISTRY_ROOTS } from '../../nt/registry.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import { MAX_VALUE_DATA, multiSzStrings, splitKeyPath, szData, utf16Text, type CmKey } from '../cm/hive.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';

const T = RTL_QUERY_REGISTRY_TABLE.off;
const US = UNICODE_STRING.off;

/** The environment REG_EXPAND_SZ data expands against (the System process's). */
const SYSTEM_ENVIRONMENT: Readonly<Record<string, string>> = {
  SYSTEMROOT: 'C:\\Windows',
  WINDIR: 'C:\\Windows',
  SYSTEMDRIVE: 'C:',
};

/** %NAME% replaced from the environment; an unknown name stays as written, as ExpandEnvironmentStrings leaves it. */
export function expandEnvironment(text: string): string {
  return text.replace(/%([^%]+)%/g, (m, name: string) => SYSTEM_ENVIRONMENT[name.toUpperCase()] ?? m);
}

/** What RtlQueryRegistryValues hands on for one value: its type and bytes (strings with their NULs). */
interface ValueData {
  readonly type: number;
  readonly data: Uint8Array;
}

export function rtlRegistryExports(k: Kernel) {
  const as = k.as;

  /** A NUL-terminated WCHAR string in driver memory. */
  const wcs = (p: number): string => {
    let n = 0;
    while (as.u16(p + 2 * n) !== 0) n++;
    return as.utf16(p, n);
  };

  /**
   * The key RelativeTo and Path name, or a status. `create`: make the last key if missing (the ones
   * above it must exist, as ZwCreateKey requires).
   */
  const openRelative = (RelativeTo: number, Path: number, create: boolean): CmKey | number => {
    const relative = RelativeTo >>> 0;
    if (relative & RTL_REGISTRY.HANDLE) return k.cm.keyOfHandle(Path >>> 0);
    const base = RTL_REGISTRY_ROOTS[relative & ~RTL_REGISTRY.OPTIONAL];
    if (base === undefined) return STATUS.INVALID_PARAMETER;
    const path = Path === 0 ? '' : wcs(Path >>> 0);
    if (base === '' && !path.startsWith('\\')) return STATUS.OBJECT_PATH_SYNTAX_BAD;
    const full = base === '' ? path : path === '' ? base : `${base}\\${path.replace(/^\\/, '')}`;
    const names = splitKeyPath(full);
    if (!names || names.length === 0) return STATUS.OBJECT_NAME_INVALID;
    const hive = k.cm.hive;
    const existing = hive.lookup(full);
    if (existing || !create) return existing ?? STATUS.OBJECT_NAME_NOT_FOUND;
    const parent = hive.lookup('\\' + names.slice(0, -1).join('\\'));
    if (!parent || names.length < 2) return STATUS.OBJECT_NAME_NOT_FOUND;
    return hive.createKey(parent, names[names.length - 1]!).key;
  };

  /** Bytes in kernel pool for the time of a callback, freed by `release`. */
  const temporaries: number[] = [];
  /** 0 when pool is exhausted: the routine then fails with STATUS_INSUFFICIENT_RESOURCES. */
  const temporary = (bytes: Uint8Array): number => {
    const a = k.tryAllocateKernelObject(Math.max(bytes.length, 2), TAG.RtlRegistry);
    if (a === 0) return 0;
    as.write(a, bytes);
    temporaries.push(a);
    return a;
  };
  const release = (): void => {
    for (const a of temporaries.splice(0)) k.freeKernelObject(a);
  };

  /** A UNICODE_STRING over `text`, in pool until release(); 0 when pool is exhausted. */
  const unicodeTemp = (text: string): number => {
    const p = temporary(new Uint8Array(UNICODE_STRING.size + 2 * text.length + 2));
    if (p === 0) return 0;
    as.writeUtf16(p + UNICODE_STRING.size, text);
    as.setU16(p + US.Length, 2 * text.length);
    as.setU16(p + US.MaximumLength, 2 * text.length + 2);
    as.setU32(p + US.Buffer, p + UNICODE_STRING.size);
    return p;
  };

  /**
   * Change a value as Windows' Rtl helpers do, through a key handle of their own and the Zw routine,
   * so registry filtering callbacks see the change.
   */
  const throughHandle = (key: CmKey, body: (handle: number) => number): number => {
    const handle = k.cm.openHandle(key);
    if (handle === undefined) return STATUS.INSUFFICIENT_RESOURCES;
    try {
      return body(handle);
    } finally {
      k.ob.closeHandle(handle);
    }
  };
  const deleteValue = (key: CmKey, name: string): number =>
    throughHandle(key, (handle) => {
      const us = unicodeTemp(name);
      return us === 0 ? STATUS.INSUFFICIENT_RESOURCES : k.ddi.ZwDeleteValueKey(handle, us);
    });

  /** The data a DefaultData pointer holds; DefaultLength 0 means "as long as the string" for string types. */
  const defaultData = (type: number, data: number, length: number): Uint8Array => {
    if (length !== 0 || data === 0) return data === 0 ? new Uint8Array(0) : as.read(data, length);
    if (type === REG.SZ || type === REG.EXPAND_SZ) return szData(wcs(data));
    if (type === REG.MULTI_SZ) {
      let n = 0;
      while (as.u16(data + 2 * n) !== 0 || as.u16(data + 2 * n + 2) !== 0) n++;
      return as.read(data, 2 * n + 4);
    }
    return new Uint8Array(0);
  };

  /** RTL_QUERY_REGISTRY_DIRECT: store the value in the variable EntryContext points to. */
  const storeDirect = (entryContext: number, v: ValueData): number => {
    if (v.type === REG.SZ || v.type === REG.EXPAND_SZ || v.type === REG.MULTI_SZ) {
      // A UNICODE_STRING: filled in its own buffer, or in one allocated here that the driver frees.
      const bytes = v.data.length >= 2 ? v.data : szData('');
      const length = Math.min(bytes.length - 2, 0xfffe);
      let buffer = as.u32(entryContext + US.Buffer);
      if (buffer === 0) {
        buffer = k.pool.allocate(POOL_TYPE.PagedPool, bytes.length, TAG.RtlRegistry);
        if (buffer === 0) return STATUS.INSUFFICIENT_RESOURCES;
        as.setU16(entryContext + US.MaximumLength, Math.min(bytes.length, 0xffff));
        as.setU32(entryContext + US.Buffer, buffer);
      }
      const max = as.u16(entryContext + US.MaximumLength);
      if (length > max) return STATUS.BUFFER_TOO_SMALL;
      as.write(buffer, bytes.subarray(0, Math.min(bytes.length, max)));
      as.setU16(entryContext + US.Length, length);
      return STATUS.SUCCESS;
    }
    if (v.data.length <= 4) {
      as.write(entryContext, v.data);
      return STATUS.SUCCESS;
    }
    // Larger data: the variable starts with a LONG, the buffer's size. Negative: data only;
    // positive: length, type, then the data.
    const size = as.i32(entryContext);
    if (size < 0) {
      if (-size < v.data.length) return STATUS.BUFFER_TOO_SMALL;
      as.write(entryContext, v.data);
    } else {
      if (size < v.data.length + 8) return STATUS.BUFFER_TOO_SMALL;
      as.setU32(entryContext, v.data.length);
      as.setU32(entryContext + 4, v.type);
      as.write(entryContext + 8, v.data);
    }
    return STATUS.SUCCESS;
  };

  /** Call the entry's QueryRoutine for a value (each string of a REG_MULTI_SZ, expanded REG_EXPAND_SZ, unless NOEXPAND). */
  const callQueryRoutine = (routine: number, flags: number, name: string | undefined, v: ValueData, context: number, entryContext: number): number => {
    const namePtr = name === undefined ? 0 : temporary(szData(name));
    if (name !== undefined && namePtr === 0) return STATUS.INSUFFICIENT_RESOURCES;
    const call = (type: number, data: Uint8Array | undefined): number => {
      const dataPtr = data === undefined ? 0 : temporary(data);
      if (data !== undefined && dataPtr === 0) return STATUS.INSUFFICIENT_RESOURCES;
      const result = k.callRoutine(routine, [namePtr, type, dataPtr, data?.length ?? 0, context, entryContext]);
      return typeof result === 'number' ? result >>> 0 : STATUS.SUCCESS;
    };
    if (!(flags & Q.NOEXPAND) && v.type === REG.MULTI_SZ) {
      for (const s of multiSzStrings(v.data)) {
        const status = call(REG.SZ, szData(s));
        if (!NT_SUCCESS(status)) return status;
      }
      return STATUS.SUCCESS;
    }
    if (!(flags & Q.NOEXPAND) && v.type === REG.EXPAND_SZ) return call(REG.SZ, szData(expandEnvironment(utf16Text(v.data))));
    return call(v.type, v.type === REG.NONE && v.data.length === 0 ? undefined : v.data);
  };

  /** Where RTL_QUERY_REGISTRY_DIRECT and the routine take a value; its REG_EXPAND_SZ expanded unless NOEXPAND. */
  const expandedFor = (flags: number, v: ValueData): ValueData =>
    !(flags & Q.NOEXPAND) && v.type === REG.EXPAND_SZ ? { type: REG.SZ, data: szData(expandEnvironment(utf16Text(v.data))) } : v;

  /** One value of one table entry: to the variable (DIRECT) or the routine; deleted after with DELETE. */
  const deliver = (entry: number, key: CmKey, name: string, v: ValueData, context: number, stored: boolean): number => {
    const flags = as.u32(entry + T.Flags);
    const entryContext = as.u32(entry + T.EntryContext);
    let status: number;
    if (flags & Q.DIRECT) {
      const expected = as.u32(entry + T.DefaultType) >>> RTL_QUERY_REGISTRY_TYPECHECK_SHIFT;
      if (flags & Q.TYPECHECK && v.type !== expected) return STATUS.OBJECT_TYPE_MISMATCH;
      status = storeDirect(entryContext, expandedFor(flags, v));
    } else {
      status = callQueryRoutine(as.u32(entry + T.QueryRoutine), flags, name, v, context, entryContext);
    }
    if (NT_SUCCESS(status) && stored && flags & Q.DELETE) return deleteValue(key, name);
    return status;
  };

  /** One table entry against `key`: the value `Name` names, or (namePtr 0) every value of the key. */
  const queryEntry = (entry: number, key: CmKey, namePtr: number, context: number): number => {
    const flags = as.u32(entry + T.Flags);
    if (namePtr === 0) {
      if (flags & Q.NOVALUE) {
        return callQueryRoutine(as.u32(entry + T.QueryRoutine), flags, undefined, { type: REG.NONE, data: new Uint8Array(0) }, context, as.u32(entry + T.EntryContext));
      }
      for (const value of [...key.values.values()]) {
        const status = deliver(entry, key, value.name, value, context, true);
        if (!NT_SUCCESS(status)) return status;
      }
      return STATUS.SUCCESS;
    }
    const name = wcs(namePtr);
    const value = key.value(name);
    if (value) return deliver(entry, key, value.name, value, context, true);
    if (flags & Q.REQUIRED) return STATUS.OBJECT_NAME_NOT_FOUND;
    // Missing: the entry's default, if it has one (the low bits of DefaultType: TYPECHECK uses the top byte).
    const defaultType = as.u32(entry + T.DefaultType) & ((1 << RTL_QUERY_REGISTRY_TYPECHECK_SHIFT) - 1);
    if (defaultType === REG.NONE) return STATUS.SUCCESS;
    if (as.u32(entry + T.DefaultLength) > MAX_VALUE_DATA) return STATUS.INSUFFICIENT_RESOURCES;
    const data = defaultData(defaultType, as.u32(entry + T.DefaultData), as.u32(entry + T.DefaultLength));
    return deliver(entry, key, name, { type: defaultType, data }, context, false);
  };

  return {
    /**
     * Walk the table until the entry with neither QueryRoutine nor Name. SUBKEY entries move to a
     * subkey of Path's key for the entries that follow, TOPKEY back to Path's key. The first failure
     * (a REQUIRED value missing, a callback's error, a buffer too small) ends the walk and is returned.
     */
    RtlQueryRegistryValues(RelativeTo: number, Path: number, QueryTable: number, Context: number, _Environment: number): number {
      const top = openRelative(RelativeTo, Path, false);
      if (typeof top === 'number') return top;
      let current = top;
      try {
        for (let entry = QueryTable >>> 0; ; entry += RTL_QUERY_REGISTRY_TABLE.size) {
          const routine = as.u32(entry + T.QueryRoutine);
          const flags = as.u32(entry + T.Flags);
          const namePtr = as.u32(entry + T.Name);
          if (routine === 0 && namePtr === 0) return STATUS.SUCCESS;
          if (flags & Q.DIRECT && (namePtr === 0 || routine !== 0 || flags & Q.SUBKEY)) return STATUS.INVALID_PARAMETER;
          if (flags & (Q.TOPKEY | Q.SUBKEY)) current = top;
          if (flags & Q.SUBKEY) {
            // Name is a subkey of Path's key: this entry and the ones after it read that key.
            const names = splitKeyPath(wcs(namePtr));
            const sub = names && k.cm.hive.descend(top, names);
            if (!sub) return STATUS.OBJECT_NAME_NOT_FOUND;
            current = sub;
            if (routine === 0) continue;
          }
          const status = queryEntry(entry, current, flags & Q.SUBKEY ? 0 : namePtr, Context >>> 0);
          if (!NT_SUCCESS(status)) return status;
        }
      } finally {
        release();
      }
    },

    /** Write a value; the key is created if missing (the keys above it must exist). */
    RtlWriteRegistryValue(RelativeTo: number, Path: number, ValueName: number, ValueType: number, ValueData: number, ValueLength: number): number {
      const key = openRelative(RelativeTo, Path, true);
      if (typeof key === 'number') return key;
      try {
        return throughHandle(key, (handle) => {
          const us = unicodeTemp(ValueName === 0 ? '' : wcs(ValueName >>> 0));
          return us === 0 ? STATUS.INSUFFICIENT_RESOURCES : k.ddi.ZwSetValueKey(handle, us, 0, ValueType, ValueData, ValueLength);
        });
      } finally {
        release();
      }
    },

    RtlDeleteRegistryValue(RelativeTo: number, Path: number, ValueName: number): number {
      const key = openRelative(RelativeTo, Path, false);
      if (typeof key === 'number') return key;
      try {
        return deleteValue(key, ValueName === 0 ? '' : wcs(ValueName >>> 0));
      } finally {
        release();
      }
    },

    /** STATUS_SUCCESS if the key exists. */
    RtlCheckRegistryKey(RelativeTo: number, Path: number): number {
      const key = openRelative(RelativeTo, Path, false);
      return typeof key === 'number' ? key : STATUS.SUCCESS;
    },

    RtlCreateRegistryKey(RelativeTo: number, Path: number): number {
      const key = openRelative(RelativeTo, Path, true);
      return typeof key === 'number' ? key : STATUS.SUCCESS;
    },
  };
}
