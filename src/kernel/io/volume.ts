/**
 * The simulated volume: every file a run creates, as a named byte array. Empty at boot. Names are
 * kept in one canonical form, `\??\C:\PATH` upper-cased (the namespace is case-insensitive, as
 * OBJ_CASE_INSENSITIVE asks and NTFS answers): \DosDevices\ and \GLOBAL??\ are \??\ (symbolic
 * links on Windows), and \SystemRoot is \??\C:\Windows. The folders are fixed: C:\, C:\Windows and
 * its Temp, System32 and System32\drivers, as on a Windows installation; a file can be created in
 * one of them only (directory creation is not simulated).
 */

/** The system root's DOS path (\SystemRoot is a symbolic link to it on Windows). */
export const SYSTEM_ROOT = '\\??\\C:\\Windows';

export interface VolumeFile {
  /** The name as it was first created (the case the creator gave). */
  readonly name: string;
  data: Uint8Array;
}

/**
 * The canonical key of a name on the volume, or undefined for a name that is not a DOS drive path
 * (a \Device\X name, a relative name).
 */
export function volumeKey(name: string): string | undefined {
  let n = name.replace(/^\\SystemRoot(?=\\|$)/i, SYSTEM_ROOT).replace(/^\\(DosDevices|GLOBAL\?\?)\\/i, '\\??\\');
  if (!/^\\\?\?\\[A-Za-z]:(\\|$)/.test(n)) return undefined;
  n = n.replace(/\\+/g, '\\');
  return n.toUpperCase();
}

/** The folders every run has (canonical keys). */
const DIRECTORIES: ReadonlySet<string> = new Set(['\\??\\C:', '\\??\\C:\\WINDOWS', '\\??\\C:\\WINDOWS\\TEMP', '\\??\\C:\\WINDOWS\\SYSTEM32', '\\??\\C:\\WINDOWS\\SYSTEM32\\DRIVERS']);

/** True for a key that names a folder (C:\ itself included). */
export const isDirectoryKey = (key: string): boolean => DIRECTORIES.has(key.replace(/\\$/, ''));

/** The folder a key's file would be in. */
export const parentKey = (key: string): string => key.slice(0, key.lastIndexOf('\\'));

export class Volume {
  private readonly files = new Map<string, VolumeFile>();

  /** The file of a canonical key. */
  get(key: string): VolumeFile | undefined {
    return this.files.get(key);
  }

  /** A new empty file (replacing any of that key). */
  create(key: string, name: string): VolumeFile {
    const file: VolumeFile = { name, data: new Uint8Array(0) };
    this.files.set(key, file);
    return file;
  }

  /** A file's contents by any of its names (tests and reports read a run's files through this). */
  read(name: string): Uint8Array | undefined {
    const key = volumeKey(name);
    return key === undefined ? undefined : this.files.get(key)?.data;
  }

  /** Every file, by the name it was created with. */
  list(): string[] {
    return [...this.files.values()].map((f) => f.name);
  }
}

/** A file's contents grown (zero-filled) or cut to `size` bytes. */
export function resized(data: Uint8Array, size: number): Uint8Array {
  if (size === data.length) return data;
  const out = new Uint8Array(size);
  out.set(size < data.length ? data.subarray(0, size) : data);
  return out;
}
