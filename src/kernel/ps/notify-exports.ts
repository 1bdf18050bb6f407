/**
 * Process, thread and image-load notify routines (ntddk.h), and the process and thread queries
 * monitor drivers make in them.
 *
 * PsSetCreateProcessNotifyRoutineEx(2) and ObRegisterCallbacks return STATUS_ACCESS_DENIED on
 * Windows unless the image was linked with /INTEGRITYCHECK. A dv image carries no PE header for
 * that flag, and every sample that calls them sets it in its project, so every image here counts
 * as linked with it.
 */
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { EPROCESS_IMAGE_FILE_NAME } from './process.ts';

/** PSCREATEPROCESSNOTIFYTYPE */
const PsCreateProcessNotifySubsystems = 0;
/** PSCREATETHREADNOTIFYTYPE */
const PsCreateThreadNotifyNonSystem = 0;
const PsCreateThreadNotifySubsystems = 1;
/** PsSetLoadImageNotifyRoutineEx flags: PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE. */
const PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE = 0x1;

export function psNotifyExports(k: Kernel) {
  const notify = () => k.ps.notify;
  return {
    PsSetCreateProcessNotifyRoutine(NotifyRoutine: number, Remove: number): number {
      return notify().setProcessRoutine(NotifyRoutine, 'legacy', (Remove & 0xff) !== 0);
    },
    PsSetCreateProcessNotifyRoutineEx(NotifyRoutine: number, Remove: number): number {
      return notify().setProcessRoutine(NotifyRoutine, 'ex', (Remove & 0xff) !== 0);
    },
    PsSetCreateProcessNotifyRoutineEx2(NotifyType: number, NotifyInformation: number, Remove: number): number {
      if (NotifyType !== PsCreateProcessNotifySubsystems) return STATUS.INVALID_PARAMETER;
      return notify().setProcessRoutine(NotifyInformation, 'ex2', (Remove & 0xff) !== 0);
    },
    PsSetCreateThreadNotifyRoutine(NotifyRoutine: number): number {
      return notify().addThreadRoutine(NotifyRoutine, 'legacy');
    },
    PsSetCreateThreadNotifyRoutineEx(NotifyType: number, NotifyInformation: number): number {
      if (NotifyType === PsCreateThreadNotifyNonSystem) return notify().addThreadRoutine(NotifyInformation, 'nonSystem');
      if (NotifyType === PsCreateThreadNotifySubsystems) return notify().addThreadRoutine(NotifyInformation, 'subsystems');
      return STATUS.INVALID_PARAMETER;
    },
    PsRemoveCreateThreadNotifyRoutine(NotifyRoutine: number): number {
      return notify().removeThreadRoutine(NotifyRoutine);
    },
    PsSetLoadImageNotifyRoutine(NotifyRoutine: number): number {
      return notify().addImageRoutine(NotifyRoutine);
    },
    PsSetLoadImageNotifyRoutineEx(NotifyRoutine: number, Flags: number): number {
      if ((Flags & ~PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE) !== 0) return STATUS.INVALID_PARAMETER;
      return notify().addImageRoutine(NotifyRoutine);
    },
    PsRemoveLoadImageNotifyRoutine(NotifyRoutine: number): number {
      return notify().removeImageRoutine(NotifyRoutine);
    },
    /** The process's id; 0 for a pointer that is no process (Windows would read garbage). */
    PsGetProcessId(Process: number): number {
      return k.ps.processAt(Process)?.id ?? 0;
    },
    PsGetThreadProcessId(Thread: number): number {
      return k.ps.threadAt(Thread)?.process.id ?? 0;
    },
    /** The 15-byte ImageFileName in the EPROCESS: a pointer into the process object. */
    PsGetProcessImageFileName(Process: number): number {
      return (Process >>> 0) + EPROCESS_IMAGE_FILE_NAME;
    },
    PsIsSystemThread(Thread: number): number {
      return k.ps.threadAt(Thread)?.process === k.systemProcess ? 1 : 0;
    },
  };
}
