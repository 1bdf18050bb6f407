/**
 * Object manager: reference counts of the objects the kernel creates (driver, device and file
 * objects, threads), and the namespace (\Device\X, \DosDevices\X, \Driver\X).
 *
 * Without the verifier a reference count taken from 0 or below 0 is not checked, as on Windows: the
 * count just goes wrong. The verifier watches it through ObReferenceObject's thunk.
 */
export type ObjectKind = 'Driver' | 'Device' | 'File' | 'Thread' | 'Event' | 'SymbolicLink';

interface ObjectRecord {
  readonly kind: ObjectKind;
  refs: number;
  /** Called when the count drops to zero (the object's delete procedure). */
  readonly onDelete?: () => void;
}

type NameEntry = { kind: 'object'; address: number } | { kind: 'link'; target: string };

export class ObjectManager {
  private readonly objects = new Map<number, ObjectRecord>();
  private readonly names = new Map<string, NameEntry>();

  create(address: number, kind: ObjectKind, onDelete?: () => void): void {
    this.objects.set(address >>> 0, { kind, refs: 1, onDelete });
  }

  isObject(address: number): boolean {
    return this.objects.has(address >>> 0);
  }

  kindOf(address: number): ObjectKind | undefined {
    return this.objects.get(address >>> 0)?.kind;
  }

  referenceCount(address: number): number | undefined {
    return this.objects.get(address >>> 0)?.refs;
  }

  /** ObfReferenceObject: returns the new count. */
  reference(address: number): number {
    const o = this.objects.get(address >>> 0);
    if (!o) return 0;
    return ++o.refs;
  }

  /** ObfDereferenceObject: returns the new count; at zero the object is deleted. */
  dereference(address: number): number {
    const o = this.objects.get(address >>> 0);
    if (!o) return 0;
    const refs = --o.refs;
    if (refs === 0) {
      this.objects.delete(address >>> 0);
      o.onDelete?.();
    }
    return refs;
  }

  // ---- namespace ---------------------------------------------------------------------------

  insertName(name: string, address: number): boolean {
    const key = name.toUpperCase();
    if (this.names.has(key)) return false;
    this.names.set(key, { kind: 'object', address });
    return true;
  }

  removeName(name: string): boolean {
    return this.names.delete(name.toUpperCase());
  }

  createLink(link: string, target: string): boolean {
    const key = link.toUpperCase();
    if (this.names.has(key)) return false;
    this.names.set(key, { kind: 'link', target });
    return true;
  }

  /** Resolve a name through symbolic links to an object address, or undefined. */
  lookup(name: string): number | undefined {
    let key = name.toUpperCase();
    for (let hops = 0; hops < 16; hops++) {
      const e = this.names.get(key);
      if (!e) return undefined;
      if (e.kind === 'object') return e.address;
      key = e.target.toUpperCase();
    }
    return undefined;
  }

  /** Every name, for messages listing what a user could open. */
  allNames(): string[] {
    return [...this.names.keys()];
  }
}
