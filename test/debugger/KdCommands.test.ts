/**
 * The kd commands of issue 15 in WinDbg's layouts, pinned as golden text on two dumps each: the seed
 * scenario (`dv demo`: MyDriver's 0xC4/0x62 at unload) and an I/O case (the C BadAccessAtDispatch
 * sample's 0xD1 inside its IRP_MJ_DEVICE_CONTROL, driver frames and source lines on the stack); the
 * timer commands also on TimerAtUnload's 0xC7 (a timer still set), and the memory, type and pool
 * commands on the PnP function driver's started device. Every dump goes through the file format
 * first, so what the commands read is what a dump file carries.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { execute } from '../../src/debugger/engine.ts';
import { parseDump, serializeDump, type CrashDump } from '../../src/debugger/dump.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { smallBlocks } from '../../src/debugger/pool-blocks.ts';
import { runDriver } from '../../src/system/run.ts';
import { DEMO_IOCTLS } from '../../src/cli/demo.ts';
import { DEVICE_OBJECT, DRIVER_OBJECT, IRP, KTIMER } from '../../src/nt/layout.ts';
import { formatTag } from '../../src/nt/pool.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { assertGolden, driver, ROOT } from '../helpers.ts';

const fromFile = (d: CrashDump) => new DebugTarget(parseDump(serializeDump(d), 'test.dmp'));
const run = (t: DebugTarget, cmds: string[]) => cmds.map((c) => [`kd> ${c}`, ...execute(t, c)].join('\n')).join('\n') + '\n';
const hex = (n: number) => n.toString(16);

const demo = await runDriver({ driver: driver('MyDriver.ts'), verifierFlags: STANDARD_FLAGS, ioctls: DEMO_IOCTLS });
/** Channel 9, which the driver does not have: SetLimit writes through NULL at DISPATCH_LEVEL. */
const io = await runDriver({
  driver: join(ROOT, 'drivers', 'c', 'rules', 'BadAccessAtDispatch.wasm'),
  verifierFlags: STANDARD_FLAGS,
  ioctls: [{ code: 0x222004, input: Buffer.from('0900000040000000', 'hex'), outputLength: 0 }],
});
const timerRun = await runDriver({ driver: driver('rules/TimerAtUnload.ts'), verifierFlags: STANDARD_FLAGS });

const D = fromFile(demo.dump);
const I = fromFile(io.dump);

/** The first allocated small block with this tag in the dump's pool pages (the IRP in flight, the driver object). */
function blockTagged(t: DebugTarget, tag: string): number {
  for (const [page] of t.dump.memory) for (const b of smallBlocks(t, page)) if (b.allocated && formatTag(b.tag) === tag) return b.header + 8;
  throw new Error(`no block tagged '${tag}' in the dump`);
}
const irp = blockTagged(I, 'Irp ');
/** MyDriver's DRIVER_OBJECT: unloading, no longer in the I/O manager's list, still in pool. */
const driverObject = blockTagged(D, 'Driv');
const driverName = D.u32(driverObject + DRIVER_OBJECT.off['DriverName.Buffer']!)!;
const majorFunctions = driverObject + DRIVER_OBJECT.off.MajorFunction!;
const stackLocation = I.u32(irp + IRP.off['Tail.CurrentStackLocation']!)!;
const thread = (t: DebugTarget) => hex(t.dump.context!.thread);
const leakedMdl = hex(demo.dump.verifier!.drivers[0]!.allocations.find((a) => a.kind === 'mdl')!.address);
const leakedPool = hex(demo.dump.verifier!.drivers[0]!.allocations.find((a) => a.kind === 'pool')!.address);
const image = (t: DebugTarget) => hex(t.modules[1]!.base + 0x1000);

test('the dumps are the cases they stand for', () => {
  assert.deepEqual([demo.bugCheck?.code, demo.bugCheck?.params[0]], [0xc4, 0x62]);
  assert.equal(io.bugCheck?.code, 0xd1);
  assert.equal(timerRun.bugCheck?.code, 0xc7);
  assert.equal(I.u16(irp + IRP.off.Type!), 6, 'IO_TYPE_IRP');
});

test('db/dw/dd/dq/dp/da/du and dps (seed scenario): the driver object, its name, its dispatch table, the leaked MDL, memory the dump lacks', () => {
  const text = run(D, [
    `db ${hex(driverObject)} L30`,
    `dw ${hex(driverObject)} L10`,
    `dd ${hex(driverObject)} L8`,
    `dq ${hex(driverObject)} L4`,
    `dp ${hex(driverObject)} L4`,
    `du ${hex(driverName)}`,
    `dps ${hex(majorFunctions)} L10`,
    `db ${leakedMdl}`,
    `da ${image(D)} L40`,
    `dd ${leakedPool} L8`,
    'db 1000 L10',
  ]);
  assert.match(text, /"\\Driver\\MyDriver"/);
  assert.match(text, /84000de8  9a3b1bab MyDriver!AllIRPDispatch/, "the dispatch table names its routine");
  assertGolden('kd.demo.memory.out', text);
});

test('db/dw/dd/dq/dp/da/du and dps (I/O case): the IRP in flight and its stack location', () =>
  assertGolden(
    'kd.io.memory.out',
    run(I, [`db ${hex(irp)} L20`, `dw ${hex(irp)} L8`, `dd ${hex(irp)}`, `dq ${hex(irp)} L4`, `dp ${hex(stackLocation)} L9`, `dps ${hex(stackLocation)} L9`, `da ${image(I)} L20`, `du ${hex(irp)} L2`, 'dd BadAccessAtDispatch!Dispatch L4']),
  ));

test('dt: types from src/nt/layout.ts, values at an address, -r recursion (seed scenario)', () =>
  assertGolden('kd.demo.dt.out', run(D, ['dt nt!_IRP', 'dt _DEVICE_OBJECT -r1', `dt nt!_DRIVER_OBJECT ${hex(driverObject)}`, `dt nt!_DRIVER_OBJECT ${hex(driverObject)} -r1`, 'dt _NOSUCH'])));

test('dt: the IRP in flight and its current stack location (I/O case)', () =>
  assertGolden('kd.io.dt.out', run(I, [`dt nt!_IRP ${hex(irp)}`, `dt nt!_IRP ${hex(irp)} -r1`, `dt _IO_STACK_LOCATION ${hex(stackLocation)}`])));

test('!pool and !poolused (seed scenario): a small block, the leaked whole-page block, special pool live and freed', () => {
  const freedSpecial = demo.dump.memory.map(([va]) => va).find((va) => va >= 0x98000000 && va < 0x9a000000 && !demo.dump.verifier!.drivers[0]!.allocations.some((a) => (a.address & ~0xfff) >>> 0 === va))!;
  assertGolden('kd.demo.pool.out', run(D, [`!pool ${thread(D)}`, `!pool ${thread(D)} 2`, `!pool ${leakedPool}`, `!pool ${leakedMdl}`, `!pool ${hex(freedSpecial + 0xff0)}`, `!pool ${image(D)}`, '!poolused', '!poolused 2', '!poolused 0 V*']));
});

test('!pool and !poolused (I/O case): the IRP and its system buffer', () =>
  assertGolden('kd.io.pool.out', run(I, [`!pool ${hex(irp)}`, `!pool ${hex(I.u32(irp + IRP.off['AssociatedIrp.SystemBuffer']!)!)} 2`, '!poolused', '!poolused 4 Ir?'])));

test('x Module!Pattern', () => {
  assertGolden('kd.demo.x.out', run(D, ['x MyDriver!*Dispatch*', 'x MyDriver!*', 'x nt!KeBugCheck*', 'x Ghost!*']));
  assertGolden('kd.io.x.out', run(I, ['x BadAccessAtDispatch!*', 'x *!SetLimit', 'x nt!Iof*']));
});

const THREAD_COMMANDS = ['!irql', '!pcr', '!thread', '!process 0 0', '!process 0 6', '!stacks', '!dpcs', '!timer', 'vertarget', '.time', 'kn', 'kv'];

test('!irql, !pcr, !thread, !process, !stacks, !dpcs, !timer, vertarget, .time, kn, kv, !analyze -show (seed scenario)', () =>
  assertGolden('kd.demo.threads.out', run(D, [...THREAD_COMMANDS, '!analyze -show c4 62 1 2 3'])));

test('the same on the I/O case: DISPATCH_LEVEL, the client thread running in the driver', () => {
  const text = run(I, [...THREAD_COMMANDS, '!analyze -show d1 4 2 1 0']);
  assert.match(text, /Debugger saved IRQL for processor 0x0 -- 2 \(DISPATCH_LEVEL\)/);
  assert.match(text, /RUNNING on processor 0/);
  assertGolden('kd.io.threads.out', text);
});

test('!timer and !dpcs with a timer still set at unload (TimerAtUnload, 0xC7): its DPC symbolized', () => {
  const t = fromFile(timerRun.dump);
  const timer = timerRun.bugCheck!.params[1]!;
  const text = run(t, ['!timer', '!dpcs', `dt nt!_KTIMER ${hex(timer)} -r1`, `dps ${hex(t.u32(timer + KTIMER.off.Dpc!)!)} L8`]);
  assert.match(text, /TimerAtUnload!\w+ \(DPC @ /);
  assertGolden('kd.timer.out', text);
});

test('.lines, .frame, lsa on the seed scenario (nt frames only: no source) and the I/O case (the C source)', () => {
  assertGolden('kd.demo.source.out', run(D, ['.lines', 'k', '.frame 2', 'lsa .', 'lsa MyDriver!DeviceControlDispatch', '.lines -d', 'k']));
  const text = run(I, ['.lines -e', 'kn', '.frame 3', 'lsa .', '.frame', 'lsa BadAccessAtDispatch!SetLimit', '.frame 9', '.lines -t']);
  assert.match(text, /> {3}91: {13}status = SetLimit/);
  assertGolden('kd.io.source.out', text);
});

test('.help names each command\'s syntax and what it shows', () =>
  assertGolden('kd.help.out', run(D, ['.help dt', '.help db', '.help !pool', '.help lsa', '.help dv', '.help nosuch'])));

test('a PnP case: the function driver\'s started device under its filter, a running machine (no thread stopped)', async () => {
  const pnp = await runDriver({
    driver: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpFunction.ts'),
    filters: [join(ROOT, 'drivers', 'ts', 'pnp', 'PnpFilter.ts')],
    verifierFlags: STANDARD_FLAGS,
    unload: false,
    shutdown: false,
  });
  assert.equal(pnp.pnp!.state, 'DeviceNodeStarted');
  const t = fromFile(pnp.dump);
  const fdo = pnp.dump.devices!.names.find((n) => n.name === '\\Device\\PnpFunction')!.address;
  const functionDriver = t.u32(fdo + DEVICE_OBJECT.off.DriverObject!)!;
  const text = run(t, [
    '!irql',
    '!thread',
    '!process 0 0',
    '!stacks',
    `dt nt!_DEVICE_OBJECT ${hex(fdo)}`,
    `!pool ${hex(fdo)} 2`,
    `dps ${hex(functionDriver + DRIVER_OBJECT.off.MajorFunction!)} L1c`,
    `db ${hex(fdo)} L20`,
    'x PnpFunction!*Pnp*',
    '!timer',
    '!dpcs',
    '!poolused 0 Pnp?',
  ]);
  assert.match(text, /PnpFunction!\w+/);
  assertGolden('kd.pnp.out', text);
});
