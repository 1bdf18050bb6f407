/**
 * A kernel debugger attached to a running machine (`dv run --debugger`). When the machine breaks in
 * (a Driver Verifier break such as the shutdown watchdog's), it prints the break and a `kd>` prompt,
 * and runs the debugger's commands over a snapshot of the live machine until the user types `g`
 * (the machine continues where it stopped) or `q` (the session, and the run, end).
 *
 * The simulation runs synchronously to the break, so the commands are read synchronously too.
 */
import { hex8 } from '../debugger/format.ts';
import { readSync } from 'node:fs';
import { isatty } from 'node:tty';
import { SimulatorError } from '../kernel/errors.ts';
import { execute, isQuit } from '../debugger/engine.ts';
import { DebugTarget } from '../debugger/target.ts';
import type { Machine } from './machine.ts';
import type { BreakpointRoutine } from '../kernel/kernel.ts';

/** Where the session reads commands and writes output. */
export interface DebuggerIo {
  /** Show `prompt` and read one line; undefined at end of input. */
  readLine(prompt: string): string | undefined;
  write(lines: readonly string[]): void;
}

/** One break: the stop it stood for, and whether the user continued. */
export interface BreakRecord {
  readonly code: number;
  readonly params: readonly number[];
  continued: boolean;
  /** The driver's own breakpoint (its nt routine), not a Driver Verifier break. */
  readonly breakpoint?: BreakpointRoutine;
}

/** The user ended the session at a break (`q`, or the end of input). */
export class DebuggerQuit extends SimulatorError {
  constructor(readonly record: BreakRecord) {
    super(`the debugger session ended at ${record.breakpoint ? `a breakpoint (nt!${record.breakpoint})` : 'a Driver Verifier break'} (q)`);
    this.name = 'DebuggerQuit';
  }
}

const isGo = (line: string) => /^\s*g\s*$/i.test(line);

/** Attach a debugger to the machine: from now on its breaks stop in a kd session on `io`. */
export function attachDebugger(machine: Machine, io: DebuggerIo): BreakRecord[] {
  const breaks: BreakRecord[] = [];
  const k = machine.kernel;
  k.debugger = (context) => {
    const breakpoint = context.reason.breakpoint;
    const record: BreakRecord = { code: context.reason.code, params: [...context.reason.params], continued: false, ...(breakpoint ? { breakpoint } : {}) };
    breaks.push(record);
    const routine = breakpoint ?? 'DbgBreakPointWithStatus';
    io.write([
      ...context.reason.message,
      '',
      'Break instruction exception - code 80000003 (first chance)',
      `nt!${routine}:`,
      `${hex8(k.nt.address(routine))} cc              int     3`,
    ]);
    const target = new DebugTarget(machine.dump());
    for (;;) {
      const line = io.readLine('kd> ');
      if (line === undefined || isQuit(line)) throw new DebuggerQuit(record);
      if (isGo(line)) {
        record.continued = true;
        return;
      }
      const out = execute(target, line);
      if (out.length > 0) io.write(out);
    }
  };
  return breaks;
}

/**
 * Lines from a file descriptor, read synchronously (the simulation cannot wait for the event loop
 * in the middle of a run). A pipe or a file is read as it comes; a terminal line by line.
 */
export function syncLineReader(fd: number): () => string | undefined {
  let buffer = '';
  let eof = false;
  const chunk = Buffer.alloc(4096);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  return () => {
    for (;;) {
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        return line;
      }
      if (eof) {
        const rest = buffer;
        buffer = '';
        return rest === '' ? undefined : rest;
      }
      let n = 0;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          Atomics.wait(nap, 0, 0, 20);
          continue;
        }
        if (code !== 'EOF') throw e;
      }
      if (n === 0) eof = true;
      else buffer += chunk.toString('utf8', 0, n);
    }
  };
}

/** The debugger on this process's standard input and output (commands are echoed when input is not a terminal). */
export function stdioDebugger(): DebuggerIo {
  const read = syncLineReader(0);
  const echo = !isatty(0);
  return {
    readLine(prompt) {
      process.stdout.write(prompt);
      const line = read();
      if (echo) process.stdout.write(`${line ?? ''}\n`);
      return line;
    },
    write(lines) {
      process.stdout.write(lines.join('\n') + '\n');
    },
  };
}
