/**
 * Process and thread IDs, and finding the object an ID names. A lookup returns the object with a
 * reference the caller drops with ObDereferenceObject; an ID that names nothing (or a thread whose
 * object is gone) is STATUS_INVALID_PARAMETER, as on Windows.
 */
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

export function lookupExports(k: Kernel) {
  /** The kernel's own objects enter the object manager on first lookup, with the kernel's reference. */
  const objectOf = (address: number, kind: 'Process' | 'Thread'): void => {
    if (!k.ob.isObject(address)) k.ob.create(address, kind);
  };
  return {
    PsGetCurrentProcessId(): number {
      return k.currentThread.process.id;
    },
    PsGetCurrentThreadId(): number {
      return k.currentThread.id;
    },
    PsGetThreadId(Thread: number): number {
      return k.ps.threadAt(Thread)?.id ?? 0;
    },
    /** *Process receives the EPROCESS, referenced. */
    PsLookupProcessByProcessId(ProcessId: number, Process: number): number {
      const p = k.ps.processById(ProcessId);
      if (!p) return STATUS.INVALID_PARAMETER;
      objectOf(p.address, 'Process');
      k.ob.reference(p.address);
      k.as.setU32(Process >>> 0, p.address);
      return STATUS.SUCCESS;
    },
    /** *Thread receives the ETHREAD, referenced. A thread that has ended and whose object is deleted is not found. */
    PsLookupThreadByThreadId(ThreadId: number, Thread: number): number {
      const t = k.ps.threadById(ThreadId);
      if (!t) return STATUS.INVALID_PARAMETER;
      if (t.state === 'terminated' && !k.ob.isObject(t.address)) return STATUS.INVALID_PARAMETER;
      objectOf(t.address, 'Thread');
      k.ob.reference(t.address);
      k.as.setU32(Thread >>> 0, t.address);
      return STATUS.SUCCESS;
    },
  };
}
