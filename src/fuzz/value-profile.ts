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
  private readonly known = new Set<bigint>();
  private readonly knownPairs = new Set<string>();

  /** Each unequal pair's operands (an equal pair was matched already: nothing to learn). */
  add(pairs: Iterable<readonly [bigint, bigint]>): void {
    for (const [a, b] of pairs) {
      if (a === b) continue;
      this.learnPair(a, b);
      this.learn(a);
      this.learn(b);
    }
  }

  private learnPair(a: bigint, b: bigint): void {
    const key = `${a}:${b}`;
    if (this.knownPairs.has(key)) this.pairs.splice(this.pairs.findIndex(([x, y]) => x === a && y === b), 1);
    this.knownPairs.add(key);
    this.pairs.push([a, b]);
    if (this.pairs.length > LEARNED_MAX) {
      const [x, y] = this.pairs.shift()!;
      this.knownPairs.delete(`${x}:${y}`);
    }
  }

  private learn(v: bigint): void {
    // 0 and 1 are every loop's bounds and every flag's: the byte mutations find them anyway.
    if (v <= 1n) return;
    // Seen again: the newest (a value compared on every input stays, the rest age out).
    if (this.known.has(v)) this.values.splice(this.values.indexOf(v), 1);
    this.known.add(v);
    this.values.push(v);
    if (this.values.length > LEARNED_MAX) this.known.delete(this.values.shift()!);
  }
}

/** An input's own unequal comparisons, the newest LEARNED_MAX (deduplicated): kept with it in the corpus. */
export function newestPairs(pairs: ReadonlyArray<readonly [bigint, bigint]>): Array<readonly [bigint, bigint]> {
  const seen = new Set<string>();
  const out: Array<readonly [bigint, bigint]> = [];
  for (let i = pairs.length - 1; i >= 0 && out.length < LEARNED_MAX; i--) {
    const [a, b] = pairs[i]!;
    if (a === b || seen.has(`${a}:${b}`)) continue;
    seen.add(`${a}:${b}`);
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
