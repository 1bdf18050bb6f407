/**
 * The machine's memory size as dv run's --memory and a scenario give it (physical-memory.ts derives the
 * pool limits from it). A file of its own, importing nothing: the CLI parses the option before it loads the kernel.
 */
export const MiB = 1024 * 1024;
export const DEFAULT_MEMORY = 512 * MiB;
/** The smallest machine that boots with room to spare for a driver; the largest a 32-bit machine addresses. */
export const MIN_MEMORY = 16 * MiB;
export const MAX_MEMORY = 4096 * MiB;

export class MemorySizeError extends Error {}

/** `512M`, `1G`, `65536K` or a byte count; a size outside [MIN_MEMORY, MAX_MEMORY] is refused. */
export function parseMemorySize(text: string): number {
  const m = /^\s*(\d+)\s*(?:([KMG])i?)?B?\s*$/i.exec(text);
  if (!m) throw new MemorySizeError(`'${text}' is not a memory size (e.g. 512M, 1G, 65536K)`);
  const unit = { K: 1024, M: MiB, G: 1024 * MiB }[(m[2] ?? '').toUpperCase() as 'K' | 'M' | 'G'] ?? 1;
  const bytes = Number(m[1]) * unit;
  if (!(bytes >= MIN_MEMORY && bytes <= MAX_MEMORY)) {
    throw new MemorySizeError(`memory size '${text}' is out of range: from ${MIN_MEMORY / MiB}M to ${MAX_MEMORY / MiB / 1024}G`);
  }
  return bytes;
}
