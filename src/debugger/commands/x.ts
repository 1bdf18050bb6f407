/** `x Module!Pattern`: the symbols whose names match (kd's wildcards: `*` any run, `?` one character), by address. */
import { CommandError, splitArgs, type Command } from '../command.ts';
import { hex8 } from '../format.ts';

export const wildcard = (s: string) => new RegExp(`^${s.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');

export const x: Command = {
  name: 'x',
  syntax: 'x Module!Pattern',
  help: 'Examine symbols: every function of the module (* and ? wildcards in either part) whose name matches, with its address.',
  run(t, args) {
    const [spec] = splitArgs(args);
    if (spec === undefined || !spec.includes('!')) throw new CommandError('Usage: x Module!Pattern');
    const bang = spec.indexOf('!');
    const [mod, name] = [wildcard(spec.slice(0, bang)), wildcard(spec.slice(bang + 1))];
    const modules = t.modules.filter((m) => mod.test(m.name));
    if (modules.length === 0) return [`Couldn't resolve '${spec}'`];
    const rows = modules.flatMap((m) => m.symbols.functions.filter((f) => name.test(f.name)).map((f) => ({ start: f.start, text: `${hex8(f.start)} ${m.name}!${f.name} (<no parameter info>)` })));
    return rows.sort((a, b) => a.start - b.start).map((r) => r.text);
  },
};
