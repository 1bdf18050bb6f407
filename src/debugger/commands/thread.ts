/**
 * `!thread [Address]`: a thread (default: the one that was running), its process, start address,
 * stack bounds and, for the running thread, its stack. The dump keeps only that thread's stack.
 */
import { CommandError, splitArgs, type Command } from '../command.ts';
import { parseAddress } from '../address.ts';
import { hex8 } from '../format.ts';
import { cid, currentThread, kernelState, threadState, type ThreadSnapshot } from '../kernel-state.ts';
import { stackRows } from '../stack-text.ts';
import type { DebugTarget } from '../target.ts';

export function threadLines(t: DebugTarget, th: ThreadSnapshot, withStack: boolean): string[] {
  const k = kernelState(t);
  const p = k.processes.find((x) => x.address === th.process);
  const start = th.startRoutine ? `${t.symbol(t.code(th.startRoutine))} (0x${hex8(th.startRoutine)})` : '(none)';
  const out = [
    `THREAD ${hex8(th.address)}  Cid ${cid(p?.id ?? 0, th.id)}  Teb: 00000000 Win32Thread: 00000000 ${threadState(t, th)}`,
    `Owning Process            ${hex8(th.process)}       Image:         ${p?.name ?? 'Unknown'}`,
    `Win32 Start Address ${start}`,
    `Stack Init ${hex8(th.stackBase)} Base ${hex8(th.stackBase)} Limit ${hex8(th.stackLimit)}`,
    `KernelApcDisable ${th.kernelApcDisable} SpecialApcDisable ${th.specialApcDisable}`,
  ];
  if (!withStack) return out;
  const ctx = t.dump.context;
  if (ctx && ctx.thread === th.address) return [...out, '', ...stackRows(t, ctx.stack, false)];
  return [...out, '', 'Stack not in the dump: a dump keeps the stack of the running thread only.'];
}

export const thread: Command = {
  name: '!thread',
  syntax: '!thread [Address]',
  help: 'Display a thread (default: the running one): state, process, start address, stack bounds, and the stack when the dump has it.',
  run(t, args) {
    const [a] = splitArgs(args);
    const k = kernelState(t);
    const address = a === undefined ? currentThread(t) : parseAddress(t, a);
    if (address === undefined) throw new CommandError('No thread was running: the machine was not stopped by a bug check or a break.');
    const th = k.threads.find((x) => x.address === address);
    if (!th) return [`${hex8(address)} is not a thread object`];
    return threadLines(t, th, true);
  },
};
