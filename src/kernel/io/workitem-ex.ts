/** IoQueueWorkItemEx: the routine gets the work item's IoObject, its context and the work item itself. */
import type { Kernel } from '../kernel.ts';

export function workItemExExports(k: Kernel) {
  return {
    IoQueueWorkItemEx(IoWorkItem: number, WorkerRoutine: number, _QueueType: number, Context: number): void {
      // The I/O manager's queue already calls every routine as (IoObject, Context, IoWorkItem).
      k.io.queueWorkItem(IoWorkItem >>> 0, WorkerRoutine >>> 0, Context >>> 0);
    },
  };
}
