/** `!timer`: the set timers, soonest first: the KTIMER, its due time, whether it is periodic, and its DPC. */
import type { Command } from '../command.ts';
import { dpcRoutine } from '../dpc-text.ts';
import { hex8 } from '../format.ts';
import { kernelState } from '../kernel-state.ts';
import { kdDate } from '../time.ts';

/** A time (100 ns units since boot) as kd's Low/High words of interrupt time. */
const words = (time: number) => `${hex8(time % 0x1_0000_0000)} ${hex8(Math.floor(time / 0x1_0000_0000))}`;

export const timer: Command = {
  name: '!timer',
  syntax: '!timer',
  help: 'Display the set timers, soonest first: due time, P for a periodic timer, and the DPC each queues.',
  run(t) {
    const k = kernelState(t);
    const now = t.dump.system.time;
    const out = ['Dump system timers', '', `Interrupt time: ${words(now)} [${kdDate(now)}]`, '', 'List Timer    Interrupt Low/High     Fire Time              DPC/thread'];
    k.timers.forEach((tm, i) => {
      const dpc = tm.dpc ? dpcRoutine(t, tm.dpc) : undefined;
      const target = tm.dpc === 0 ? 'thread wait' : `${dpc?.name ?? '(the KDPC is not in the dump)'} (DPC @ ${hex8(tm.dpc)})`;
      out.push(`${String(i + 1).padStart(3)} ${hex8(tm.timer)} ${tm.period ? 'P' : ' '} ${words(tm.due)} [${kdDate(tm.due)}]  ${target}`);
    });
    return [...out, '', `Total Timers: ${k.timers.length}`];
  },
};
