/** A KDPC's routine as the DPC and timer commands name it: `MyDriver!TimerDpc (DPC @ 84001234)`. */
import { KDPC } from '../nt/layout.ts';
import type { DebugTarget } from './target.ts';

/** The KDPC's DeferredRoutine symbolized, or undefined when the KDPC is not in the dump. */
export function dpcRoutine(t: DebugTarget, dpc: number): { routine: number; name: string } | undefined {
  const routine = t.u32(dpc + KDPC.off.DeferredRoutine!);
  if (routine === undefined) return undefined;
  return { routine, name: t.symbol(t.code(routine)) };
}
