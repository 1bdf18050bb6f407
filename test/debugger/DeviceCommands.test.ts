/**
 * The device commands (!devnode, !devstack, !devobj, !drvobj, !irp) over the PnpFunction sample with
 * the PnpFilter sample above it: a dump of the running machine (the device still started), pinned as
 * golden text, and a snapshot taken while IRP_MN_START_DEVICE is in the function driver, whose stack
 * location carries the filter's completion routine. The dumps go through the file format first, so
 * what the commands read is what a dump file carries.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execute } from '../../src/debugger/engine.ts';
import { parseDump, serializeDump, type CrashDump } from '../../src/debugger/dump.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { runDriver } from '../../src/system/run.ts';
import type { Machine } from '../../src/system/machine.ts';
import { DEVICE_OBJECT } from '../../src/nt/layout.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { assertGolden, ROOT } from '../helpers.ts';
import { join } from 'node:path';

const FUNCTION = join(ROOT, 'drivers', 'ts', 'pnp', 'PnpFunction.ts');
const FILTER = join(ROOT, 'drivers', 'ts', 'pnp', 'PnpFilter.ts');
const fromFile = (d: CrashDump) => parseDump(serializeDump(d), 'test.dmp');

let machine: Machine | undefined;
let startIrp: { dump: CrashDump; irp: number } | undefined;
const sent: number[] = [];
const outcome = await runDriver({
  driver: FUNCTION,
  filters: [FILTER],
  verifierFlags: STANDARD_FLAGS,
  unload: false,
  shutdown: false,
  configure: (m) => {
    machine = m;
    // Every IRP a driver sends down (IoCallDriver), so the test knows the START IRP's address.
    const io = m.kernel.io;
    const callDriver = io.callDriver.bind(io);
    io.callDriver = (device: number, irp: number) => (sent.push(irp), callDriver(device, irp));
  },
  onDebugPrint: (line) => {
    // The function driver names START as it arrives: the IRP is in its stack location now.
    if (startIrp === undefined && line.includes('PnpFunction: IRP_MN_START_DEVICE')) startIrp = { dump: machine!.dump(), irp: sent[sent.length - 1]! };
  },
});
const target = new DebugTarget(fromFile(outcome.dump));
const run = (t: DebugTarget, cmds: string[]) => cmds.map((c) => [`kd> ${c}`, ...execute(t, c)].join('\n')).join('\n') + '\n';
const hex = (n: number) => n.toString(16);
const pdo = outcome.pnp!.pdo;
const fdo = machine!.kernel.ob.lookup('\\Device\\PnpFunction')!;
const node = outcome.dump.devices!.nodes.find((n) => n.pdo === pdo)!;

test('the run left the device started with the filter above the function driver', () => {
  assert.equal(outcome.bugCheck, null);
  assert.equal(outcome.pnp!.state, 'DeviceNodeStarted');
  assert.equal(machine!.kernel.as.u32(fdo + DEVICE_OBJECT.off.AttachedDevice) !== 0, true);
});

test('!devnode 0 1: the tree from the root; !devnode ADDR: one devnode with its links', () =>
  assertGolden('pnp.devnode.out', run(target, ['!devnode 0 1', `!devnode ${hex(node.address)}`, '!devnode 0 1 PnpFunction', '!devnode 0'])));

test('!devstack by name and by the PDO\'s address: the stack top first, > on the device asked for, its devnode', () =>
  assertGolden('pnp.devstack.out', run(target, ['!devstack PnpFunction', `!devstack ${hex(pdo)}`])));

test('!devobj: the function driver\'s device and the PDO (its devnode, the devices above and below)', () =>
  assertGolden('pnp.devobj.out', run(target, ['!devobj PnpFunction', `!devobj ${hex(pdo)}`])));

test('!drvobj by name with flags 1, 3 and 7: devices, entry points and the dispatch table symbolized', () =>
  assertGolden('pnp.drvobj.out', run(target, ['!drvobj PnpFunction', '!drvobj \\Driver\\PnpFilter 3', '!drvobj PnpFunction 7'])));

test('!irp during START: three locations, the function driver\'s current, the filter\'s completion routine symbolized', () => {
  assert.ok(startIrp, 'the function driver printed its START');
  const t = new DebugTarget(fromFile(startIrp.dump));
  const text = run(t, [`!irp ${hex(startIrp.irp)}`, `!irp ${hex(startIrp.irp)} 1`]);
  assert.match(text, />\[IRP_MJ_PNP\(1b\), IRP_MN_START_DEVICE\(0\)\]/);
  assert.match(text, /PnpFilter!StartCompletion/);
  assertGolden('pnp.irp.out', text);
});

test('bad input: a clear kd-style message, never a crash', () => {
  const one = (c: string) => execute(target, c).join('\n');
  assert.equal(one('!devobj'), 'Usage: !devobj DeviceObject');
  assert.equal(one('!devstack'), 'Usage: !devstack DeviceObject');
  assert.equal(one('!drvobj'), 'Usage: !drvobj DriverObject [Flags]');
  assert.equal(one('!irp'), 'Usage: !irp Address [Detail]');
  assert.equal(one('!devobj NoSuchDevice'), 'Invalid device object NoSuchDevice');
  assert.equal(one('!drvobj NoSuchDriver'), 'Driver object NoSuchDriver is not a valid address or driver name');
  assert.match(one(`!devobj ${hex(node.address)}`), /is not a device object/);
  assert.match(one(`!irp ${hex(fdo)}`), /IRP signature does not match/);
  assert.match(one(`!drvobj ${hex(fdo)}`), /is not a driver object/);
  assert.match(one('!devnode 1234'), /is not a devnode of the device tree/);
  assert.match(one('!irp 10'), /Could not read Irp/);
});

test('a dump without a device tree (written before dv recorded one) says so', () => {
  const { devices: _, ...old } = outcome.dump;
  const t = new DebugTarget(old as CrashDump);
  assert.equal(execute(t, '!devnode 0 1').join('\n'), 'This dump has no device tree (it was written before dv recorded one).');
});

test('a machine that enumerated no device has no tree to show', async () => {
  const plain = await runDriver({ driver: join(ROOT, 'drivers', 'ts', 'MyDriverClean.ts'), verifierFlags: STANDARD_FLAGS });
  assert.equal(execute(new DebugTarget(plain.dump), '!devnode 0 1').join('\n'), 'No device tree: the PnP manager enumerated no device on this machine.');
});
