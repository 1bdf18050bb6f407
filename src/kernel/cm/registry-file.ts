/** A registry seed file, either format: JSON when it starts with '{', a .reg file otherwise. */
import { parseJsonRegistry } from './json-file.ts';
import { decodeRegFile, parseRegFile } from './reg-file.ts';
import type { SeedOp } from './seed.ts';

export function parseRegistryFile(bytes: Uint8Array, file: string): SeedOp[] {
  const text = decodeRegFile(bytes);
  return text.trimStart().startsWith('{') ? parseJsonRegistry(text, file) : parseRegFile(text, file);
}
