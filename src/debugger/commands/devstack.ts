/** `!devstack DeviceObject`: the device stack a device is in, top first, and the devnode of its PDO. */
import { CommandError, splitArgs, type Command } from '../command.ts';
import { deviceObject, deviceStack, devnodeAt, driverName, resolveDevice, shortDeviceName } from '../devices.ts';
import { hex8 } from '../format.ts';

export const devstack: Command = {
  name: '!devstack',
  syntax: '!devstack DeviceObject',
  help: 'Display the device stack of a device object, top first (> marks it), and the devnode of the stack.',
  run(t, args) {
    const [a] = splitArgs(args);
    if (a === undefined) throw new CommandError('Usage: !devstack DeviceObject');
    const device = resolveDevice(t, a);
    const stack = deviceStack(t, device);
    const out = ['  !DevObj   !DrvObj            !DevExt   ObjectName'];
    for (const d of stack) {
      const o = deviceObject(t, d);
      const driver = driverName(t, o.driverObject) ?? hex8(o.driverObject);
      out.push(`${d === device ? '>' : ' '} ${hex8(d)}  ${driver.padEnd(18)} ${hex8(o.deviceExtension)}  ${shortDeviceName(t, d)}`.trimEnd());
    }
    const pdo = deviceObject(t, stack[stack.length - 1]!);
    const node = pdo.deviceNode ? devnodeAt(t, pdo.deviceNode) : undefined;
    if (node) {
      out.push(`!DevNode ${hex8(node.address)} :`, `  DeviceInst is "${node.instancePath}"`, `  ServiceName is "${node.serviceName}"`);
    }
    return out;
  },
};
