/**
 * The value profile: the operands of the comparisons the driver made while it ran an input (recorded by
 * the load-time rewrite, loader/wasm/rewrite.ts), kept as libFuzzer keeps its table of recent compares. A
 * comparison of an input field against a value the driver computed (`key == (a ^ b)`) has that value as an
 * operand: the mutator puts it (or its byte-swapped or off-by-one forms) into inputs.
 */

/** Most values kept: the newest replace the oldest. */
export const LEARNED_MAX = 64;

export class LearnedValues {
  /** The values, newest last (the mutator picks from them). */
  readonly values: bigint[] = [];
  /** The unequal operand pairs, newest last: the mutator replaces one operand's bytes in an input by the other's. */
  readonly pairs: Array<readonly [bigint, bigint]> = [];
  // The same, as maps in recency order (oldest first): a value seen again moves to the end in O(1), where
  // the arrays' indexOf and splice made an input with a few hundred comparisons cost tens of microseconds.
  private readonly valueOrder = new Map<bigint, true>();
  private readonly pairOrder = new Map<bigint, readonly [bigint, bigint]>();

  /**
   * Each unequal pair's operands (an equal pair was matched already: nothing to learn). Only the newest
   * LEARNED_MAX distinct pairs and values of an input can stay, so the input is read from its end until it
   * has given that many, and those are learned oldest first: the same tables as learning every comparison
   * in order, without the hundreds a loop repeats.
   */
  add(pairs: ReadonlyArray<readonly [bigint, bigint]>): void {
    const newPairs = new Map<bigint, readonly [bigint, bigint]>();
    const newValues = new Set<bigint>();
    for (let i = pairs.length - 1; i >= 0 && (newPairs.size < LEARNED_MAX || newValues.size < LEARNED_MAX); i--) {
      const pair = pairs[i]!;
      const [a, b] = pair;
      if (a === b) continue;
      const key = pairKey(a, b);
      if (newPairs.size < LEARNED_MAX && !newPairs.has(key)) newPairs.set(key, pair);
      // 0 and 1 are every loop's bounds and every flag's: the byte mutations find them anyway. b is the newer (learned after a).
      for (const v of [b, a]) if (v > 1n && newValues.size < LEARNED_MAX) newValues.add(v);
    }
    if (newPairs.size === 0) return;
    for (const [key, pair] of [...newPairs].reverse()) touch(this.pairOrder, key, pair);
    for (const v of [...newValues].reverse()) touch(this.valueOrder, v, true);
    this.values.length = 0;
    for (const v of this.valueOrder.keys()) this.values.push(v);
    this.pairs.length = 0;
    for (const p of this.pairOrder.values()) this.pairs.push(p);
  }
}

/** Move `key` to the newest end (the oldest goes past LEARNED_MAX). */
function touch<V>(order: Map<bigint, V>, key: bigint, value: V): void {
  if (!order.delete(key) && order.size >= LEARNED_MAX) order.delete(order.keys().next().value as bigint);
  order.set(key, value);
}

/** One key for an operand pair (both are u64). */
const pairKey = (a: bigint, b: bigint) => (a << 64n) | b;

/** An input's own unequal comparisons, the newest LEARNED_MAX (deduplicated): kept with it in the corpus. */
export function newestPairs(pairs: ReadonlyArray<readonly [bigint, bigint]>): Array<readonly [bigint, bigint]> {
  const seen = new Set<bigint>();
  const out: Array<readonly [bigint, bigint]> = [];
  for (let i = pairs.length - 1; i >= 0 && out.length < LEARNED_MAX; i--) {
    const [a, b] = pairs[i]!;
    if (a === b || seen.has(pairKey(a, b))) continue;
    seen.add(pairKey(a, b));
    out.push([a, b]);
  }
  return out.reverse();
}

/** A learned value's forms as the mutator writes them: itself, one off, byte-swapped (a big-endian field). */
export function variantOf(v: bigint, width: 4 | 8, form: number): bigint {
  const mask = (1n << BigInt(8 * width)) - 1n;
  if (form === 1) return (v + 1n) & mask;
  if (form === 2) return (v - 1n) & mask;
  if (form === 3) {
    let out = 0n;
    for (let i = 0; i < width; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
    return out;
  }
  return v & mask;
}
