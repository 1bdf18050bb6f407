/** A debugger command: a row in the command table. `help` is generated from these rows. */
import type { DebugTarget } from './target.ts';

export interface Command {
  /** What the user types: `!analyze`, `ln`, `.bugcheck`. */
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly syntax: string;
  readonly help: string;
  /** `name` is what the user typed (the command's name or one of its aliases, lower case). */
  run(target: DebugTarget, args: string, name: string): string[];
}

/** A usage error: printed as the command's output, never a crash. */
export class CommandError extends Error {}

/**
 * The number rule of kd, which dv's command line follows too: hex by default (`222003` and
 * `0x222003` are the same), `0n` for decimal (`0n16`), backquotes ignored. NaN if `text` is not a
 * number; the value may exceed 32 bits (callers check their own range).
 */
export function kdNumber(text: string): number {
  const t = text.trim().toLowerCase().replace(/`/g, '');
  if (/^0n[0-9]+$/.test(t)) return Number(t.slice(2));
  if (/^(0x)?[0-9a-f]+$/.test(t)) return Number.parseInt(t.replace(/^0x/, ''), 16);
  return NaN;
}

/** A 32-bit target value read as kd reads it. */
export function parseNumber(text: string): number {
  const v = kdNumber(text);
  if (Number.isNaN(v)) throw new CommandError(`Couldn't resolve error at '${text.trim()}'`);
  if (!Number.isSafeInteger(v) || v > 0xffffffff) throw new CommandError(`Value ${text.trim()} does not fit a 32-bit target address`);
  return v >>> 0;
}

/**
 * `[Driver...] [-a Address]`, as the log commands take them (!wdflogdump, !rcdrlogdump): the names
 * and the address; `-a` without a number, or another option, is the command's usage error.
 */
export function driversAndAddress(args: string, usage: string, otherOptions = ''): { names: string[]; at: number | undefined } {
  const words = splitArgs(args);
  let at: number | undefined;
  const names: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.toLowerCase() === '-a') {
      if (words[i + 1] === undefined) throw new CommandError(`Usage: ${usage}`);
      at = parseNumber(words[++i]!);
    } else if (w.startsWith('-')) throw new CommandError(`Unknown option ${w}: only -a Address is supported${otherOptions}`);
    else names.push(w);
  }
  return { names, at };
}

export function splitArgs(args: string): string[] {
  return args.trim().split(/\s+/).filter((a) => a.length > 0);
}
