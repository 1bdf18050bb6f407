/**
 * What a user-mode caller of NtDeviceIoControlFile really hands over, beyond well-formed buffers: lengths
 * larger than its buffers (the classic lie), pointers that are not its buffers (NULL, a kernel address, an
 * unmapped user address), and a second thread that rewrites its input while the request runs (the double
 * fetch a METHOD_NEITHER driver must guard against by capturing what it read once).
 *
 * The I/O manager's answer is IopXxxControlFile's. For every method but METHOD_NEITHER it works on the
 * caller's buffers itself, from a user-mode caller under try/except: a NULL buffer counts as length 0 (the
 * output of METHOD_IN/OUT_DIRECT keeps its length and gets no MDL), the input is probed and copied into the
 * system buffer, METHOD_BUFFERED's output is probed for write, a direct output is locked (MmProbeAndLockPages);
 * a bad range faults there and the service returns the exception's code, STATUS_ACCESS_VIOLATION, before any
 * driver sees an IRP. METHOD_NEITHER hands the pointers and lengths to the driver as they are: probing them
 * (ProbeForRead/ProbeForWrite under __try) is the driver's job.
 */
import { METHOD_IN_DIRECT, METHOD_NEITHER, METHOD_OUT_DIRECT } from '../../nt/io.ts';
import type { Kernel } from '../kernel.ts';
import { isAccessible, MM_USER_PROBE_ADDRESS, PAGE_SIZE, PageKind, VA_MAP } from '../mm/address-space.ts';

/** Pointers a caller may pass instead of its buffer. */
export const BAD_POINTERS = ['null', 'kernel', 'unmapped'] as const;
export type BadPointer = (typeof BAD_POINTERS)[number];

/** A kernel address no page backs (between the driver images and mm's shadow): a driver that reads it unprobed faults (0x50). */
export const BAD_KERNEL_ADDRESS = VA_MAP.images.end;
/** A user address Windows never maps (in the first 64 KiB, the NULL-pointer guard): touching it raises STATUS_ACCESS_VIOLATION. */
export const UNMAPPED_USER_ADDRESS = 0xf000;

const BAD_ADDRESS: Record<BadPointer, number> = { null: 0, kernel: BAD_KERNEL_ADDRESS, unmapped: UNMAPPED_USER_ADDRESS };

/** Another thread of the caller writes `data` at `offset` of the input buffer when the driver makes its `call`-th DDI call (1-based) of the request. */
export interface RacingWrite {
  readonly call: number;
  readonly offset: number;
  readonly data: Uint8Array;
}

export interface CallerBuffers {
  /** The InputBufferLength the caller declares (default: the size of its input); larger is a lie: its buffer ends at an unmapped page. */
  readonly inputLength?: number;
  /** The output buffer the caller really has (default: the OutputBufferLength it declares); smaller is a lie, as above. */
  readonly outputSize?: number;
  readonly inputPointer?: BadPointer;
  readonly outputPointer?: BadPointer;
  readonly race?: RacingWrite;
}

/** A caller's buffer: the pointer it passes, and the user pages behind it (freed after the request). */
export interface UserBuffer {
  readonly va: number;
  readonly base: number;
  readonly size: number;
}

const NO_BUFFER: UserBuffer = Object.freeze({ va: 0, base: 0, size: 0 });

/**
 * The caller's buffer of `real` bytes, passed for `declared` bytes. Declared within the buffer: pages of
 * their own, as a well-formed request always had. Declared beyond it: the buffer ends (to 8 bytes) where the
 * caller's memory does, an unmapped page after it, so the declared bytes past the buffer fault.
 */
export function placeUserBuffer(k: Kernel, real: number, declared: number, bad: BadPointer | undefined): UserBuffer {
  if (bad !== undefined) return { va: BAD_ADDRESS[bad], base: 0, size: 0 };
  if (declared <= real) {
    if (real === 0) return NO_BUFFER;
    const va = k.allocateUser(real);
    return { va, base: va, size: real };
  }
  const mapped = Math.max(1, Math.ceil(real / PAGE_SIZE)) * PAGE_SIZE;
  const base = k.allocateUser(mapped + PAGE_SIZE);
  k.as.setPages(base + mapped, 1, PageKind.NoAccess);
  return { va: base + mapped - ((real + 7) & ~7), base, size: mapped + PAGE_SIZE };
}

export function freeUserBuffer(k: Kernel, b: UserBuffer): void {
  if (b.base !== 0) k.freeUser(b.base, b.size);
}

/** A range a user-mode caller may pass: below MmUserProbeAddress, not wrapping, every page there (what the probe and the copy need). */
export function userRangeValid(k: Kernel, va: number, length: number): boolean {
  if (length === 0) return true;
  const end = va + length;
  if (end > MM_USER_PROBE_ADDRESS || end < va) return false;
  for (let page = va - (va % PAGE_SIZE); page < end; page += PAGE_SIZE) if (!isAccessible(k.as.pageKind(page))) return false;
  return true;
}

/**
 * The lengths the IRP carries for `method`, and whether the I/O manager's own probes fail the request
 * (STATUS_ACCESS_VIOLATION, no IRP reaches the driver). METHOD_NEITHER: as declared, never failed here.
 */
export function checkCallerBuffers(k: Kernel, method: number, input: UserBuffer, inputLength: number, output: UserBuffer, outputLength: number): { inputLength: number; outputLength: number; fault: boolean } {
  if (method === METHOD_NEITHER) return { inputLength, outputLength, fault: false };
  const inLen = input.va === 0 ? 0 : inputLength;
  const direct = method === METHOD_IN_DIRECT || method === METHOD_OUT_DIRECT;
  const outLen = output.va === 0 && !direct ? 0 : outputLength;
  const fault = !userRangeValid(k, input.va, inLen) || (output.va !== 0 && !userRangeValid(k, output.va, outLen));
  return { inputLength: inLen, outputLength: outLen, fault };
}

/** The caller's other thread, armed for one request: it writes when the driver makes the chosen DDI call. */
export class RacingWriter {
  private calls = 0;
  constructor(
    private readonly k: Kernel,
    private readonly input: UserBuffer,
    /** The bytes of the input buffer the caller owns (the writer stays inside them). */
    private readonly owned: number,
    private readonly race: RacingWrite,
  ) {}

  /** The driver calls a DDI (the loader's import boundary calls this). */
  driverCalled(): void {
    if (++this.calls !== this.race.call) return;
    const n = Math.min(this.race.data.length, this.owned - this.race.offset);
    if (n > 0 && this.input.base !== 0) this.k.as.write(this.input.va + this.race.offset, this.race.data.subarray(0, n));
  }
}
