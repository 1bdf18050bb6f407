/** Process and thread DDIs. Handles are small integers in the object manager's kernel handle table. */
import { FILE_OBJECT } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { ThreadExit } from './thread.ts';

export function psExports(k: Kernel) {
  return {
    /**
     * The thread is ready at once and runs at the next scheduling point. *ThreadHandle receives a
     * handle. The thread object holds two references: the handle's, and the kernel's while the
     * thread exists (dropped when it terminates).
     */
    PsCreateSystemThread(ThreadHandle: number, _DesiredAccess: number, _ObjectAttributes: number, _ProcessHandle: number, _ClientId: number, StartRoutine: number, StartContext: number): number {
      const thread = k.tryCreateThread(k.systemProcess, 'system thread', StartRoutine >>> 0, StartContext >>> 0);
      // No kernel stack left: the call fails and the driver decides what to do (Windows returns an error status too).
      if (!thread) return STATUS.INSUFFICIENT_RESOURCES;
      k.dispatcher.initializeEvent(thread.address, 0, false);
      k.ob.create(thread.address, 'Thread');
      k.as.setU32(ThreadHandle, k.ob.createHandle(thread.address));
      k.ps.notify.threadCreated(thread);
      k.dispatcher.readyThreads.push(thread);
      return STATUS.SUCCESS;
    },
    PsTerminateSystemThread(ExitStatus: number): number {
      throw new ThreadExit(ExitStatus >>> 0);
    },
    ZwClose(Handle: number): number {
      const object = k.ob.objectOfHandle(Handle >>> 0);
      // A key handle's close is a registry operation: the filters see it (RegNtPre/PostKeyHandleClose).
      if (object !== undefined && k.ob.kindOf(object) === 'Key') {
        return k.cm.callbacks.around('KeyHandleClose', object, () => {}, () => (k.ob.closeHandle(Handle >>> 0) ? STATUS.SUCCESS : STATUS.INVALID_HANDLE));
      }
      // A device's file opened by ZwCreateFile: its last handle's close is IRP_MJ_CLEANUP (a volume file has no device).
      if (object !== undefined && k.ob.kindOf(object) === 'File' && k.as.u32(object + FILE_OBJECT.off.DeviceObject) !== 0) {
        k.ob.reference(object);
        k.ob.closeHandle(Handle >>> 0);
        k.io.files.closeFile(object);
        return STATUS.SUCCESS;
      }
      return k.ob.closeHandle(Handle >>> 0) ? STATUS.SUCCESS : STATUS.INVALID_HANDLE;
    },
    PsGetCurrentThread(): number {
      return k.currentThread.address;
    },
    PsGetCurrentProcess(): number {
      return k.currentThread.process.address;
    },
  };
}
