/**
 * Object manager: reference counts of the objects the kernel creates (driver, device and file
 * objects, threads), and the namespace (\Device\X, \DosDevices\X, \Driver\X).
 *
 * Without the verifier a reference count taken from 0 or below 0 is not checked, as on Windows: the
 * count just goes wrong. An object whose count reached 0 is remembered for a while as such (its
 * header would still say 0), so a later reference takes it to 1 and a dereference below 0, exactly
 * the corruption the verifier's ObReferenceObject thunks look for.
 *
 * Handles live here too: one kernel handle table (the System process's), small integers as NT
 * gives them, each holding one reference on its object.
 */
import { RecentMap } from '../rtl/recent.ts';

export type ObjectKind = 'Driver' | 'Device' | 'File' | 'Thread' | 'Process' | 'Event' | 'SymbolicLink' | 'Key' | 'TmTm' | 'TmRm' | 'TmTx' | 'TmEn' | 'WmiGuid';

interface ObjectRecord {
  readonly kind: ObjectKind;
  refs: number;
  /** Called when the count drops to zero (the object's delete procedure). */
  readonly onDelete?: () => void;
  /** Told each new count a dereference leaves (a driver's unload waiting for references to go). */
  onDereference?: (refs: number) => void;
}

type NameEntry = { kind: 'object'; address: number } | { kind: 'link'; target: string };

/**
 * A name as the namespace keys it: case-insensitive, and \DosDevices\X and \GLOBAL??\X are \??\X (on
 * Windows \DosDevices is a symbolic link to \??, the one DOS device directory a run has).
 */
function nameKey(name: string): string {
  return name.toUpperCase().replace(/^\\(DOSDEVICES|GLOBAL\?\?)\\/, '\\??\\');
}

/** Objects deleted recently, whose (simulated) header still reads a count of 0. */
const DEAD_OBJECTS = 4096;

export class ObjectManager {
  private readonly objects = new Map<number, ObjectRecord>();
  private readonly dead = new RecentMap<number, ObjectRecord>(DEAD_OBJECTS);
  private readonly names = new Map<string, NameEntry>();
  private readonly handles = new Map<number, number>();
  /** The access each handle was granted, where the opener said (a process or thread handle). */
  private readonly handleAccess = new Map<number, number>();
  /**
   * The process whose handle table holds a handle, where the creator said: a user process for a
   * handle opened in its context without OBJ_KERNEL_HANDLE; absent for the kernel's (System) table.
   */
  private readonly handleOwner = new Map<number, number>();
  private nextHandle = 0x80000004;

  /** A new object with a reference count of `refs` (1: its creator's reference). */
  create(address: number, kind: ObjectKind, onDelete?: () => void, refs = 1): void {
    this.dead.delete(address >>> 0);
    this.objects.set(address >>> 0, { kind, refs, onDelete });
  }

  isObject(address: number): boolean {
    return this.objects.has(address >>> 0);
  }

  kindOf(address: number): ObjectKind | undefined {
    return this.objects.get(address >>> 0)?.kind;
  }

  /** The count of a live object, or of one deleted recently (0, or below 0 after a bad dereference). */
  referenceCount(address: number): number | undefined {
    return (this.objects.get(address >>> 0) ?? this.dead.get(address >>> 0))?.refs;
  }

  /** Tell `hook` each count a dereference of the live object `address` leaves; undefined stops it. */
  watchDereferences(address: number, hook: ((refs: number) => void) | undefined): void {
    const o = this.objects.get(address >>> 0);
    if (o) o.onDereference = hook;
  }

  /** ObfReferenceObject: returns the new count. A deleted object's count goes from 0 to 1 (nothing revives it). */
  reference(address: number): number {
    const o = this.objects.get(address >>> 0) ?? this.dead.get(address >>> 0);
    if (!o) return 0;
    return ++o.refs;
  }

  /** ObfDereferenceObject: returns the new count; at zero the object is deleted. */
  dereference(address: number): number {
    const a = address >>> 0;
    const o = this.objects.get(a);
    if (!o) {
      const d = this.dead.get(a);
      return d ? --d.refs : 0;
    }
    const refs = --o.refs;
    o.onDereference?.(refs);
    if (refs === 0) {
      this.objects.delete(a);
      this.dead.set(a, o);
      o.onDelete?.();
    }
    return refs;
  }

  // ---- handles -----------------------------------------------------------------------------

  /** A new handle to `address`; it holds one reference, taken here. `userProcess`: the user process whose table holds it. */
  createHandle(address: number, grantedAccess?: number, userProcess?: number): number {
    const handle = this.nextHandle;
    this.nextHandle += 4;
    this.handles.set(handle, address >>> 0);
    if (grantedAccess !== undefined) this.handleAccess.set(handle, grantedAccess >>> 0);
    if (userProcess !== undefined) this.handleOwner.set(handle, userProcess >>> 0);
    this.reference(address);
    return handle;
  }

  /** The object a handle refers to, or undefined for a bad handle. */
  objectOfHandle(handle: number): number | undefined {
    return this.handles.get(handle >>> 0);
  }

  /** The access a handle was granted, when it was recorded. */
  accessOfHandle(handle: number): number | undefined {
    return this.handleAccess.get(handle >>> 0);
  }

  /** The user process whose handle table holds `handle`; undefined for a kernel handle (or a bad one). */
  userProcessOfHandle(handle: number): number | undefined {
    return this.handleOwner.get(handle >>> 0);
  }

  /** ZwClose: drop the handle and its reference. False for a bad handle. */
  closeHandle(handle: number): boolean {
    const object = this.handles.get(handle >>> 0);
    if (object === undefined) return false;
    this.handles.delete(handle >>> 0);
    this.handleAccess.delete(handle >>> 0);
    this.handleOwner.delete(handle >>> 0);
    this.dereference(object);
    return true;
  }

  // ---- namespace ---------------------------------------------------------------------------

  insertName(name: string, address: number): boolean {
    const key = nameKey(name);
    if (this.names.has(key)) return false;
    this.names.set(key, { kind: 'object', address });
    return true;
  }

  removeName(name: string): boolean {
    return this.names.delete(nameKey(name));
  }

  createLink(link: string, target: string): boolean {
    const key = nameKey(link);
    if (this.names.has(key)) return false;
    this.names.set(key, { kind: 'link', target });
    return true;
  }

  /** Resolve a name through symbolic links to an object address, or undefined. */
  lookup(name: string): number | undefined {
    let key = nameKey(name);
    for (let hops = 0; hops < 16; hops++) {
      const e = this.names.get(key);
      if (!e) return undefined;
      if (e.kind === 'object') return e.address;
      key = nameKey(e.target);
    }
    return undefined;
  }

  /** Every name, for messages listing what a user could open. */
  allNames(): string[] {
    return [...this.names.keys()];
  }
}
