/** `!devobj DeviceObject`: a DEVICE_OBJECT, its driver, its extension and the devices above and below it. */
import { CommandError, splitArgs, type Command } from '../command.ts';
import { deviceObject, driverName, resolveDevice, shortDeviceName } from '../devices.ts';
import { hex8 } from '../format.ts';
import type { DebugTarget } from '../target.ts';

export function devobjLines(t: DebugTarget, address: number): string[] {
  const d = deviceObject(t, address);
  const name = shortDeviceName(t, address);
  const driver = driverName(t, d.driverObject) ?? '';
  const out = [
    `Device object (${hex8(address)}) is for:`,
    ` ${name ? `${name} ` : ''}${driver} DriverObject ${hex8(d.driverObject)}`,
    `Current Irp ${hex8(d.currentIrp)} RefCount ${d.referenceCount} Type ${hex8(d.deviceType)} Flags ${hex8(d.flags)}`,
    `DevExt ${hex8(d.deviceExtension)} DevObjExt ${hex8(d.extension)}${d.deviceNode ? ` DevNode ${hex8(d.deviceNode)}` : ''}`,
    `ExtensionFlags (${hex8(d.extensionFlags)})`,
    `Characteristics (${hex8(d.characteristics)})`,
  ];
  if (d.attachedDevice) out.push(`AttachedDevice (Upper) ${hex8(d.attachedDevice)} ${driverName(t, deviceObject(t, d.attachedDevice).driverObject) ?? ''}`);
  if (d.attachedTo) out.push(`AttachedTo (Lower) ${hex8(d.attachedTo)} ${driverName(t, deviceObject(t, d.attachedTo).driverObject) ?? ''}`);
  out.push('Device queue is not busy.');
  return out;
}

export const devobj: Command = {
  name: '!devobj',
  syntax: '!devobj DeviceObject',
  help: 'Display a device object: its driver, flags, extensions, devnode and the devices attached above and below it.',
  run(t, args) {
    const [a] = splitArgs(args);
    if (a === undefined) throw new CommandError('Usage: !devobj DeviceObject');
    return devobjLines(t, resolveDevice(t, a));
  },
};
