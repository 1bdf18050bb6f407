/**
 * `!pcr [Processor]`: the processor's control region as far as the simulator keeps one: the IRQL,
 * the current thread and its stack, whether a DPC runs, and the DPC queue. The simulator has no
 * KPCR in memory (no GDT, IDT or TSS), so those rows are not shown.
 */
import { CommandError, parseNumber, splitArgs, type Command } from '../command.ts';
import { hex, hex8 } from '../format.ts';
import { kernelState } from '../kernel-state.ts';

export const pcr: Command = {
  name: '!pcr',
  syntax: '!pcr [Processor]',
  help: "Display a processor's control region: IRQL, current thread and its stack, the DPC queue (no KPCR address: the simulator keeps none in memory).",
  run(t, args) {
    const [p] = splitArgs(args);
    const ctx = t.dump.context;
    const k = kernelState(t);
    const number = p === undefined ? (ctx?.processor ?? 0) : parseNumber(p);
    const cpu = k.processors[number];
    if (!cpu) throw new CommandError(`Processor ${hex(number)} is not one of the machine's ${k.processors.length}.`);
    const running = ctx && ctx.processor === number ? k.threads.find((th) => th.address === ctx.thread) : undefined;
    const irql = ctx && ctx.processor === number ? ctx.irql : cpu.irql;
    const row = (name: string, value: string) => `\t${name.padStart(19)}: ${value}`;
    return [
      `KPCR for Processor ${number}:`,
      row('NtTib.StackBase', hex8(running?.stackBase ?? 0)),
      row('NtTib.StackLimit', hex8(running?.stackLimit ?? 0)),
      '',
      row('Irql', hex8(irql)),
      '',
      row('CurrentThread', hex8(running?.address ?? 0)),
      row('DpcRoutineActive', hex8(cpu.dpcActive ? 1 : 0)),
      '',
      `\t${'DpcQueue'.padStart(19)}: ${cpu.dpcs.map((d) => `0x${hex8(d)}`).join(' ')}`.trimEnd(),
    ];
  },
};
