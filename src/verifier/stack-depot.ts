/**
 * A stack depot (as Linux's lib/stackdepot.c): one stored copy of each distinct stack, named by a
 * 32-bit id. A driver allocating in a loop records the same few stacks millions of times; each
 * tracked allocation and log record keeps only the id.
 */
const EMPTY_ID = 0;

export class StackDepot {
  /** Stacks by id; id 0 is the empty stack (capture off). */
  private readonly stacks: (readonly number[])[] = [Object.freeze([])];
  /** Ids by the stack's hash; a bucket holds the rare stacks whose hashes collide. */
  private readonly byHash = new Map<number, number | number[]>();

  /** The id of `stack`, storing it the first time it is seen. */
  intern(stack: readonly number[]): number {
    return this.internFirst(stack, stack.length);
  }

  /** The id of the stack `frames[0..length)` (a scratch array: copied the first time it is seen). */
  internFirst(frames: readonly number[], length: number): number {
    if (length === 0) return EMPTY_ID;
    const h = hashFrames(frames, length);
    const found = this.byHash.get(h);
    // No array per lookup for the usual single-id bucket: this runs on every captured stack.
    if (typeof found === 'number') {
      if (sameFrames(this.stacks[found]!, frames, length)) return found;
    } else if (found !== undefined) {
      for (const id of found) if (sameFrames(this.stacks[id]!, frames, length)) return id;
    }
    const id = this.stacks.length;
    this.stacks.push(Object.freeze(frames.slice(0, length)));
    if (found === undefined) this.byHash.set(h, id);
    else if (typeof found === 'number') this.byHash.set(h, [found, id]);
    else found.push(id);
    return id;
  }

  /** The stack stored under `id` (shared and frozen: copy it to change it). */
  get(id: number): readonly number[] {
    return this.stacks[id]!;
  }

  /** Distinct stacks stored. */
  get size(): number {
    return this.stacks.length - 1;
  }
}

function hashFrames(frames: readonly number[], length: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ frames[i]!, 0x01000193);
  return h | 0;
}

/** `stored` is `frames[0..length)`. */
function sameFrames(stored: readonly number[], frames: readonly number[], length: number): boolean {
  if (stored.length !== length) return false;
  for (let i = 0; i < length; i++) if (stored[i] !== frames[i]) return false;
  return true;
}
