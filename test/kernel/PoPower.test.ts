/**
 * The power manager's DDIs on hand-built stacks (a bus driver's PDO with a function driver's device
 * attached above it): PoSetPowerState, PoRequestPowerIrp's queued IRP and its completion callback,
 * PoCallDriver, idle detection on the simulated clock, and the system sleep/wake cycle's S-IRPs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HangError } from '../../src/kernel/errors.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { TICKS_PER_MS } from '../../src/kernel/ke/clock.ts';
import { powerManager } from '../../src/kernel/po/power.ts';
import { systemSleepWake } from '../../src/kernel/po/transition.ts';
import { IRP_MJ } from '../../src/nt/io.ts';
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { DEVICE_OBJECT, IO_STACK_LOCATION, IRP, KDPC } from '../../src/nt/layout.ts';
import { DEVICE_POWER_STATE as D, IRP_MN_POWER, POWER_ACTION, POWER_STATE_TYPE, SYSTEM_POWER_STATE as S } from '../../src/nt/power.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, hex, routine, scratch } from './support.ts';

const I = IRP.off;
const SP = IO_STACK_LOCATION.off;

interface Seen {
  readonly device: 'pdo' | 'fdo';
  readonly minor: number;
  readonly type: number;
  readonly state: number;
  readonly status: number;
}

/**
 * A PDO whose bus driver completes every power IRP with `busStatus` (at once, or from a DPC when
 * `fromDpc`), and optionally an FDO above it that passes power IRPs down with PoCallDriver.
 */
let stacks = 0;
function stack(k: Kernel, opts: { busStatus?: number; fromDpc?: boolean; fdo?: boolean } = {}) {
  const seen: Seen[] = [];
  // Each stack's drivers have their own code addresses and names.
  const n = ++stacks;
  const code = (i: number) => 100 * n + i;
  const as = k.as;
  const record = (device: 'pdo' | 'fdo', irp: number) => {
    const sp = as.u32(irp + I['Tail.CurrentStackLocation']);
    seen.push({ device, minor: as.u8(sp + SP.MinorFunction), type: as.u32(sp + SP['Parameters.Power.Type']), state: as.u32(sp + SP['Parameters.Power.State']), status: as.u32(irp + I['IoStatus.Status']) });
  };
  const dpc = scratch(k, KDPC.size);
  const complete = (irp: number) => {
    as.setU32(irp + I['IoStatus.Status'], opts.busStatus ?? STATUS.SUCCESS);
    k.ddi.PoStartNextPowerIrp(irp);
    k.ddi.IoCompleteRequest(irp, 0);
  };
  k.ddi.KeInitializeDpc(dpc, routine(k, code(1), (_d: number, _c: number, irp: number) => complete(irp)), 0);
  const bus = createDevice(k, `Bus${n}`, 1, {
    [IRP_MJ.POWER]: routine(k, code(2), (_dev: number, irp: number) => {
      record('pdo', irp);
      if (opts.fromDpc) {
        as.setU8(as.u32(irp + I['Tail.CurrentStackLocation']) + SP.Control, as.u8(as.u32(irp + I['Tail.CurrentStackLocation']) + SP.Control) | 1);
        k.ddi.KeInsertQueueDpc(dpc, irp, 0);
        return STATUS.PENDING;
      }
      const status = opts.busStatus ?? STATUS.SUCCESS;
      complete(irp);
      return status;
    }),
  });
  let fdo = 0;
  if (opts.fdo) {
    const f = createDevice(k, `Fdo${n}`, 2, {
      [IRP_MJ.POWER]: routine(k, code(3), (_dev: number, irp: number) => {
        record('fdo', irp);
        // IoSkipCurrentIrpStackLocation, then down to the PDO.
        as.setU8(irp + I.CurrentLocation, as.u8(irp + I.CurrentLocation) + 1);
        as.setU32(irp + I['Tail.CurrentStackLocation'], as.u32(irp + I['Tail.CurrentStackLocation']) + IO_STACK_LOCATION.size);
        return k.ddi.PoCallDriver(bus.device, irp);
      }),
    });
    fdo = f.device;
    as.setU32(bus.device + DEVICE_OBJECT.off.AttachedDevice, fdo);
  }
  return { pdo: bus.device, fdo, seen };
}

test('PoSetPowerState records each type separately and returns the previous state, PowerDeviceUnspecified at first', () => {
  const k = new Kernel();
  const { pdo } = stack(k);
  assert.equal(k.ddi.PoSetPowerState(pdo, POWER_STATE_TYPE.DevicePowerState, D.PowerDeviceD0), D.PowerDeviceUnspecified);
  assert.equal(k.ddi.PoSetPowerState(pdo, POWER_STATE_TYPE.DevicePowerState, D.PowerDeviceD3), D.PowerDeviceD0);
  assert.equal(k.ddi.PoSetPowerState(pdo, POWER_STATE_TYPE.SystemPowerState, S.PowerSystemWorking), S.PowerSystemUnspecified);
  assert.equal(powerManager(k).state(pdo, POWER_STATE_TYPE.DevicePowerState), D.PowerDeviceD3);
});

test('PoRequestPowerIrp refuses a minor function other than SET_POWER, QUERY_POWER and WAIT_WAKE', () => {
  const k = new Kernel();
  const { pdo } = stack(k);
  assert.equal(hex(k.ddi.PoRequestPowerIrp(pdo, IRP_MN_POWER.POWER_SEQUENCE, D.PowerDeviceD3, 0, 0, 0)), hex(STATUS.INVALID_PARAMETER_2));
  assert.equal(hex(k.ddi.PoRequestPowerIrp(pdo, 0x07, D.PowerDeviceD3, 0, 0, 0)), hex(STATUS.INVALID_PARAMETER_2));
});

test('PoRequestPowerIrp queues the IRP (STATUS_PENDING), sends it to the top of the stack, calls back with the final status, then frees it', () => {
  const k = new Kernel();
  const { pdo, fdo, seen } = stack(k, { fdo: true });
  const calls: number[][] = [];
  const callback = routine(k, 10, (device: number, minor: number, state: number, context: number, ioStatus: number) => {
    calls.push([device, minor, k.as.u32(state), context, k.as.u32(ioStatus), k.irql]);
  });
  const out = scratch(k, 4);
  assert.equal(hex(k.ddi.PoRequestPowerIrp(pdo, IRP_MN_POWER.SET_POWER, D.PowerDeviceD3, callback, 0x1234, out)), hex(STATUS.PENDING));
  const irp = k.as.u32(out);
  assert.ok(powerManager(k).isPending(irp));
  assert.deepEqual(seen, [], 'nothing reaches the stack before the dispatcher runs the power IRP worker');
  k.dispatcher.runUntilIdle();
  assert.deepEqual(seen, [
    { device: 'fdo', minor: IRP_MN_POWER.SET_POWER, type: POWER_STATE_TYPE.DevicePowerState, state: D.PowerDeviceD3, status: STATUS.NOT_SUPPORTED },
    { device: 'pdo', minor: IRP_MN_POWER.SET_POWER, type: POWER_STATE_TYPE.DevicePowerState, state: D.PowerDeviceD3, status: STATUS.NOT_SUPPORTED },
  ]);
  assert.deepEqual(calls, [[pdo, IRP_MN_POWER.SET_POWER, D.PowerDeviceD3, 0x1234, STATUS.SUCCESS, PASSIVE_LEVEL]]);
  assert.equal(k.pool.block(irp), undefined, 'the IRP is freed after the callback');
  assert.ok(!powerManager(k).isPending(irp));
  assert.notEqual(fdo, 0);
});

test('the completion callback runs at the IRQL the IRP completed at: DISPATCH_LEVEL when the bus driver completes it from a DPC', () => {
  const k = new Kernel();
  const { pdo } = stack(k, { fromDpc: true });
  const irqls: number[] = [];
  const callback = routine(k, 10, () => irqls.push(k.irql));
  k.ddi.PoRequestPowerIrp(pdo, IRP_MN_POWER.SET_POWER, D.PowerDeviceD0, callback, 0, 0);
  k.dispatcher.runUntilIdle();
  assert.deepEqual(irqls, [DISPATCH_LEVEL]);
});

test('requests complete in the order they were made; a failure status reaches the callback', () => {
  const k = new Kernel();
  const { pdo } = stack(k, { busStatus: STATUS.NOT_SUPPORTED });
  const order: number[] = [];
  const callback = routine(k, 10, (_d: number, minor: number, state: number, context: number, ioStatus: number) => order.push(context, minor, k.as.u32(state), k.as.u32(ioStatus)));
  k.ddi.PoRequestPowerIrp(pdo, IRP_MN_POWER.QUERY_POWER, D.PowerDeviceD2, callback, 1, 0);
  k.ddi.PoRequestPowerIrp(pdo, IRP_MN_POWER.SET_POWER, D.PowerDeviceD1, callback, 2, 0);
  k.dispatcher.runUntilIdle();
  assert.deepEqual(order.map(hex), [1, IRP_MN_POWER.QUERY_POWER, D.PowerDeviceD2, STATUS.NOT_SUPPORTED, 2, IRP_MN_POWER.SET_POWER, D.PowerDeviceD1, STATUS.NOT_SUPPORTED].map(hex));
});

test('idle detection: after PerformanceIdleTime seconds without PoSetDeviceBusy, a SET_POWER for the idle state reaches the stack', () => {
  const k = new Kernel();
  const { pdo, seen } = stack(k);
  k.ddi.PoSetPowerState(pdo, POWER_STATE_TYPE.DevicePowerState, D.PowerDeviceD0);
  const counter = k.ddi.PoRegisterDeviceForIdleDetection(pdo, 10, 3, D.PowerDeviceD3);
  assert.notEqual(counter, 0);
  const at = (ms: number) => k.dispatcher.runUntilIdle(ms * TICKS_PER_MS);
  at(2500);
  assert.equal(k.as.u32(counter), 2, 'two scans, two seconds idle');
  k.as.setU32(counter, 0); // PoSetDeviceBusy (the macro)
  at(4500);
  assert.equal(seen.length, 0, 'busy at 2.5 s: not idle for 3 s yet at 4.5 s');
  k.ddi.PoStartDeviceBusy(counter);
  at(9000);
  assert.equal(seen.length, 0, 'held busy');
  k.ddi.PoEndDeviceBusy(counter);
  at(12500);
  assert.deepEqual(seen.map((s) => [s.minor, s.type, s.state]), [[IRP_MN_POWER.SET_POWER, POWER_STATE_TYPE.DevicePowerState, D.PowerDeviceD3]]);
  assert.equal(hex(k.clock.now), hex(12_000 * TICKS_PER_MS), 'the third second after PoEndDeviceBusy at 9 s');
  // The bus driver never called PoSetPowerState(D3): no second request, and no timer left to keep the machine busy.
  at(60_000);
  assert.equal(seen.length, 1);
  assert.equal(k.dispatcher.nextTimerDue(), undefined);
});

test('idle detection: the idle state reached stops the scan; leaving it starts the count again; both times 0 turn it off (NULL)', () => {
  const k = new Kernel();
  const { pdo, seen } = stack(k);
  const counter = k.ddi.PoRegisterDeviceForIdleDetection(pdo, 0, 1, D.PowerDeviceD3);
  k.ddi.PoSetPowerState(pdo, POWER_STATE_TYPE.DevicePowerState, D.PowerDeviceD3);
  k.dispatcher.runUntilIdle(5_000 * TICKS_PER_MS);
  assert.equal(seen.length, 0, 'already in D3');
  k.ddi.PoSetPowerState(pdo, POWER_STATE_TYPE.DevicePowerState, D.PowerDeviceD0);
  k.dispatcher.runUntilIdle(7_000 * TICKS_PER_MS);
  assert.equal(seen.length, 1);
  assert.notEqual(k.pool.block(counter), undefined);
  assert.equal(k.ddi.PoRegisterDeviceForIdleDetection(pdo, 0, 0, D.PowerDeviceD3), 0);
  assert.equal(k.pool.block(counter), undefined, 'the counter is freed');
  assert.equal(k.ddi.PoRegisterDeviceForIdleDetection(pdo, 0xffffffff, 0xffffffff, D.PowerDeviceD3), 0, 'class-default times are not modelled');
});

test('a sleep/wake cycle sends QUERY_POWER S3 to every stack, SET_POWER S3, then SET_POWER S0 in reverse order', () => {
  const k = new Kernel();
  const a = stack(k, { fdo: true });
  const b = stack(k);
  const r = systemSleepWake(k, [a.pdo, b.pdo]);
  assert.equal(r.status, STATUS.SUCCESS);
  assert.deepEqual(r.irps.map((i) => [i.device, i.minor, i.state, i.status]), [
    [a.pdo, IRP_MN_POWER.QUERY_POWER, S.PowerSystemSleeping3, STATUS.SUCCESS],
    [b.pdo, IRP_MN_POWER.QUERY_POWER, S.PowerSystemSleeping3, STATUS.SUCCESS],
    [a.pdo, IRP_MN_POWER.SET_POWER, S.PowerSystemSleeping3, STATUS.SUCCESS],
    [b.pdo, IRP_MN_POWER.SET_POWER, S.PowerSystemSleeping3, STATUS.SUCCESS],
    [b.pdo, IRP_MN_POWER.SET_POWER, S.PowerSystemWorking, STATUS.SUCCESS],
    [a.pdo, IRP_MN_POWER.SET_POWER, S.PowerSystemWorking, STATUS.SUCCESS],
  ]);
  assert.deepEqual(a.seen.filter((s) => s.device === 'fdo').map((s) => [s.minor, s.type, s.state]), [
    [IRP_MN_POWER.QUERY_POWER, POWER_STATE_TYPE.SystemPowerState, S.PowerSystemSleeping3],
    [IRP_MN_POWER.SET_POWER, POWER_STATE_TYPE.SystemPowerState, S.PowerSystemSleeping3],
    [IRP_MN_POWER.SET_POWER, POWER_STATE_TYPE.SystemPowerState, S.PowerSystemWorking],
  ], 'the S-IRPs reach the top of the stack first');
  assert.equal(powerManager(k).pending.size, 0);
});

test('a failed query vetoes the sleep: each stack queried gets SET_POWER S0, none gets S3', () => {
  const k = new Kernel();
  const a = stack(k);
  const b = stack(k, { busStatus: STATUS.UNSUCCESSFUL });
  const r = systemSleepWake(k, [a.pdo, b.pdo]);
  assert.equal(hex(r.status), hex(STATUS.UNSUCCESSFUL));
  assert.equal(r.vetoedBy, b.pdo);
  assert.deepEqual(r.irps.map((i) => [i.device, i.minor, i.state]), [
    [a.pdo, IRP_MN_POWER.QUERY_POWER, S.PowerSystemSleeping3],
    [b.pdo, IRP_MN_POWER.QUERY_POWER, S.PowerSystemSleeping3],
    [b.pdo, IRP_MN_POWER.SET_POWER, S.PowerSystemWorking],
    [a.pdo, IRP_MN_POWER.SET_POWER, S.PowerSystemWorking],
  ]);
});

test('an S-IRP the stack leaves pending with nothing to complete it is a hang, named', () => {
  const k = new Kernel();
  const pdo = createDevice(k, 'Bus', 1, { [IRP_MJ.POWER]: routine(k, 2, () => STATUS.PENDING) }).device;
  assert.throws(() => systemSleepWake(k, [pdo]), (e: unknown) => e instanceof HangError && /IRP_MN_QUERY_POWER \(PowerSystemSleeping3\)/.test(e.message));
});

test('the S-IRP parameters: Power.Type SystemPowerState, ShutdownType PowerActionSleep', () => {
  const k = new Kernel();
  const as = k.as;
  const params: number[] = [];
  const pdo = createDevice(k, 'Bus', 1, {
    [IRP_MJ.POWER]: routine(k, 2, (_d: number, irp: number) => {
      const sp = as.u32(irp + I['Tail.CurrentStackLocation']);
      params.push(as.u8(sp + SP.MajorFunction), as.u32(sp + SP['Parameters.Power.Type']), as.u32(sp + SP['Parameters.Power.ShutdownType']));
      as.setU32(irp + I['IoStatus.Status'], 0);
      k.ddi.IoCompleteRequest(irp, 0);
      return 0;
    }),
  }).device;
  systemSleepWake(k, [pdo]);
  assert.deepEqual(params.slice(0, 3), [IRP_MJ.POWER, POWER_STATE_TYPE.SystemPowerState, POWER_ACTION.PowerActionSleep]);
});
