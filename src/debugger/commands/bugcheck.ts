/** `.bugcheck`: the code and the four parameters. */
import type { Command } from '../command.ts';
import { hex8 } from '../format.ts';

export const bugcheck: Command = {
  name: '.bugcheck',
  syntax: '.bugcheck',
  help: 'Display the bug check code and its four parameters.',
  run(t) {
    const bc = t.dump.bugCheck;
    if (!bc) return ['No bug check has occurred.'];
    return [`Bugcheck code ${hex8(bc.code)}`, `Arguments ${bc.params.map(hex8).join(' ')}`];
  },
};
