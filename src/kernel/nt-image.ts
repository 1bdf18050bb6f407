/**
 * The ntoskrnl.exe image as the debugger sees it: a module at a fixed base whose symbols are the
 * exported DDIs and the internal routines that appear in stacks. Addresses are assigned in a fixed
 * order so they are the same in every run.
 */
import type { FunctionSymbol, ModuleInfo } from './symbols.ts';
import { VA_MAP } from './mm/address-space.ts';
import { SimulatorError } from './errors.ts';

/** Room for the largest call-site offset used in shadow frames (IopParseDevice+0x6f1). */
const ROUTINE_SIZE = 0x1000;
const FIRST_ROUTINE_RVA = 0x1000;
/** Where LATE_ROUTINES start; routines added in order must end below it. */
const LATE_ROUTINE_RVA = 0x400000;

/** Internal kernel routines that show up in stacks. */
export const INTERNAL_ROUTINES = [
  'KiSystemStartup',
  'IopLoadDriver',
  'IopLoadUnloadDriver',
  'IopUnloadDriver',
  'MmUnloadSystemImage',
  'NtDeviceIoControlFile',
  'IopXxxControlFile',
  'IopSynchronousServiceTail',
  'NtCreateFile',
  'IopParseDevice',
  'NtClose',
  'IopCloseFile',
  'IopDeleteFile',
  'KiExecuteAllDpcs',
  'KiRetireDpcList',
  'KiTimerExpiration',
  'ExpWorkerThread',
  'IopProcessWorkItem',
  'PspSystemThreadStartup',
  'KiIdleLoop',
  'KeBugCheck2',
  'DbgBreakPointWithStatus',
] as const;

/**
 * Routines, internal or exported, added after the layout above was pinned (golden debugger output
 * holds its addresses). Each has a fixed slot from LATE_ROUTINE_RVA up, so adding one here moves no
 * other symbol (a DDI listed here keeps this slot instead of taking one in name order). Append only.
 */
export const LATE_ROUTINES = [
  'IopfCompleteRequest',
  'IopCsqCancelRoutine',
  'NtShutdownSystem',
  'PopGracefulShutdown',
  'IoShutdownSystem',
  'CmShutdownSystem',
  'MmShutdownSystem',
  'ExInitializeFastMutex',
  'ExAcquireFastMutex',
  'ExReleaseFastMutex',
  'ExTryToAcquireFastMutex',
  'KeInitializeMutex',
  'KeReleaseMutex',
  'KeReadStateMutex',
  'KeEnterCriticalRegion',
  'KeLeaveCriticalRegion',
  'KeFlushQueuedDpcs',
  'ExInitializeNPagedLookasideList',
  'ExDeleteNPagedLookasideList',
  'ExAllocateFromNPagedLookasideList',
  'ExFreeToNPagedLookasideList',
  'ExInitializePagedLookasideList',
  'ExDeletePagedLookasideList',
  'ExAllocateFromPagedLookasideList',
  'ExFreeToPagedLookasideList',
  'IoBuildPartialMdl',
  'MmMapLockedPages',
  'MmMapLockedPagesSpecifyCache',
  'MmUnmapLockedPages',
  'MmProbeAndLockProcessPages',
  'EngAllocMem',
  'EngFreeMem',
  'ObReferenceObjectByPointer',
  'ObReferenceObjectByHandle',
  'IoRegisterShutdownNotification',
  'IoUnregisterShutdownNotification',
] as const;

export class NtImage {
  readonly base = VA_MAP.ntImage.start;
  private readonly byName = new Map<string, FunctionSymbol>();
  private readonly functions: FunctionSymbol[] = [];
  private nextRva = FIRST_ROUTINE_RVA;
  /** Routines below LATE_ROUTINE_RVA: `functions` stays sorted by address for symbol lookup. */
  private inOrder = 0;

  constructor() {
    LATE_ROUTINES.forEach((name, i) => this.place(name, LATE_ROUTINE_RVA + i * ROUTINE_SIZE, this.functions.length));
  }

  /** Add routines in order; re-adding a name is a no-op. */
  addRoutines(names: Iterable<string>): void {
    for (const name of names) {
      if (this.byName.has(name)) continue;
      if (this.nextRva >= LATE_ROUTINE_RVA) throw new SimulatorError(`nt image: no room for routine ${name}`);
      this.place(name, this.nextRva, this.inOrder++);
      this.nextRva += ROUTINE_SIZE;
    }
  }

  private place(name: string, rva: number, index: number): void {
    const fn: FunctionSymbol = { name, start: this.base + rva, size: ROUTINE_SIZE };
    this.byName.set(name, fn);
    this.functions.splice(index, 0, fn);
  }

  /** The address `name+offset`: a return address for a shadow frame. */
  address(name: string, offset = 0): number {
    const fn = this.byName.get(name);
    if (!fn) throw new SimulatorError(`nt has no routine ${name}`);
    return fn.start + offset;
  }

  module(): ModuleInfo {
    return {
      name: 'nt',
      imageName: 'ntoskrnl.exe',
      base: this.base,
      size: VA_MAP.ntImage.end - VA_MAP.ntImage.start,
      symbols: { functions: this.functions, files: [], lines: [] },
    };
  }
}
