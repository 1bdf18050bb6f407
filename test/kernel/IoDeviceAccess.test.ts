/**
 * IoCreateDeviceSecure (SDDL accepted, recorded, or refused), IoGetDeviceObjectPointer (by name and
 * through links, CREATE / CLEANUP now and CLOSE at the last dereference), the Ex cancel-safe queue,
 * IoQueueWorkItemEx and IoIs32bitProcess.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoGetCurrentIrpStackLocation, SetIoStatus } from '../../ddk/ts/wdm.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { parseDeviceSddl } from '../../src/kernel/io/sddl.ts';
import { FILE_DEVICE_UNKNOWN, IRP_MJ, SL } from '../../src/nt/io.ts';
import { DEVICE_OBJECT, DRIVER_OBJECT, IO_CSQ, IO_STACK_LOCATION, IRP, UNICODE_STRING } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, hex, largeInteger, relativeMs, routine, scratch, wideString } from './support.ts';

const I = IRP.off;

function unicodeString(k: Kernel, text: string): number {
  const us = scratch(k, UNICODE_STRING.size);
  k.as.setU16(us, 2 * text.length);
  k.as.setU16(us + 2, 2 * text.length + 2);
  k.as.setU32(us + 4, wideString(k, text));
  return us;
}

function createSecure(k: Kernel, driver: number, name: string | undefined, sddl: string | undefined): [number, number] {
  const out = scratch(k, 4);
  k.as.setU32(out, 0xdeadbeef);
  const status = k.ddi.IoCreateDeviceSecure(driver, 0, name ? unicodeString(k, name) : 0, FILE_DEVICE_UNKNOWN, 0, 0, sddl === undefined ? 0 : unicodeString(k, sddl), 0, out);
  return [status, k.as.u32(out)];
}

test('the SDDL subset of device objects: D:P and (A;;Access;;;SID) with two-letter rights or 0xHEX, aliases or S-1-... SIDs', () => {
  assert.deepEqual(parseDeviceSddl('D:P'), []);
  assert.deepEqual(parseDeviceSddl('D:P(A;;GA;;;SY)(A;;GRGX;;;BA)'), [
    { access: 0x10000000, sid: 'SY' },
    { access: 0xa0000000, sid: 'BA' },
  ]);
  assert.deepEqual(parseDeviceSddl('D:P(A;;0x1f01ff;;;S-1-5-32-544)'), [{ access: 0x1f01ff, sid: 'S-1-5-32-544' }]);
  for (const bad of ['', 'D:', 'O:BAD:P(A;;GA;;;SY)', 'D:P(D;;GA;;;SY)', 'D:P(A;;GA;;;XX)', 'D:P(A;;GQ;;;SY)', 'D:P(A;;GA;;;SY', 'D:P(A;CI;GA;;;SY)', 'D:P(A;;GA;;;SY)x']) {
    assert.equal(parseDeviceSddl(bad), undefined, JSON.stringify(bad));
  }
});

test('IoCreateDeviceSecure creates the device as IoCreateDevice does and records its SDDL', () => {
  const k = new Kernel();
  const driver = k.io.createDriverObject('Sec', 0x9b000000, 0x100000);
  const [status, device] = createSecure(k, driver, '\\Device\\Sec', 'D:P(A;;GA;;;SY)(A;;GA;;;BA)');
  assert.equal(status, STATUS.SUCCESS);
  assert.equal(hex(k.as.u32(driver + DRIVER_OBJECT.off.DeviceObject)), hex(device));
  assert.equal(k.as.u32(device + DEVICE_OBJECT.off.DeviceType), FILE_DEVICE_UNKNOWN);
  assert.equal(k.ob.lookup('\\Device\\Sec'), device);
  assert.equal(k.io.deviceSddl.get(device), 'D:P(A;;GA;;;SY)(A;;GA;;;BA)');
  k.ddi.IoDeleteDevice(device);
  assert.equal(k.io.deviceSddl.has(device), false);
});

test('IoCreateDeviceSecure refuses a malformed or missing SDDL string: STATUS_INVALID_PARAMETER, no device', () => {
  const k = new Kernel();
  const driver = k.io.createDriverObject('Sec', 0x9b000000, 0x100000);
  for (const sddl of ['D:(A;;GA;;;SY)', undefined]) {
    const [status] = createSecure(k, driver, '\\Device\\Sec', sddl);
    assert.equal(hex(status), hex(STATUS.INVALID_PARAMETER));
  }
  assert.equal(k.ob.lookup('\\Device\\Sec'), undefined);
  assert.equal(k.io.devicesOf(driver).length, 0);
});

/** A named device whose driver logs the majors it receives and completes each with success. */
function loggingDevice(k: Kernel, name: string, createStatus: number = STATUS.SUCCESS) {
  const log: string[] = [];
  const dispatch = routine(k, 1, (_dev, irp) => {
    const sp = IoGetCurrentIrpStackLocation(k.as, irp);
    const major = k.as.u8(sp + IO_STACK_LOCATION.off.MajorFunction);
    log.push(`${major}/${k.as.u8(irp + I.RequestorMode)}`);
    const status = major === IRP_MJ.CREATE ? createStatus : STATUS.SUCCESS;
    SetIoStatus(k.as, irp, status, 0);
    k.ddi.IoCompleteRequest(irp, 0);
    return status;
  });
  const driver = k.io.createDriverObject('Target', 0x9b000000, 0x100000);
  for (const m of [IRP_MJ.CREATE, IRP_MJ.CLEANUP, IRP_MJ.CLOSE]) k.as.setU32(driver + DRIVER_OBJECT.off.MajorFunction + 4 * m, dispatch);
  const out = scratch(k, 4);
  assert.equal(k.ddi.IoCreateDevice(driver, 0, unicodeString(k, name), FILE_DEVICE_UNKNOWN, 0, 0, out), STATUS.SUCCESS);
  return { device: k.as.u32(out), log };
}

test('IoGetDeviceObjectPointer opens by name from kernel mode: CREATE and CLEANUP now, CLOSE at the caller\'s ObDereferenceObject', () => {
  const k = new Kernel();
  const { device, log } = loggingDevice(k, '\\Device\\Target');
  const fileOut = scratch(k, 4);
  const deviceOut = scratch(k, 4);
  assert.equal(k.ddi.IoGetDeviceObjectPointer(unicodeString(k, '\\Device\\Target'), 0x1f01ff, fileOut, deviceOut), STATUS.SUCCESS);
  assert.equal(hex(k.as.u32(deviceOut)), hex(device), 'the top of the stack (nothing attached)');
  const file = k.as.u32(fileOut);
  assert.equal(k.ob.kindOf(file), 'File');
  assert.deepEqual(log, [`${IRP_MJ.CREATE}/0`, `${IRP_MJ.CLEANUP}/0`], 'KernelMode requests; the handle is closed');
  k.ddi.ObDereferenceObject(file);
  assert.deepEqual(log.slice(2), [`${IRP_MJ.CLOSE}/0`]);
  assert.equal(k.ob.isObject(file), false);
});

test('IoGetDeviceObjectPointer follows symbolic links (\\DosDevices\\X is \\??\\X)', () => {
  const k = new Kernel();
  const { device } = loggingDevice(k, '\\Device\\Target');
  assert.equal(k.ddi.IoCreateSymbolicLink(unicodeString(k, '\\DosDevices\\TargetLink'), unicodeString(k, '\\Device\\Target')), STATUS.SUCCESS);
  const fileOut = scratch(k, 4);
  const deviceOut = scratch(k, 4);
  assert.equal(k.ddi.IoGetDeviceObjectPointer(unicodeString(k, '\\??\\TargetLink'), 0, fileOut, deviceOut), STATUS.SUCCESS);
  assert.equal(hex(k.as.u32(deviceOut)), hex(device));
  k.ddi.ObDereferenceObject(k.as.u32(fileOut));
});

test('IoGetDeviceObjectPointer: STATUS_OBJECT_NAME_NOT_FOUND for no such device; the CREATE\'s status if the device refuses', () => {
  const k = new Kernel();
  const { log } = loggingDevice(k, '\\Device\\Target', STATUS.ACCESS_DENIED);
  const fileOut = scratch(k, 4);
  const deviceOut = scratch(k, 4);
  assert.equal(hex(k.ddi.IoGetDeviceObjectPointer(unicodeString(k, '\\Device\\Nope'), 0, fileOut, deviceOut)), hex(STATUS.OBJECT_NAME_NOT_FOUND));
  assert.equal(hex(k.ddi.IoGetDeviceObjectPointer(unicodeString(k, '\\Device\\Target'), 0, fileOut, deviceOut)), hex(STATUS.ACCESS_DENIED));
  assert.deepEqual(log, [`${IRP_MJ.CREATE}/0`], 'a failed open gets no CLEANUP or CLOSE');
});

// ---- the Ex cancel-safe queue ------------------------------------------------------------------

function exQueue(k: Kernel, insertStatus: number) {
  const queued: number[] = [];
  const inserts: number[][] = [];
  const csq = scratch(k, IO_CSQ.size);
  const insert = routine(k, 10, (_c, irp, ctx) => {
    inserts.push([irp, ctx]);
    if (insertStatus === STATUS.SUCCESS) queued.push(irp);
    return insertStatus;
  });
  const remove = routine(k, 11, (_c, irp) => queued.splice(queued.indexOf(irp), 1));
  const peek = routine(k, 12, (_c, irp) => (irp === 0 ? (queued[0] ?? 0) : (queued[queued.indexOf(irp) + 1] ?? 0)));
  const acquire = routine(k, 13, (_c, irql) => k.as.setU8(irql, 0));
  const release = routine(k, 14, () => {});
  const complete = routine(k, 15, () => {});
  assert.equal(k.ddi.IoCsqInitializeEx(csq, insert, remove, peek, acquire, release, complete), STATUS.SUCCESS);
  return { csq, queued, inserts };
}

function irpWithLocation(k: Kernel): number {
  const irp = k.ddi.IoAllocateIrp(1, 0);
  k.as.setU8(irp + I.CurrentLocation, 1);
  k.as.setU32(irp + I['Tail.CurrentStackLocation'], irp + IRP.size);
  return irp;
}

test('IoCsqInitializeEx marks the queue IO_TYPE_CSQ_EX; IoCsqInsertIrpEx passes InsertContext and queues the IRP pending', () => {
  const k = new Kernel();
  const { csq, queued, inserts } = exQueue(k, STATUS.SUCCESS);
  assert.equal(k.as.u32(csq + IO_CSQ.off.Type), 3);
  const irp = irpWithLocation(k);
  assert.equal(k.ddi.IoCsqInsertIrpEx(csq, irp, 0, 0x1234), STATUS.SUCCESS);
  assert.deepEqual(inserts.map((a) => a.map(hex)), [[hex(irp), '0x1234']]);
  assert.deepEqual(queued, [irp]);
  assert.notEqual(k.as.u32(irp + I.CancelRoutine), 0);
  assert.ok(k.as.u8(k.io.currentStackLocation(irp) + IO_STACK_LOCATION.off.Control) & SL.PENDING_RETURNED);
  assert.equal(hex(k.ddi.IoCsqRemoveNextIrp(csq, 0)), hex(irp));
});

test('IoCsqInsertIrpEx whose insert routine fails returns that status: the IRP is not pending and has no cancel routine', () => {
  const k = new Kernel();
  const { csq, queued } = exQueue(k, STATUS.DEVICE_NOT_READY);
  const irp = irpWithLocation(k);
  assert.equal(hex(k.ddi.IoCsqInsertIrpEx(csq, irp, 0, 0)), hex(STATUS.DEVICE_NOT_READY));
  assert.deepEqual(queued, []);
  assert.equal(k.as.u32(irp + I.CancelRoutine), 0);
  assert.equal(k.as.u8(k.io.currentStackLocation(irp) + IO_STACK_LOCATION.off.Control) & SL.PENDING_RETURNED, 0);
});

test('IoQueueWorkItemEx runs the routine with (IoObject, Context, IoWorkItem)', () => {
  const k = new Kernel();
  const { device } = createDevice(k, 'Drv', 1);
  const item = k.ddi.IoAllocateWorkItem(device);
  const runs: number[][] = [];
  k.ddi.IoQueueWorkItemEx(item, routine(k, 20, (obj, ctx, wi) => runs.push([obj, ctx, wi])), 1, 0x55);
  k.ddi.KeDelayExecutionThread(0, 0, largeInteger(k, relativeMs(1)));
  assert.deepEqual(runs.map((r) => r.map(hex)), [[hex(device), '0x55', hex(item)]]);
});

test('IoIs32bitProcess is FALSE on the 32-bit machine', () => {
  const k = new Kernel();
  assert.equal(k.ddi.IoIs32bitProcess(0), 0);
});
