/**
 * `k`: the stack of the thread that was running at the bug check. The simulator keeps no frame
 * pointers or argument words, so rows give the return address and the call site only.
 */
import type { Command } from '../command.ts';
import { stackRows } from '../stack-text.ts';

export const k: Command = {
  name: 'k',
  aliases: ['kb', 'kn', 'kv', 'kp'],
  syntax: 'k',
  help: 'Display the stack of the current thread: return address and call site of each frame (with .lines on, its source line).',
  run(t) {
    const ctx = t.dump.context;
    if (!ctx) return ['No thread context: the machine was not stopped by a bug check.'];
    return stackRows(t, ctx.stack, true, t.sourceLines);
  },
};
