/**
 * The registry's contents: a tree of keys under \REGISTRY, each with subkeys and values. Names are
 * case-insensitive and keep the case they were created with, as in the configuration manager.
 * Values keep the raw bytes a driver wrote (REG_SZ data is UTF-16LE with its NUL, as drivers write
 * it); nothing here knows simulated memory or handles (kernel/cm/exports.ts does).
 *
 * Subkeys enumerate in name order (upper-cased), as a hive's index keeps them; values in the order
 * they were created, as a key's value list keeps them.
 */
import { REG } from '../../nt/registry.ts';

export interface CmValue {
  /** The name as written; '' is the key's default value (regedit's @). */
  readonly name: string;
  readonly type: number;
  readonly data: Uint8Array;
}

export class CmKey {
  readonly subkeys = new Map<string, CmKey>();
  readonly values = new Map<string, CmValue>();
  /** ZwDeleteKey marks the key; handles still open to it then fail with STATUS_KEY_DELETED. */
  deleted = false;

  constructor(
    readonly name: string,
    readonly parent: CmKey | undefined,
    public lastWriteTime: bigint,
    /** REG_OPTION_VOLATILE: the key would not survive a reboot (it has no other meaning here). */
    readonly volatile = false,
    readonly className = '',
  ) {}

  /** The full name, \REGISTRY\MACHINE\... */
  get path(): string {
    return this.parent ? `${this.parent.path}\\${this.name}` : `\\${this.name}`;
  }

  subkey(name: string): CmKey | undefined {
    return this.subkeys.get(name.toUpperCase());
  }

  value(name: string): CmValue | undefined {
    return this.values.get(name.toUpperCase());
  }

  /** Subkeys in index order (ZwEnumerateKey's). */
  sortedSubkeys(): CmKey[] {
    return [...this.subkeys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
  }
}

/** Split an absolute path (\REGISTRY\...) or a relative one into its names; undefined if a name is empty. */
export function splitKeyPath(path: string): string[] | undefined {
  const body = path.startsWith('\\') ? path.slice(1) : path;
  if (body === '') return [];
  const parts = body.split('\\');
  return parts.some((p) => p === '') ? undefined : parts;
}

/** The keys every machine has, created at boot (the roots of the RTL_REGISTRY_* paths among them). */
const BOOT_KEYS = [
  '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services',
  '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Control',
  '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion',
  '\\REGISTRY\\MACHINE\\HARDWARE\\DEVICEMAP',
  '\\REGISTRY\\USER\\.DEFAULT',
];

/**
 * The most data one value may hold here. Windows' limit is the memory available; a larger request
 * is what exhausting it gives, STATUS_INSUFFICIENT_RESOURCES, and the host never allocates it.
 */
export const MAX_VALUE_DATA = 64 * 1024 * 1024;

export const SERVICES_PATH = '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services';

export class Hive {
  readonly root: CmKey;

  constructor(private readonly now: () => bigint) {
    this.root = new CmKey('REGISTRY', undefined, now());
    for (const p of BOOT_KEYS) this.createPath(p);
  }

  /** The key at an absolute path, or undefined (a missing key, or a name outside \REGISTRY). */
  lookup(path: string): CmKey | undefined {
    const names = splitKeyPath(path);
    if (!names || names.length === 0 || names[0]!.toUpperCase() !== this.root.name) return undefined;
    return this.descend(this.root, names.slice(1));
  }

  /** The key `names` below `from`, or undefined. */
  descend(from: CmKey, names: readonly string[]): CmKey | undefined {
    let key: CmKey | undefined = from;
    for (const n of names) {
      key = key.subkey(n);
      if (!key) return undefined;
    }
    return key;
  }

  /** ZwCreateKey's last step: the subkey `name` of `parent`, created if missing. */
  createKey(parent: CmKey, name: string, volatile = false, className = ''): { key: CmKey; created: boolean } {
    const existing = parent.subkey(name);
    if (existing) return { key: existing, created: false };
    const key = new CmKey(name, parent, this.now(), volatile, className);
    parent.subkeys.set(name.toUpperCase(), key);
    parent.lastWriteTime = key.lastWriteTime;
    return { key, created: true };
  }

  /** Every key of an absolute \REGISTRY path, created as needed (boot keys, service keys, seeding). */
  createPath(path: string): CmKey {
    const names = splitKeyPath(path);
    if (!names || names.length === 0 || names[0]!.toUpperCase() !== this.root.name) throw new Error(`not a registry path: ${path}`);
    let key = this.root;
    for (const n of names.slice(1)) key = this.createKey(key, n).key;
    return key;
  }

  /** ZwDeleteKey: false (STATUS_CANNOT_DELETE) while the key has subkeys. */
  deleteKey(key: CmKey): boolean {
    if (key.subkeys.size > 0 || !key.parent) return false;
    key.parent.subkeys.delete(key.name.toUpperCase());
    key.parent.lastWriteTime = this.now();
    key.deleted = true;
    return true;
  }

  /** A key and everything below it (regedit's [-key]); false if there was no such key. */
  deleteTree(path: string): boolean {
    const key = this.lookup(path);
    if (!key || !key.parent) return false;
    const mark = (k: CmKey): void => {
      for (const s of k.subkeys.values()) mark(s);
      k.subkeys.clear();
      k.deleted = true;
    };
    key.parent.subkeys.delete(key.name.toUpperCase());
    mark(key);
    return true;
  }

  setValue(key: CmKey, name: string, type: number, data: Uint8Array): void {
    // A value keeps its place in the list when it is overwritten.
    key.values.set(name.toUpperCase(), { name: key.value(name)?.name ?? name, type, data: data.slice() });
    key.lastWriteTime = this.now();
  }

  deleteValue(key: CmKey, name: string): boolean {
    const gone = key.values.delete(name.toUpperCase());
    if (gone) key.lastWriteTime = this.now();
    return gone;
  }

  /** Set a value only if the key has none of that name (defaults that a seed file may already have set). */
  setDefault(key: CmKey, name: string, type: number, data: Uint8Array): void {
    if (!key.value(name)) this.setValue(key, name, type, data);
  }
}

// ---- value data ----------------------------------------------------------------------------

/** REG_SZ / REG_EXPAND_SZ data: UTF-16LE with its terminating NUL. */
export function szData(text: string): Uint8Array {
  const out = new Uint8Array(2 * text.length + 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >> 8;
  }
  return out;
}

/** REG_MULTI_SZ data: each string with its NUL, then one more NUL. */
export function multiSzData(strings: readonly string[]): Uint8Array {
  return szData(strings.map((s) => s + '\0').join(''));
}

export function dwordData(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0, true);
  return out;
}

export function qwordData(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, n), true);
  return out;
}

/** UTF-16LE bytes as text, stopping at the first NUL. */
export function utf16Text(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < data.length; i += 2) {
    const c = data[i]! | (data[i + 1]! << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** The strings of REG_MULTI_SZ data (up to the empty string that ends the list). */
export function multiSzStrings(data: Uint8Array): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i + 1 < data.length; i += 2) {
    const c = data[i]! | (data[i + 1]! << 8);
    if (c !== 0) {
      cur += String.fromCharCode(c);
      continue;
    }
    if (cur === '') break;
    out.push(cur);
    cur = '';
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** Whether a type's data is text (the RtlQueryRegistryValues string cases). */
export const isStringType = (type: number): boolean => type === REG.SZ || type === REG.EXPAND_SZ || type === REG.MULTI_SZ;
