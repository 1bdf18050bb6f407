/**
 * Client IDs: the process and thread IDs of CLIENT_ID, multiples of 4 from one numbering as NT's CID
 * table gives them. The System process is 4; the rest follow the kernel's thread list in creation
 * order (a process takes its ID when its first thread appears), so an ID never changes once given
 * and every run gives the same ones.
 */
import type { Kernel } from '../kernel.ts';
import type { Process, Thread } from './thread.ts';

const SYSTEM_PROCESS_ID = 4;

export interface ClientIds {
  readonly processes: ReadonlyMap<Process, number>;
  readonly threads: ReadonlyMap<Thread, number>;
}

export function clientIds(k: Kernel): ClientIds {
  const processes = new Map<Process, number>([[k.systemProcess, SYSTEM_PROCESS_ID]]);
  const threads = new Map<Thread, number>();
  let next = SYSTEM_PROCESS_ID + 4;
  for (const t of k.threads) {
    if (!processes.has(t.process)) {
      processes.set(t.process, next);
      next += 4;
    }
    threads.set(t, next);
    next += 4;
  }
  return { processes, threads };
}

export function processId(k: Kernel, p: Process): number {
  return clientIds(k).processes.get(p) ?? 0;
}

export function threadId(k: Kernel, t: Thread): number {
  return clientIds(k).threads.get(t) ?? 0;
}
