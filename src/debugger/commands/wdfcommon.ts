/**
 * What the `!wdfkd.*` commands share: finding a client driver, an object by handle or address, the
 * names kd gives types, states and enums, and a context's `dt` line. They read the dump's `wdf`
 * section (src/system/capture-wdf.ts) and its memory.
 */
import type { WdfClientSnapshot } from '../dump.ts';
import { FX_OBJECT_STATE, FX_TYPE, FX_TYPE_HANDLE_NAME, WDF_DEVICE_IO_TYPE, WDF_IO_QUEUE_DISPATCH, type FxTypeCode } from '../../nt/wdf.ts';
import { CommandError, type Command } from '../command.ts';
import { hex } from '../format.ts';
import type { DebugTarget } from '../target.ts';

export type WdfObjectSnapshot = WdfClientSnapshot['objects'][number];

/** `0x7c4950e0`: how `!wdfkd` prints handles and addresses. */
export const h = (n: number): string => `0x${hex(n)}`;

/** The framework's class for each type code (`!wdfobject`: "The type for object 0x… is FxDevice"). */
const FX_CLASS: Readonly<Record<FxTypeCode, string>> = {
  [FX_TYPE.Object]: 'FxObject',
  [FX_TYPE.Driver]: 'FxDriver',
  [FX_TYPE.Device]: 'FxDevice',
  [FX_TYPE.Queue]: 'FxIoQueue',
  [FX_TYPE.String]: 'FxString',
  [FX_TYPE.Request]: 'FxRequest',
  [FX_TYPE.Memory]: 'FxMemoryObject',
  [FX_TYPE.Collection]: 'FxCollection',
  [FX_TYPE.Dpc]: 'FxDpc',
  [FX_TYPE.FileObject]: 'FxFileObject',
  [FX_TYPE.WaitLock]: 'FxWaitLock',
  [FX_TYPE.SpinLock]: 'FxSpinLock',
  [FX_TYPE.WorkItem]: 'FxWorkItem',
  [FX_TYPE.Timer]: 'FxTimer',
  [FX_TYPE.IoTarget]: 'FxIoTarget',
  [FX_TYPE.CmResList]: 'FxCmResList',
  [FX_TYPE.Interrupt]: 'FxInterrupt',
  [FX_TYPE.ChildList]: 'FxChildList',
  [FX_TYPE.RegKey]: 'FxRegKey',
  [FX_TYPE.Lookaside]: 'FxNPagedLookasideList',
  [FX_TYPE.WmiProvider]: 'FxWmiProvider',
  [FX_TYPE.WmiInstance]: 'FxWmiInstanceExternal',
  [FX_TYPE.DmaEnabler]: 'FxDmaEnabler',
  [FX_TYPE.DmaTransaction]: 'FxDmaTransactionBase',
  [FX_TYPE.CommonBuffer]: 'FxCommonBuffer',
};

export const handleTypeName = (type: number): string => FX_TYPE_HANDLE_NAME[type as FxTypeCode] ?? `type 0x${hex(type)}`;
export const fxClassName = (type: number): string => FX_CLASS[type as FxTypeCode] ?? `FxObject (type 0x${hex(type)})`;

/** FX_OBJECT_HEADER.State as `FxObjectStateCreated`. */
export function objectStateName(state: number): string {
  const name = Object.entries(FX_OBJECT_STATE).find(([, v]) => v === state)?.[0];
  return name ? `FxObjectState${name}` : 'FxObjectStateInvalid';
}

const enumName = (table: Readonly<Record<string, number>>, value: number, prefix: string) => {
  const name = Object.entries(table).find(([, v]) => v === value)?.[0];
  return name ? `${prefix}${name}` : `${prefix}Invalid (${value})`;
};
export const dispatchTypeName = (v: number): string => enumName(WDF_IO_QUEUE_DISPATCH, v, '');
export const ioTypeName = (v: number): string => enumName(WDF_DEVICE_IO_TYPE, v, 'WdfDeviceIoType');

/** The dump's clients; a command on a dump with none says so. */
export function clients(t: DebugTarget): readonly WdfClientSnapshot[] {
  const list = t.dump.wdf?.clients ?? [];
  if (list.length === 0) throw new CommandError('No KMDF driver is loaded in this dump (Wdf01000 has no clients).');
  return list;
}

/**
 * The client named `name` (`KmdfNonPnp` or `KmdfNonPnp.sys`, any case); without a name, the driver
 * a 0x10D stop charges (its Parameter 4 is the driver's globals), else the first client.
 */
export function client(t: DebugTarget, name: string | undefined): WdfClientSnapshot {
  const list = clients(t);
  if (name !== undefined) {
    const n = name.toLowerCase().replace(/\.sys$/, '');
    const c = list.find((x) => x.name.toLowerCase() === n);
    if (!c) throw new CommandError(`Could not find a KMDF driver named ${name} (its clients: ${list.map((x) => `${x.name}.sys`).join(', ')})`);
    return c;
  }
  return defaultClient(t) ?? list[0]!;
}

/** The client a 0x10D stop names by its Parameter 4. */
export function defaultClient(t: DebugTarget): WdfClientSnapshot | undefined {
  const bc = t.dump.bugCheck ?? t.dump.breakIn;
  const list = t.dump.wdf?.clients ?? [];
  return bc?.code === 0x10d ? list.find((c) => c.globals === bc.params[3]) : undefined;
}

/** The object a handle names, with its client; undefined for a handle of no live object. */
export function objectByHandle(t: DebugTarget, handle: number): { object: WdfObjectSnapshot; client: WdfClientSnapshot } | undefined {
  for (const c of t.dump.wdf?.clients ?? []) {
    const o = c.objects.find((x) => x.handle === handle >>> 0);
    if (o) return { object: o, client: c };
  }
  return undefined;
}

export function objectByAddress(t: DebugTarget, address: number): { object: WdfObjectSnapshot; client: WdfClientSnapshot } | undefined {
  for (const c of t.dump.wdf?.clients ?? []) {
    const o = c.objects.find((x) => x.address === address >>> 0);
    if (o) return { object: o, client: c };
  }
  return undefined;
}

/** A handle the command needs to be of `type`: an error naming what it is otherwise. */
export function typedHandle(t: DebugTarget, handle: number, type: FxTypeCode): { object: WdfObjectSnapshot; client: WdfClientSnapshot } {
  const found = objectByHandle(t, handle);
  if (!found) throw new CommandError(`${h(handle)} is not a handle of a live KMDF object in this dump`);
  if (found.object.type !== type) throw new CommandError(`${h(handle)} is a ${handleTypeName(found.object.type)} handle, not a ${FX_TYPE_HANDLE_NAME[type]}`);
  return found;
}

/** `context:  dt 0x83b68258 ROOT_CONTEXT (size is 0x1 bytes)`. */
export function contextLines(o: WdfObjectSnapshot, indent: string): string[] {
  return o.contexts.map((c) => `${indent}context:  dt ${h(c.address)} ${c.name || '<unnamed context type>'} (size is ${h(c.size)} bytes)`);
}

/** `!wdfkd.wdfX` with its short alias `!wdfX`: both name the command, as kd accepts either once the extension is loaded. */
export function wdfCommand(short: string, c: Omit<Command, 'name' | 'aliases'>): Command {
  return { name: `!wdfkd.${short}`, aliases: [`!${short}`], ...c };
}
