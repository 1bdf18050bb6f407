/** Object manager DDIs. */
import type { Kernel } from '../kernel.ts';

export function obExports(k: Kernel) {
  const reference = (Object: number): number => k.ob.reference(Object >>> 0);
  const dereference = (Object: number): number => k.ob.dereference(Object >>> 0);
  return {
    ObfReferenceObject: reference,
    ObReferenceObject: reference,
    ObfDereferenceObject: dereference,
    ObDereferenceObject: dereference,
  };
}
