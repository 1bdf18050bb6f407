/**
 * Object references by pointer and by handle, system shutdown (IRP_MJ_SHUTDOWN to registered
 * devices), code of an unloaded driver run later (0xCE), and debugger breaks. No verifier.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HangError, SimulatorError } from '../../src/kernel/errors.ts';
import { Kernel, type BreakContext } from '../../src/kernel/kernel.ts';
import { DO, IRP_MJ } from '../../src/nt/io.ts';
import { DEVICE_OBJECT, DRIVER_OBJECT, IO_STACK_LOCATION, IRP, KDPC, KTIMER, WORK_QUEUE_ITEM } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, expectBugCheck, hex, relativeMs, routine, scratch } from './support.ts';

const DelayedWorkQueue = 1;

function systemThread(k: Kernel, n: number, body: () => void = () => {}): { handle: number; thread: number } {
  const out = scratch(k, 4);
  assert.equal(k.ddi.PsCreateSystemThread(out, 0, 0, 0, 0, routine(k, n, body), 0), STATUS.SUCCESS);
  const handle = k.as.u32(out);
  const thread = k.threads[k.threads.length - 1]!.address;
  return { handle, thread };
}

test('a system thread object holds the handle reference and its own until it terminates', () => {
  const k = new Kernel();
  const { handle, thread } = systemThread(k, 1);
  assert.equal(k.ob.referenceCount(thread), 2);
  const out = scratch(k, 4);
  assert.equal(k.ddi.ObReferenceObjectByHandle(handle, 0, 0, 0, out, 0), STATUS.SUCCESS);
  assert.equal(hex(k.as.u32(out)), hex(thread));
  assert.equal(k.ob.referenceCount(thread), 3);
  assert.equal(k.ddi.ObReferenceObjectByPointer(thread, 0, 0, 0), STATUS.SUCCESS);
  assert.equal(k.ob.referenceCount(thread), 4);
  assert.equal(k.ddi.ZwClose(handle), STATUS.SUCCESS);
  assert.equal(k.ddi.KeWaitForSingleObject(thread, 0, 0, 0, 0), STATUS.SUCCESS, 'the thread runs to its end');
  assert.equal(k.ob.referenceCount(thread), 2, 'handle and thread references gone');
  k.ddi.ObDereferenceObject(thread);
  k.ddi.ObDereferenceObject(thread);
  assert.equal(k.ob.referenceCount(thread), 0, 'deleted; its header still says 0');
  assert.equal(k.ddi.ObReferenceObjectByHandle(handle, 0, 0, 0, out, 0), STATUS.INVALID_HANDLE);
  assert.equal(k.ddi.ZwClose(handle), STATUS.INVALID_HANDLE);
});

test('without the verifier a dead object is referenced from 0 to 1, and dereferenced below 0, silently', () => {
  const k = new Kernel();
  const { handle, thread } = systemThread(k, 1);
  k.ddi.ZwClose(handle);
  k.dispatcher.runUntilIdle();
  assert.equal(k.ob.referenceCount(thread), 0);
  assert.equal(k.ddi.ObReferenceObjectByPointer(thread, 0, 0, 0), STATUS.SUCCESS);
  assert.equal(k.ob.referenceCount(thread), 1);
  k.ddi.ObDereferenceObject(thread);
  k.ddi.ObDereferenceObject(thread);
  assert.equal(k.ob.referenceCount(thread), -1);
});

/** A device whose IRP_MJ_SHUTDOWN routine is `handler(device, irp)`. */
function shutdownDevice(k: Kernel, name: string, n: number, handler: (device: number, irp: number) => number): number {
  const { device } = createDevice(k, name, 1, { [IRP_MJ.SHUTDOWN]: routine(k, n, handler) });
  return device;
}

const complete = (k: Kernel, irp: number): number => {
  k.as.setU32(irp + IRP.off['IoStatus.Status'], STATUS.SUCCESS);
  k.ddi.IoCompleteRequest(irp, 0);
  return STATUS.SUCCESS;
};

test('shutdown sends IRP_MJ_SHUTDOWN to registered devices, last registered first, on the shutdown thread', () => {
  const k = new Kernel();
  const seen: string[] = [];
  const events: string[] = [];
  k.events.on('shutdownStarted', (e) => events.push(`started ${hex(e.thread)}`));
  k.events.on('shutdownCompleted', (e) => events.push(`completed ${hex(e.thread)}`));
  const handler = (tag: string) => (device: number, irp: number) => {
    const sp = k.as.u32(irp + IRP.off['Tail.CurrentStackLocation']);
    seen.push(`${tag} major=${hex(k.as.u8(sp + IO_STACK_LOCATION.off.MajorFunction))} thread=${hex(k.currentThread.address)} device=${hex(device)}`);
    return complete(k, irp);
  };
  const a = shutdownDevice(k, 'A', 1, handler('A'));
  const b = shutdownDevice(k, 'B', 2, handler('B'));
  const c = shutdownDevice(k, 'C', 3, handler('C'));
  for (const d of [a, b, c]) assert.equal(k.ddi.IoRegisterShutdownNotification(d), STATUS.SUCCESS);
  assert.ok(k.as.u32(a + DEVICE_OBJECT.off.Flags) & DO.SHUTDOWN_REGISTERED);
  k.ddi.IoUnregisterShutdownNotification(b);
  k.shutdown();
  const t = hex(k.shutdownState!.thread.address);
  assert.deepEqual(seen, [`C major=0x10 thread=${t} device=${hex(c)}`, `A major=0x10 thread=${t} device=${hex(a)}`]);
  assert.deepEqual(events, [`started ${t}`, `completed ${t}`]);
  assert.equal(k.shutdownState!.finished, k.clock.now);
  assert.throws(() => k.shutdown(), SimulatorError);
});

test('IoDeleteDevice takes the device off the shutdown list', () => {
  const k = new Kernel();
  let calls = 0;
  const d = shutdownDevice(k, 'A', 1, (_d, irp) => (calls++, complete(k, irp)));
  k.ddi.IoRegisterShutdownNotification(d);
  k.ddi.IoDeleteDevice(d);
  k.shutdown();
  assert.equal(calls, 0);
});

test('a pending IRP_MJ_SHUTDOWN is waited for: shutdown ends when a timer DPC completes it', () => {
  const k = new Kernel();
  const timer = scratch(k, KTIMER.size);
  const dpc = scratch(k, KDPC.size);
  let pending = 0;
  k.ddi.KeInitializeTimer(timer);
  k.ddi.KeInitializeDpc(dpc, routine(k, 2, () => complete(k, pending)), 0);
  const d = shutdownDevice(k, 'A', 1, (_d, irp) => {
    pending = irp;
    k.ddi.KeSetTimer(timer, relativeMs(5000), dpc);
    return STATUS.PENDING;
  });
  k.ddi.IoRegisterShutdownNotification(d);
  k.shutdown();
  assert.equal(k.shutdownState!.finished, 5000 * 10_000);
});

test('an IRP_MJ_SHUTDOWN nothing will ever complete is a hang, named', () => {
  const k = new Kernel();
  const d = shutdownDevice(k, 'A', 1, () => STATUS.PENDING);
  k.ddi.IoRegisterShutdownNotification(d);
  assert.throws(() => k.shutdown(), (e: unknown) => e instanceof HangError && /shutdown waits for IRP_MJ_SHUTDOWN/.test(e.message));
});

test('code of an unloaded driver run later (a work item it left queued) is 0xCE at its address', () => {
  const k = new Kernel();
  const { driver } = createDevice(k, 'Gone', 1);
  const item = scratch(k, WORK_QUEUE_ITEM.size);
  const worker = routine(k, 1, () => assert.fail('the unloaded code must not run'));
  k.as.setU32(item + WORK_QUEUE_ITEM.off.WorkerRoutine, worker);
  const unload = routine(k, 2, () => k.ddi.ExQueueWorkItem(item, DelayedWorkQueue));
  k.as.setU32(driver + DRIVER_OBJECT.off.DriverUnload, unload);
  k.io.drivers.get(driver)!.state = 'loaded';
  k.io.unloadDriver(driver);
  k.unregisterModuleRoutines('TestDriver');
  expectBugCheck(() => k.dispatcher.runUntilIdle(), 0xce, [worker, 0, worker, 0]);
  assert.deepEqual(k.crash!.culprit, { module: 'Gone' });
});

test('a debugger break hands the machine to the attached debugger, with the stack under DbgBreakPointWithStatus', () => {
  const k = new Kernel();
  k.debugBreak({ code: 0xc4, params: [0x115, 0, 0, 0], message: ['nobody listens'] });
  const seen: BreakContext[] = [];
  k.debugger = (ctx) => {
    seen.push(ctx);
    assert.equal(k.breakIn, ctx, 'the break is in progress while the debugger has the machine');
  };
  assert.ok(k.kdDebuggerEnabled);
  k.debugBreak({ code: 0xc4, params: [0x115, 1, 0, 0], message: ['hello'] });
  assert.equal(seen.length, 1);
  assert.equal(hex(seen[0]!.stack[0]!), hex(k.nt.address('DbgBreakPointWithStatus')));
  assert.deepEqual(seen[0]!.reason.message, ['hello']);
  assert.equal(k.breakIn, undefined);
});

test('an IoQueueWorkItem item queued by DriverUnload runs before the unload finishes: it holds the device, the device the image', () => {
  const k = new Kernel();
  const { driver, device } = createDevice(k, 'Keeps', 1);
  const item = k.ddi.IoAllocateWorkItem(device);
  const ran: string[] = [];
  const worker = routine(k, 1, () => ran.push('worker'));
  k.as.setU32(driver + DRIVER_OBJECT.off.DriverUnload, routine(k, 2, () => k.ddi.IoQueueWorkItem(item, worker, DelayedWorkQueue, 0)));
  k.io.drivers.get(driver)!.state = 'loaded';
  let checkedAt = -1;
  k.events.on('driverUnloaded', () => (checkedAt = ran.length));
  k.io.unloadDriver(driver);
  assert.equal(checkedAt, 0, 'the unload event comes first, right after DriverUnload');
  assert.deepEqual(ran, ['worker'], 'run before unloadDriver returns, so before the loader unmaps the image');
  assert.equal(k.dispatcher.workQueue.length, 0);
});

test('a handle granted fewer rights than asked: UserMode callers get STATUS_ACCESS_DENIED, KernelMode is not checked; HandleInformation tells the grant', () => {
  const k = new Kernel();
  const { thread } = systemThread(k, 1);
  const PROCESS_TERMINATE = 0x1;
  const PROCESS_VM_READ = 0x10;
  const handle = k.ob.createHandle(thread, PROCESS_VM_READ);
  const out = scratch(k, 4);
  const info = scratch(k, 8);
  const UserMode = 1;
  const KernelMode = 0;
  assert.equal(hex(k.ddi.ObReferenceObjectByHandle(handle, PROCESS_TERMINATE, 0, UserMode, out, 0)), hex(STATUS.ACCESS_DENIED));
  assert.equal(k.ddi.ObReferenceObjectByHandle(handle, PROCESS_VM_READ, 0, UserMode, out, info), STATUS.SUCCESS);
  assert.deepEqual([k.as.u32(info), k.as.u32(info + 4)], [0, PROCESS_VM_READ]);
  k.ddi.ObDereferenceObject(thread);
  assert.equal(k.ddi.ObReferenceObjectByHandle(handle, PROCESS_TERMINATE, 0, KernelMode, out, 0), STATUS.SUCCESS);
  k.ddi.ObDereferenceObject(thread);
});
