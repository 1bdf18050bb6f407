/**
 * `k`: the stack of the thread that was running at the bug check. The simulator keeps no frame
 * pointers or argument words, so rows give the return address and the call site only, with a row
 * for each inlined call (DWARF's inline frames).
 */
import type { Command } from '../command.ts';
import { hex8 } from '../format.ts';
import { expandFrames, sourceText } from '../frames.ts';

export const k: Command = {
  name: 'k',
  aliases: ['kb', 'kn', 'kv', 'kp'],
  syntax: 'k',
  help: 'Display the stack of the current thread: return address and call site of each frame (with .lines on, its source line).',
  run(t) {
    const ctx = t.dump.context;
    if (!ctx) return ['No thread context: the machine was not stopped by a bug check.'];
    // Inline frames (code a call was inlined into) are numbered too, their return address column dashed.
    const rows = expandFrames(t, ctx.stack).map((f, i) => {
      const ret = f.ret === undefined ? '--------' : hex8(f.ret);
      const name = f.ret === undefined ? `${f.name} (Inline Function)` : f.name;
      return `${i.toString(16).padStart(2, '0')} ${ret} ${name}${t.sourceLines ? sourceText(f) : ''}`;
    });
    return [' # RetAddr  Call Site', ...rows];
  },
};
