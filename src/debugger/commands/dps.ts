/** `dps` / `dds` Address [L Count]: pointer-sized values, each followed by the symbol it points into. */
import type { Command } from '../command.ts';
import { parseRange } from '../address.ts';
import { hex8 } from '../format.ts';

/** 128 bytes of 32-bit pointers, as the docs give for a plain address. */
const DEFAULT_COUNT = 0x20;

export const dps: Command = {
  name: 'dps',
  aliases: ['dds'],
  syntax: 'dps Address [L Count]',
  help: 'Display pointers with their symbols (a return address or function pointer named as Module!Function+0xOffset).',
  run(t, args) {
    const { address, count } = parseRange(t, args, DEFAULT_COUNT);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const a = (address + 4 * i) >>> 0;
      const v = t.u32(a);
      if (v === undefined) {
        out.push(`${hex8(a)}  ????????`);
        continue;
      }
      const code = t.code(v);
      out.push(t.resolve(code) ? `${hex8(a)}  ${hex8(v)} ${t.symbol(code)}` : `${hex8(a)}  ${hex8(v)}`);
    }
    return out;
  },
};
