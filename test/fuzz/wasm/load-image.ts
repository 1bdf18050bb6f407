/**
 * Load one (mutated) driver image the way `dv run` does, in-process, and say how it ended. Allowed:
 * it loads (and unloads), or a SimulatorError (the load error users see as exit 2), or a bug check of
 * the table raised by the driver's own code (a wasm trap is the driver's fault), or a HangError.
 * Anything else is a failure: a host exception out of the loader, or out of the parsers under it
 * (they must throw MalformedWasmError, which the loader turns into a clear message).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BugCheck, HangError, SimulatorError } from '../../../src/kernel/errors.ts';
import { MalformedWasmError } from '../../../src/loader/wasm/reader.ts';
import { describeModule } from '../../../src/loader/wasm/module-info.ts';
import { bugCheckInfo } from '../../../src/nt/bugcheck.ts';
import { STANDARD_FLAGS } from '../../../src/verifier/flags.ts';
import { Machine } from '../../../src/system/machine.ts';

export type ImageOutcome =
  | { readonly kind: 'loaded' }
  | { readonly kind: 'load-error'; readonly message: string }
  | { readonly kind: 'bugcheck'; readonly code: number }
  | { readonly kind: 'hang'; readonly message: string }
  | { readonly kind: 'failure'; readonly message: string };

const DIR = join(tmpdir(), `dv-fuzz-images-${process.pid}`);

/** Host exceptions a driver's own wasm code raises: traps, and the stack overflow of runaway recursion. */
const driverFault = (message: string) => /^RuntimeError: /.test(message) || /Maximum call stack size exceeded/.test(message);

export async function loadImage(bytes: Uint8Array, name = 'Mutant'): Promise<ImageOutcome> {
  try {
    describeModule(bytes);
  } catch (e) {
    if (!(e instanceof MalformedWasmError)) return { kind: 'failure', message: `describeModule threw ${errorText(e)}` };
  }
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `${name}.wasm`);
  writeFileSync(file, bytes);
  const machine = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: [`${name}.sys`] }, captureStacks: false });
  try {
    return await load(machine, file);
  } finally {
    // The loader has read the file by now: leave nothing behind in the temp folder.
    rmSync(DIR, { recursive: true, force: true });
  }
}

async function load(machine: Machine, file: string): Promise<ImageOutcome> {
  try {
    const image = await machine.loadDriver(file);
    if (machine.kernel.io.canUnload(image.driverObject)) machine.unloadDriver(image);
    machine.shutdown();
    return { kind: 'loaded' };
  } catch (e) {
    if (e instanceof HangError) return { kind: 'hang', message: e.message };
    if (e instanceof SimulatorError) return { kind: 'load-error', message: e.message };
    if (e instanceof BugCheck) {
      if (bugCheckInfo(e.code).name.startsWith('BUGCHECK_')) return { kind: 'failure', message: `bug check 0x${e.code.toString(16)} is not in the table` };
      const exception = machine.kernel.crash?.exception;
      if (exception && !driverFault(exception.message)) return { kind: 'failure', message: `bug check 0x${e.code.toString(16)} charges a host exception to the driver: ${exception.message}` };
      return { kind: 'bugcheck', code: e.code };
    }
    return { kind: 'failure', message: `load threw ${errorText(e)}` };
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message} ${e.stack?.split('\n').slice(1, 4).join(' ').replace(/\s+/g, ' ') ?? ''}` : String(e);
}
