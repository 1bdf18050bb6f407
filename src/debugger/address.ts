/**
 * Addresses and ranges as kd reads them: a number (hex by default), a symbol (`MyDriver!DriverEntry`,
 * `nt!IofCallDriver+0x10`), and a range's length as `L count` or `L?count`.
 */
import { CommandError, kdNumber, parseNumber } from './command.ts';
import type { DebugTarget } from './target.ts';

/** A number, or `[Module!]Function[+|-Offset]`; kd's error text when it is neither. */
export function parseAddress(t: DebugTarget, text: string): number {
  const s = text.trim();
  if (!Number.isNaN(kdNumber(s))) return parseNumber(s);
  const m = /^([A-Za-z_$.?@][\w$.?@]*(?:![\w$.?@]+)?)(?:([+-])(\S+))?$/.exec(s);
  const fn = m ? t.findFunction(m[1]!) : undefined;
  if (!m || !fn) throw new CommandError(`Couldn't resolve error at '${s}'`);
  const offset = m[3] === undefined ? 0 : parseNumber(m[3]);
  return (m[2] === '-' ? fn.start - offset : fn.start + offset) >>> 0;
}

/** Largest count a range may ask for: kd refuses more than 256 MB; a dump command needs far less. */
export const MAX_RANGE_ITEMS = 0x10000;

/**
 * `Address [L[?]Count]` (or `Address L Count`): the start and the number of items, `defaultCount`
 * when no length is given. Throws kd's error text for a bad address or count.
 */
export function parseRange(t: DebugTarget, args: string, defaultCount: number): { address: number; count: number; given: boolean } {
  const m = /^(\S+)(?:\s+[lL]\??\s*(\S+))?\s*$/.exec(args.trim());
  if (!m) throw new CommandError(`Couldn't resolve error at '${args.trim()}'`);
  const address = parseAddress(t, m[1]!);
  if (m[2] === undefined) return { address, count: defaultCount, given: false };
  const count = kdNumber(m[2]);
  if (Number.isNaN(count)) throw new CommandError(`Couldn't resolve error at '${m[2]}'`);
  if (count === 0 || count > MAX_RANGE_ITEMS) throw new CommandError(`Range error in '${args.trim()}': the count must be 1 to 0x${MAX_RANGE_ITEMS.toString(16)}`);
  return { address, count, given: true };
}
