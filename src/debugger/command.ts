/** A debugger command: a row in the command table. `help` is generated from these rows. */
import type { DebugTarget } from './target.ts';

export interface Command {
  /** What the user types: `!analyze`, `ln`, `.bugcheck`. */
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly syntax: string;
  readonly help: string;
  run(target: DebugTarget, args: string): string[];
}

/** A usage error: printed as the command's output, never a crash. */
export class CommandError extends Error {}

/** kd reads numbers in hex by default; `0x` is hex, `0n` decimal. */
export function parseNumber(text: string): number {
  const t = text.trim().toLowerCase().replace(/`/g, '');
  let v: number;
  if (/^0n[0-9]+$/.test(t)) v = Number(t.slice(2));
  else if (/^(0x)?[0-9a-f]+$/.test(t)) v = Number.parseInt(t.replace(/^0x/, ''), 16);
  else throw new CommandError(`Couldn't resolve error at '${text.trim()}'`);
  if (!Number.isSafeInteger(v) || v > 0xffffffff) throw new CommandError(`Value ${text.trim()} does not fit a 32-bit target address`);
  return v >>> 0;
}

export function splitArgs(args: string): string[] {
  return args.trim().split(/\s+/).filter((a) => a.length > 0);
}
