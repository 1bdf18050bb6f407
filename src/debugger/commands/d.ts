/**
 * `db`, `dw`, `dd`, `dq`, `dp` Address [L Count]: memory as bytes (with their characters), words,
 * double words or quad words, 16 bytes a row as kd shows them. A byte the dump does not hold is `??`.
 */
import type { Command } from '../command.ts';
import { parseRange } from '../address.ts';
import { hex8 } from '../format.ts';
import type { DebugTarget } from '../target.ts';

/** Each form's item size; every form shows 128 bytes by default (the d* page of the debugger docs). */
const ITEM_SIZE: Record<string, number> = { db: 1, dw: 2, dd: 4, dp: 4, dq: 8 };
const ROW_BYTES = 16;
const DEFAULT_BYTES = 0x80;

const printable = (b: number | undefined) => (b === undefined ? '?' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

function item(t: DebugTarget, address: number, size: number): string {
  const bytes: number[] = [];
  for (let i = 0; i < size; i++) {
    const b = t.u8(address + i);
    if (b === undefined) return '?'.repeat(size * 2 + (size === 8 ? 1 : 0));
    bytes.push(b);
  }
  const hexOf = (from: number, to: number) => bytes.slice(from, to).reverse().map((b) => b.toString(16).padStart(2, '0')).join('');
  // A quad word on a 32-bit target: its two halves split by a backquote, as kd prints 64-bit values.
  return size === 8 ? `${hexOf(4, 8)}\`${hexOf(0, 4)}` : hexOf(0, size);
}

export function displayMemory(t: DebugTarget, form: string, address: number, count: number): string[] {
  const size = ITEM_SIZE[form]!;
  const end = address + count * size;
  const out: string[] = [];
  for (let row = address; row < end; row += ROW_BYTES) {
    const items: string[] = [];
    for (let a = row; a < Math.min(row + ROW_BYTES, end); a += size) items.push(item(t, a >>> 0, size));
    if (size === 1) {
      // Bytes: the eighth and ninth split by a hyphen, then the row's characters.
      const cells = items.map((c, i) => (i === 8 ? `-${c}` : i === 0 ? c : ` ${c}`)).join('');
      const chars = items.map((_, i) => printable(t.u8((row + i) >>> 0))).join('');
      out.push(`${hex8(row)}  ${cells.padEnd(ROW_BYTES * 3 - 1)}  ${chars}`);
    } else out.push(`${hex8(row)}  ${items.join(' ')}`);
  }
  return out;
}

export const d: Command = {
  name: 'db',
  aliases: ['dw', 'dd', 'dq', 'dp'],
  syntax: 'db|dw|dd|dq|dp Address [L Count]',
  help: 'Display memory as bytes and characters (db), words (dw), double words (dd, dp) or quad words (dq); 128 bytes unless L Count says how many items.',
  run(t, args, name) {
    const form = name in ITEM_SIZE ? name : 'db';
    const { address, count } = parseRange(t, args, DEFAULT_BYTES / ITEM_SIZE[form]!);
    return displayMemory(t, form, address, count);
  },
};
