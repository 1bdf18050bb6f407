/** The dump's threads and processes as the thread commands read them (`!thread`, `!process`, `!stacks`, `!pcr`). */
import type { KernelSnapshot } from './dump.ts';
import { CommandError } from './command.ts';
import { hex } from './format.ts';
import type { DebugTarget } from './target.ts';

export type ThreadSnapshot = KernelSnapshot['threads'][number];
export type ProcessSnapshot = KernelSnapshot['processes'][number];

/** The kernel section, or kd-style text saying the dump has none (written before dv recorded threads). */
export function kernelState(t: DebugTarget): KernelSnapshot {
  const k = t.dump.kernel;
  if (!k) throw new CommandError('The dump holds no thread, process or timer lists (it was written before dv recorded them).');
  return k;
}

/** `Cid 0004.0008`: process and thread ids as kd prints them. */
export const cid = (process: number, thread: number) => `${hex(process).padStart(4, '0')}.${hex(thread).padStart(4, '0')}`;

/** The thread that was running when the machine stopped (the dump's context), if any. */
export const currentThread = (t: DebugTarget): number | undefined => t.dump.context?.thread;

/** kd's thread state word: RUNNING on the stopped processor, else READY, WAIT or TERMINATED. */
export function threadState(t: DebugTarget, th: ThreadSnapshot): string {
  if (th.address === currentThread(t)) return `RUNNING on processor ${hex(t.dump.context!.processor)}`;
  return { ready: 'READY', running: 'READY', waiting: 'WAIT', terminated: 'TERMINATED' }[th.state];
}
