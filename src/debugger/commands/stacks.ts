/**
 * `!stacks`: every thread in a line under its process, with its state and where it is: the running
 * thread's top frame, another thread's start routine (the dump keeps only the running stack).
 */
import type { Command } from '../command.ts';
import { hex, hex8 } from '../format.ts';
import { kernelState } from '../kernel-state.ts';

export const stacks: Command = {
  name: '!stacks',
  syntax: '!stacks',
  help: 'Summarize every thread by process: ids, state, and the frame it is in (the start routine for threads whose stack the dump does not hold).',
  run(t) {
    const k = kernelState(t);
    const ctx = t.dump.context;
    const out = ['Proc.Thread  .Thread  Ticks   ThreadState Blocker'];
    for (const p of k.processes) {
      const threads = k.threads.filter((th) => th.process === p.address);
      if (threads.length === 0) continue;
      out.push(`                            [${hex8(p.address)} ${p.name}]`);
      for (const th of threads) {
        const running = ctx?.thread === th.address;
        const state = running ? 'RUNNING' : { ready: 'READY', running: 'READY', waiting: 'Blocked', terminated: 'TERMINATED' }[th.state];
        const where = running && ctx.stack.length > 0 ? t.symbol(ctx.stack[0]!) : th.startRoutine ? t.symbol(t.code(th.startRoutine)) : '';
        out.push(`${hex(p.id).padStart(4)}.${hex(th.id).padStart(6, '0')}  ${hex8(th.address)} 0000000 ${state.padEnd(11)} ${where}`.trimEnd());
      }
    }
    return [...out, '', `Threads Processed: ${k.threads.length}`];
  },
};
