/**
 * `k`: the stack of the thread that was running at the bug check. The simulator keeps no frame
 * pointers or argument words, so rows give the return address and the call site only.
 */
import type { Command } from '../command.ts';
import { hex8 } from '../format.ts';

export const k: Command = {
  name: 'k',
  aliases: ['kb', 'kn', 'kv', 'kp'],
  syntax: 'k',
  help: 'Display the stack of the current thread: return address and call site of each frame.',
  run(t) {
    const ctx = t.dump.context;
    if (!ctx) return ['No thread context: the machine was not stopped by a bug check.'];
    const out = [' # RetAddr  Call Site'];
    ctx.stack.forEach((pc, i) => out.push(`${i.toString(16).padStart(2, '0')} ${hex8(ctx.stack[i + 1] ?? 0)} ${t.symbol(pc)}`));
    return out;
  },
};
