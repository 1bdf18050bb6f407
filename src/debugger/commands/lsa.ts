/** `lsa Address|.`: the source around an address (`.`: the current frame's), its line marked with `>`. */
import { CommandError, splitArgs, type Command } from '../command.ts';
import { parseAddress } from '../address.ts';
import { hex8 } from '../format.ts';
import { sourceFile } from '../source.ts';
import { currentFrame } from './frame.ts';

/** Lines shown before and after the address's line (our numbers: ten lines, as kd's `ls` shows). */
const BEFORE = 4;
const AFTER = 5;

export const lsa: Command = {
  name: 'lsa',
  syntax: 'lsa Address|.',
  help: "Display the source lines around an address (. for the current frame's), its own line marked with >.",
  run(t, args) {
    const [a] = splitArgs(args);
    if (a === undefined) throw new CommandError('Usage: lsa Address|.');
    // `.`: the current frame's line, which for a frame that called an inlined function is the call's.
    const frame = a === '.' ? currentFrame(t) : undefined;
    const address = frame ? frame.pc : parseAddress(t, a);
    const line = frame ? frame.source : t.line(address);
    if (!line) return [`No line number information for ${hex8(address)}`];
    const text = sourceFile(line.file, t.resolve(address)?.module);
    if (!text) return [`Couldn't find source file '${line.file}'`];
    const out: string[] = [];
    for (let n = Math.max(1, line.line - BEFORE); n <= Math.min(text.length, line.line + AFTER); n++) {
      out.push(`${n === line.line ? '>' : ' '}${String(n).padStart(5)}: ${text[n - 1]!}`.trimEnd());
    }
    return out;
  },
};
