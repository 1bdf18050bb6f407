/**
 * PowerFdo, the power policy owner sample, in TypeScript and C, verified with /standard, on a stack
 * built by hand: a test bus driver's PDO with the sample's FDO attached above it. A system sleep/wake
 * cycle (src/kernel/po/transition.ts) must show the IRPs in Windows' order at both devices (the
 * S-IRP, then the D-IRP the FDO requests from its completion routine, for S3 and for S0), the
 * completion callback at the IRQL the bus driver completed the D-IRP at, the states reported with
 * PoSetPowerState, every power IRP freed, and a clean unload.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { powerManager } from '../../src/kernel/po/power.ts';
import { systemSleepWake } from '../../src/kernel/po/transition.ts';
import { FILE_DEVICE_UNKNOWN, IRP_MJ } from '../../src/nt/io.ts';
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { DEVICE_OBJECT, DRIVER_OBJECT, IO_STACK_LOCATION, IRP, KDPC } from '../../src/nt/layout.ts';
import { DEVICE_POWER_STATE as D, IRP_MN_POWER, POWER_STATE_TYPE, SYSTEM_POWER_STATE as S } from '../../src/nt/power.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { STATUS } from '../../src/nt/status.ts';
import { Machine } from '../../src/system/machine.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { EXT } from '../../drivers/ts/PowerFdo.ts';
import { ROOT } from '../helpers.ts';

const I = IRP.off;
const SP = IO_STACK_LOCATION.off;
const SAMPLES = [
  { lang: 'TypeScript', path: join(ROOT, 'drivers', 'ts', 'PowerFdo.ts') },
  { lang: 'C', path: join(ROOT, 'drivers', 'c', 'PowerFdo', 'PowerFdo.wasm') },
];

const MN = ['WAIT_WAKE', 'POWER_SEQUENCE', 'SET_POWER', 'QUERY_POWER'];
const stateName = (type: number, state: number) => (type === POWER_STATE_TYPE.SystemPowerState ? `S${state - 1}` : `D${state - 1}`);

/** A test bus driver's PDO: it completes each power IRP (from a DPC when `fromDpc`), reporting D-states with PoSetPowerState. */
function busPdo(k: Kernel, log: string[], irps: Set<number>, fromDpc: boolean): number {
  const as = k.as;
  const code = (n: number, fn: (...a: number[]) => unknown) => {
    const address = 0x9b000000 + n * 0x10;
    k.registerRoutine(address, fn as never, 'TestBus');
    return address;
  };
  const driver = k.io.createDriverObject('TestBus', 0x9b000000, 0x100000);
  const complete = (irp: number) => {
    const sp = as.u32(irp + I['Tail.CurrentStackLocation']);
    if (as.u8(sp + SP.MinorFunction) === IRP_MN_POWER.SET_POWER && as.u32(sp + SP['Parameters.Power.Type']) === POWER_STATE_TYPE.DevicePowerState) {
      k.ddi.PoSetPowerState(as.u32(sp + SP.DeviceObject), POWER_STATE_TYPE.DevicePowerState, as.u32(sp + SP['Parameters.Power.State']));
    }
    as.setU32(irp + I['IoStatus.Status'], STATUS.SUCCESS);
    k.ddi.PoStartNextPowerIrp(irp);
    k.ddi.IoCompleteRequest(irp, 0);
  };
  const dpc = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, KDPC.size, 0x73754254);
  k.ddi.KeInitializeDpc(dpc, code(1, (_d, _c, irp) => complete(irp!)), 0);
  as.setU32(driver + DRIVER_OBJECT.off.MajorFunction + 4 * IRP_MJ.POWER, code(2, (_dev, irp) => {
    const sp = as.u32(irp! + I['Tail.CurrentStackLocation']);
    log.push(`pdo ${MN[as.u8(sp + SP.MinorFunction)]} ${stateName(as.u32(sp + SP['Parameters.Power.Type']), as.u32(sp + SP['Parameters.Power.State']))}`);
    irps.add(irp!);
    if (!fromDpc) {
      complete(irp!);
      return STATUS.SUCCESS;
    }
    as.setU8(sp + SP.Control, as.u8(sp + SP.Control) | 1); // IoMarkIrpPending
    k.ddi.KeInsertQueueDpc(dpc, irp!, 0);
    return STATUS.PENDING;
  }));
  const out = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 4, 0x73754254);
  assert.equal(k.ddi.IoCreateDevice(driver, 0, 0, FILE_DEVICE_UNKNOWN, 0, 0, out), STATUS.SUCCESS);
  return as.u32(out);
}

async function cycle(path: string, fromDpc: boolean) {
  const m = new Machine({ verifier: { flags: STANDARD_FLAGS, drivers: ['PowerFdo.sys'] } });
  const k = m.kernel;
  const as = k.as;
  const log: string[] = [];
  const irps = new Set<number>();
  const pdo = busPdo(k, log, irps, fromDpc);
  const image = await m.loadDriver(path);
  const fdo = as.u32(image.driverObject + DRIVER_OBJECT.off.DeviceObject);
  const ext = as.u32(fdo + DEVICE_OBJECT.off.DeviceExtension);
  // What IoAttachDeviceToDeviceStack does, by hand: the FDO above the PDO, one stack location more.
  as.setU32(ext + EXT.LowerDevice, pdo);
  as.setU32(pdo + DEVICE_OBJECT.off.AttachedDevice, fdo);
  as.setU8(fdo + DEVICE_OBJECT.off.StackSize, as.u8(pdo + DEVICE_OBJECT.off.StackSize) + 1);
  // The FDO's dispatch, watched: the IRPs the sample sees, in order.
  const dispatchSlot = image.driverObject + DRIVER_OBJECT.off.MajorFunction + 4 * IRP_MJ.POWER;
  const dispatch = as.u32(dispatchSlot);
  const watch = 0x9b100000;
  k.registerRoutine(watch, ((dev: number, irp: number) => {
    const sp = as.u32(irp + I['Tail.CurrentStackLocation']);
    log.push(`fdo ${MN[as.u8(sp + SP.MinorFunction)]} ${stateName(as.u32(sp + SP['Parameters.Power.Type']), as.u32(sp + SP['Parameters.Power.State']))}`);
    return k.callRoutine(dispatch, [dev, irp]);
  }) as never, 'TestBus');
  as.setU32(dispatchSlot, watch);

  const result = systemSleepWake(k, [fdo]);
  const facts = {
    result,
    log,
    callbackIrql: as.u32(ext + EXT.CallbackIrql),
    requested: as.u32(ext + EXT.DIrpsRequested),
    completed: as.u32(ext + EXT.DIrpsCompleted),
    fdoState: powerManager(k).state(fdo, POWER_STATE_TYPE.DevicePowerState),
    pdoState: powerManager(k).state(pdo, POWER_STATE_TYPE.DevicePowerState),
    extState: [as.u32(ext + EXT.DevicePowerState), as.u32(ext + EXT.SystemPowerState), as.u32(ext + EXT.PreviousDeviceState)],
    irpsLeft: [...irps].filter((irp) => k.pool.block(irp) !== undefined).length,
    pending: powerManager(k).pending.size,
  };
  // Unstack and unload: the verifier's unload checks find nothing left (a leak would be bug check 0xC4/0x62 here).
  as.setU32(dispatchSlot, dispatch);
  as.setU32(pdo + DEVICE_OBJECT.off.AttachedDevice, 0);
  m.unloadDriver(image);
  return { ...facts, crash: k.crash };
}

for (const { lang, path } of SAMPLES) {
  test(`${lang} PowerFdo over S3 and back: S-IRP, then the D-IRP it requests, at both devices, in Windows' order`, async () => {
    const r = await cycle(path, false);
    assert.equal(r.result.status, STATUS.SUCCESS);
    assert.deepEqual(r.log, [
      'fdo QUERY_POWER S3', 'pdo QUERY_POWER S3',
      'fdo SET_POWER S3', 'pdo SET_POWER S3', 'fdo SET_POWER D3', 'pdo SET_POWER D3',
      'fdo SET_POWER S0', 'pdo SET_POWER S0', 'fdo SET_POWER D0', 'pdo SET_POWER D0',
    ]);
    assert.deepEqual(r.result.irps.map((i) => hexStatus(i.status)), ['0x0', '0x0', '0x0'], 'each S-IRP completes with the D-IRP\'s status');
    assert.deepEqual([r.requested, r.completed], [2, 2]);
    assert.equal(r.callbackIrql, PASSIVE_LEVEL, 'the bus driver completed the D-IRP in its dispatch routine, at PASSIVE_LEVEL');
    assert.deepEqual([r.fdoState, r.pdoState], [D.PowerDeviceD0, D.PowerDeviceD0], 'both report D0 after the wake');
    assert.deepEqual(r.extState, [D.PowerDeviceD0, S.PowerSystemWorking, D.PowerDeviceD3], 'PoSetPowerState(D0) at the wake returned D3, the state before');
    assert.deepEqual([r.irpsLeft, r.pending], [0, 0], 'every power IRP freed');
    assert.equal(r.crash, undefined);
  });

  test(`${lang} PowerFdo: a D-IRP the bus driver completes from a DPC calls the sample's completion callback at DISPATCH_LEVEL`, async () => {
    const r = await cycle(path, true);
    assert.equal(r.result.status, STATUS.SUCCESS);
    assert.equal(r.callbackIrql, DISPATCH_LEVEL);
    assert.equal(r.log.length, 10);
    assert.deepEqual([r.irpsLeft, r.pending, r.crash], [0, 0, undefined]);
  });
}

const hexStatus = (n: number) => '0x' + (n >>> 0).toString(16);
