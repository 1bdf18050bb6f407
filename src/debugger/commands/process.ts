/**
 * `!process [Address|0] [Flags] [ImageName]`: processes. `!process 0 0` lists every process in a
 * line or three; a Flags value with bit 1 or 2 (kd's thread bits) lists each process's threads too.
 */
import { CommandError, kdNumber, splitArgs, type Command } from '../command.ts';
import { parseAddress } from '../address.ts';
import { hex, hex8 } from '../format.ts';
import { kernelState, type ProcessSnapshot } from '../kernel-state.ts';
import { threadLines } from './thread.ts';
import type { DebugTarget } from '../target.ts';

/** Flags bits that add the threads (the debugger docs: 0x2 thread list, 0x4 with their details). */
const THREAD_BITS = 0x6;

function processLines(t: DebugTarget, p: ProcessSnapshot, flags: number): string[] {
  const out = [
    `PROCESS ${hex8(p.address)}  SessionId: none  Cid: ${hex(p.id).padStart(4, '0')}    Peb: 00000000  ParentCid: ${hex(p.parentId).padStart(4, '0')}`,
    `    Image: ${p.name}${p.state === 'terminated' ? ' (exited)' : ''}`,
  ];
  if (flags & THREAD_BITS) {
    for (const th of kernelState(t).threads.filter((x) => x.process === p.address)) out.push('', ...threadLines(t, th, (flags & 0x4) !== 0).map((l) => `        ${l}`));
  }
  return [...out, ''];
}

export const processCommand: Command = {
  name: '!process',
  syntax: '!process [Address|0] [Flags] [ImageName]',
  help: 'Display processes: !process 0 0 lists them all (Cid, parent, image); Flags 2 adds their threads, 4 their stacks; ImageName filters.',
  run(t, args) {
    const [a, f, image] = splitArgs(args);
    const k = kernelState(t);
    const flags = f === undefined ? 0 : kdNumber(f);
    if (Number.isNaN(flags)) throw new CommandError(`Couldn't resolve error at '${f}'`);
    const address = a === undefined ? (t.dump.context?.process ?? 0) : parseAddress(t, a);
    if (address === 0) {
      const list = k.processes.filter((p) => image === undefined || p.name.toLowerCase() === image.toLowerCase());
      return ['**** NT ACTIVE PROCESS DUMP ****', ...list.flatMap((p) => processLines(t, p, flags))];
    }
    const p = k.processes.find((x) => x.address === address);
    if (!p) return [`${hex8(address)} is not a process object`];
    return processLines(t, p, a === undefined && f === undefined ? THREAD_BITS : flags);
  },
};
