/**
 * Device and driver objects, IRPs and devnodes as the device commands (!devobj, !devstack, !drvobj,
 * !irp, !devnode) read them: the objects from the dump's memory through the structure layouts, and
 * what Windows keeps in its own tables (device names, the device tree) from the dump's device section.
 */
import { IO_TYPE, IRP_MJ } from '../nt/io.ts';
import { DEVICE_OBJECT, DEVOBJ_EXTENSION, DRIVER_OBJECT, UNICODE_STRING } from '../nt/layout.ts';
import { IRP_MN_PNP } from '../nt/pnp.ts';
import { IRP_MN_POWER } from '../nt/power.ts';
import { CommandError, kdNumber } from './command.ts';
import type { DeviceNodeSnapshot } from './dump.ts';
import { hex8 } from './format.ts';
import type { DebugTarget } from './target.ts';

const DEV = DEVICE_OBJECT.off;
const EXT = DEVOBJ_EXTENSION.off;
const DRV = DRIVER_OBJECT.off;
const US = UNICODE_STRING.off;

/** The longest name kd reads from a UNICODE_STRING here (a damaged Length must not run away). */
const MAX_NAME_CHARS = 512;

export interface DeviceObjectView {
  readonly address: number;
  readonly driverObject: number;
  readonly referenceCount: number;
  readonly nextDevice: number;
  readonly attachedDevice: number;
  readonly currentIrp: number;
  readonly flags: number;
  readonly characteristics: number;
  readonly deviceExtension: number;
  readonly deviceType: number;
  readonly stackSize: number;
  readonly extension: number;
  /** From the DEVOBJ_EXTENSION (0 without one). */
  readonly attachedTo: number;
  readonly deviceNode: number;
  readonly extensionFlags: number;
}

const read = (t: DebugTarget, a: number): number => {
  const v = t.u32(a);
  if (v === undefined) throw new CommandError(`${hex8(a)}: Unable to read memory`);
  return v;
};

/** The device object at `address`, or a kd-style error when it is none. */
export function deviceObject(t: DebugTarget, address: number): DeviceObjectView {
  const type = t.u16(address + DEV.Type);
  if (type === undefined) throw new CommandError(`${hex8(address)}: Could not read device object or _DEVICE_OBJECT not found`);
  if (type !== IO_TYPE.DEVICE) throw new CommandError(`${hex8(address)}: is not a device object`);
  const extension = read(t, address + DEV.DeviceObjectExtension);
  return {
    address,
    driverObject: read(t, address + DEV.DriverObject),
    referenceCount: read(t, address + DEV.ReferenceCount) | 0,
    nextDevice: read(t, address + DEV.NextDevice),
    attachedDevice: read(t, address + DEV.AttachedDevice),
    currentIrp: read(t, address + DEV.CurrentIrp),
    flags: read(t, address + DEV.Flags),
    characteristics: read(t, address + DEV.Characteristics),
    deviceExtension: read(t, address + DEV.DeviceExtension),
    deviceType: read(t, address + DEV.DeviceType),
    stackSize: t.u8(address + DEV.StackSize) ?? 0,
    extension,
    attachedTo: extension ? (t.u32(extension + EXT.AttachedTo) ?? 0) : 0,
    deviceNode: extension ? (t.u32(extension + EXT.DeviceNode) ?? 0) : 0,
    extensionFlags: extension ? (t.u32(extension + EXT.ExtensionFlags) ?? 0) : 0,
  };
}

/** A UNICODE_STRING in dumped memory, or undefined. */
export function unicodeString(t: DebugTarget, us: number): string | undefined {
  const length = t.u16(us + US.Length);
  const buffer = t.u32(us + US.Buffer);
  if (length === undefined || buffer === undefined) return undefined;
  return t.utf16(buffer, Math.min(length >>> 1, MAX_NAME_CHARS));
}

/** `\Driver\Name` of a driver object, or undefined if `address` is none. */
export function driverName(t: DebugTarget, driverObject: number): string | undefined {
  if (t.u16(driverObject + DRV.Type) !== IO_TYPE.DRIVER) return undefined;
  return unicodeString(t, driverObject + DRV.DriverName);
}

/** A device's name as the object manager knows it (`\Device\X`), or undefined for an unnamed one. */
export function deviceName(t: DebugTarget, device: number): string | undefined {
  return t.dump.devices?.names.find((n) => n.address === device >>> 0)?.name;
}

/** The name kd shows for a device: its name without the `\Device\` directory. */
export function shortDeviceName(t: DebugTarget, device: number): string {
  return (deviceName(t, device) ?? '').replace(/^\\Device\\/i, '');
}

/**
 * A device named by address or by name (`PnpFunction` means `\Device\PnpFunction`, as kd assumes).
 * Throws kd's error when it is neither.
 */
export function resolveDevice(t: DebugTarget, text: string): number {
  const name = text.startsWith('\\') ? text : `\\Device\\${text}`;
  const named = t.dump.devices?.names.find((n) => n.name.toLowerCase() === name.toLowerCase());
  if (named) return named.address;
  const v = kdNumber(text);
  if (Number.isNaN(v) || v > 0xffffffff) throw new CommandError(`Invalid device object ${text}`);
  return v >>> 0;
}

/** A driver object named by address or by name (`PnpFunction` means `\Driver\PnpFunction`). */
export function resolveDriver(t: DebugTarget, text: string): number {
  const name = (text.startsWith('\\') ? text : `\\Driver\\${text}`).toLowerCase();
  for (const d of t.dump.devices?.drivers ?? []) if (driverName(t, d)?.toLowerCase() === name) return d;
  const v = kdNumber(text);
  if (Number.isNaN(v) || v > 0xffffffff) throw new CommandError(`Driver object ${text} is not a valid address or driver name`);
  return v >>> 0;
}

/** The devices of a driver, in its DeviceObject list order. */
export function devicesOf(t: DebugTarget, driverObject: number): number[] {
  const out: number[] = [];
  for (let d = t.u32(driverObject + DRV.DeviceObject) ?? 0; d !== 0 && out.length < 4096; d = t.u32(d + DEV.NextDevice) ?? 0) out.push(d);
  return out;
}

/** The stack `device` is in, top first, down to its bottom (the PDO). */
export function deviceStack(t: DebugTarget, device: number): number[] {
  let top = device;
  const seen = new Set<number>([device]);
  for (let up = deviceObject(t, top).attachedDevice; up !== 0 && !seen.has(up); up = deviceObject(t, up).attachedDevice) seen.add((top = up));
  const out: number[] = [];
  for (let d = top; d !== 0 && !out.includes(d); d = deviceObject(t, d).attachedTo) out.push(d);
  return out;
}

/** The devnode of a PDO, or of the block at `address`, from the dump's device tree. */
export function devnodeAt(t: DebugTarget, address: number): DeviceNodeSnapshot | undefined {
  return t.dump.devices?.nodes.find((n) => n.address === address >>> 0);
}

export function childrenOf(t: DebugTarget, node: DeviceNodeSnapshot): DeviceNodeSnapshot[] {
  return (t.dump.devices?.nodes ?? []).filter((n) => n.parent === node.address && n !== node);
}

/** The major function's name (`IRP_MJ_PNP`), or undefined for a number no major has. */
export function majorName(major: number): string | undefined {
  const name = Object.entries(IRP_MJ).find(([, v]) => v === major)?.[0];
  return name ? `IRP_MJ_${name}` : undefined;
}

/** The minor function's name for PnP and power IRPs (`IRP_MN_START_DEVICE`); other majors have none. */
export function minorName(major: number, minor: number): string | undefined {
  const table = major === IRP_MJ.PNP ? IRP_MN_PNP : major === IRP_MJ.POWER ? IRP_MN_POWER : undefined;
  const name = table && Object.entries(table).find(([, v]) => v === minor)?.[0];
  return name ? `IRP_MN_${name}` : undefined;
}

/** A symbol for code a pointer calls (`PnpFilter!StartCompletion`), or '' when no module covers it. */
export function routineSymbol(t: DebugTarget, pointer: number): string {
  if (pointer === 0) return '';
  const code = t.code(pointer);
  return t.resolve(code) ? t.symbol(code) : '';
}
