/** The command table and its dispatcher: one line in, lines of output out. Only the CLI prints. */
import { CommandError, type Command } from './command.ts';
import { analyze } from './commands/analyze.ts';
import { bugcheck } from './commands/bugcheck.ts';
import { k } from './commands/k.ts';
import { lm } from './commands/lm.ts';
import { ln } from './commands/ln.ts';
import { verifier } from './commands/verifier.ts';
import type { DebugTarget } from './target.ts';

const help: Command = {
  name: 'help',
  aliases: ['?', '.help'],
  syntax: 'help',
  help: 'List the commands.',
  run() {
    const width = Math.max(...COMMANDS.map((c) => c.syntax.length));
    return ['Commands:', ...COMMANDS.map((c) => `  ${c.syntax.padEnd(width)}  ${c.help}`), `  ${'q'.padEnd(width)}  Quit.`];
  },
};

export const COMMANDS: readonly Command[] = [analyze, verifier, ln, lm, k, bugcheck, help];

const BY_NAME = new Map<string, Command>();
for (const c of COMMANDS) for (const n of [c.name, ...(c.aliases ?? [])]) BY_NAME.set(n.toLowerCase(), c);

/** True for the commands that end a session. */
export function isQuit(line: string): boolean {
  return /^\s*(q|qq|quit)\s*$/i.test(line);
}

export function execute(target: DebugTarget, line: string): string[] {
  const trimmed = line.trim();
  if (trimmed === '') return [];
  // `s`: arguments may hold U+2028/U+2029, which `.` alone does not match (the match was null).
  const m = /^(\S+)\s*(.*)$/s.exec(trimmed)!;
  const name = m[1]!.toLowerCase();
  const command = BY_NAME.get(name);
  if (!command) return [`Unknown command '${m[1]}'. Type help for the list of commands.`];
  try {
    return command.run(target, m[2]!);
  } catch (e) {
    if (e instanceof CommandError) return [e.message];
    throw e;
  }
}
