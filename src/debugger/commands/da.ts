/**
 * `da` / `du` Address [L Count]: an ASCII or a UTF-16 string, up to its NUL or Count characters,
 * 48 characters a row, each row quoted after its address; unprintable characters as periods.
 */
import type { Command } from '../command.ts';
import { parseRange } from '../address.ts';
import { hex8 } from '../format.ts';

const ROW_CHARS = 48;
/** Characters shown when no L Count is given and no NUL comes sooner (our number). */
const DEFAULT_CHARS = 0x100;

export const da: Command = {
  name: 'da',
  aliases: ['du'],
  syntax: 'da|du Address [L Count]',
  help: 'Display an ASCII (da) or Unicode (du) string up to its NUL, 48 characters a row.',
  run(t, args, name) {
    const unicode = name === 'du';
    const width = unicode ? 2 : 1;
    const { address, count } = parseRange(t, args, DEFAULT_CHARS);
    const out: string[] = [];
    let row = '';
    let rowStart = address;
    for (let i = 0; i < count; i++) {
      const a = (address + i * width) >>> 0;
      const c = unicode ? t.u16(a) : t.u8(a);
      if (c === undefined) {
        // A character the dump does not hold ends the string as kd's unreadable memory does.
        out.push(`${hex8(rowStart)}  ${row === '' ? '????????' : `"${row}"`}`);
        return out;
      }
      if (c === 0) break;
      row += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
      if (row.length === ROW_CHARS) {
        out.push(`${hex8(rowStart)}  "${row}"`);
        row = '';
        rowStart = (address + (i + 1) * width) >>> 0;
      }
    }
    if (row !== '' || out.length === 0) out.push(`${hex8(rowStart)}  "${row}"`);
    return out;
  },
};
