/** IO_WORKITEM (IoAllocateWorkItem / IoQueueWorkItem / IoFreeWorkItem) and ExQueueWorkItem. No verifier. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import { IO_WORKITEM, KDPC, WORK_QUEUE_ITEM } from '../../src/nt/layout.ts';
import { createDevice, hex, largeInteger, relativeMs, routine, scratch } from './support.ts';

const DelayedWorkQueue = 1;

/** Let the scheduler run: a 1 ms KeDelayExecutionThread from the current thread. */
const yieldProcessor = (k: Kernel) => k.ddi.KeDelayExecutionThread(0, 0, largeInteger(k, relativeMs(1)));

test('IoAllocateWorkItem returns a nonpaged IO_WORKITEM of IoSizeofWorkItem bytes', () => {
  const k = new Kernel();
  const { device } = createDevice(k, 'Drv', 1);
  const item = k.ddi.IoAllocateWorkItem(device);
  assert.notEqual(item, 0);
  assert.equal(k.ddi.IoSizeofWorkItem(), IO_WORKITEM.size);
  assert.ok(k.pool.block(item)!.size >= IO_WORKITEM.size);
});

test('IoQueueWorkItem runs the routine later, at PASSIVE_LEVEL in a system worker thread, with (DeviceObject, Context)', () => {
  const k = new Kernel();
  const { device } = createDevice(k, 'Drv', 1);
  const item = k.ddi.IoAllocateWorkItem(device);
  const runs: number[][] = [];
  const worker = routine(k, 1, (dev, ctx) => runs.push([dev, ctx, k.ddi.KeGetCurrentIrql(), k.ddi.PsGetCurrentThread(), k.clock.now]));
  const caller = k.ddi.PsGetCurrentThread();
  k.ddi.IoQueueWorkItem(item, worker, DelayedWorkQueue, 0xc0ffee);
  assert.equal(runs.length, 0, 'not run by IoQueueWorkItem itself');
  yieldProcessor(k);
  assert.equal(runs.length, 1);
  const [dev, ctx, irql, thread, when] = runs[0]!;
  assert.equal(hex(dev!), hex(device));
  assert.equal(hex(ctx!), hex(0xc0ffee));
  assert.equal(irql, PASSIVE_LEVEL);
  assert.notEqual(hex(thread!), hex(caller), 'a worker thread, not the caller');
  assert.equal(hex(thread!), hex(k.workerThread.address));
  assert.equal(when, 0, 'ready work runs before the clock moves');
});

test('the device object stays referenced from IoQueueWorkItem until the routine has returned', () => {
  const k = new Kernel();
  const { device } = createDevice(k, 'Drv', 1);
  const item = k.ddi.IoAllocateWorkItem(device);
  const base = k.ob.referenceCount(device)!;
  let during = -1;
  k.ddi.IoQueueWorkItem(item, routine(k, 1, () => (during = k.ob.referenceCount(device)!)), DelayedWorkQueue, 0);
  assert.equal(k.ob.referenceCount(device), base + 1, 'referenced while queued');
  yieldProcessor(k);
  assert.equal(during, base + 1, 'still referenced while the routine runs');
  assert.equal(k.ob.referenceCount(device), base, 'released afterwards');
});

test('a work item queued from a DPC runs later at PASSIVE_LEVEL', () => {
  const k = new Kernel();
  const { device } = createDevice(k, 'Drv', 1);
  const item = k.ddi.IoAllocateWorkItem(device);
  const irqls: number[] = [];
  const worker = routine(k, 1, () => irqls.push(k.ddi.KeGetCurrentIrql()));
  const dpc = scratch(k, KDPC.size);
  k.ddi.KeInitializeDpc(dpc, routine(k, 2, () => {
    irqls.push(k.ddi.KeGetCurrentIrql());
    k.ddi.IoQueueWorkItem(item, worker, DelayedWorkQueue, 0);
  }), 0);
  k.ddi.KeInsertQueueDpc(dpc, 0, 0);
  assert.deepEqual(irqls, [DISPATCH_LEVEL]);
  yieldProcessor(k);
  assert.deepEqual(irqls, [DISPATCH_LEVEL, PASSIVE_LEVEL]);
});

test('work items run in queue order; a routine may free its own work item', () => {
  const k = new Kernel();
  const { device } = createDevice(k, 'Drv', 1);
  const order: number[] = [];
  const worker = routine(k, 1, (_dev, ctx) => {
    order.push(ctx);
    k.ddi.IoFreeWorkItem(items[ctx]!);
  });
  const items = [0, 1, 2].map(() => k.ddi.IoAllocateWorkItem(device));
  for (const i of [0, 1, 2]) k.ddi.IoQueueWorkItem(items[i]!, worker, DelayedWorkQueue, i);
  yieldProcessor(k);
  assert.deepEqual(order, [0, 1, 2]);
  for (const item of items) assert.equal(k.pool.block(item), undefined, `${hex(item)} freed`);
});

test('IoInitializeWorkItem prepares caller-allocated storage that IoQueueWorkItem accepts', () => {
  const k = new Kernel();
  const { device } = createDevice(k, 'Drv', 1);
  const item = scratch(k, k.ddi.IoSizeofWorkItem());
  k.as.fill(item, IO_WORKITEM.size, 0xcc);
  k.ddi.IoInitializeWorkItem(device, item);
  const seen: number[] = [];
  k.ddi.IoQueueWorkItem(item, routine(k, 1, (dev, ctx) => seen.push(dev, ctx)), DelayedWorkQueue, 7);
  yieldProcessor(k);
  k.ddi.IoUninitializeWorkItem(item);
  assert.deepEqual(seen.map(hex), [device, 7].map(hex));
});

test('ExQueueWorkItem calls WorkerRoutine(Parameter) from a worker thread at PASSIVE_LEVEL', () => {
  const k = new Kernel();
  const item = scratch(k, WORK_QUEUE_ITEM.size);
  const seen: number[] = [];
  const worker = routine(k, 1, (parameter) => seen.push(parameter, k.ddi.KeGetCurrentIrql(), k.ddi.PsGetCurrentThread()));
  k.as.setU32(item + WORK_QUEUE_ITEM.off.WorkerRoutine, worker);
  k.as.setU32(item + WORK_QUEUE_ITEM.off.Parameter, 0x1234);
  k.ddi.ExQueueWorkItem(item, DelayedWorkQueue);
  assert.deepEqual(seen, []);
  yieldProcessor(k);
  assert.deepEqual(seen.map(hex), [0x1234, PASSIVE_LEVEL, k.workerThread.address].map(hex));
});
