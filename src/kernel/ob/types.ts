/**
 * The object types a driver names in ObRegisterCallbacks: the Process and Thread OBJECT_TYPEs and
 * the exported variables that point to them (`POBJECT_TYPE *PsProcessType`, `*PsThreadType`).
 * OB_OPERATION_REGISTRATION.ObjectType holds the variable's value (a POBJECT_TYPE *), the callbacks
 * receive the type itself (OB_PRE_OPERATION_INFORMATION.ObjectType).
 *
 * Made on first use, so a run that never asks allocates nothing. The exported-data design (how a C
 * image imports PsProcessType as data) lives with the kernel's data exports; this is the one place
 * the two types and their variables are made.
 */
import { poolTag } from '../../nt/pool.ts';
import type { Kernel } from '../kernel.ts';

export type CallbackObjectKind = 'Process' | 'Thread';

/** The exported variable of each type, by its ntoskrnl name. */
export const OBJECT_TYPE_VARIABLES = { PsProcessType: 'Process', PsThreadType: 'Thread' } as const satisfies Record<string, CallbackObjectKind>;
export type ObjectTypeVariable = keyof typeof OBJECT_TYPE_VARIABLES;

const KINDS: readonly CallbackObjectKind[] = Object.values(OBJECT_TYPE_VARIABLES);
/** x86 OBJECT_TYPE: TypeList (LIST_ENTRY) then Name (UNICODE_STRING); the rest is the kernel's. */
const OBJECT_TYPE_SIZE = 0x90;
const OBJECT_TYPE_NAME = 8;
const TAG_OBJECT_TYPE = poolTag('ObjT');

interface Block {
  readonly variables: number;
  readonly types: Map<CallbackObjectKind, number>;
}

export class ObjectTypes {
  private block?: Block;

  constructor(private readonly k: Kernel) {}

  /** The OBJECT_TYPE of `kind`. */
  typeObject(kind: CallbackObjectKind): number {
    return this.made().types.get(kind)!;
  }

  /** The address of the exported variable (`&PsProcessType`): what a driver's `PsProcessType` evaluates to. */
  variable(name: ObjectTypeVariable): number {
    return this.made().variables + 4 * KINDS.indexOf(OBJECT_TYPE_VARIABLES[name]);
  }

  /** Which type an OBJECT_TYPE address is, or undefined. */
  kindOf(typeObject: number): CallbackObjectKind | undefined {
    for (const [kind, a] of this.made().types) if (a === typeObject >>> 0) return kind;
    return undefined;
  }

  private made(): Block {
    if (this.block) return this.block;
    const k = this.k;
    const nameBytes = Math.max(...KINDS.map((n) => 2 * n.length + 2));
    const stride = OBJECT_TYPE_SIZE + nameBytes;
    const base = k.allocateKernelObject(4 * KINDS.length + stride * KINDS.length, TAG_OBJECT_TYPE);
    const types = new Map<CallbackObjectKind, number>();
    KINDS.forEach((kind, i) => {
      const type = base + 4 * KINDS.length + stride * i;
      k.as.zero(type, stride);
      k.io.initUnicodeString(type + OBJECT_TYPE_NAME, type + OBJECT_TYPE_SIZE, kind);
      k.as.setU32(base + 4 * i, type);
      types.set(kind, type);
    });
    this.block = { variables: base, types };
    return this.block;
  }
}
