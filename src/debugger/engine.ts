/** The command table and its dispatcher: one line in, lines of output out. Only the CLI prints. */
import { InternalError } from '../kernel/errors.ts';
import { CommandError, type Command } from './command.ts';
import { analyze } from './commands/analyze.ts';
import { bugcheck } from './commands/bugcheck.ts';
import { deadlock } from './commands/deadlock.ts';
import { k } from './commands/k.ts';
import { lm } from './commands/lm.ts';
import { ln } from './commands/ln.ts';
import { verifier } from './commands/verifier.ts';
import { ruleinfo } from './commands/ruleinfo.ts';
import { devnode } from './commands/devnode.ts';
import { devobj } from './commands/devobj.ts';
import { devstack } from './commands/devstack.ts';
import { drvobj } from './commands/drvobj.ts';
import { irp } from './commands/irp.ts';
import { d } from './commands/d.ts';
import { da } from './commands/da.ts';
import { dps } from './commands/dps.ts';
import { dt } from './commands/dt.ts';
import { pool } from './commands/pool.ts';
import { poolused } from './commands/poolused.ts';
import { x } from './commands/x.ts';
import { irql } from './commands/irql.ts';
import { pcr } from './commands/pcr.ts';
import { thread } from './commands/thread.ts';
import { processCommand } from './commands/process.ts';
import { stacks } from './commands/stacks.ts';
import { dpcs } from './commands/dpcs.ts';
import { wmitraceLogdump } from './commands/wmitrace.ts';
import { timer } from './commands/timer.ts';
import { vertarget } from './commands/vertarget.ts';
import { time } from './commands/time.ts';
import { lines } from './commands/lines.ts';
import { lsa } from './commands/lsa.ts';
import { frame } from './commands/frame.ts';
import { dv } from './commands/dv.ts';
import { wdfdriverinfo, wdfldr } from './commands/wdfdriver.ts';
import { wdfdevice, wdfdevicequeues, wdfhandle, wdfobject, wdfqueue, wdfrequest } from './commands/wdfobjects.ts';
import { wdflogdump } from './commands/wdflogdump.ts';
import { rcdrloglist, rcdrlogdump } from './commands/rcdrkd.ts';
import type { DebugTarget } from './target.ts';

const help: Command = {
  name: 'help',
  aliases: ['?', '.help'],
  syntax: 'help | .help [Command]',
  help: 'List the commands, or explain one (.help dt).',
  run(_t, args) {
    const [name] = args.trim().split(/\s+/).filter((a) => a.length > 0);
    if (name !== undefined) {
      const c = BY_NAME.get(name.toLowerCase());
      if (!c) return [`No help for '${name}': type help for the list of commands.`];
      const aliases = c.aliases?.length ? [`Also: ${c.aliases.join(', ')}`] : [];
      return [c.syntax, `  ${c.help}`, ...aliases];
    }
    const width = Math.max(...COMMANDS.map((c) => c.syntax.length));
    return ['Commands:', ...COMMANDS.map((c) => `  ${c.syntax.padEnd(width)}  ${c.help}`), `  ${'q'.padEnd(width)}  Quit.`];
  },
};

export const COMMANDS: readonly Command[] = [analyze, verifier, ruleinfo, deadlock, ln, lm, k, bugcheck, devnode, devstack, devobj, drvobj, irp, d, da, dps, dt, pool, poolused, x, irql, pcr, thread, processCommand, stacks, dpcs, timer, wmitraceLogdump, vertarget, time, lines, lsa, frame, dv, wdfdriverinfo, wdfdevice, wdfdevicequeues, wdfqueue, wdfrequest, wdfhandle, wdfobject, wdflogdump, wdfldr, rcdrloglist, rcdrlogdump, help];

const BY_NAME = new Map<string, Command>();
for (const c of COMMANDS) for (const n of [c.name, ...(c.aliases ?? [])]) BY_NAME.set(n.toLowerCase(), c);

/** True for the commands that end a session. */
export function isQuit(line: string): boolean {
  return /^\s*(q|qq|quit)\s*$/i.test(line);
}

/** How a command line went: `unknown` names no command; `error` is the command's own usage error. */
export interface CommandResult {
  readonly output: string[];
  readonly status: 'ok' | 'error' | 'unknown';
}

/**
 * Run one command line. A command's own failure (bad syntax, an address that resolves to nothing)
 * is kd-style text in the output, never an exception; an exception from inside a command is a bug
 * of the debugger and leaves as an InternalError, never as the driver's fault.
 */
export function interpret(target: DebugTarget, line: string): CommandResult {
  const trimmed = line.trim();
  if (trimmed === '') return { output: [], status: 'ok' };
  // [\s\S]: the arguments may hold any character, line separators (U+2028) included.
  const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed)!;
  const name = m[1]!;
  const command = BY_NAME.get(name.toLowerCase());
  if (!command) {
    // What kd says: an extension it cannot find, or a line it cannot parse.
    const output = name.startsWith('!') ? [`No export ${name.slice(1)} found`] : [`Couldn't resolve error at '${trimmed}'`, 'Type help for the list of commands.'];
    return { output, status: 'unknown' };
  }
  try {
    return { output: command.run(target, m[2]!, name.toLowerCase()), status: 'ok' };
  } catch (e) {
    if (e instanceof CommandError) return { output: [e.message], status: 'error' };
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new InternalError(`the debugger's ${command.name} command failed on ${JSON.stringify(line)}: ${text}`, { cause: e });
  }
}

/** Run one command line; its output lines (see interpret). */
export function execute(target: DebugTarget, line: string): string[] {
  return interpret(target, line).output;
}
