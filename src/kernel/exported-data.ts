/**
 * The data ntoskrnl exports: variables a driver declares `extern` (IoFileObjectType, KeNumberProcessors,
 * NtBuildNumber...). One table: each name, the C type a driver declares it with, and what the
 * variable holds. The variables live in kernel memory the kernel owns, made the first time a driver
 * asks (so a machine that loads no such driver lays its pool out as before), and the loader binds a
 * driver's data imports to their addresses: a wasm image's `GOT.mem.<name>`, a TypeScript driver's
 * `ddi.data.<name>`.
 *
 * Where the WDK declares the variable as a pointer (`POBJECT_TYPE *IoFileObjectType`, `PULONG
 * InitSafeBootMode`), the driver's variable is the import slot and holds the address of the kernel's
 * own variable, as an import address table entry does on Windows; so the table says what that slot
 * points to.
 */
import { SE_EXPORTS, SE_EXPORTS_PRIVILEGES, UNICODE_STRING } from '../nt/layout.ts';
import { poolTag } from '../nt/pool.ts';
import type { Kernel } from './kernel.ts';
import type { ObjectKind } from './ob/object.ts';
import { NT_BUILD_NUMBER } from './ps/version.ts';

/** The highest user-mode address + 1 that ProbeForRead/ProbeForWrite accept (the user region's end). */
export const MM_USER_PROBE_ADDRESS = 0x7fff0000;
export const MM_HIGHEST_USER_ADDRESS = 0x7ffeffff;
export const MM_SYSTEM_RANGE_START = 0x80000000;
const TAG_DATA = poolTag('KDat');
const TAG_OBJECT_TYPE = poolTag('ObjT');
/** Room for an OBJECT_TYPE: opaque to drivers; the kernel keeps its Name (a UNICODE_STRING at 8, as x86 has it). */
const OBJECT_TYPE_SIZE = 0x90;
const OBJECT_TYPE_NAME = 8;

/** What a driver's variable holds, made from the kernel's state. */
interface DataContext {
  /** The OBJECT_TYPE of a kind of object. */
  objectType(kind: ObjectKind): number;
  /** A new 4-byte kernel variable holding `value` (the kernel's own variable behind an import slot). */
  cell(value: number): number;
  /** The kernel's SE_EXPORTS. */
  seExports(): number;
}

export interface ExportedDatum {
  /** The declaration the headers give it, `extern <ctype> <name>;`. */
  readonly ctype: string;
  /** Bytes of the variable (1 for BOOLEAN/CCHAR, else 4). */
  readonly size: 1 | 4;
  /** The value, computed when the variable is made and again each time a driver binds it. */
  readonly value: (k: Kernel, c: DataContext) => number;
  /** The value changes with the machine's state (KdDebuggerEnabled): written at every bind. */
  readonly live?: boolean;
  /** What the variable holds, for docs/ddi-support.md. */
  readonly what: string;
  /**
   * The driver's variable is an import slot holding the address of the kernel's own variable (the
   * WDK declares these without dllimport, as pointers): MmGetSystemRoutineAddress gives that address.
   */
  readonly slot?: boolean;
}

/** The kernel object types drivers name, and the ObjectKind each stands for. */
export const OBJECT_TYPE_NAMES: Readonly<Record<string, ObjectKind>> = {
  File: 'File',
  Device: 'Device',
  Driver: 'Driver',
  Process: 'Process',
  Thread: 'Thread',
  Event: 'Event',
  TmTx: 'TmTx',
  Key: 'Key',
};

export const EXPORTED_DATA = {
  IoFileObjectType: { ctype: 'POBJECT_TYPE *', size: 4, value: (_k, c) => c.cell(c.objectType('File')), what: "the address of the kernel's pointer to the file object type", slot: true },
  IoDeviceObjectType: { ctype: 'POBJECT_TYPE *', size: 4, value: (_k, c) => c.cell(c.objectType('Device')), what: "the address of the kernel's pointer to the device object type", slot: true },
  IoDriverObjectType: { ctype: 'POBJECT_TYPE *', size: 4, value: (_k, c) => c.cell(c.objectType('Driver')), what: "the address of the kernel's pointer to the driver object type", slot: true },
  PsProcessType: { ctype: 'POBJECT_TYPE *', size: 4, value: (_k, c) => c.cell(c.objectType('Process')), what: "the address of the kernel's pointer to the process object type", slot: true },
  PsThreadType: { ctype: 'POBJECT_TYPE *', size: 4, value: (_k, c) => c.cell(c.objectType('Thread')), what: "the address of the kernel's pointer to the thread object type", slot: true },
  ExEventObjectType: { ctype: 'POBJECT_TYPE *', size: 4, value: (_k, c) => c.cell(c.objectType('Event')), what: "the address of the kernel's pointer to the event object type", slot: true },
  TmTransactionObjectType: { ctype: 'POBJECT_TYPE *', size: 4, value: (_k, c) => c.cell(c.objectType('TmTx')), what: "the address of the kernel's pointer to the transaction object type", slot: true },
  SeExports: { ctype: 'PSE_EXPORTS', size: 4, value: (_k, c) => c.seExports(), what: 'the address of SE_EXPORTS (the privilege LUIDs)' },
  KeNumberProcessors: { ctype: 'CCHAR', size: 1, value: (k) => k.processors.length, what: 'the number of processors (1)' },
  NtBuildNumber: { ctype: 'ULONG', size: 4, value: () => NT_BUILD_NUMBER, what: '0xF0005867: build 22631 of a free build (Windows 11 23H2)' },
  MmUserProbeAddress: { ctype: 'ULONG_PTR', size: 4, value: () => MM_USER_PROBE_ADDRESS, what: '0x7FFF0000, the end of user space' },
  MmHighestUserAddress: { ctype: 'PVOID', size: 4, value: () => MM_HIGHEST_USER_ADDRESS, what: '0x7FFEFFFF' },
  MmSystemRangeStart: { ctype: 'PVOID', size: 4, value: () => MM_SYSTEM_RANGE_START, what: '0x80000000' },
  /** 0: a normal boot (1 would be SAFEBOOT_MINIMAL, 2 SAFEBOOT_NETWORK). */
  InitSafeBootMode: { ctype: 'PULONG', size: 4, value: (_k, c) => c.cell(0), what: 'the address of a ULONG: 0, a normal boot', slot: true },
  KdDebuggerEnabled: { ctype: 'PBOOLEAN', size: 4, value: (k, c) => c.cell(k.kdDebuggerEnabled ? 1 : 0), live: true, what: 'the address of a BOOLEAN: TRUE when a kernel debugger is attached (--debugger)', slot: true },
  KdDebuggerNotPresent: { ctype: 'PBOOLEAN', size: 4, value: (k, c) => c.cell(k.kdDebuggerEnabled ? 0 : 1), live: true, what: 'the address of a BOOLEAN: FALSE when a kernel debugger is attached', slot: true },
} as const satisfies Record<string, ExportedDatum>;

export type ExportedDataName = keyof typeof EXPORTED_DATA;

export function isExportedData(name: string): name is ExportedDataName {
  return Object.hasOwn(EXPORTED_DATA, name);
}

/** The kernel's exported variables: made once per machine, on first use. */
export class ExportedData {
  private readonly variables = new Map<ExportedDataName, number>();
  private readonly cells = new Map<ExportedDataName, number>();
  private readonly types = new Map<ObjectKind, number>();
  private se = 0;

  constructor(private readonly k: Kernel) {}

  /** The address of the driver-visible variable `name`, its value current. */
  address(name: ExportedDataName): number {
    const k = this.k;
    const d: ExportedDatum = EXPORTED_DATA[name];
    let v = this.variables.get(name);
    if (v === undefined) {
      v = k.allocateKernelObject(4, TAG_DATA);
      this.variables.set(name, v);
    } else if (!d.live) {
      return v;
    }
    const value = d.value(k, this.context(name));
    if (d.size === 1) k.as.setU8(v, value);
    else k.as.setU32(v, value);
    return v;
  }

  /** The kernel's own variable `name`: what MmGetSystemRoutineAddress returns for it. */
  kernelVariable(name: ExportedDataName): number {
    const v = this.address(name);
    return (EXPORTED_DATA[name] as ExportedDatum).slot ? this.k.as.u32(v) : v;
  }

  /** The kind of object an OBJECT_TYPE address stands for, if it is one of the kernel's. */
  kindOfType(type: number): ObjectKind | undefined {
    for (const [kind, a] of this.types) if (a === type >>> 0) return kind;
    return undefined;
  }

  private context(name: ExportedDataName): DataContext {
    const k = this.k;
    return {
      objectType: (kind) => this.objectType(kind),
      cell: (value) => {
        // One kernel variable per name, rewritten when a live value changes.
        let c = this.cells.get(name);
        if (c === undefined) this.cells.set(name, (c = k.allocateKernelObject(4, TAG_DATA)));
        k.as.setU32(c, value);
        return c;
      },
      seExports: () => this.seExports(),
    };
  }

  /** The kernel's OBJECT_TYPE of `kind` (what `*PsProcessType` points at), made on first use. */
  objectType(kind: ObjectKind): number {
    let t = this.types.get(kind);
    if (t !== undefined) return t;
    const k = this.k;
    t = k.allocateKernelObject(OBJECT_TYPE_SIZE, TAG_OBJECT_TYPE);
    // The Name's text sits in the same block, after the fields the kernel fills.
    const text = t + 0x40;
    for (let i = 0; i < kind.length; i++) k.as.setU16(text + 2 * i, kind.charCodeAt(i));
    k.as.setU16(t + OBJECT_TYPE_NAME + UNICODE_STRING.off.Length, 2 * kind.length);
    k.as.setU16(t + OBJECT_TYPE_NAME + UNICODE_STRING.off.MaximumLength, 2 * kind.length + 2);
    k.as.setU32(t + OBJECT_TYPE_NAME + UNICODE_STRING.off.Buffer, text);
    this.types.set(kind, t);
    return t;
  }

  private seExports(): number {
    if (this.se !== 0) return this.se;
    const k = this.k;
    this.se = k.allocateKernelObject(SE_EXPORTS.size, TAG_DATA);
    for (const [name, low] of SE_EXPORTS_PRIVILEGES) {
      k.as.setU32(this.se + SE_EXPORTS.off[`${name}.LowPart`]!, low);
      k.as.setU32(this.se + SE_EXPORTS.off[`${name}.HighPart`]!, 0);
    }
    return this.se;
  }
}

const machines = new WeakMap<Kernel, ExportedData>();

/** The machine's exported data (made on first use). */
export function exportedData(k: Kernel): ExportedData {
  let d = machines.get(k);
  if (!d) machines.set(k, (d = new ExportedData(k)));
  return d;
}
