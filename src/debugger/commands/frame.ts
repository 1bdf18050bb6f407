/**
 * `.frame [N]`: select frame N of the stopped thread's stack (no N: show the current one): its row
 * as `kn` shows it, with its source line. `dv` then shows that frame's locals (locals.ts).
 */
import { CommandError, splitArgs, kdNumber, type Command } from '../command.ts';
import { hex8 } from '../format.ts';
import { expandFrames, sourceText, type Frame } from '../frames.ts';
import type { DebugTarget } from '../target.ts';

const framesOf = (t: DebugTarget): Frame[] => expandFrames(t, t.dump.context?.stack ?? []);

/** The current frame (the top frame when none was selected), numbered as `k` numbers it. */
export function currentFrame(t: DebugTarget): Frame {
  const f = framesOf(t)[t.frame];
  if (f === undefined) throw new CommandError('No current frame: the machine was not stopped by a bug check or a break.');
  return f;
}

export const frame: Command = {
  name: '.frame',
  syntax: '.frame [N]',
  help: 'Select frame N (hex, as k numbers them) of the stopped thread for lsa . and dv, or show the current frame.',
  run(t, args) {
    const [n] = splitArgs(args);
    const frames = framesOf(t);
    if (n !== undefined) {
      const i = kdNumber(n);
      if (Number.isNaN(i)) throw new CommandError(`Couldn't resolve error at '${n}'`);
      if (i >= frames.length) throw new CommandError(`Frame ${n} does not exist: the stack has ${frames.length} frames.`);
      t.frame = i;
    }
    const f = currentFrame(t);
    const ret = f.ret === undefined ? '--------' : hex8(f.ret);
    return [`${t.frame.toString(16).padStart(2, '0')} ${ret} ${f.name}${f.ret === undefined ? ' (Inline Function)' : ''}${sourceText(f)}`];
  },
};
