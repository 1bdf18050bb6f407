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
    if (stack.length === 0) return EMPTY_ID;
    const h = hashFrames(stack);
    const found = this.byHash.get(h);
    // No array per lookup for the usual single-id bucket: this runs on every captured stack.
    if (typeof found === 'number') {
      if (sameFrames(this.stacks[found]!, stack)) return found;
    } else if (found !== undefined) {
      for (const id of found) if (sameFrames(this.stacks[id]!, stack)) return id;
    }
    const id = this.stacks.length;
    this.stacks.push(Object.freeze([...stack]));
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

function hashFrames(stack: readonly number[]): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < stack.length; i++) h = Math.imul(h ^ stack[i]!, 0x01000193);
  return h | 0;
}

function sameFrames(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
