/** `!irql [Processor]`: the IRQL a processor was at when the debugger took control. */
import { irqlName } from '../../nt/irql.ts';
import { CommandError, parseNumber, splitArgs, type Command } from '../command.ts';
import { hex } from '../format.ts';

export const irql: Command = {
  name: '!irql',
  syntax: '!irql [Processor]',
  help: 'Display the IRQL a processor was at when the machine stopped (default: the processor that stopped it).',
  run(t, args) {
    const [p] = splitArgs(args);
    const ctx = t.dump.context;
    const processor = p === undefined ? (ctx?.processor ?? 0) : parseNumber(p);
    if (processor >= t.dump.system.processors) throw new CommandError(`Processor ${hex(processor)} is not one of the machine's ${t.dump.system.processors}.`);
    // The stopping processor's IRQL is the one saved at the stop; others' from the processor list.
    const level = ctx && ctx.processor === processor ? ctx.irql : t.dump.kernel?.processors[processor]?.irql;
    if (level === undefined) return [`The IRQL of processor 0x${hex(processor)} is not in the dump.`];
    return [`Debugger saved IRQL for processor 0x${hex(processor)} -- ${level} (${irqlName(level)})`];
  },
};
