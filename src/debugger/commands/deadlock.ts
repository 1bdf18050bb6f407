/**
 * `!deadlock [1]`: what Driver Verifier's Deadlock Detection found, laid out as kd does on Windows 8.1:
 * the issue's four parameters, then for a lock hierarchy violation (0xC4/0x1001) the cycle, one line per
 * thread with its locks by label (A, B...), and who they are; `!deadlock 1` gives each thread's
 * acquisitions in order with the stack each was acquired with, the one under way as "current". For
 * the other issues (0x1000, 0x1003...) the same layout shows the current thread's locks.
 */
import { argumentTexts } from '../../nt/bugcheck.ts';
import { CommandError, splitArgs, type Command } from '../command.ts';
import type { DeadlockSnapshot } from '../dump.ts';
import { hex8 } from '../format.ts';
import type { DebugTarget } from '../target.ts';

const label = (i: number) => String.fromCharCode(0x41 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : '');

/** `98000fe8 - Type 'Spinlock'.`, with the module offset kd gives a lock inside an image. */
function lockText(t: DebugTarget, d: DeadlockSnapshot, index: number): string {
  const lock = d.locks[index]!;
  const r = t.resolve(lock.address);
  const where = r ? ` (${r.module.name}+0x${hex8(lock.address - r.module.base)})` : '';
  return `${hex8(lock.address)}${where} - Type '${lock.type}'.`;
}

function threadText(th: DeadlockSnapshot['threads'][number]): string {
  return th.terminated ? 'TERMINATED' : hex8(th.thread);
}

/** `address Module!Function+0x%08x ` per frame, continuation lines indented under the first. */
function stackLines(t: DebugTarget, stack: readonly number[] | null): string[] {
  if (stack === null) return ['    Stack:   << Current stack trace - use kb to display it >>'];
  if (stack.length === 0) return ['    Stack:   << no stack: capture was off >>'];
  return stack.map((pc, i) => {
    const r = t.resolve(pc);
    const sym = r?.fn ? `${r.module.name}!${r.fn.name}+0x${hex8(pc - r.fn.start)}` : r ? `${r.module.name}+0x${hex8(pc - r.module.base)}` : '';
    return `${i === 0 ? '    Stack:   ' : '             '}${hex8(pc)} ${sym} `;
  });
}

function headline(d: DeadlockSnapshot): string {
  const threads = d.threads.length;
  if (d.issue[0] === 0x1001) return `Deadlock detected (${d.locks.length} lock${d.locks.length === 1 ? '' : 's'} in ${threads} thread${threads === 1 ? '' : 's'}):`;
  return argumentTexts(0xc4, d.issue)[0]![0]!;
}

export const deadlock: Command = {
  name: '!deadlock',
  syntax: '!deadlock [1]',
  help: 'What Deadlock Detection found: the lock cycle and its threads (1: each acquisition with its stack).',
  run(t, args) {
    const words = splitArgs(args);
    if (words.length > 1 || (words.length === 1 && words[0] !== '1' && words[0] !== '0')) throw new CommandError('Usage: !deadlock [1]');
    const d = t.dump.verifier?.deadlock;
    if (!d) {
      const on = ((t.dump.verifier?.flags ?? 0) & 0x20) !== 0;
      return [on ? 'No deadlock issue was found by Driver Verifier.' : "Driver Verifier's Deadlock Detection (0x20) is not enabled: no lock graph was kept."];
    }
    const out = [`issue: ${d.issue.map(hex8).join(' ')} `, '', headline(d), ''];
    const index = (lock: number) => label(lock);
    if (words[0] === '1') {
      d.threads.forEach((th, i) => {
        out.push(`Thread ${i}: ${threadText(th)} took locks in the following order:`, '');
        for (const a of th.acquisitions) out.push(`    Lock ${index(a.lock)} =     ${lockText(t, d, a.lock)}`, '', ...stackLines(t, a.stack), '');
      });
      return out;
    }
    d.threads.forEach((th, i) => out.push(`Thread ${i}: ${th.acquisitions.map((a) => index(a.lock)).join(' ')}.`));
    out.push('', 'Where:', '');
    d.threads.forEach((th, i) => out.push(`Thread ${i} = ${threadText(th)}.`));
    out.push('');
    d.locks.forEach((_, i) => out.push(`Lock ${label(i)} =   ${lockText(t, d, i)}`));
    return out;
  },
};
