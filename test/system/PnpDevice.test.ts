/**
 * The combined function driver, PnpDevice (drivers/ts/pnp/PnpDevice.ts and its C twin, the committed
 * wasm), through each lifecycle under /standard with hardware resources: start and serve (a read waits
 * in the cancel-safe queue until a write's transfer interrupts, the ISR runs at DIRQL, the DPC completes
 * the read), cancellation (IoCancelIrp, CLEANUP), sleep and wake (the queue held in D3 and released in
 * D0), a rebalance (the hardware given back at STOP and taken again at START, the queued read kept),
 * an orderly removal and a surprise removal (queued reads failed STATUS_NO_SUCH_DEVICE, the remove lock
 * drained), each with the IRPs in the order the driver saw them and nothing left behind at unload.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { parseResourceSpec, translateIrq } from '../../src/kernel/pnp/resources.ts';
import type { DeviceNode } from '../../src/kernel/pnp/devnode.ts';
import { sendSystemIrp } from '../../src/kernel/po/transition.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { IRP_FLAG, IRP_MJ } from '../../src/nt/io.ts';
import { DISPATCH_LEVEL } from '../../src/nt/irql.ts';
import { DEVICE_OBJECT, FILE_OBJECT, IO_STACK_LOCATION, IRP } from '../../src/nt/layout.ts';
import { IRP_MN_PNP } from '../../src/nt/pnp.ts';
import { DEVICE_POWER_STATE, IRP_MN_POWER, SYSTEM_POWER_STATE } from '../../src/nt/power.ts';
import { STATUS } from '../../src/nt/status.ts';
import { Machine } from '../../src/system/machine.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, hex } from '../helpers.ts';

const SPEC = 'mem:0xfe000000:0x1000,irq:5';
const IOCTL_STATS = 0x222408;
const LANGS = [
  { lang: 'ts', path: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpDevice.ts'), device: '\\Device\\PnpDevice' },
  { lang: 'c', path: join(ROOT, 'drivers', 'c', 'pnp', 'PnpDevice', 'PnpDevice.wasm'), device: '\\Device\\PnpDeviceC' },
] as const;
/** What a start looks like to the driver: START, then the PnP manager's questions. */
const STARTED = ['IRP_MN_START_DEVICE', 'IRP_MN_QUERY_CAPABILITIES', 'IRP_MN_QUERY_PNP_DEVICE_STATE', 'IRP_MN_QUERY_DEVICE_RELATIONS'];
const I = IRP.off;
const S = IO_STACK_LOCATION.off;

/** A read sent the way an overlapped ReadFile is: the caller goes on while it is pending. */
interface PendingRead {
  readonly irp: number;
  readonly returned: number;
  done(): boolean;
  /** Status, information and the bytes; frees the IRP and its buffer (the I/O manager's completion work). */
  finish(): { status: number; information: number; data: string };
}

/** The machine with the device started and a handle open on it; the DbgPrint lines (without the driver's prefix) in `printed`. */
async function bringUp(path: string, device: string) {
  const printed: string[] = [];
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['PnpDevice.sys'] }, onDebugPrint: (l) => printed.push(l.replace(/^PnpDevice: /, '').trim()) });
  const k = m.kernel;
  const image = await m.loadDriver(path);
  const { node, status } = k.pnp.createRootDevice({ driverObject: image.driverObject, service: 'PnpDevice' });
  assert.equal(status, STATUS.SUCCESS);
  const assigned = k.pnp.assignResources(node, parseResourceSpec(SPEC));
  assert.equal(hex(k.pnp.start(node)), hex(STATUS.SUCCESS));
  const open = k.runInThread(k.userThread, () => k.io.files.openDevice(device));
  assert.equal(open.status, STATUS.SUCCESS);
  const file = open.file;
  const user = <T>(fn: () => T) => k.runInThread(k.userThread, fn);
  return {
    m,
    k,
    node,
    image,
    printed,
    assigned,
    file,
    write: (text: string) => user(() => k.io.files.readWrite(file, IRP_MJ.WRITE, text.length, Buffer.from(text))),
    read: (length: number) => beginRead(k, file, length),
    stats: () => {
      const r = user(() => k.io.files.deviceIoControl(file, IOCTL_STATS, new Uint8Array(0), 32));
      assert.equal(r.status, STATUS.SUCCESS);
      const [isrs, dpcs, readsDone, readsCancelled, isrIrql, dpcIrql, devicePower, mapRegisters] = Array.from({ length: 8 }, (_, i) => Buffer.from(r.output).readUInt32LE(4 * i));
      return { isrs, dpcs, readsDone, readsCancelled, isrIrql, dpcIrql, devicePower, mapRegisters };
    },
    close: () => user(() => k.io.files.closeFile(file)),
  };
}

function beginRead(k: Kernel, file: number, length: number): PendingRead {
  const as = k.as;
  const device = k.io.topOfStack(as.u32(file + FILE_OBJECT.off.DeviceObject));
  const irp = k.io.allocateIrp(as.u8(device + DEVICE_OBJECT.off.StackSize));
  const buffer = k.allocateKernelObject(length, TAG.SystemBuffer);
  as.setU32(irp + I['Tail.OriginalFileObject'], file);
  as.setU8(irp + I.RequestorMode, 1);
  as.setU32(irp + I['AssociatedIrp.SystemBuffer'], buffer);
  as.setU32(irp + I.Flags, IRP_FLAG.READ_OPERATION | IRP_FLAG.BUFFERED_IO | IRP_FLAG.INPUT_OPERATION);
  const sp = k.io.nextStackLocation(irp);
  as.setU8(sp + S.MajorFunction, IRP_MJ.READ);
  as.setU32(sp + S.FileObject, file);
  as.setU32(sp + S['Parameters.Read.Length'], length);
  const returned = k.runInThread(k.userThread, () => {
    as.setU32(irp + I['Tail.Thread'], k.currentThread.address);
    return k.io.callDriver(device, irp);
  });
  return {
    irp,
    returned,
    done: () => k.io.isCompleted(irp),
    finish: () => {
      assert.ok(k.io.isCompleted(irp), 'the read was completed');
      const status = as.u32(irp + I['IoStatus.Status']);
      const information = as.u32(irp + I['IoStatus.Information']);
      const data = Buffer.from(as.read(buffer, information)).toString();
      k.freeKernelObject(buffer);
      k.io.freeIrp(irp);
      return { status, information, data };
    },
  };
}

/** Unload the driver and check the verifier found nothing and nothing of the device is left. */
function unloadClean(rig: Awaited<ReturnType<typeof bringUp>>) {
  const { m, k, image, node } = rig;
  assert.equal(node.state, 'DeviceNodeDeleted');
  assert.equal(k.io.devicesOf(image.driverObject).length, 0, 'the FDO is deleted');
  m.unloadDriver(image);
  assert.equal(k.crash, undefined, String(k.crash?.bugCheck?.code.toString(16)));
  const tracked = [...(m.verifier?.drivers.values() ?? [])].find((d) => d.name === 'PnpDevice.sys')?.allocations;
  assert.equal(tracked?.size ?? 0, 0, 'no allocation of the driver outstanding');
  assert.deepEqual(
    { interrupts: k.hal.interrupts.connected.size, adapters: k.hal.dma.adapters.size, mappings: k.hal.io.mappings.size, lists: [...k.pool.liveBlocks()].filter((b) => b.tag === TAG.PnpResources).length },
    { interrupts: 0, adapters: 0, mappings: 0, lists: 0 },
  );
}

const removeOrderly = (k: Kernel, node: DeviceNode) => assert.equal(hex(k.pnp.remove(node)), hex(STATUS.SUCCESS));

for (const { lang, path, device } of LANGS) {
  test(`${lang}: a read waits until a write's transfer interrupts: ISR at DIRQL, DPC completes it; cancel and CLEANUP complete queued reads STATUS_CANCELLED; remove, unload clean`, async () => {
    const rig = await bringUp(path, device);
    const { k, node } = rig;
    const first = rig.read(16);
    assert.equal(hex(first.returned), hex(STATUS.PENDING));
    assert.equal(first.done(), false, 'no data yet: the read waits in the queue');
    assert.equal(rig.write('hello').status, STATUS.SUCCESS);
    assert.deepEqual(first.finish(), { status: STATUS.SUCCESS, information: 5, data: 'hello' }, 'the DPC completed the read with the transfer');
    const stats = rig.stats();
    assert.deepEqual(stats, { isrs: 1, dpcs: 1, readsDone: 1, readsCancelled: 0, isrIrql: translateIrq(5).irql, dpcIrql: DISPATCH_LEVEL, devicePower: DEVICE_POWER_STATE.PowerDeviceD0, mapRegisters: 2 });
    const regs = rig.assigned.registers[0]!.accesses.filter((a) => a.kind === 'write').map((a) => `${hex(a.offset)}=${hex(a.value)}`);
    assert.equal(regs[1], '0xc=0x5', 'the transfer length handed to the device');
    assert.deepEqual(regs.slice(2), ['0x4=0x1', '0x0=0x1', '0x4=0x0'], 'status, doorbell, the ISR acknowledging');
    assert.match(regs[0]!, /^0x8=0x[0-9a-f]+$/, 'the common buffer\'s logical address');

    const cancelled = rig.read(8);
    assert.equal(k.runInThread(k.userThread, () => k.ddi.IoCancelIrp(cancelled.irp)), 1, 'the queue\'s cancel routine was set');
    assert.deepEqual(cancelled.finish(), { status: STATUS.CANCELLED, information: 0, data: '' });
    const orphan = rig.read(8);
    rig.close();
    assert.deepEqual(orphan.finish(), { status: STATUS.CANCELLED, information: 0, data: '' }, 'CLEANUP cancels the file\'s reads');
    removeOrderly(k, node);
    assert.deepEqual(rig.printed, [
      'DriverEntry', 'AddDevice', ...STARTED,
      'IRP_MJ_CREATE', 'IRP_MJ_READ', 'IRP_MJ_WRITE', 'IRP_MJ_DEVICE_CONTROL', 'IRP_MJ_READ', 'IRP_MJ_READ', 'IRP_MJ_CLEANUP', 'IRP_MJ_CLOSE',
      'IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE',
    ]);
    unloadClean(rig);
    assert.equal(rig.printed.at(-1), 'DriverUnload');
  });

  test(`${lang}: sleep and wake: the D-IRPs follow the S-IRPs; in D3 the queue is held (a read waits, a write fails), in D0 it is released`, async () => {
    const rig = await bringUp(path, device);
    const { k, node } = rig;
    assert.equal(rig.write('abc').status, STATUS.SUCCESS, 'the device holds the transfer: no read yet');
    const from = rig.printed.length;
    const system = (minor: number, state: number) => hex(sendSystemIrp(k, node.pdo, minor, state));
    assert.equal(system(IRP_MN_POWER.QUERY_POWER, SYSTEM_POWER_STATE.PowerSystemSleeping3), hex(STATUS.SUCCESS));
    assert.equal(system(IRP_MN_POWER.SET_POWER, SYSTEM_POWER_STATE.PowerSystemSleeping3), hex(STATUS.SUCCESS));
    assert.equal(rig.stats().devicePower, DEVICE_POWER_STATE.PowerDeviceD3);
    const held = rig.read(16);
    assert.equal(held.done(), false, 'in D3 the queue is held, though the device has data');
    assert.equal(hex(rig.write('x').status), hex(STATUS.DEVICE_NOT_READY), 'a write in D3 is refused, not held');
    assert.equal(system(IRP_MN_POWER.SET_POWER, SYSTEM_POWER_STATE.PowerSystemWorking), hex(STATUS.SUCCESS));
    assert.deepEqual(held.finish(), { status: STATUS.SUCCESS, information: 3, data: 'abc' }, 'back in D0 the queue is served');
    assert.deepEqual(rig.printed.slice(from).filter((l) => l.includes('POWER')), [
      'IRP_MN_QUERY_POWER (PowerSystemSleeping3)',
      'IRP_MN_SET_POWER (PowerSystemSleeping3)',
      'IRP_MN_SET_POWER (PowerDeviceD3)',
      'IRP_MN_SET_POWER (PowerSystemWorking)',
      'IRP_MN_SET_POWER (PowerDeviceD0)',
    ]);
    assert.equal(rig.stats().devicePower, DEVICE_POWER_STATE.PowerDeviceD0);
    rig.close();
    removeOrderly(k, node);
    unloadClean(rig);
  });

  test(`${lang}: a rebalance gives the hardware back at STOP and takes it again at START; the queued read is held, then served`, async () => {
    const rig = await bringUp(path, device);
    const { k, node } = rig;
    const waiting = rig.read(16);
    assert.equal(k.pnp.send(node, IRP_MN_PNP.QUERY_STOP_DEVICE).status, STATUS.SUCCESS);
    assert.equal(hex(rig.write('no').status), hex(STATUS.DEVICE_NOT_READY), 'stopping: the device takes no transfer');
    assert.equal(k.pnp.send(node, IRP_MN_PNP.STOP_DEVICE).status, STATUS.SUCCESS);
    assert.deepEqual([k.hal.interrupts.connected.size, k.hal.dma.adapters.size, k.hal.io.mappings.size], [0, 0, 0], 'STOP gave the interrupt, the adapter and the mapping back');
    assert.equal(waiting.done(), false, 'the read stays queued across the stop');
    assert.equal(k.pnp.start(node), STATUS.SUCCESS);
    assert.deepEqual([k.hal.interrupts.connected.size, k.hal.dma.adapters.size, k.hal.io.mappings.size], [1, 1, 1]);
    assert.equal(rig.write('yes').status, STATUS.SUCCESS);
    assert.deepEqual(waiting.finish(), { status: STATUS.SUCCESS, information: 3, data: 'yes' });
    rig.close();
    removeOrderly(k, node);
    assert.deepEqual(rig.printed.slice(2), [
      ...STARTED, 'IRP_MJ_CREATE', 'IRP_MJ_READ', 'IRP_MN_QUERY_STOP_DEVICE', 'IRP_MJ_WRITE', 'IRP_MN_STOP_DEVICE', ...STARTED,
      'IRP_MJ_WRITE', 'IRP_MJ_CLEANUP', 'IRP_MJ_CLOSE', 'IRP_MN_QUERY_REMOVE_DEVICE', 'IRP_MN_REMOVE_DEVICE',
    ]);
    unloadClean(rig);
  });

  test(`${lang}: surprise removal fails the queued reads STATUS_NO_SUCH_DEVICE and gives the hardware back at once; REMOVE after the close; unload clean`, async () => {
    const rig = await bringUp(path, device);
    const { k, node } = rig;
    const reads = [rig.read(4), rig.read(4)];
    assert.equal(hex(k.pnp.surpriseRemove(node)), hex(STATUS.SUCCESS));
    for (const r of reads) assert.deepEqual(r.finish(), { status: STATUS.NO_SUCH_DEVICE, information: 0, data: '' });
    assert.deepEqual([k.hal.interrupts.connected.size, k.hal.dma.adapters.size, k.hal.io.mappings.size], [0, 0, 0], 'nothing of the hardware is touched after SURPRISE_REMOVAL');
    const late = rig.read(4);
    assert.deepEqual(late.finish(), { status: STATUS.NO_SUCH_DEVICE, information: 0, data: '' }, 'a read after the removal fails at once');
    rig.close();
    k.pnp.finishSurpriseRemoval(node);
    assert.deepEqual(rig.printed.slice(2), [
      ...STARTED, 'IRP_MJ_CREATE', 'IRP_MJ_READ', 'IRP_MJ_READ', 'IRP_MN_SURPRISE_REMOVAL', 'IRP_MJ_READ', 'IRP_MJ_CLEANUP', 'IRP_MJ_CLOSE', 'IRP_MN_REMOVE_DEVICE',
    ]);
    unloadClean(rig);
  });

  test(`${lang}: dv run --sleep --stop-start --surprise-remove with a write and a read: the lines in order, clean, no leak`, async () => {
    const printed: string[] = [];
    const lines: string[] = [];
    const outcome = await runDriver({
      driver: path,
      verifierFlags: STANDARD_FLAGS,
      resources: parseResourceSpec(SPEC),
      sleep: true,
      stopStart: true,
      removal: 'surprise-remove',
      requests: [{ kind: 'write', data: Buffer.from('hello') }, { kind: 'read', length: 16 }],
      onDebugPrint: (l) => printed.push(l.replace(/^PnpDevice: /, '').trim()),
      onRequest: (l) => lines.push(l),
    });
    assert.equal(outcome.bugCheck, null, String(outcome.bugCheck?.code));
    assert.equal(outcome.hang, null);
    assert.deepEqual(lines.filter((l) => l.startsWith('IRP_MJ_')), ['IRP_MJ_WRITE (5 bytes) -> STATUS_SUCCESS, 5 bytes', 'IRP_MJ_READ (16 bytes) -> STATUS_SUCCESS, 5 bytes: 68656c6c6f']);
    assert.deepEqual(printed, [
      'DriverEntry', 'AddDevice', ...STARTED, 'IRP_MN_QUERY_STOP_DEVICE', 'IRP_MN_STOP_DEVICE', ...STARTED,
      'IRP_MN_QUERY_POWER (PowerSystemSleeping3)', 'IRP_MN_SET_POWER (PowerSystemSleeping3)', 'IRP_MN_SET_POWER (PowerDeviceD3)',
      'IRP_MN_SET_POWER (PowerSystemWorking)', 'IRP_MN_SET_POWER (PowerDeviceD0)',
      'IRP_MJ_CREATE', 'IRP_MJ_WRITE', 'IRP_MJ_READ', 'IRP_MN_SURPRISE_REMOVAL', 'IRP_MJ_CLEANUP', 'IRP_MJ_CLOSE', 'IRP_MN_REMOVE_DEVICE', 'DriverUnload',
    ]);
    assert.equal(outcome.leakCount, 0);
    assert.equal(outcome.unloaded, true);
  });
}
