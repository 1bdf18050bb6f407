/** Boot a machine with one bench driver loaded (verified with `flags`, or not) and its device open. */
import { basename, isAbsolute, join } from 'node:path';
import { Machine } from '../src/system/machine.ts';
import type { LoadedImage } from '../src/loader/image.ts';

export const BENCH_DIR = import.meta.dirname ?? new URL('.', import.meta.url).pathname;

export interface BenchDevice {
  readonly machine: Machine;
  readonly image: LoadedImage;
  /** One DeviceIoControl from the user thread: status, Information and the output bytes. */
  ioctl(code: number, input: Uint8Array, outputLength: number): { status: number; information: number; output: Uint8Array };
  /** Close the device handle (before an unload, as a client would). */
  close(): void;
}

/**
 * `driver` is a file name under bench/drivers, e.g. 'Echo.ts', or the absolute path of a built image
 * (a C driver's .wasm, c-drivers.ts); the image name is its base name as .sys, e.g. Echo.sys.
 */
export async function openBenchDriver(driver: string, device: string, flags: number | undefined, captureStacks = true, memoryChecks = true): Promise<BenchDevice> {
  const imageName = basename(driver).replace(/\.(ts|wasm)$/, '.sys');
  const machine = new Machine({ verifier: flags === undefined ? undefined : { flags, drivers: [imageName] }, captureStacks, memoryChecks });
  const image = await machine.loadDriver(isAbsolute(driver) ? driver : join(BENCH_DIR, 'drivers', driver));
  const k = machine.kernel;
  const { file } = k.runInThread(k.userThread, () => k.io.files.openDevice(device));
  return {
    machine,
    image,
    ioctl: (code, input, outputLength) => k.runInThread(k.userThread, () => k.io.files.deviceIoControl(file, code, input, outputLength)),
    close: () => k.runInThread(k.userThread, () => k.io.files.closeFile(file)),
  };
}

/** A ULONG as a 4-byte little-endian input buffer. */
export function ulong(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}
