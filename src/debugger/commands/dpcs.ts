/** `!dpcs [Processor]`: the DPCs queued on each processor, in delivery order, with their routines. */
import { CommandError, parseNumber, splitArgs, type Command } from '../command.ts';
import { dpcRoutine } from '../dpc-text.ts';
import { hex8 } from '../format.ts';
import { kernelState } from '../kernel-state.ts';

export const dpcs: Command = {
  name: '!dpcs',
  syntax: '!dpcs [Processor]',
  help: 'Display the DPC queues: processor, KDPC and the routine each will run.',
  run(t, args) {
    const [p] = splitArgs(args);
    const k = kernelState(t);
    const only = p === undefined ? undefined : parseNumber(p);
    if (only !== undefined && only >= k.processors.length) throw new CommandError(`Processor ${only} is not one of the machine's ${k.processors.length}.`);
    const out = ['CPU Type      KDPC       Function'];
    k.processors.forEach((cpu, i) => {
      if (only !== undefined && i !== only) return;
      for (const dpc of cpu.dpcs) {
        const r = dpcRoutine(t, dpc);
        out.push(`${String(i).padStart(2)}: Normal  : 0x${hex8(dpc)} ${r ? `0x${hex8(r.routine)} ${r.name}` : '(the KDPC is not in the dump)'}`);
      }
    });
    if (out.length === 1) out.push('No DPCs are queued.');
    return out;
  },
};
