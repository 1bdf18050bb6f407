/**
 * ExUuidCreate: version-4 (random) UUIDs, from a generator seeded once per machine, so that every
 * run gives the same sequence. The bits are SplitMix64 over a counter; the version (4) and the
 * RFC 4122 variant (binary 10) are set as a random UUID has them.
 */
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

/** The machine's seed: the generator's first state. */
export const UUID_SEED = 0x6476_5555_4944_0001n;
const MASK64 = (1n << 64n) - 1n;

function splitmix64(state: bigint): bigint {
  let z = (state + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** Each machine's generator position, in a side table a machine snapshot reaches (system/snapshot/graph.ts), where a closure's variable it could not. */
const generators = new WeakMap<Kernel, { counter: bigint }>();

export function uuidExports(k: Kernel) {
  const g = { counter: 0n };
  generators.set(k, g);
  const next = (): bigint => splitmix64(UUID_SEED + 0x9e3779b97f4a7c15n * g.counter++);
  return {
    /** *Uuid receives the next UUID (a GUID: Data1, Data2, Data3, Data4[8]). */
    ExUuidCreate(Uuid: number): number {
      const u = Uuid >>> 0;
      const hi = next();
      const lo = next();
      const bytes = new Uint8Array(16);
      for (let i = 0; i < 8; i++) {
        bytes[i] = Number((hi >> BigInt(8 * i)) & 0xffn);
        bytes[8 + i] = Number((lo >> BigInt(8 * i)) & 0xffn);
      }
      // Data3 (bytes 6-7, little-endian): version 4 in its top nibble. Data4[0]: variant 10xxxxxx.
      bytes[7] = (bytes[7]! & 0x0f) | 0x40;
      bytes[8] = (bytes[8]! & 0x3f) | 0x80;
      k.as.write(u, bytes);
      return STATUS.SUCCESS;
    },
  };
}
