/** `lm`: loaded modules, then unloaded ones. */
import type { Command } from '../command.ts';
import { hex8 } from '../format.ts';

export const lm: Command = {
  name: 'lm',
  syntax: 'lm',
  help: 'List loaded modules (start, end, name, symbols) and unloaded modules.',
  run(t) {
    const out = ['start    end        module name'];
    for (const m of t.modules) {
      const syms = (m.symbols.lines.length > 0 ? `(private symbols)  ${m.symbols.files[0] ?? ''}` : '(export symbols)') + (m.kasan ? '  KASAN' : '');
      out.push(`${hex8(m.base)} ${hex8(m.base + m.size)}   ${m.name.padEnd(10)} ${syms}`.trimEnd());
    }
    if (t.dump.unloadedModules.length > 0) {
      out.push('', 'Unloaded modules:');
      for (const m of t.dump.unloadedModules) out.push(`${hex8(m.base)} ${hex8(m.base + m.size)}   ${m.imageName}`);
    }
    return out;
  },
};
