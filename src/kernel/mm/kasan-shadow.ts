/**
 * The shadow clang's AddressSanitizer keeps for a `dv build --kasan` image (VA_MAP.kasanShadow): one
 * byte per 8-byte granule at kasanShadow.start + (va >> 3), the address the instrumented code computes
 * inline (dv build passes the base as -asan-mapping-offset). ASan's encoding, not mm's (shadow.ts):
 * 0 = the whole granule may be touched, 1..7 = its first k bytes, a negative byte (0xF1..) = poisoned,
 * with the code saying why. Memory nobody poisoned reads 0, so the 512 MiB cost nothing until used.
 *
 * clang's code poisons and unpoisons its own frames; the kernel's parts are the runtime's
 * (loader/wasm/kasan.ts: globals, reports, no-return calls) and a clean shadow for a reused stack.
 */
import { VA_MAP, type AddressSpace } from './address-space.ts';
import { SHADOW_GRANULE, SHADOW_SCALE } from './shadow.ts';

/** The ASan shadow byte's address for `va`. */
export const kasanShadowAddress = (va: number): number => (VA_MAP.kasanShadow.start + ((va >>> 0) >>> SHADOW_SCALE)) >>> 0;

/** The ASan shadow byte of the granule holding `va` (0..255). */
export const kasanShadowAt = (as: AddressSpace, va: number): number => as.u8(kasanShadowAddress(va));

/** The shadow bytes covering [va, va+length): first byte and count (va need not be aligned). */
function span(va: number, length: number): [number, number] {
  const a = va >>> 0;
  const first = kasanShadowAddress(a);
  const last = kasanShadowAddress(a + Math.max(length, 1) - 1);
  return [first, last - first + 1];
}

/**
 * The first byte of [va, va+length) ASan's shadow forbids, or -1. A granule's byte k in 1..7 allows
 * its first k bytes; a poisoned (negative) one allows none.
 */
export function kasanFirstBad(as: AddressSpace, va: number, length: number): number {
  const a = va >>> 0;
  const end = a + Math.max(length, 1);
  for (let x = a; x < end; ) {
    const s = kasanShadowAt(as, x);
    if (s === 0) {
      x = (((x >>> SHADOW_SCALE) + 1) << SHADOW_SCALE) >>> 0;
      if (x === 0) break; // wrapped past the top
      continue;
    }
    if (s < 0x80 && (x & (SHADOW_GRANULE - 1)) < s) {
      x++;
      continue;
    }
    return x;
  }
  return -1;
}

/**
 * The code that says what the byte at `va` is: its granule's, or for a byte past the accessible part
 * of a partial granule, the next granule's (the redzone the access runs into).
 */
export function kasanCodeOf(as: AddressSpace, va: number): number {
  const s = kasanShadowAt(as, va);
  if (s >= 1 && s < SHADOW_GRANULE) return kasanShadowAt(as, (va >>> 0) + SHADOW_GRANULE);
  return s;
}

/** Granules from `va` (8-aligned) covering `length` bytes take `code` (0 unpoisons them). */
export function kasanPoison(as: AddressSpace, va: number, length: number, code: number): void {
  if (length <= 0) return;
  as.fill(kasanShadowAddress(va), Math.ceil(length / SHADOW_GRANULE), code);
}

/**
 * [va, va+length) may be touched again: its shadow bytes are zeroed, but only when one is not already
 * (a look costs no host memory; a write to never-touched shadow would commit it).
 */
export function kasanUnpoison(as: AddressSpace, va: number, length: number): void {
  if (length <= 0) return;
  const [first, count] = span(va, length);
  if (as.findMismatch(first, count, 0) >= 0) as.fill(first, count, 0);
}
