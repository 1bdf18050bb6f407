/**
 * Allocation sites, interned as the stack depot interns stacks: what a tracked allocation shares
 * with every other one made by the same code on the same thread (its kind, pool type, caller, thread
 * and stack) is stored once, and a record keeps a 32-bit site id beside its size and tag. A driver
 * allocating in a loop has a handful of sites, however many blocks it holds.
 */
export interface Site {
  readonly kind: number;
  readonly poolType: number;
  readonly caller: number;
  readonly thread: number;
  /** A stack depot id. */
  readonly stack: number;
}

export class SiteDepot {
  private readonly sites: Site[] = [];
  /** Ids by the site's hash; a bucket holds the rare sites whose hashes collide. */
  private readonly byHash = new Map<number, number | number[]>();

  intern(kind: number, poolType: number, caller: number, thread: number, stack: number): number {
    // Unrolled, and no array per lookup: this runs on every tracked allocation.
    let h = Math.imul(0x811c9dc5 ^ kind, 0x01000193);
    h = Math.imul(h ^ poolType, 0x01000193);
    h = Math.imul(h ^ caller, 0x01000193);
    h = Math.imul(h ^ thread, 0x01000193);
    h = Math.imul(h ^ stack, 0x01000193) | 0;
    const found = this.byHash.get(h);
    if (typeof found === 'number') {
      if (this.matches(found, kind, poolType, caller, thread, stack)) return found;
    } else if (found !== undefined) {
      for (const id of found) if (this.matches(id, kind, poolType, caller, thread, stack)) return id;
    }
    const id = this.sites.length;
    this.sites.push({ kind, poolType, caller, thread, stack });
    if (found === undefined) this.byHash.set(h, id);
    else if (typeof found === 'number') this.byHash.set(h, [found, id]);
    else found.push(id);
    return id;
  }

  /** A method, not a closure per lookup (no garbage; no __name wrapper under tsx). */
  private matches(id: number, kind: number, poolType: number, caller: number, thread: number, stack: number): boolean {
    const s = this.sites[id]!;
    return s.kind === kind && s.poolType === poolType && s.caller === caller && s.thread === thread && s.stack === stack;
  }

  get(id: number): Site {
    return this.sites[id]!;
  }

  get size(): number {
    return this.sites.length;
  }
}
