/** Durations on dv's command line: `500ms`, `30s`, `2m`, `1h`; a bare number is seconds; 0 means no limit. */
import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** Milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`'${text}' is not a duration (e.g. 500ms, 30s, 2m, 1h; 0 for no limit)`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!);
}
