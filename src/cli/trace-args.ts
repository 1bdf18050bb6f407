/** dv run's WPP options: --trace-level. */
import { InvalidArgumentError } from 'commander';

/** A TRACE_LEVEL_* value: 0 to 255 (1 fatal ... 5 verbose), as tracelog -level takes it. */
export function parseTraceLevel(text: string): number {
  const n = /^\d{1,3}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n >= 0 && n <= 255)) throw new InvalidArgumentError(`'${text}' is not a trace level: 0 to 255 (1 fatal, 2 error, 3 warning, 4 information, 5 verbose)`);
  return n;
}
