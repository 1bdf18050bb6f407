/**
 * Process and thread IDs, and finding the object an ID names. A lookup returns the object with a
 * reference the caller drops with ObDereferenceObject; an ID that names nothing (or a thread whose
 * object is gone) is STATUS_INVALID_PARAMETER, as on Windows.
 */
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { clientIds, processId, threadId } from './client-id.ts';
import type { Process, Thread } from './thread.ts';

export function lookupExports(k: Kernel) {
  /** The kernel's own objects enter the object manager on first lookup, with the kernel's reference. */
  const objectOf = (address: number, kind: 'Process' | 'Thread'): void => {
    if (!k.ob.isObject(address)) k.ob.create(address, kind);
  };
  const byId = <T>(map: ReadonlyMap<T, number>, id: number): T | undefined => {
    for (const [o, i] of map) if (i === id) return o;
    return undefined;
  };
  return {
    PsGetCurrentProcessId(): number {
      return processId(k, k.currentThread.process);
    },
    PsGetCurrentThreadId(): number {
      return threadId(k, k.currentThread);
    },
    PsGetProcessId(Process: number): number {
      const p = [...clientIds(k).processes].find(([q]) => q.address === Process >>> 0);
      return p ? p[1] : 0;
    },
    PsGetThreadId(Thread: number): number {
      const t = k.threads.find((x) => x.address === Thread >>> 0);
      return t ? threadId(k, t) : 0;
    },
    /** *Process receives the EPROCESS, referenced. */
    PsLookupProcessByProcessId(ProcessId: number, Process: number): number {
      const p: Process | undefined = byId(clientIds(k).processes, ProcessId >>> 0);
      if (!p) return STATUS.INVALID_PARAMETER;
      objectOf(p.address, 'Process');
      k.ob.reference(p.address);
      k.as.setU32(Process >>> 0, p.address);
      return STATUS.SUCCESS;
    },
    /** *Thread receives the ETHREAD, referenced. A thread that has ended and whose object is deleted is not found. */
    PsLookupThreadByThreadId(ThreadId: number, Thread: number): number {
      const t: Thread | undefined = byId(clientIds(k).threads, ThreadId >>> 0);
      if (!t) return STATUS.INVALID_PARAMETER;
      if (t.state === 'terminated' && !k.ob.isObject(t.address)) return STATUS.INVALID_PARAMETER;
      objectOf(t.address, 'Thread');
      k.ob.reference(t.address);
      k.as.setU32(Thread >>> 0, t.address);
      return STATUS.SUCCESS;
    },
  };
}
