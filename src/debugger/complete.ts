/**
 * Tab completion for the kd prompt (node:readline's completer): the first word completes to a
 * command name or alias, later words to symbols (`MyDriver!Dev` to `MyDriver!DeviceControlDispatch`,
 * `MyD` to `MyDriver!`), after `dt` to type names (`_IRP`), after `dv` to the current frame's
 * variables, after `!wdflogdump` to KMDF drivers.
 */
import { COMMANDS } from './engine.ts';
import { TYPE_NAMES } from './commands/dt.ts';
import { currentFrame } from './commands/frame.ts';
import { frameVariables } from './locals.ts';
import type { DebugTarget } from './target.ts';

const COMMAND_NAMES = [...new Set(COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]))].sort();

/** readline's completer result: the candidates, and the part of the line they complete. */
export function complete(t: DebugTarget, line: string): [string[], string] {
  const m = /(\S*)$/.exec(line)!;
  const word = m[1]!;
  const first = line.trimStart() === word;
  const starts = (candidates: readonly string[]) => candidates.filter((c) => c.toLowerCase().startsWith(word.toLowerCase()));
  if (first) return [starts(COMMAND_NAMES), word];
  const command = line.trimStart().split(/\s+/)[0]!.toLowerCase();
  if (command === 'dt' && !word.includes('!') && !word.startsWith('-')) return [starts(TYPE_NAMES), word];
  if (command === 'dt' && /^nt!/i.test(word)) return [starts(TYPE_NAMES.map((n) => `nt!${n}`)), word];
  if (command === 'dv') return [word.startsWith('/') ? [] : starts(localNames(t)), word];
  // The KMDF commands that take a driver: its name (`KmdfNonPnp.sys`).
  if (/^!(wdfkd\.)?(wdflogdump|wdfdriverinfo)$/.test(command) && !word.includes('!')) return [starts((t.dump.wdf?.clients ?? []).map((c) => `${c.name}.sys`)), word];
  const bang = word.indexOf('!');
  if (bang < 0) return [starts(t.modules.map((mod) => `${mod.name}!`)), word];
  const module = t.modules.find((mod) => mod.name.toLowerCase() === word.slice(0, bang).toLowerCase());
  if (!module) return [[], word];
  return [starts(module.symbols.functions.map((f) => `${module.name}!${f.name}`)), word];
}

/** The current frame's parameter and local names (none without a stopped thread or DWARF). */
function localNames(t: DebugTarget): string[] {
  try {
    return [...new Set((frameVariables(t, currentFrame(t)) ?? []).map((v) => v.variable.name))].sort();
  } catch {
    return [];
  }
}
