/**
 * New inputs from old ones: libFuzzer's byte mutations (flip, set, insert a dictionary value, resize) on a
 * request's input, plus the ones a sequence of requests needs (change a control code, insert, duplicate,
 * drop, splice another input's requests) and the classic length lies of IOCTL fuzzers (zero, odd, one off
 * a compared length, huge output buffers).
 */
import { Prng } from '../verifier/faults.ts';
import type { DeviceRequest, IoctlRequest } from '../system/run.ts';
import { methodOf, withCaller, type Session } from './input.ts';
import { BAD_POINTERS } from '../kernel/io/caller-buffers.ts';
import { variantOf, type LearnedValues } from './value-profile.ts';

export interface MutationSource {
  readonly rng: Prng;
  /** Control codes to send: the user's and those the driver compares against. */
  readonly codes: readonly number[];
  /** Values the driver compares against (magic values, lengths). */
  readonly values: readonly number[];
  /** Operands of the comparisons the driver made at run time (value-profile.ts; empty when it is off). */
  readonly learned?: LearnedValues;
  /** The comparisons the parent made when it ran (with the value profile on). */
  readonly pairs?: ReadonlyArray<readonly [bigint, bigint]>;
  /** Another input to splice from. */
  other(): Session;
}

/** Most requests in one session, most bytes in one input buffer (a "huge" length is the exception). */
export const MAX_REQUESTS = 8;
export const MAX_INPUT = 256;
/** The lengths every IOCTL fuzzer tries: larger than any buffer a driver expects, a page, odd. */
const LIE_LENGTHS = [0, 1, 3, 7, 0x1000, 0x10000];
const MAX_STACKED = 4;

type Ioctl = { readonly kind: 'ioctl' } & IoctlRequest;

const pick = <T>(rng: Prng, a: readonly T[]): T => a[rng.below(a.length)]!;

export function freshRequest(src: MutationSource): DeviceRequest {
  return { kind: 'ioctl', code: pick(src.rng, src.codes), input: new Uint8Array(0), outputLength: 0 };
}

export function mutate(parent: Session, src: MutationSource): Session {
  let s: DeviceRequest[] = parent.length > 0 ? [...parent] : [freshRequest(src)];
  const n = 1 + src.rng.below(MAX_STACKED);
  for (let i = 0; i < n; i++) s = mutateOnce(s, src);
  return s.slice(0, MAX_REQUESTS);
}

function mutateOnce(s: DeviceRequest[], src: MutationSource): DeviceRequest[] {
  const { rng } = src;
  const at = rng.below(s.length);
  // The caller's lies (bad pointers, lengths beyond its buffers, a racing writer) reach a driver only through
  // METHOD_NEITHER: for the other methods the I/O manager probes the buffers and fails a lie itself
  // (kernel/io/caller-buffers.ts). Drivers without such codes keep the mutations (and the random sequence) they had.
  switch (rng.below(src.codes.some(takesUserPointers) ? 15 : 12)) {
    case 12:
    case 13:
    case 14:
      return replaceAt(s, at, (r) => (r.kind === 'ioctl' && takesUserPointers(r.code) ? lie(r, src) : r));
    case 0: // another control code
      return replaceAt(s, at, (r) => {
        if (r.kind !== 'ioctl') return freshRequest(src);
        const code = pick(rng, src.codes);
        // Its lies go with a method whose buffers the I/O manager handles.
        return { ...r, code, caller: takesUserPointers(code) ? r.caller : undefined };
      });
    case 1: // a new request before this one (a state another request needs first)
      return s.length < MAX_REQUESTS ? [...s.slice(0, at), freshRequest(src), ...s.slice(at)] : s;
    case 2: // the same request again
      return s.length < MAX_REQUESTS ? [...s.slice(0, at + 1), s[at]!, ...s.slice(at + 1)] : s;
    case 3: // fewer requests
      return s.length > 1 ? s.filter((_, i) => i !== at) : s;
    case 4: { // another input's requests after these
      const o = src.other();
      return o.length > 0 ? [...s, ...o.slice(rng.below(o.length))].slice(0, MAX_REQUESTS) : s;
    }
    case 5: // an output length: a lie, or a compared value; METHOD_IN_DIRECT's output buffer is data the driver reads
      return replaceAt(s, at, (r) => {
        if (r.kind !== 'ioctl') return r;
        const outputLength = pickLength(src);
        const data = methodOf(r.code) === 'METHOD_IN_DIRECT' && outputLength <= MAX_INPUT ? randomBytes(rng, outputLength) : undefined;
        return { ...r, outputLength, outputInit: data };
      });
    case 6: // an input length: a compared value, one off it, or a lie
      return replaceAt(s, at, (r) => (r.kind === 'ioctl' ? { ...r, input: resize(r.input, Math.min(pickLength(src), MAX_INPUT)) } : r));
    case 7: // a dictionary value at an aligned offset (the likeliest way past a magic-value check)
    case 10:
    case 11:
      return replaceAt(s, at, (r) => (r.kind === 'ioctl' ? { ...r, input: putValue(r, src) } : r));
    case 8: // a read or a write (drivers that do not handle them refuse them)
      return s.length < MAX_REQUESTS ? [...s, rng.below(2) === 0 ? { kind: 'read', length: pickLength(src) & 0xfff } : { kind: 'write', data: randomBytes(rng, rng.below(33)) }] : s;
    default: // bytes: flip a bit or set a random byte
      return replaceAt(s, at, (r) => (r.kind === 'ioctl' ? { ...r, input: flip(r.input, rng) } : r));
  }
}

/** Pointers and lengths a driver sees as the caller gave them. */
const takesUserPointers = (code: number) => methodOf(code) === 'METHOD_NEITHER';
/** Values a racing writer puts where the driver read a length or a count: past any buffer, or the most a signed check lets by. */
const RACE_VALUES = [0xffffffff, 0x7fffffff, 0x10000, 0x1001];
/** DDI calls of a request the racing writer may strike at (the first few: a probe, an allocation, a lock). */
const RACE_CALLS = 4;

/** One lie of the caller's, or none (its lies dropped): a bad pointer, a length beyond its buffer, a racing writer. */
function lie(r: Ioctl, src: MutationSource): Ioctl {
  const { rng } = src;
  const declared = () => (r.input.length > 0 ? r.input.length : Math.max(4, pickLength(src)));
  switch (rng.below(6)) {
    case 0: // a pointer that is not the caller's buffer, for a length that says there is one
    case 1:
      return rng.below(3) !== 0
        ? { ...r, caller: withCaller(r.caller, { inputPointer: pick(rng, BAD_POINTERS), inputLength: declared(), race: undefined }) }
        : { ...r, outputLength: r.outputLength > 0 ? r.outputLength : Math.max(4, pickLength(src)), caller: withCaller(r.caller, { outputPointer: pick(rng, BAD_POINTERS) }) };
    case 2: // a declared length beyond the buffer: a little (to the next page), or huge
      return rng.below(2) === 0
        ? { ...r, caller: withCaller(r.caller, { inputLength: r.input.length + pick(rng, [1, 4, 0x1000, 0x7fffffff - r.input.length]), inputPointer: undefined }) }
        : { ...r, outputLength: Math.max(r.outputLength, 1) + pick(rng, [1, 4, 0x1000]), caller: withCaller(r.caller, { outputSize: Math.max(r.outputLength, 1), outputPointer: undefined }) };
    case 3: // a second thread rewrites a field between the driver's check and its use
    case 4: {
      const input = r.input.length >= 4 ? r.input : new Uint8Array(rng.below(2) === 0 ? 4 : 8);
      const v = rng.below(2) === 0 && src.values.length > 0 ? (pick(rng, src.values) + 1 + rng.below(2)) >>> 0 : pick(rng, RACE_VALUES);
      const data = new Uint8Array(4);
      new DataView(data.buffer).setUint32(0, v, true);
      const race = { call: 1 + rng.below(RACE_CALLS), offset: 4 * rng.below(Math.min(8, input.length >> 2)), data };
      return { ...r, input, caller: withCaller(r.caller, { race, inputPointer: undefined, inputLength: undefined }) };
    }
    default: // the lies dropped
      return { ...r, caller: undefined };
  }
}

const replaceAt = (s: DeviceRequest[], at: number, f: (r: DeviceRequest) => DeviceRequest) => s.map((r, i) => (i === at ? f(r) : r));

function pickLength(src: MutationSource): number {
  const { rng } = src;
  const small = src.values.filter((v) => v > 0 && v <= MAX_INPUT);
  const r = rng.below(4);
  if (r === 0 || small.length === 0) return pick(rng, LIE_LENGTHS);
  if (r === 1) return rng.below(65);
  const v = pick(rng, small);
  return Math.max(0, v + rng.below(3) - 1);
}

function resize(b: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  out.set(b.subarray(0, n));
  return out;
}

function putValue(r: Ioctl, src: MutationSource): Uint8Array {
  const { rng } = src;
  if (src.learned && src.learned.values.length > 0 && rng.below(2) === 0) return putLearned(r, src, src.learned);
  const v = src.values.length > 0 && rng.below(4) !== 0 ? pick(rng, src.values) : pick(rng, src.codes);
  const width = v > 0xffff ? 4 : v > 0xff ? (rng.below(2) === 0 ? 2 : 4) : pick(rng, [1, 2, 4]);
  const slots = Math.max(1, Math.floor(Math.max(r.input.length, 8) / 4));
  const off = 4 * rng.below(Math.min(slots, 8));
  const out = resize(r.input, Math.max(r.input.length, off + width));
  for (let i = 0; i < width; i++) out[off + i] = (v >>> (8 * i)) & 0xff;
  return out;
}

/**
 * Where the input holds one operand of a comparison the driver made (4 or 8 bytes, little-endian), the
 * other operand instead: libFuzzer's replacement of a compared field by what it was compared against.
 */
function replaceOperand(input: Uint8Array, [a, b]: readonly [bigint, bigint], rng: Prng): Uint8Array | undefined {
  const width = a > 0xffffffffn || b > 0xffffffffn ? 8 : 4;
  for (const [from, to] of rng.below(2) === 0 ? [[a, b], [b, a]] : [[b, a], [a, b]]) {
    const at = indexOfValue(input, from!, width);
    if (at < 0) continue;
    const w = variantOf(to!, width, rng.below(2) === 0 ? 0 : rng.below(4));
    const out = input.slice();
    for (let i = 0; i < width; i++) out[at + i] = Number((w >> BigInt(8 * i)) & 0xffn);
    return out;
  }
  return undefined;
}

function indexOfValue(input: Uint8Array, v: bigint, width: number): number {
  outer: for (let at = 0; at + width <= input.length; at++) {
    for (let i = 0; i < width; i++) if (input[at + i] !== Number((v >> BigInt(8 * i)) & 0xffn)) continue outer;
    return at;
  }
  return -1;
}

/** A learned comparison operand (or a form of it) at an aligned offset: 8 bytes when it needs them, else 4. */
function putLearned(r: Ioctl, src: MutationSource, learned: LearnedValues): Uint8Array {
  const { rng } = src;
  // The parent's own comparisons first (its compared field is in its input), then the recent ones.
  for (const pairs of [src.pairs ?? [], learned.pairs]) {
    if (pairs.length === 0 || rng.below(4) === 0) continue;
    const replaced = replaceOperand(r.input, pick(rng, pairs), rng);
    if (replaced) return replaced;
  }
  const v = pick(rng, learned.values);
  const width = v > 0xffffffffn ? 8 : 4;
  const w = variantOf(v, width, rng.below(2) === 0 ? 0 : rng.below(4));
  const slots = Math.max(1, Math.floor(Math.max(r.input.length, 8) / 4));
  const off = 4 * rng.below(Math.min(slots, 8));
  const out = resize(r.input, Math.min(MAX_INPUT, Math.max(r.input.length, off + width)));
  for (let i = 0; i < width && off + i < out.length; i++) out[off + i] = Number((w >> BigInt(8 * i)) & 0xffn);
  return out;
}

function flip(b: Uint8Array, rng: Prng): Uint8Array {
  if (b.length === 0) return randomBytes(rng, 1 + rng.below(16));
  const out = b.slice();
  const i = rng.below(out.length);
  out[i] = rng.below(2) === 0 ? out[i]! ^ (1 << rng.below(8)) : rng.below(256);
  return out;
}

function randomBytes(rng: Prng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.below(256);
  return out;
}
