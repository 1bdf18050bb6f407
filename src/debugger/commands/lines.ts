/** `.lines [-e|-d|-t]`: turn source line display in stack rows on or off (no option: toggle). */
import { CommandError, splitArgs, type Command } from '../command.ts';

export const lines: Command = {
  name: '.lines',
  syntax: '.lines [-e|-d|-t]',
  help: 'Show source lines in stack rows (k): on (-e), off (-d), or toggle (-t, the default).',
  run(t, args) {
    const [o, extra] = splitArgs(args);
    if (extra !== undefined || (o !== undefined && !/^-[edt]$/i.test(o))) throw new CommandError('Usage: .lines [-e|-d|-t]');
    const mode = o?.toLowerCase() ?? '-t';
    t.sourceLines = mode === '-e' ? true : mode === '-d' ? false : !t.sourceLines;
    return [`Line number information will ${t.sourceLines ? '' : 'not '}be loaded`];
  },
};
