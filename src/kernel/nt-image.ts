/**
 * The ntoskrnl.exe image as the debugger sees it: a module at a fixed base whose symbols are the
 * exported DDIs and the internal routines that appear in stacks. A routine's address comes from a
 * hash of its name (the next free slot on a collision), so it is the same in every run; the routines
 * of nt-pinned.ts are placed first, so adding a routine moves none of them: stacks in golden outputs
 * stay put when the kernel grows.
 */
import type { FunctionSymbol, ModuleInfo } from './symbols.ts';
import { VA_MAP } from './mm/address-space.ts';
import { SimulatorError } from './errors.ts';
import { PINNED_ROUTINES } from './nt-pinned.ts';

/** Room for the largest call-site offset used in shadow frames (IopParseDevice+0x6f1). */
const ROUTINE_SIZE = 0x1000;
const FIRST_ROUTINE_RVA = 0x1000;
const SLOTS = (VA_MAP.ntImage.end - VA_MAP.ntImage.start - FIRST_ROUTINE_RVA) / ROUTINE_SIZE;

/** FNV-1a: a stable 32-bit hash of a routine name. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * A routine's slot in an image of `slots` slots: its name's hash, or the next free slot after it
 * (taken records it). nt's image and Wdf01000's place their routines so, so a routine's address
 * does not move when others are added.
 */
export function hashedSlot(name: string, slots: number, taken: Set<number>): number {
  let slot = fnv1a(name) % slots;
  while (taken.has(slot)) slot = (slot + 1) % slots;
  taken.add(slot);
  return slot;
}

/** Internal kernel routines that show up in stacks. */
export const INTERNAL_ROUTINES = [
  'IopfCompleteRequest',
  'IopCsqCancelRoutine',
  'NtShutdownSystem',
  'PopGracefulShutdown',
  'IoShutdownSystem',
  'CmShutdownSystem',
  'MmShutdownSystem',
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
  'NtReadFile',
  'NtWriteFile',
  // Processes, threads and their callbacks (ps/process.ts, ps/notify.ts, ob/callbacks.ts).
  'NtCreateUserProcess',
  'MmLoadSystemImage',
  'NtTerminateProcess',
  'NtOpenProcess',
  'NtOpenThread',
  'NtDuplicateObject',
  'PspInsertThread',
  'PspExitThread',
  'PspExitProcess',
  'PspCallProcessNotifyRoutines',
  'PsCallImageNotifyRoutines',
  'ObpCallPreOperationCallbacks',
  'ObpCallPostOperationCallbacks',
  // Where ISRs run from (hal/interrupts.ts).
  'KiInterruptDispatch',
  // WMI's IRPs to providers (io/wmi-service.ts); power settings and power limits (po/setting.ts, po/powerlimit.ts).
  'WmipSendWmiIrp',
  'PopPowerSettingCallback',
  'PopPowerLimitQueryInterface',
  'PopPowerLimitCall',
] as const;


export class NtImage {
  readonly base = VA_MAP.ntImage.start;
  private readonly byName = new Map<string, FunctionSymbol>();
  /** Sorted by address, for symbol lookup. */
  private readonly functions: FunctionSymbol[] = [];
  private readonly taken = new Set<number>();

  constructor() {
    // The routines of nt-pinned.ts keep their slots whatever is registered after them.
    this.addRoutines(PINNED_ROUTINES);
  }

  /** Add routines; re-adding a name is a no-op. Order matters only when two names collide. */
  addRoutines(names: Iterable<string>): void {
    for (const name of names) {
      if (this.byName.has(name)) continue;
      if (this.taken.size >= SLOTS) throw new SimulatorError(`nt image: no room for routine ${name}`);
      const slot = hashedSlot(name, SLOTS, this.taken);
      const fn: FunctionSymbol = { name, start: this.base + FIRST_ROUTINE_RVA + slot * ROUTINE_SIZE, size: ROUTINE_SIZE };
      this.byName.set(name, fn);
      let i = this.functions.length;
      while (i > 0 && this.functions[i - 1]!.start > fn.start) i--;
      this.functions.splice(i, 0, fn);
    }
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
