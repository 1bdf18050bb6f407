/**
 * Processes and their ids. The System process (4) and its threads exist from boot; user processes
 * are started and ended by the run (machine.startProcess / endProcess, `dv run --process`), each
 * with a main thread, and every start and end goes past the drivers' notify routines in the order
 * Windows calls them: the image map, the process, its first thread; on exit its last thread, then
 * the process.
 *
 * Process and thread ids come from one client-id table, as on Windows: multiples of 4 from 4 up,
 * in creation order, never reused within a run (so a run's ids are the same every time).
 */
import { STATUS, NT_SUCCESS } from '../../nt/status.ts';
import { SimulatorError } from '../errors.ts';
import type { Kernel } from '../kernel.ts';
import { NotifyRoutines } from './notify.ts';
import type { Process, Thread } from './thread.ts';

/** EPROCESS.ImageFileName: the 15-byte short name PsGetProcessImageFileName returns. */
export const EPROCESS_IMAGE_FILE_NAME = 0x16c;

/** Where a user process's image is, as the image-load and process notify routines see its name. */
export const USER_IMAGE_DIRECTORY = '\\Device\\HarddiskVolume1\\Windows\\System32\\';

/** Where a driver's image is, as the image-load notify routines see its name. */
export const DRIVER_IMAGE_DIRECTORY = '\\SystemRoot\\System32\\drivers\\';

export interface StartedProcess {
  /** STATUS_SUCCESS, or the CreationStatus a driver's notify routine denied the creation with. */
  readonly status: number;
  /** The process, when it started. */
  readonly process?: Process;
}

export class ProcessManager {
  readonly notify: NotifyRoutines;
  private nextId = 4;
  private readonly byId = new Map<number, Process>();
  private readonly byAddress = new Map<number, Process>();
  private readonly mainThreads = new Map<Process, Thread>();

  constructor(private readonly k: Kernel) {
    this.notify = new NotifyRoutines(k);
  }

  /** The next client id (PspCidTable). */
  allocateId(): number {
    const id = this.nextId;
    this.nextId += 4;
    return id;
  }

  add(process: Process): void {
    this.byId.set(process.id, process);
    this.byAddress.set(process.address, process);
  }

  /** A user process the kernel made itself (the run's client, dvclient.exe): it ends like the others. */
  track(process: Process, mainThread: Thread): void {
    this.k.ob.create(process.address, 'Process');
    this.k.ob.create(mainThread.address, 'Thread');
    this.mainThreads.set(process, mainThread);
  }

  processById(id: number): Process | undefined {
    return this.byId.get(id >>> 0);
  }

  processAt(address: number): Process | undefined {
    return this.byAddress.get(address >>> 0);
  }

  threadAt(address: number): Thread | undefined {
    return this.k.threads.find((t) => t.address === address >>> 0);
  }

  threadById(id: number): Thread | undefined {
    return this.k.threads.find((t) => t.id === id >>> 0);
  }

  /** User processes started by the run and still running, in start order. */
  running(): Process[] {
    return [...this.mainThreads.keys()].filter((p) => p.state === 'running');
  }

  mainThreadOf(process: Process): Thread | undefined {
    return this.mainThreads.get(process);
  }

  /**
   * NtCreateUserProcess from `creator` (default: the run's client thread, dvclient.exe): the image
   * is mapped (image notify), the process notify routines run in the creator's context and may deny
   * it (PS_CREATE_NOTIFY_INFO.CreationStatus); a denied process never runs a thread and is gone.
   */
  start(imageName: string, commandLine: string, creator: Thread = this.k.userThread): StartedProcess {
    const k = this.k;
    const parent = creator.process;
    const name = imageName.replace(/^.*[\\/]/, '');
    if (name === '') throw new SimulatorError(`a process needs an image name, got '${imageName}'`);
    const fullName = /[\\/]/.test(imageName) ? imageName : USER_IMAGE_DIRECTORY + imageName;
    const line = commandLine === '' ? name : `${name} ${commandLine}`;
    return k.runInThread(creator, () =>
      k.withFrames(['NtCreateUserProcess'], () => {
        const process = k.createProcess(name, parent.id, line);
        k.ob.create(process.address, 'Process');
        this.notify.imageLoaded(fullName, process.id, USER_IMAGE_BASE, USER_IMAGE_SIZE, false);
        const status = this.notify.processCreated(process, creator, fullName, line);
        if (!NT_SUCCESS(status)) {
          // The creation fails: the process object goes, no thread ever ran in it.
          process.state = 'terminated';
          process.exitStatus = status;
          k.ob.dereference(process.address);
          return { status };
        }
        const thread = k.createThread(process, `${name} main thread`);
        k.dispatcher.initializeEvent(thread.address, 0, false);
        k.ob.create(thread.address, 'Thread');
        this.mainThreads.set(process, thread);
        this.notify.threadCreated(thread);
        return { status: STATUS.SUCCESS, process };
      }),
    );
  }

  /**
   * NtTerminateProcess: the main thread exits (thread notify), then the process (process notify),
   * both in the context of that last thread, as Windows calls them.
   */
  end(id: number, exitStatus: number = STATUS.SUCCESS): void {
    const process = this.byId.get(id >>> 0);
    const thread = process && this.mainThreads.get(process);
    if (!process || !thread) throw new SimulatorError(`no user process with id ${id} (0x${(id >>> 0).toString(16)})`);
    if (process.state === 'terminated') throw new SimulatorError(`process ${process.name} (${id}) has already ended`);
    const k = this.k;
    k.runInThread(thread, () =>
      k.withFrames(['NtTerminateProcess', 'PspExitThread'], () => {
        this.notify.threadExited(thread);
        process.exitStatus = exitStatus >>> 0;
        this.notify.processExited(process);
      }),
    );
    thread.state = 'terminated';
    process.state = 'terminated';
    k.dispatcher.setEvent(thread.address);
    // The objects stay while anyone holds a reference (a driver's PsLookupProcessByProcessId).
    k.ob.dereference(thread.address);
    k.ob.dereference(process.address);
  }

  /** The session ends: every user process still running exits, latest started first (the run's client, started at boot, last). */
  endAll(): void {
    for (const p of this.running().reverse()) this.end(p.id);
  }
}

/** Where a user image is mapped in its process (the usual preferred base of an .exe), and its size. */
const USER_IMAGE_BASE = 0x00400000;
const USER_IMAGE_SIZE = 0x00010000;
