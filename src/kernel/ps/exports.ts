/** Process and thread DDIs. Handles are small integers in one kernel handle table. */
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { ThreadExit } from './thread.ts';

export function psExports(k: Kernel) {
  const handles = new Map<number, number>();
  let nextHandle = 0x80000004;
  return {
    /** The thread is ready at once and runs at the next scheduling point. *ThreadHandle receives a handle. */
    PsCreateSystemThread(ThreadHandle: number, _DesiredAccess: number, _ObjectAttributes: number, _ProcessHandle: number, _ClientId: number, StartRoutine: number, StartContext: number): number {
      const thread = k.createThread(k.systemProcess, 'system thread', StartRoutine >>> 0, StartContext >>> 0);
      k.dispatcher.initializeEvent(thread.address, 0, false);
      k.ob.create(thread.address, 'Thread');
      const handle = nextHandle;
      nextHandle += 4;
      handles.set(handle, thread.address);
      k.as.setU32(ThreadHandle, handle);
      k.dispatcher.readyThreads.push(thread);
      return STATUS.SUCCESS;
    },
    PsTerminateSystemThread(ExitStatus: number): number {
      throw new ThreadExit(ExitStatus >>> 0);
    },
    ZwClose(Handle: number): number {
      const object = handles.get(Handle >>> 0);
      if (object === undefined) return 0xc0000008; // STATUS_INVALID_HANDLE
      handles.delete(Handle >>> 0);
      k.ob.dereference(object);
      return STATUS.SUCCESS;
    },
    PsGetCurrentThread(): number {
      return k.currentThread.address;
    },
    PsGetCurrentProcess(): number {
      return k.currentThread.process.address;
    },
  };
}
