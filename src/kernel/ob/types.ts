/**
 * The object types a driver names in ObRegisterCallbacks: the Process and Thread OBJECT_TYPEs and
 * the exported variables that point to them (`POBJECT_TYPE *PsProcessType`, `*PsThreadType`).
 * OB_OPERATION_REGISTRATION.ObjectType holds the variable's value (a POBJECT_TYPE *), the callbacks
 * receive the type itself (OB_PRE_OPERATION_INFORMATION.ObjectType).
 *
 * The types and their variables are the kernel's exported data (exported-data.ts): one object per
 * type in the machine, whichever way a driver reaches it. This is the object callbacks' view of them.
 */
import type { Kernel } from '../kernel.ts';
import { exportedData } from '../exported-data.ts';

export type CallbackObjectKind = 'Process' | 'Thread';

/** The exported variable of each type, by its ntoskrnl name. */
export const OBJECT_TYPE_VARIABLES = { PsProcessType: 'Process', PsThreadType: 'Thread' } as const satisfies Record<string, CallbackObjectKind>;
export type ObjectTypeVariable = keyof typeof OBJECT_TYPE_VARIABLES;

const KINDS: readonly CallbackObjectKind[] = Object.values(OBJECT_TYPE_VARIABLES);

export class ObjectTypes {
  constructor(private readonly k: Kernel) {}

  /** The OBJECT_TYPE of `kind`. */
  typeObject(kind: CallbackObjectKind): number {
    return exportedData(this.k).objectType(kind);
  }

  /** The value of the exported variable (`PsProcessType`): the kernel's cell that holds the type. */
  variable(name: ObjectTypeVariable): number {
    return exportedData(this.k).kernelVariable(name);
  }

  /** Which of the callback types an OBJECT_TYPE address is, or undefined. */
  kindOf(typeObject: number): CallbackObjectKind | undefined {
    const kind = exportedData(this.k).kindOfType(typeObject);
    return (KINDS as readonly string[]).includes(kind ?? '') ? (kind as CallbackObjectKind) : undefined;
  }
}
