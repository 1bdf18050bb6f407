/**
 * Seeding the registry before a driver loads (dv run --registry FILE): a file becomes a list of
 * operations, applied in order to the hive. Both file formats (reg-file.ts, json-file.ts) produce
 * the same operations; paths are native (\REGISTRY\MACHINE\...) once parsed.
 */
import { SimulatorError } from '../errors.ts';
import { splitKeyPath, type Hive } from './hive.ts';

export type SeedOp =
  | { readonly op: 'key'; readonly path: string; readonly line: number }
  | { readonly op: 'deleteKey'; readonly path: string; readonly line: number }
  | { readonly op: 'value'; readonly path: string; readonly name: string; readonly type: number; readonly data: Uint8Array; readonly line: number }
  | { readonly op: 'deleteValue'; readonly path: string; readonly name: string; readonly line: number };

/** A seed file that cannot be read: `file:line: what is wrong`. dv exits 2 with it. */
export class RegistryFileError extends SimulatorError {
  constructor(file: string, line: number | undefined, message: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'RegistryFileError';
  }
}

/** The predefined roots a .reg file (or a JSON key) may start with, by name and short name, and where they are. */
const ROOTS: Readonly<Record<string, string>> = {
  HKEY_LOCAL_MACHINE: '\\REGISTRY\\MACHINE',
  HKLM: '\\REGISTRY\\MACHINE',
  HKEY_USERS: '\\REGISTRY\\USER',
  HKU: '\\REGISTRY\\USER',
  // The System process's current user is .DEFAULT.
  HKEY_CURRENT_USER: '\\REGISTRY\\USER\\.DEFAULT',
  HKCU: '\\REGISTRY\\USER\\.DEFAULT',
  HKEY_CLASSES_ROOT: '\\REGISTRY\\MACHINE\\SOFTWARE\\Classes',
  HKCR: '\\REGISTRY\\MACHINE\\SOFTWARE\\Classes',
  HKEY_CURRENT_CONFIG: '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current',
  HKCC: '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current',
};

/**
 * A key name as a user writes it (HKEY_LOCAL_MACHINE\..., HKLM\..., or \Registry\...) as a native
 * path, or an error message.
 */
export function nativeKeyPath(name: string): string | { error: string } {
  const names = splitKeyPath(name);
  if (!names || names.length === 0) return { error: `'${name}' is not a key name (an empty name between backslashes?)` };
  const first = names[0]!.toUpperCase();
  if (name.startsWith('\\')) {
    if (first !== 'REGISTRY') return { error: `'${name}' is not under \\Registry` };
    return '\\REGISTRY' + names.slice(1).map((n) => `\\${n}`).join('');
  }
  const root = Object.hasOwn(ROOTS, first) ? ROOTS[first] : undefined;
  if (root === undefined) return { error: `'${name}' does not start with a root key (HKEY_LOCAL_MACHINE, HKEY_USERS, HKEY_CURRENT_USER, HKEY_CLASSES_ROOT, HKEY_CURRENT_CONFIG or \\Registry)` };
  return root + names.slice(1).map((n) => `\\${n}`).join('');
}

/** Apply the operations in order; keys a value needs are created. */
export function applySeed(hive: Hive, ops: readonly SeedOp[]): void {
  for (const o of ops) {
    switch (o.op) {
      case 'key':
        hive.createPath(o.path);
        break;
      case 'deleteKey':
        hive.deleteTree(o.path);
        break;
      case 'value':
        hive.setValue(hive.createPath(o.path), o.name, o.type, o.data);
        break;
      case 'deleteValue': {
        const key = hive.lookup(o.path);
        if (key) hive.deleteValue(key, o.name);
        break;
      }
    }
  }
}
