/**
 * `dv [/t] [/v] [/i] [Pattern]`: the parameters and locals of the current frame (`.frame N` selects it;
 * an inline frame shows the inlined function's), names right-aligned to the longest, `= value` after.
 * `/t` puts each type before its name, `/v` each location first (an address, or the wasm local the
 * value is in), `/i` the kind (`prv param`, `prv local`), each a column of its own (our layout: the
 * reference documents the flags, not the columns). A frame whose code has no DWARF locals (a
 * TypeScript driver, the kernel) gets kd's answer for a module without private symbols.
 */
import { CommandError, splitArgs, type Command } from '../command.ts';
import { frameVariables, locationText, valueText } from '../locals.ts';
import { currentFrame } from './frame.ts';
import { wildcard } from './x.ts';

/** What kd prints when the frame's module has no private symbols (debugger error dbgerr005). */
export const NO_PRIVATE_SYMBOLS = ['Unable to enumerate locals, HRESULT 0x80004005', 'Private symbols (symbols.pri) are required for locals.', 'Type ".hh dbgerr005" for details.'];

const FLAGS = new Set(['/t', '/v', '/i']);

export const dv: Command = {
  name: 'dv',
  syntax: 'dv [/t] [/v] [/i] [Pattern]',
  help: 'Display the parameters and locals of the current frame (.frame N selects it) with their values: /t types, /v locations, /i kinds; Pattern with * and ?.',
  run(t, args) {
    const words = splitArgs(args);
    const flags = new Set<string>();
    let pattern: string | undefined;
    for (const w of words) {
      if (w.startsWith('/')) {
        if (!FLAGS.has(w)) throw new CommandError(`Invalid flag '${w}': usage: dv [/t] [/v] [/i] [Pattern]`);
        flags.add(w);
      } else if (pattern === undefined) pattern = w;
      else throw new CommandError('Usage: dv [/t] [/v] [/i] [Pattern]');
    }
    const frame = currentFrame(t);
    const all = frameVariables(t, frame);
    if (!all) return NO_PRIVATE_SYMBOLS;
    const locals = t.resolve(frame.pc)!.module.symbols.locals!;
    const match = pattern === undefined ? undefined : wildcard(pattern);
    const shown = all.filter((v) => !match || match.test(v.variable.name));
    const nameWidth = Math.max(0, ...shown.map((v) => v.variable.name.length));
    const places = shown.map(locationText);
    const placeWidth = Math.max(0, ...places.map((p) => p.length));
    const types = shown.map((v) => v.type?.name ?? '<unknown>');
    const typeWidth = Math.max(0, ...types.map((p) => p.length));
    return shown.map((v, i) => {
      const kind = flags.has('/i') ? (v.variable.parameter ? 'prv param  ' : 'prv local  ') : '';
      const place = flags.has('/v') ? `${places[i]!.padEnd(placeWidth)}  ` : '';
      const type = flags.has('/t') ? `${types[i]!.padEnd(typeWidth)} ` : '';
      return `${kind}${place}${type}${v.variable.name.padStart(nameWidth)} = ${valueText(t, locals, v)}`;
    });
  },
};
