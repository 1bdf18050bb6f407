/** dv run --registry FILE: the file's operations, or a RegistryFileError (exit 2) naming the file and line. */
import { readFileSync } from 'node:fs';
import { parseRegistryFile } from '../kernel/cm/registry-file.ts';
import { RegistryFileError, type SeedOp } from '../kernel/cm/seed.ts';

export function readRegistrySeed(path: string): SeedOp[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new RegistryFileError(path, undefined, `cannot read the registry file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseRegistryFile(bytes, path);
}
