/**
 * IRP_MN_WAIT_WAKE at a root-enumerated PDO (src/kernel/pnp/wake.ts): a device that cannot wake gets
 * the status the IRP came with; a wake-capable one (DeviceNode.wakeCapable) reports SystemWake S3 /
 * DeviceWake D3 and holds the IRP until the device signals wake (STATUS_SUCCESS) or the sender cancels
 * it (STATUS_CANCELLED); a second one is STATUS_DEVICE_BUSY, one for a deeper state than S3
 * STATUS_INVALID_DEVICE_STATE.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeviceNode } from '../../src/kernel/pnp/devnode.ts';
import { sendPnpIrp } from '../../src/kernel/pnp/irp.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { DEVICE_CAPABILITIES, IO_STACK_LOCATION } from '../../src/nt/layout.ts';
import { CAPABILITY_BIT, IRP_MN_PNP } from '../../src/nt/pnp.ts';
import { IRP_MN_POWER, SYSTEM_POWER_STATE as S } from '../../src/nt/power.ts';
import { STATUS } from '../../src/nt/status.ts';
import { hex, routine, scratch } from './support.ts';

/** A root PDO with its devnode (no driver above it: the IRPs go to the PDO itself). */
function rootDevice(k: Kernel, wake: boolean): number {
  const pdo = k.pnp.rootDriver.createPdo();
  const node = new DeviceNode(k.pnp.root, `ROOT\\SYSTEM\\${wake ? '0001' : '0000'}`, ['Root\\WakeTest'], [], 'WakeTest', 'System', pdo, undefined);
  node.wakeCapable = wake;
  return pdo;
}

/** PoRequestPowerIrp(WAIT_WAKE, state): the IRP, and the statuses its callback saw (each request its own callback routine). */
let callbacks = 0;
function waitWake(k: Kernel, pdo: number, state: number = S.PowerSystemSleeping3) {
  const statuses: number[] = [];
  const callback = routine(k, 0x70 + ++callbacks, (_device: number, _minor: number, _state: number, _context: number, ioStatus: number) => {
    statuses.push(k.as.u32(ioStatus));
  });
  const out = scratch(k, 4);
  assert.equal(hex(k.ddi.PoRequestPowerIrp(pdo, IRP_MN_POWER.WAIT_WAKE, state, callback, 0, out)), hex(STATUS.PENDING));
  k.dispatcher.runUntilIdle();
  return { irp: k.as.u32(out), statuses };
}

test('a root device that cannot wake completes WAIT_WAKE with the status it came with (STATUS_NOT_SUPPORTED)', () => {
  const k = new Kernel();
  const pdo = rootDevice(k, false);
  const { statuses } = waitWake(k, pdo);
  assert.deepEqual(statuses.map(hex), [hex(STATUS.NOT_SUPPORTED)]);
  assert.equal(k.pnp.rootDriver.wake.signal(pdo), false, 'nothing pending to signal');
});

test('a wake-capable root device holds WAIT_WAKE until it signals wake; a second is busy, a deeper state invalid', () => {
  const k = new Kernel();
  const pdo = rootDevice(k, true);
  const first = waitWake(k, pdo);
  assert.deepEqual(first.statuses, [], 'pending at the bus');
  assert.equal(k.pnp.rootDriver.wake.waiting(pdo), first.irp);
  assert.deepEqual(waitWake(k, pdo).statuses.map(hex), [hex(STATUS.DEVICE_BUSY)]);
  assert.equal(k.pnp.rootDriver.wake.signal(pdo), true);
  assert.deepEqual(first.statuses.map(hex), [hex(STATUS.SUCCESS)]);
  assert.equal(k.pnp.rootDriver.wake.waiting(pdo), undefined);
  assert.deepEqual(waitWake(k, pdo, S.PowerSystemHibernate).statuses.map(hex), [hex(STATUS.INVALID_DEVICE_STATE)]);
});

test('the sender cancels a pending WAIT_WAKE: STATUS_CANCELLED, and a later wake signal finds nothing', () => {
  const k = new Kernel();
  const pdo = rootDevice(k, true);
  const { irp, statuses } = waitWake(k, pdo);
  assert.equal(k.ddi.IoCancelIrp(irp), 1);
  assert.deepEqual(statuses.map(hex), [hex(STATUS.CANCELLED)]);
  assert.equal(k.pnp.rootDriver.wake.signal(pdo), false);
});

test("a wake-capable root device's capabilities: WakeFromD3, SystemWake S3, DeviceWake D3; others' say no wake", () => {
  const k = new Kernel();
  for (const wake of [true, false]) {
    const pdo = rootDevice(k, wake);
    const caps = scratch(k, DEVICE_CAPABILITIES.size);
    const { status } = sendPnpIrp(k, pdo, IRP_MN_PNP.QUERY_CAPABILITIES, (sp) => k.as.setU32(sp + IO_STACK_LOCATION.off['Parameters.DeviceCapabilities.Capabilities'], caps));
    assert.equal(hex(status), hex(STATUS.SUCCESS));
    const C = DEVICE_CAPABILITIES.off;
    assert.equal((k.as.u32(caps + C.DvCapabilityBits) >>> CAPABILITY_BIT.WakeFromD3) & 1, wake ? 1 : 0);
    assert.equal(k.as.u32(caps + C.SystemWake), wake ? S.PowerSystemSleeping3 : S.PowerSystemUnspecified);
    assert.equal(k.as.u32(caps + C.DeviceWake), wake ? 4 : 0);
  }
});
