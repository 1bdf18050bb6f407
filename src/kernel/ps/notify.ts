/**
 * The process, thread and image-load notify routines drivers register, and their calls. Each list
 * holds at most 64 routines (PSP_MAX_CREATE_PROCESS_NOTIFY and its siblings on Windows 10+), called
 * in registration order at PASSIVE_LEVEL.
 *
 * A routine whose driver unloaded without removing it stays in the list, as on Windows: the next
 * event calls into the unloaded image, which is bug check 0xCE
 * DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS (Kernel.callRoutine). The run's shutdown
 * ends the client process (dvclient.exe), so a process or thread routine left behind is caught there.
 */
import { IMAGE_INFO, PS_CREATE_NOTIFY_INFO } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';
import type { Process, Thread } from './thread.ts';

/** The limit of each list. */
export const MAX_NOTIFY_ROUTINES = 64;

/** PsSetCreateProcessNotifyRoutine(Ex/Ex2): which prototype the routine has. */
export type ProcessNotifyKind = 'legacy' | 'ex' | 'ex2';
/** PsSetCreateThreadNotifyRoutine(Ex): PSCREATETHREADNOTIFYTYPE, or the original form. */
export type ThreadNotifyKind = 'legacy' | 'nonSystem' | 'subsystems';

interface Entry<K> {
  readonly routine: number;
  readonly kind: K;
}

/** IMAGE_INFO.Properties: ImageAddressingMode (bits 0-7) = IMAGE_ADDRESSING_MODE_32BIT, SystemModeImage (bit 8). */
const IMAGE_ADDRESSING_MODE_32BIT = 3;
const IMAGE_INFO_SYSTEM_MODE = 1 << 8;
/** PS_CREATE_NOTIFY_INFO.Flags: FileOpenNameAvailable (bit 0): ImageFileName is the name the file was opened by. */
const FILE_OPEN_NAME_AVAILABLE = 1;

export class NotifyRoutines {
  readonly process: Entry<ProcessNotifyKind>[] = [];
  readonly thread: Entry<ThreadNotifyKind>[] = [];
  readonly image: Entry<'legacy'>[] = [];

  constructor(private readonly k: Kernel) {}

  /** Add or remove a process routine: STATUS_INVALID_PARAMETER for a duplicate, a full list or an unknown routine. */
  setProcessRoutine(routine: number, kind: ProcessNotifyKind, remove: boolean): number {
    const i = this.process.findIndex((e) => e.routine === routine >>> 0 && e.kind === kind);
    if (remove) {
      if (i < 0) return STATUS.INVALID_PARAMETER;
      this.process.splice(i, 1);
      return STATUS.SUCCESS;
    }
    if (i >= 0 || this.process.length >= MAX_NOTIFY_ROUTINES) return STATUS.INVALID_PARAMETER;
    this.process.push({ routine: routine >>> 0, kind });
    return STATUS.SUCCESS;
  }

  /** STATUS_INSUFFICIENT_RESOURCES when the list is full. */
  addThreadRoutine(routine: number, kind: ThreadNotifyKind): number {
    if (this.thread.length >= MAX_NOTIFY_ROUTINES) return STATUS.INSUFFICIENT_RESOURCES;
    this.thread.push({ routine: routine >>> 0, kind });
    return STATUS.SUCCESS;
  }

  /** STATUS_PROCEDURE_NOT_FOUND for a routine not registered (by any of the thread forms). */
  removeThreadRoutine(routine: number): number {
    return remove(this.thread, routine);
  }

  addImageRoutine(routine: number): number {
    if (this.image.length >= MAX_NOTIFY_ROUTINES) return STATUS.INSUFFICIENT_RESOURCES;
    this.image.push({ routine: routine >>> 0, kind: 'legacy' });
    return STATUS.SUCCESS;
  }

  removeImageRoutine(routine: number): number {
    return remove(this.image, routine);
  }

  // ---- calls -------------------------------------------------------------------------------

  /**
   * PspCallProcessNotifyRoutines for a creation, in the creator's context. Every routine runs; an Ex
   * routine may store a failure in CreationStatus, and the last failure stored is the creation's status.
   */
  processCreated(process: Process, creator: Thread, imageFileName: string, commandLine: string): number {
    if (this.process.length === 0) return STATUS.SUCCESS;
    const k = this.k;
    const image = k.io.allocateUnicodeString(imageFileName, TAG.Name);
    const line = k.io.allocateUnicodeString(commandLine, TAG.Name);
    const info = k.allocateKernelObject(PS_CREATE_NOTIFY_INFO.size, TAG.Process);
    const I = PS_CREATE_NOTIFY_INFO.off;
    k.as.zero(info, PS_CREATE_NOTIFY_INFO.size);
    k.as.setU32(info + I.Size, PS_CREATE_NOTIFY_INFO.size);
    k.as.setU32(info + I.Flags, FILE_OPEN_NAME_AVAILABLE);
    k.as.setU32(info + I.ParentProcessId, process.parentId);
    k.as.setU32(info + I['CreatingThreadId.UniqueProcess'], creator.process.id);
    k.as.setU32(info + I['CreatingThreadId.UniqueThread'], creator.id);
    k.as.setU32(info + I.ImageFileName, image);
    k.as.setU32(info + I.CommandLine, line);
    k.as.setU32(info + I.CreationStatus, STATUS.SUCCESS);
    try {
      for (const e of [...this.process]) {
        if (e.kind === 'legacy') this.call(e.routine, [process.parentId, process.id, 1], 'PspCallProcessNotifyRoutines');
        else this.call(e.routine, [process.address, process.id, info], 'PspCallProcessNotifyRoutines');
      }
      return k.as.u32(info + I.CreationStatus);
    } finally {
      k.freeKernelObject(info);
      k.freeKernelObject(line);
      k.freeKernelObject(image);
    }
  }

  /** PspExitProcess: Create = FALSE for the original form, CreateInfo = NULL for the Ex forms. */
  processExited(process: Process): void {
    for (const e of [...this.process]) {
      if (e.kind === 'legacy') this.call(e.routine, [process.parentId, process.id, 0], 'PspExitProcess');
      else this.call(e.routine, [process.address, process.id, 0], 'PspExitProcess');
    }
  }

  threadCreated(thread: Thread): void {
    this.callThread(thread, 1, 'PspInsertThread');
  }

  threadExited(thread: Thread): void {
    this.callThread(thread, 0, 'PspExitThread');
  }

  /**
   * PsCallImageNotifyRoutines: a driver image (ProcessId 0, SystemModeImage) before its DriverEntry,
   * or an executable mapped into a new process.
   */
  imageLoaded(fullImageName: string, processId: number, imageBase: number, imageSize: number, systemMode: boolean): void {
    if (this.image.length === 0) return;
    const k = this.k;
    const name = k.io.allocateUnicodeString(fullImageName, TAG.Name);
    const info = k.allocateKernelObject(IMAGE_INFO.size, TAG.Name);
    const I = IMAGE_INFO.off;
    k.as.zero(info, IMAGE_INFO.size);
    k.as.setU32(info + I.Properties, IMAGE_ADDRESSING_MODE_32BIT | (systemMode ? IMAGE_INFO_SYSTEM_MODE : 0));
    k.as.setU32(info + I.ImageBase, imageBase);
    k.as.setU32(info + I.ImageSize, imageSize);
    try {
      for (const e of [...this.image]) this.call(e.routine, [name, processId, info], 'PsCallImageNotifyRoutines');
    } finally {
      k.freeKernelObject(info);
      k.freeKernelObject(name);
    }
  }

  private callThread(thread: Thread, create: number, frame: string): void {
    const system = thread.process === this.k.systemProcess;
    for (const e of [...this.thread]) {
      if (system && e.kind === 'nonSystem') continue;
      this.call(e.routine, [thread.process.id, thread.id, create], frame);
    }
  }

  private call(routine: number, args: readonly number[], frame: string): void {
    this.k.callRoutine(routine, args, [frame]);
  }
}

function remove(list: Entry<unknown>[], routine: number): number {
  const i = list.findIndex((e) => e.routine === routine >>> 0);
  if (i < 0) return STATUS.PROCEDURE_NOT_FOUND;
  list.splice(i, 1);
  return STATUS.SUCCESS;
}
