/**
 * MmGetSystemRoutineAddress: the address of a routine (or variable) ntoskrnl exports, by name, or NULL. The
 * address is the routine's code address in the nt image, and calling it runs the DDI: the kernel
 * registers it as a routine on first lookup. A loader whose driver calls pointers in its own way
 * (a wasm image's function table) maps the address to that form (src/loader).
 */
import { UNICODE_STRING } from '../../nt/layout.ts';
import type { DdiName } from '../ddi.ts';
import { exportedData, isExportedData } from '../exported-data.ts';
import type { Kernel } from '../kernel.ts';

const US = UNICODE_STRING.off;

/** The DDI an nt code address returned by MmGetSystemRoutineAddress stands for, if any. */
export function systemRoutineAt(k: Kernel, address: number): DdiName | undefined {
  return systemRoutines.get(k)?.get(address >>> 0);
}

const systemRoutines = new WeakMap<Kernel, Map<number, DdiName>>();

export function routineExports(k: Kernel) {
  const found = systemRoutines.get(k) ?? new Map<number, DdiName>();
  systemRoutines.set(k, found);
  return {
    /** IRQL == PASSIVE_LEVEL. The name is matched exactly (case-sensitive), as the export table's names are. */
    MmGetSystemRoutineAddress(SystemRoutineName: number): number {
      const s = SystemRoutineName >>> 0;
      const length = k.as.u16(s + US.Length);
      const buffer = k.as.u32(s + US.Buffer);
      let name = '';
      for (let i = 0; i + 2 <= length; i += 2) name += String.fromCharCode(k.as.u16(buffer + i));
      // Exported data too: the address of the kernel's variable.
      if (isExportedData(name)) return exportedData(k).kernelVariable(name);
      if (!Object.hasOwn(k.ddi, name)) return 0;
      const ddi = name as DdiName;
      const address = k.nt.address(ddi);
      if (!found.has(address)) {
        found.set(address, ddi);
        k.registerRoutine(address, k.ddi[ddi] as never, 'nt');
      }
      return address;
    },
  };
}
