/** `ln Address`: the nearest symbols around an address, with its source line when known. */
import { parseNumber, splitArgs, CommandError, type Command } from '../command.ts';
import { hex, hex8 } from '../format.ts';

export const ln: Command = {
  name: 'ln',
  syntax: 'ln Address',
  help: 'List the nearest symbols: the function containing Address (+offset), the next one, and the source line.',
  run(t, args) {
    const [a] = splitArgs(args);
    if (a === undefined) throw new CommandError('Usage: ln Address');
    const address = parseNumber(a);
    const r = t.resolve(address);
    if (!r) return [`No module contains ${hex8(address)}.`];
    const out: string[] = [];
    const line = t.line(address);
    if (line) out.push(`${line.file}(${line.line})+0x${hex(address - line.lineStart)}`);
    // Code of an inlined call is named by the function inlined there, from its entry, as WinDbg's inline frames are.
    const inl = t.inlined(address);
    const left = inl
      ? `(${hex8(inl.entry)})   ${inl.name}${inl.offset ? `+0x${hex(inl.offset)}` : ''}`
      : r.fn
        ? `(${hex8(r.fn.start)})   ${t.symbol(address)}`
        : `(${hex8(r.module.base)})   ${r.module.name}+0x${hex(address - r.module.base)}`;
    const right = r.next ? `   |  (${hex8(r.next.start)})   ${r.module.name}!${r.next.name}` : '';
    out.push(left + right);
    if (inl) out.push(`Inlined into ${inl.caller}, called from line ${inl.callLine}`);
    return out;
  },
};
