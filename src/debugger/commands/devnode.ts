/**
 * `!devnode Address [Flags] [Service]`: a devnode of the device tree; 0 is the root (IopRootDeviceNode),
 * Flags 1 includes every child (the tree view), Service keeps only the devnodes that service drives.
 * `!devnode 1` lists the devnodes whose removal waits for handles to close.
 */
import { CommandError, kdNumber, splitArgs, type Command } from '../command.ts';
import { childrenOf, devnodeAt } from '../devices.ts';
import type { DeviceNodeSnapshot } from '../dump.ts';
import { hex8 } from '../format.ts';
import { DEVICE_NODE_STATE_VALUE } from '../../kernel/pnp/devnode.ts';
import { statusName } from '../../nt/status.ts';
import type { DebugTarget } from '../target.ts';

const STATE_NAME = new Map(Object.entries(DEVICE_NODE_STATE_VALUE).map(([name, v]) => [v, name]));
const stateText = (v: number) => `${STATE_NAME.get(v) ?? 'Unknown State'} (0x${v.toString(16)})`;
/** kd prints a null link as ten zeros. */
const link = (a: number | undefined) => (a ? `0x${hex8(a)}` : '0000000000');

/** The devnode's own lines, indented `depth` levels; `links`: Parent/Sibling/Child (the single view). */
function nodeLines(t: DebugTarget, n: DeviceNodeSnapshot, depth: number, links: boolean): string[] {
  const pad = '  '.repeat(depth);
  const out = [`${pad}DevNode 0x${hex8(n.address)} for PDO 0x${hex8(n.pdo)}`];
  if (links) {
    const parent = n.parent ? devnodeAt(t, n.parent) : undefined;
    const siblings = parent ? childrenOf(t, parent) : [];
    const sibling = siblings[siblings.indexOf(n) + 1];
    out.push(`${pad}  Parent ${link(n.parent)}   Sibling ${link(sibling?.address)}   Child ${link(childrenOf(t, n)[0]?.address)}`);
  }
  out.push(`${pad}  InstancePath is "${n.instancePath}"`);
  if (n.serviceName) out.push(`${pad}  ServiceName is "${n.serviceName}"`);
  out.push(`${pad}  State = ${stateText(n.state)}`, `${pad}  Previous State = ${stateText(n.previousState)}`);
  if (n.problemStatus) out.push(`${pad}  Problem Status = ${statusName(n.problemStatus)} (0x${hex8(n.problemStatus)})`);
  return out;
}

/** The tree view: each devnode, its children indented below it. */
function tree(t: DebugTarget, n: DeviceNodeSnapshot, depth: number, service: string | undefined): string[] {
  const match = service === undefined || n.serviceName.toLowerCase() === service.toLowerCase();
  const out = match ? nodeLines(t, n, depth, false) : [];
  // A matching devnode brings all of its children (kd's rule for Service with Flags 1).
  for (const c of childrenOf(t, n)) out.push(...tree(t, c, match ? depth + 1 : depth, match ? undefined : service));
  return out;
}

export const devnode: Command = {
  name: '!devnode',
  syntax: '!devnode Address [Flags] [Service]',
  help: 'Display a devnode of the device tree (0: the root; Flags 1: with all its children; Service: only those it drives; !devnode 1: pending removals).',
  run(t, args) {
    const [a, f, service] = splitArgs(args);
    const nodes = t.dump.devices?.nodes;
    if (!t.dump.devices) throw new CommandError('This dump has no device tree (it was written before dv recorded one).');
    const address = a === undefined ? 0 : kdNumber(a);
    if (Number.isNaN(address)) throw new CommandError(`Couldn't resolve error at '${a}'`);
    const flags = f === undefined ? 0 : kdNumber(f);
    if (Number.isNaN(flags)) throw new CommandError(`Couldn't resolve error at '${f}'`);
    const root = nodes!.find((n) => n.parent === 0);
    if (address === 1 && f === undefined) {
      const pending = nodes!.filter((n) => STATE_NAME.get(n.state) === 'DeviceNodeRemovePendingCloses');
      return ['Dumping devnodes pending removal on device objects', ...pending.flatMap((n) => nodeLines(t, n, 0, false))];
    }
    if (address === 0) {
      if (!root) return ['No device tree: the PnP manager enumerated no device on this machine.'];
      const out = [`Dumping IopRootDeviceNode (= 0x${hex8(root.address)})`];
      if (flags & 1) return [...out, ...tree(t, root, 0, service)];
      return [...out, ...nodeLines(t, root, 0, true)];
    }
    const n = devnodeAt(t, address);
    if (!n) throw new CommandError(`${hex8(address)}: is not a devnode of the device tree`);
    return flags & 1 ? tree(t, n, 0, service) : nodeLines(t, n, 0, true);
  },
};
