/**
 * `!wdfkd.wdfdevice`, `!wdfkd.wdfqueue`, `!wdfkd.wdfrequest`, `!wdfkd.wdfhandle`, `!wdfkd.wdfobject`:
 * one framework object each, in the extension's documented layouts. Where the documentation shows
 * no sample (`!wdfrequest`), the layout follows the others: a "Dumping" title, then one fact a line
 * with the `!command` that shows more.
 */
import { IRP_MJ } from '../../nt/io.ts';
import { FX_TYPE, WDF_EXECUTION_LEVEL, WDF_IO_QUEUE_DISPATCH, WDF_SYNCHRONIZATION_SCOPE, WDF_TRI_STATE } from '../../nt/wdf.ts';
import { WDF_DEVICE_POWER_STATE, wdfDeviceStateName } from '../../nt/wdf-states.ts';
import { CommandError, kdNumber, parseNumber, splitArgs } from '../command.ts';
import { routineSymbol } from '../devices.ts';
import type { WdfClientSnapshot } from '../dump.ts';
import { hex8 } from '../format.ts';
import type { DebugTarget } from '../target.ts';
import { contextLines, dispatchTypeName, fxClassName, h, handleTypeName, ioTypeName, objectByAddress, objectByHandle, objectStateName, typedHandle, wdfCommand, type WdfObjectSnapshot } from './wdfcommon.ts';

const majorName = (major: number) => {
  const n = Object.entries(IRP_MJ).find(([, v]) => v === major)?.[0];
  return n ? `IRP_MJ_${n}` : `IRP_MJ 0x${major.toString(16)}`;
};
const levelName = (v: number) => `ExecutionLevel${Object.entries(WDF_EXECUTION_LEVEL).find(([, x]) => x === v)?.[0] ?? 'Invalid'}`;
const scopeName = (v: number) => `SynchronizationScope${Object.entries(WDF_SYNCHRONIZATION_SCOPE).find(([, x]) => x === v)?.[0] ?? 'Invalid'}`;

/** A record the dump's wdf section should hold: its absence is a damaged section, said as such. */
function must<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new CommandError(`The dump's KMDF section has no record of ${what}`);
  return v;
}

function handleArg(args: string, usage: string): { handle: number; flags: number } {
  const [a, f] = splitArgs(args);
  if (a === undefined) throw new CommandError(`Usage: ${usage}`);
  const flags = f === undefined ? 0 : kdNumber(f);
  if (Number.isNaN(flags)) throw new CommandError(`Couldn't resolve error at '${f}'`);
  return { handle: parseNumber(a), flags };
}

export const wdfdevice = wdfCommand('wdfdevice', {
  syntax: '!wdfkd.wdfdevice Handle [Flags]',
  help: 'A WDFDEVICE: its WDM device object, its Pnp, Power and Power Pol states (a control device has none), I/O type, default queue and queues; flags 0x8, 0x2 and 0x4 add the PnP, power and power policy state histories, 0x1 the synchronization scope and execution level, 0x10 its contexts.',
  run(t, args) {
    const { handle, flags } = handleArg(args, '!wdfkd.wdfdevice Handle [Flags]');
    const { client } = typedHandle(t, handle, FX_TYPE.Device);
    const d = must(client.devices.find((x) => x.handle === handle), `WDFDEVICE ${h(handle)}`);
    const out = [`Dumping WDFDEVICE ${h(handle)}`, '=================================', '', `WDM PDEVICE_OBJECTs:  self ${hex8(d.deviceObject)}`, ''];
    // A control device has no PnP package: Windows' control devices have no PnP or power state machine.
    if (d.control) out.push('Control device: no Pnp, Power or Power Pol state (a non-PnP control device)', '');
    const pnp = d.pnp;
    if (pnp) {
      out.push(...stateLines(pnp, ''), '');
      const parent = pnp.parent ? client.devices.find((x) => x.handle === pnp.parent) : undefined;
      if (parent?.pnp) out.push(`Parent WDFDEVICE ${h(parent.handle).slice(2)}`, 'Parent states:', ...stateLines(parent.pnp, '   '), '');
      out.push(pnp.policyOwner ? 'Device is the power policy owner for the stack' : 'Device is not the power policy owner for the stack', '');
    }
    out.push(`I/O type: ${ioTypeName(d.ioType)}`);
    out.push(d.defaultQueue ? `Default WDFQUEUE: ${h(d.defaultQueue)}` : 'Default WDFQUEUE: none');
    const queues = client.queues.filter((q) => q.device === handle);
    out.push(`Number of queues: ${queues.length}`, ...queues.map((q, i) => `  Queue: ${i} (!wdfqueue ${h(q.handle)})`));
    if (pnp) {
      // The documented order: PnP (0x8), power (0x2), power policy (0x4).
      if (flags & 0x8) out.push('', 'Pnp state history:', ...historyLines(pnp.pnp));
      if (flags & 0x2) out.push('', 'Power state history:', ...historyLines(pnp.power));
      if (flags & 0x4) out.push('', 'Power policy state history:', ...historyLines(pnp.powerPolicy));
    }
    if (flags & 0x1 && d.synchronizationScope !== undefined && d.executionLevel !== undefined) {
      // "Syncronization" is the extension's own spelling.
      out.push('', `SyncronizationScope is Wdf${scopeName(d.synchronizationScope)}`, `ExecutionLevel is Wdf${levelName(d.executionLevel)}`);
    }
    if (flags & 0x10) {
      const o = client.objects.find((x) => x.handle === handle);
      if (o) out.push('', ...contextLines(o, '  '));
    }
    return out;
  },
});

type DeviceMachines = NonNullable<WdfClientSnapshot['devices'][number]['pnp']>;
const current = (history: readonly number[]) => history[history.length - 1] ?? 0;
const stateLine = (label: string, code: number) => `${label}  ${code.toString(16)} ( ${wdfDeviceStateName(code)} )`;

/** "Pnp state:  119 ( WdfDevStatePnpStarted )" and its power and power policy lines. */
function stateLines(m: DeviceMachines, indent: string): string[] {
  return [stateLine(`${indent}Pnp state:`, current(m.pnp)), stateLine(`${indent}Power state:`, current(m.power)), stateLine(`${indent}Power Pol state:`, current(m.powerPolicy))];
}

/** "[0] WdfDevStatePnpObjectCreated (0x100)", oldest first. */
function historyLines(history: readonly number[]): string[] {
  return history.map((code, i) => `[${i}] ${wdfDeviceStateName(code)} (0x${code.toString(16)})`);
}

/** The queue's summary line: dispatch type, power management, and what it may do now. */
function queueSummary(client: WdfClientSnapshot, q: WdfClientSnapshot['queues'][number]): string {
  const device = client.devices.find((d) => d.handle === q.device);
  // WdfUseDefault: power-managed unless the device is a control device (no power state to follow).
  const powerManaged = q.powerManaged === WDF_TRI_STATE.True || (q.powerManaged === WDF_TRI_STATE.UseDefault && device !== undefined && !device.control);
  // PowerOn while the device's power machine is in D0 (a device with no machine, a control device, is always on).
  const powerOn = !device?.pnp || current(device.pnp.power) === WDF_DEVICE_POWER_STATE.WdfDevStatePowerD0;
  const parts = [dispatchTypeName(q.dispatchType), powerManaged ? 'Power-managed' : 'Not power-managed', powerOn ? 'PowerOn' : 'PowerOff', 'Can accept', q.dispatchType === WDF_IO_QUEUE_DISPATCH.Manual ? 'Cannot dispatch (manual)' : 'Can dispatch', levelName(q.executionLevel), scopeName(q.synchronizationScope)];
  return parts.join(', ');
}

export const wdfqueue = wdfCommand('wdfqueue', {
  syntax: '!wdfkd.wdfqueue Handle',
  help: 'A WDFQUEUE: dispatch type, power management, state, the requests the driver owns and those waiting, its EvtIo* callbacks.',
  run(t, args) {
    const { handle } = handleArg(args, '!wdfkd.wdfqueue Handle');
    const { client } = typedHandle(t, handle, FX_TYPE.Queue);
    const q = must(client.queues.find((x) => x.handle === handle), `WDFQUEUE ${h(handle)}`);
    const [counts, callbacks] = queueLines(t, client, q);
    return [`Dumping WDFQUEUE ${h(handle)}`, '=========================', queueSummary(client, q), ...counts, '', ...callbacks];
  },
});

type QueueSnapshot = WdfClientSnapshot['queues'][number];

/** A queue's request counts (each request with its IRP) and its EvtIo* callbacks, as !wdfqueue and !wdfdevicequeues print them. */
function queueLines(t: DebugTarget, client: WdfClientSnapshot, q: QueueSnapshot): [string[], string[]] {
  const irpOf = (r: number) => client.requests.find((x) => x.handle === r)?.irp ?? 0;
  const counts = [`    Number of driver owned requests: ${q.presented.length}`, ...q.presented.map((r) => `    !WDFREQUEST ${h(r)}  !IRP ${h(irpOf(r))}`)];
  counts.push(`    Number of waiting requests: ${q.waiting.length}`, ...q.waiting.map((r) => `    !WDFREQUEST ${h(r)}  !IRP ${h(irpOf(r))}`));
  const callbacks = q.callbacks.map(([name, pointer]) => `    ${name}: (${h(t.code(pointer))}) ${routineSymbol(t, pointer) || '<no symbol>'}`);
  return [counts, callbacks];
}

export const wdfdevicequeues = wdfCommand('wdfdevicequeues', {
  syntax: '!wdfkd.wdfdevicequeues Handle',
  help: "Every WDFQUEUE of a WDFDEVICE, numbered from 1: each queue's !wdfqueue summary, request counts and EvtIo* callbacks.",
  run(t, args) {
    const { handle } = handleArg(args, '!wdfkd.wdfdevicequeues Handle');
    const { client } = typedHandle(t, handle, FX_TYPE.Device);
    const queues = client.queues.filter((q) => q.device === handle);
    const out = [`Dumping queues of WDFDEVICE ${h(handle)}`, '=====================================', `Number of queues: ${queues.length}`];
    queues.forEach((q, i) => {
      const [counts, callbacks] = queueLines(t, client, q);
      out.push('----------------------------------', `Queue: ${i + 1} (!wdfqueue ${h(q.handle)})`, `    ${queueSummary(client, q)}`, ...counts, '', '', ...callbacks);
    });
    return out;
  },
});

export const wdfrequest = wdfCommand('wdfrequest', {
  syntax: '!wdfkd.wdfrequest Handle',
  help: 'A WDFREQUEST: its IRP and major function, who holds it (waiting in a queue, owned by the driver), its file object and cancel routine.',
  run(t, args) {
    const { handle } = handleArg(args, '!wdfkd.wdfrequest Handle');
    const { client } = typedHandle(t, handle, FX_TYPE.Request);
    const r = must(client.requests.find((x) => x.handle === handle), `WDFREQUEST ${h(handle)}`);
    const queue = client.queues.find((q) => q.handle === r.queue);
    const where = r.completed ? 'Completed' : r.target ? `Sent to WDFIOTARGET ${h(r.target)} (!wdfhandle ${h(r.target)}), not back yet` : queue?.waiting.includes(handle) ? 'Waiting in its queue' : r.created ? 'Driver owned (created by the driver)' : 'Driver owned (presented by its queue)';
    const major = r.created && r.major === 0xff ? 'not formatted yet' : majorName(r.major);
    const out = [`Dumping WDFREQUEST ${h(handle)}`, '=========================', `!irp ${h(r.irp)}  ${major}${r.created ? ' (driver-created)' : ''}`, `State: ${where}`];
    out.push(r.queue ? `Queue: !wdfqueue ${h(r.queue)}` : 'Queue: none');
    if (r.fileObject) out.push(`File object: !wdfhandle ${h(r.fileObject)}`);
    out.push(r.cancelRoutine ? `Cancelable: EvtRequestCancel (${h(t.code(r.cancelRoutine))}) ${routineSymbol(t, r.cancelRoutine)}` : 'Not cancelable');
    return out;
  },
});

function handleLines(client: WdfClientSnapshot, o: WdfObjectSnapshot, flags: number): string[] {
  const out = ['Treating handle as a KMDF handle!', '', `Dumping WDFHANDLE ${h(o.handle)}`, '=============================', `handle ${h(o.handle)}, type is ${handleTypeName(o.type)}`, `Refcount: ${o.refs}`, 'Contexts:'];
  const ctx = contextLines(o, '    ');
  out.push(...(ctx.length > 0 ? ctx : ['    <no associated contexts>']));
  const parent = client.objects.find((x) => x.handle === o.parent);
  out.push('', parent ? `Parent: !wdfhandle ${h(parent.handle)}, type is ${handleTypeName(parent.type)}` : 'Parent: none');
  if (flags & 0x10) {
    const children = client.objects.filter((x) => x.parent === o.handle);
    out.push(`Child WDFHANDLEs of ${h(o.handle)}:`, ...(children.length > 0 ? children.map((c) => `    !wdfhandle ${h(c.handle)}, type is ${handleTypeName(c.type)}`) : ['    none']));
  }
  out.push('', `!wdfobject ${h(o.address)}`);
  return out;
}

export const wdfhandle = wdfCommand('wdfhandle', {
  syntax: '!wdfkd.wdfhandle Handle [Flags]',
  help: 'A framework handle: its type, references, contexts and parent; flag 0x10 its child handles.',
  run(t, args) {
    const { handle, flags } = handleArg(args, '!wdfkd.wdfhandle Handle [Flags]');
    const found = objectByHandle(t, handle);
    if (!found) {
      // The object behind a stale handle may still be described by its header in memory.
      return [`handle ${h(handle)} is not a live KMDF object in this dump (deleted, or not a handle: a handle is its object's address XOR ~7, here ${h((handle ^ 0xfffffff8) >>> 0)})`];
    }
    return handleLines(found.client, found.object, flags);
  },
});

export const wdfobject = wdfCommand('wdfobject', {
  syntax: '!wdfkd.wdfobject Address',
  help: 'A framework object by its address (what !wdfhandle names): its class, state, handle and contexts.',
  run(t, args) {
    const [a] = splitArgs(args);
    if (a === undefined) throw new CommandError('Usage: !wdfkd.wdfobject Address');
    const address = parseNumber(a);
    const found = objectByAddress(t, address);
    if (!found) throw new CommandError(`${h(address)} is not the address of a live KMDF object in this dump`);
    const o = found.object;
    const ctx = contextLines(o, '    ');
    return [`The type for object ${h(address)} is ${fxClassName(o.type)}`, `State: ${objectStateName(o.state)} (${h(o.state)})`, `!wdfhandle ${h(o.handle)}`, '', 'Contexts:', ...(ctx.length > 0 ? ctx : ['    <no associated contexts>'])];
  },
});
