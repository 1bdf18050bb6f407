/** IRPs: IoAllocateIrp, IoCallDriver, stack locations, IoCompleteRequest and completion routines. No verifier. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  IoCopyCurrentIrpStackLocationToNext,
  IoGetCurrentIrpStackLocation,
  IoGetNextIrpStackLocation,
  IoMarkIrpPending,
  IoSetCompletionRoutine,
  SetIoStatus,
} from '../../ddk/ts/wdm.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { IO_TYPE, IRP_MJ, SL } from '../../src/nt/io.ts';
import { PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { IO_STACK_LOCATION, IRP, KDPC } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, expectBugCheck, hex, routine, scratch } from './support.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;
const MORE_PROCESSING_REQUIRED = 0xc0000016;

/** An IRP for IRP_MJ_READ from a creator with no stack location of its own. */
function readIrp(k: Kernel, stackSize: number): number {
  const irp = k.ddi.IoAllocateIrp(stackSize, 0);
  assert.notEqual(irp, 0);
  k.as.setU8(IoGetNextIrpStackLocation(k.as, irp) + S.MajorFunction, IRP_MJ.READ);
  return irp;
}

/** Lower driver completes every read with `status` / Information 0x10. */
function lowerDevice(k: Kernel, status: number = STATUS.SUCCESS) {
  const dispatch = routine(k, 1, (_dev, irp) => {
    SetIoStatus(k.as, irp, status, 0x10);
    k.ddi.IoCompleteRequest(irp, 0);
    return status;
  });
  return createDevice(k, 'Lower', 1, { [IRP_MJ.READ]: dispatch }).device;
}

test('IoAllocateIrp: Type, Size, StackCount, CurrentLocation = StackCount + 1, no current location yet', () => {
  const k = new Kernel();
  const irp = k.ddi.IoAllocateIrp(3, 0);
  const size = k.ddi.IoSizeOfIrp(3);
  assert.equal(size, IRP.size + 3 * IO_STACK_LOCATION.size);
  assert.equal(k.as.u16(irp + I.Type), IO_TYPE.IRP);
  assert.equal(k.as.u16(irp + I.Size), size);
  assert.equal(k.as.u8(irp + I.StackCount), 3);
  assert.equal(k.as.u8(irp + I.CurrentLocation), 4);
  assert.equal(hex(IoGetCurrentIrpStackLocation(k.as, irp)), hex(irp + size), 'one past the last location');
  assert.equal(hex(IoGetNextIrpStackLocation(k.as, irp)), hex(irp + IRP.size + 2 * IO_STACK_LOCATION.size));
  assert.equal(hex(k.as.u32(irp + I['ThreadListEntry.Flink'])), hex(irp + I.ThreadListEntry), 'empty thread list');
  assert.equal(k.as.u32(irp + I.MdlAddress), 0);
  assert.equal(k.as.u32(irp + I['IoStatus.Status']), 0);
  assert.ok(k.pool.block(irp)!.size >= size, 'IRPs come from nonpaged pool');
});

test('IoInitializeIrp formats caller-supplied memory like IoAllocateIrp', () => {
  const k = new Kernel();
  const size = k.ddi.IoSizeOfIrp(2);
  const irp = scratch(k, size);
  k.as.fill(irp, size, 0xcc);
  k.ddi.IoInitializeIrp(irp, size, 2);
  assert.equal(k.as.u16(irp + I.Type), IO_TYPE.IRP);
  assert.equal(k.as.u8(irp + I.CurrentLocation), 3);
  assert.equal(k.as.u32(irp + I.Flags), 0, 'zeroed');
  assert.equal(k.as.u32(irp + I.UserBuffer), 0, 'zeroed');
});

test('IoCallDriver pushes the next location, records the device, calls the major function and returns its status', () => {
  const k = new Kernel();
  const seen: number[] = [];
  const dispatch = routine(k, 1, (dev, irp) => {
    const sp = IoGetCurrentIrpStackLocation(k.as, irp);
    seen.push(dev, irp, k.as.u8(irp + I.CurrentLocation), sp, k.as.u8(sp + S.MajorFunction), k.as.u32(sp + S.DeviceObject), k.as.u32(sp + S['Parameters.Read.Length']));
    return STATUS.PENDING; // nobody completes it: fine for this test
  });
  const { device } = createDevice(k, 'Drv', 2, { [IRP_MJ.READ]: dispatch });
  const irp = readIrp(k, 2);
  const next = IoGetNextIrpStackLocation(k.as, irp);
  k.as.setU32(next + S['Parameters.Read.Length'], 0x200);
  assert.equal(hex(k.ddi.IoCallDriver(device, irp)), hex(STATUS.PENDING));
  assert.deepEqual(seen.map(hex), [device, irp, 2, next, IRP_MJ.READ, device, 0x200].map(hex));
});

test('a major function the driver did not set completes with STATUS_INVALID_DEVICE_REQUEST', () => {
  const k = new Kernel();
  const { device } = createDevice(k, 'Drv', 1);
  const irp = readIrp(k, 1);
  assert.equal(hex(k.ddi.IoCallDriver(device, irp)), hex(STATUS.INVALID_DEVICE_REQUEST));
  assert.equal(hex(k.as.u32(irp + I['IoStatus.Status'])), hex(STATUS.INVALID_DEVICE_REQUEST));
  assert.equal(k.as.u32(irp + I['IoStatus.Information']), 0);
});

test('IoCompleteRequest runs completion routines bottom-up, each seeing its own location and the device above', () => {
  const k = new Kernel();
  const calls: number[][] = [];
  const lower = lowerDevice(k);
  const upperDone = routine(k, 3, (dev, irp, ctx) => {
    const sp = IoGetCurrentIrpStackLocation(k.as, irp);
    calls.push([dev, ctx, k.as.u8(irp + I.CurrentLocation), k.as.u32(sp + S.DeviceObject)]);
    return STATUS.SUCCESS;
  });
  const upperDispatch = routine(k, 2, (_dev, irp) => {
    IoCopyCurrentIrpStackLocationToNext(k.as, irp);
    IoSetCompletionRoutine(k.as, irp, upperDone, 0xc1, true, true, true);
    return k.ddi.IoCallDriver(lower, irp);
  });
  const upper = createDevice(k, 'Upper', 2, { [IRP_MJ.READ]: upperDispatch }).device;
  const irp = readIrp(k, 2);
  const creatorDone = routine(k, 4, (dev, irp, ctx) => {
    calls.push([dev, ctx, k.as.u8(irp + I.CurrentLocation), k.as.u32(irp + I['IoStatus.Information'])]);
    return STATUS.SUCCESS;
  });
  IoSetCompletionRoutine(k.as, irp, creatorDone, 0xc0, true, true, true);
  assert.equal(k.ddi.IoCallDriver(upper, irp), STATUS.SUCCESS);
  assert.deepEqual(calls.map((c) => c.map(hex)), [
    [upper, 0xc1, 2, upper].map(hex), // the upper driver's routine, at the upper driver's own location
    [0, 0xc0, 3, 0x10].map(hex), // the creator has no location: DeviceObject NULL
  ]);
});

test('completion routines run only for the outcomes they asked for (InvokeOnSuccess / InvokeOnError)', () => {
  for (const [status, onSuccess, onError, expected] of [
    [STATUS.SUCCESS, true, false, true],
    [STATUS.SUCCESS, false, true, false],
    [STATUS.UNSUCCESSFUL, true, false, false],
    [STATUS.UNSUCCESSFUL, false, true, true],
  ] as const) {
    const k = new Kernel();
    const lower = lowerDevice(k, status);
    const irp = readIrp(k, 1);
    let called = false;
    IoSetCompletionRoutine(k.as, irp, routine(k, 2, () => ((called = true), STATUS.SUCCESS)), 0, onSuccess, onError, false);
    k.ddi.IoCallDriver(lower, irp);
    assert.equal(called, expected, `status ${hex(status)}, onSuccess ${onSuccess}, onError ${onError}`);
  }
});

test('STATUS_MORE_PROCESSING_REQUIRED stops completion; the driver may complete the IRP again later', () => {
  const k = new Kernel();
  const lower = lowerDevice(k);
  const order: string[] = [];
  let held = 0;
  const upperDone = routine(k, 3, (_dev, irp) => (order.push('upper'), (held = irp), MORE_PROCESSING_REQUIRED));
  const upperDispatch = routine(k, 2, (_dev, irp) => {
    IoCopyCurrentIrpStackLocationToNext(k.as, irp);
    IoSetCompletionRoutine(k.as, irp, upperDone, 0, true, true, true);
    return k.ddi.IoCallDriver(lower, irp);
  });
  const upper = createDevice(k, 'Upper', 2, { [IRP_MJ.READ]: upperDispatch }).device;
  const irp = readIrp(k, 2);
  IoSetCompletionRoutine(k.as, irp, routine(k, 4, () => (order.push('creator'), STATUS.SUCCESS)), 0, true, true, true);
  k.ddi.IoCallDriver(upper, irp);
  assert.deepEqual(order, ['upper']);
  k.ddi.IoCompleteRequest(held, 0);
  assert.deepEqual(order, ['upper', 'creator']);
});

test('the creator may free its IRP in a completion routine that returns STATUS_MORE_PROCESSING_REQUIRED', () => {
  const k = new Kernel();
  const lower = lowerDevice(k);
  const irp = readIrp(k, 1);
  IoSetCompletionRoutine(k.as, irp, routine(k, 2, (_d, irp) => (k.ddi.IoFreeIrp(irp), MORE_PROCESSING_REQUIRED)), 0, true, true, true);
  assert.equal(k.ddi.IoCallDriver(lower, irp), STATUS.SUCCESS);
  assert.equal(k.pool.block(irp), undefined, 'IRP returned to pool');
});

test('an IRP pended below and completed later from a DPC: SL_PENDING_RETURNED propagates up to PendingReturned', () => {
  const k = new Kernel();
  const dpc = scratch(k, KDPC.size);
  k.ddi.KeInitializeDpc(dpc, routine(k, 5, (_dpc, _ctx, irp) => {
    SetIoStatus(k.as, irp, STATUS.SUCCESS, 0);
    k.ddi.IoCompleteRequest(irp, 0);
  }), 0);
  const lowerDispatch = routine(k, 1, (_dev, irp) => {
    IoMarkIrpPending(k.as, irp);
    k.ddi.KeInsertQueueDpc(dpc, irp, 0); // at DISPATCH_LEVEL: runs after we return
    return STATUS.PENDING;
  });
  const lower = createDevice(k, 'Lower', 1, { [IRP_MJ.READ]: lowerDispatch }).device;
  const upperDispatch = routine(k, 2, (_dev, irp) => {
    IoCopyCurrentIrpStackLocationToNext(k.as, irp); // no completion routine: the I/O manager marks it pending
    return k.ddi.IoCallDriver(lower, irp);
  });
  const upper = createDevice(k, 'Upper', 2, { [IRP_MJ.READ]: upperDispatch }).device;
  const irp = readIrp(k, 2);
  const upperLocation = irp + IRP.size + IO_STACK_LOCATION.size;
  k.ddi.KeRaiseIrqlToDpcLevel();
  assert.equal(hex(k.ddi.IoCallDriver(upper, irp)), hex(STATUS.PENDING));
  assert.equal(k.io.isCompleted(irp), false, 'not completed yet');
  assert.equal(k.as.u8(upperLocation + S.Control) & SL.PENDING_RETURNED, 0);
  k.ddi.KeLowerIrql(PASSIVE_LEVEL);
  assert.equal(k.io.isCompleted(irp), true);
  assert.equal(k.as.u8(upperLocation + S.Control) & SL.PENDING_RETURNED, SL.PENDING_RETURNED, 'IoMarkIrpPending applied for the upper driver');
  assert.equal(k.as.u8(irp + I.PendingReturned), 1, 'Irp->PendingReturned as the top location left it');
});

test('completing an IRP twice -> MULTIPLE_IRP_COMPLETE_REQUESTS 0x44 (P1 = the IRP)', () => {
  const k = new Kernel();
  const lower = lowerDevice(k);
  const irp = readIrp(k, 1);
  k.ddi.IoCallDriver(lower, irp);
  expectBugCheck(() => k.ddi.IoCompleteRequest(irp, 0), BUGCHECK.MULTIPLE_IRP_COMPLETE_REQUESTS, [irp, 0, 0, 0]);
});

test('calling down with no stack location left -> NO_MORE_IRP_STACK_LOCATIONS 0x35 (P1 = the IRP)', () => {
  const k = new Kernel();
  let device = 0;
  const dispatch = routine(k, 1, (_dev, irp) => {
    IoCopyCurrentIrpStackLocationToNext(k.as, irp); // writes below the IRP's only location
    return k.ddi.IoCallDriver(device, irp);
  });
  device = createDevice(k, 'Drv', 1, { [IRP_MJ.READ]: dispatch }).device;
  const irp = readIrp(k, 1);
  expectBugCheck(() => k.ddi.IoCallDriver(device, irp), 0x35, [irp, 0, 0, 0]);
});

test('after IoCompleteRequest walks every location, CurrentLocation is StackCount + 2', () => {
  // WRK IopfCompleteRequest: the for-loop increments CurrentLocation once more after the last location, and the
  // next IoCompleteRequest bug checks 0x44 because CurrentLocation > StackCount + 1.
  const k = new Kernel();
  const lower = lowerDevice(k);
  const irp = readIrp(k, 1);
  k.ddi.IoCallDriver(lower, irp);
  assert.equal(k.as.u8(irp + I.CurrentLocation), 3);
  assert.equal(hex(k.as.u32(irp + I['Tail.CurrentStackLocation'])), hex(irp + IRP.size + 2 * IO_STACK_LOCATION.size));
});
