/**
 * `.frame [N]`: select frame N of the stopped thread's stack (no N: show the current one): its row
 * as `kn` shows it, with its source line. Locals are not shown: the dump keeps no stack frames'
 * memory for DWARF locations to read (wasm locals live outside simulated memory).
 */
import { CommandError, splitArgs, kdNumber, type Command } from '../command.ts';
import { hex8 } from '../format.ts';
import { sourceSuffix } from '../stack-text.ts';
import type { DebugTarget } from '../target.ts';

/** The code address of the current frame (the top frame when none was selected). */
export function framePc(t: DebugTarget): number {
  const stack = t.dump.context?.stack ?? [];
  const pc = stack[t.frame];
  if (pc === undefined) throw new CommandError('No current frame: the machine was not stopped by a bug check or a break.');
  return pc;
}

export const frame: Command = {
  name: '.frame',
  syntax: '.frame [N]',
  help: 'Select frame N (hex, as k numbers them) of the stopped thread for lsa ., or show the current frame; no locals (the dump keeps no frame memory).',
  run(t, args) {
    const [n] = splitArgs(args);
    const stack = t.dump.context?.stack ?? [];
    if (n !== undefined) {
      const i = kdNumber(n);
      if (Number.isNaN(i)) throw new CommandError(`Couldn't resolve error at '${n}'`);
      if (i >= stack.length) throw new CommandError(`Frame ${n} does not exist: the stack has ${stack.length} frames.`);
      t.frame = i;
    }
    const pc = framePc(t);
    return [`${t.frame.toString(16).padStart(2, '0')} ${hex8(stack[t.frame + 1] ?? 0)} ${t.symbol(pc)}${sourceSuffix(t, pc)}`];
  },
};
