/** IoBuildDeviceIoControlRequest and IoBuild(A)synchronousFsdRequest: buffers per method, completion by the I/O manager. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoGetCurrentIrpStackLocation, IoMarkIrpPending, IoSetCompletionRoutine, SetIoStatus } from '../../ddk/ts/wdm.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { CTL_CODE, DO, FILE_DEVICE_UNKNOWN, IRP_FLAG, IRP_MJ, MDL, METHOD_BUFFERED, METHOD_NEITHER, METHOD_OUT_DIRECT } from '../../src/nt/io.ts';
import { DEVICE_OBJECT, IO_STACK_LOCATION, IO_STATUS_BLOCK, IRP, KEVENT, MDL_LAYOUT } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, hex, routine, scratch } from './support.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;
const IOSB = IO_STATUS_BLOCK.off;
const MORE_PROCESSING_REQUIRED = 0xc0000016;
const NotificationEvent = 0;

interface Seen {
  irp: number;
  major: number;
  requestorMode: number;
  systemBuffer: number;
  userBuffer: number;
  mdl: number;
  flags: number;
  sp: number;
}

/**
 * A target device whose dispatch routine records what it got and answers with `answer` (bytes it
 * writes to the buffer the method gives it, and the Information it reports).
 */
function target(k: Kernel, flags: number, answer: (k: Kernel, seen: Seen) => number, pend = false) {
  const seen: Seen[] = [];
  const dispatch = routine(k, 1, (_dev, irp) => {
    const sp = IoGetCurrentIrpStackLocation(k.as, irp);
    const s: Seen = {
      irp,
      major: k.as.u8(sp + S.MajorFunction),
      requestorMode: k.as.u8(irp + I.RequestorMode),
      systemBuffer: k.as.u32(irp + I['AssociatedIrp.SystemBuffer']),
      userBuffer: k.as.u32(irp + I.UserBuffer),
      mdl: k.as.u32(irp + I.MdlAddress),
      flags: k.as.u32(irp + I.Flags),
      sp,
    };
    seen.push(s);
    const information = answer(k, s);
    SetIoStatus(k.as, irp, STATUS.SUCCESS, information);
    if (!pend) {
      k.ddi.IoCompleteRequest(irp, 0);
      return STATUS.SUCCESS;
    }
    IoMarkIrpPending(k.as, irp);
    const item = k.ddi.IoAllocateWorkItem(device);
    k.ddi.IoQueueWorkItem(item, routine(k, 2, () => {
      k.ddi.IoFreeWorkItem(item);
      k.ddi.IoCompleteRequest(irp, 0);
    }), 1, 0);
    return STATUS.PENDING;
  });
  const majors = { [IRP_MJ.DEVICE_CONTROL]: dispatch, [IRP_MJ.INTERNAL_DEVICE_CONTROL]: dispatch, [IRP_MJ.READ]: dispatch, [IRP_MJ.WRITE]: dispatch, [IRP_MJ.FLUSH_BUFFERS]: dispatch };
  const { device } = createDevice(k, 'Target', 1, majors);
  k.as.setU32(device + DEVICE_OBJECT.off.Flags, flags);
  return { device, seen };
}

function eventAndIosb(k: Kernel) {
  const event = scratch(k, KEVENT.size);
  k.ddi.KeInitializeEvent(event, NotificationEvent, 0);
  const iosb = scratch(k, IO_STATUS_BLOCK.size);
  k.as.fill(iosb, IO_STATUS_BLOCK.size, 0xcc);
  return { event, iosb };
}

const bytes = (k: Kernel, va: number, n: number) => Buffer.from(k.as.read(va, n)).toString('hex');

test('METHOD_BUFFERED: one system buffer holds the input and takes the output, copied back to the caller at completion', () => {
  const k = new Kernel();
  const { device, seen } = target(k, 0, (k, s) => {
    assert.equal(bytes(k, s.systemBuffer, 3), 'a1a2a3', 'input in the system buffer');
    k.as.write(s.systemBuffer, Buffer.from('0102030405', 'hex'));
    return 5;
  });
  const { event, iosb } = eventAndIosb(k);
  const input = scratch(k, 3);
  k.as.write(input, Buffer.from('a1a2a3', 'hex'));
  const output = scratch(k, 8);
  k.as.fill(output, 8, 0xee);
  const code = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, 0);
  const irp = k.ddi.IoBuildDeviceIoControlRequest(code, device, input, 3, output, 8, 0, event, iosb);
  assert.notEqual(irp, 0);
  assert.equal(hex(k.as.u32(irp + I['Tail.Thread'])), hex(k.currentThread.address), 'the IRP belongs to the calling thread');
  assert.equal(k.ddi.IoCallDriver(device, irp), STATUS.SUCCESS);
  const s = seen[0]!;
  assert.equal(s.major, IRP_MJ.DEVICE_CONTROL);
  assert.equal(s.requestorMode, 0, 'KernelMode');
  assert.equal(hex(s.flags), hex(IRP_FLAG.BUFFERED_IO | IRP_FLAG.DEALLOCATE_BUFFER | IRP_FLAG.INPUT_OPERATION));
  assert.equal(hex(k.as.u32(s.sp + S['Parameters.DeviceIoControl.IoControlCode'])), hex(code));
  assert.equal(k.as.u32(s.sp + S['Parameters.DeviceIoControl.InputBufferLength']), 3);
  assert.equal(k.as.u32(s.sp + S['Parameters.DeviceIoControl.OutputBufferLength']), 8);
  assert.equal(bytes(k, output, 8), '0102030405eeeeee', 'Information bytes copied back');
  assert.equal(k.as.u32(iosb + IOSB.Status), STATUS.SUCCESS);
  assert.equal(k.as.u32(iosb + IOSB.Information), 5);
  assert.equal(k.ddi.KeReadStateEvent(event), 1, 'the event is set');
  assert.equal(k.pool.block(irp), undefined, 'the I/O manager freed the IRP');
  assert.equal(k.pool.block(s.systemBuffer), undefined, 'and the system buffer');
});

test('a pending request: the caller waits on its event, then reads the IO_STATUS_BLOCK', () => {
  const k = new Kernel();
  const { device } = target(k, 0, () => 0, true);
  const { event, iosb } = eventAndIosb(k);
  const irp = k.ddi.IoBuildDeviceIoControlRequest(CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, 0), device, 0, 0, 0, 0, 1, event, iosb);
  assert.equal(k.ddi.IoCallDriver(device, irp), STATUS.PENDING);
  assert.equal(k.ddi.KeReadStateEvent(event), 0, 'not yet');
  assert.equal(k.ddi.KeWaitForSingleObject(event, 0, 0, 0, 0), STATUS.SUCCESS);
  assert.equal(k.as.u32(iosb + IOSB.Status), STATUS.SUCCESS);
  assert.equal(k.pool.block(irp), undefined);
});

test('InternalDeviceIoControl TRUE sends IRP_MJ_INTERNAL_DEVICE_CONTROL', () => {
  const k = new Kernel();
  const { device, seen } = target(k, 0, () => 0);
  const { event, iosb } = eventAndIosb(k);
  const irp = k.ddi.IoBuildDeviceIoControlRequest(0x220003, device, 0, 0, 0, 0, 1, event, iosb);
  k.ddi.IoCallDriver(device, irp);
  assert.equal(seen[0]!.major, IRP_MJ.INTERNAL_DEVICE_CONTROL);
});

test('METHOD_OUT_DIRECT: the output buffer is described by a locked MDL (write access), released at completion', () => {
  const k = new Kernel();
  let mdlFlags = 0;
  const { device, seen } = target(k, 0, (k, s) => {
    mdlFlags = k.as.u16(s.mdl + MDL_LAYOUT.off.MdlFlags);
    k.as.write(k.ddi.MmGetSystemAddressForMdlSafe(s.mdl, 0), Buffer.from('cafe', 'hex'));
    return 2;
  });
  const { event, iosb } = eventAndIosb(k);
  const output = scratch(k, 4);
  const irp = k.ddi.IoBuildDeviceIoControlRequest(CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_OUT_DIRECT, 0), device, 0, 0, output, 4, 0, event, iosb);
  k.ddi.IoCallDriver(device, irp);
  assert.notEqual(seen[0]!.mdl, 0);
  assert.ok(mdlFlags & MDL.PAGES_LOCKED && mdlFlags & MDL.WRITE_OPERATION, `MdlFlags ${hex(mdlFlags)}`);
  assert.equal(bytes(k, output, 2), 'cafe');
  assert.equal(k.pool.block(seen[0]!.mdl), undefined, 'the MDL is freed');
});

test('METHOD_NEITHER: Type3InputBuffer and UserBuffer are the caller\'s own (kernel) buffers', () => {
  const k = new Kernel();
  const { device, seen } = target(k, 0, () => 0);
  const { event, iosb } = eventAndIosb(k);
  const input = scratch(k, 4);
  const output = scratch(k, 4);
  const irp = k.ddi.IoBuildDeviceIoControlRequest(CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_NEITHER, 0), device, input, 4, output, 4, 0, event, iosb);
  k.ddi.IoCallDriver(device, irp);
  assert.equal(hex(k.as.u32(seen[0]!.sp + S['Parameters.DeviceIoControl.Type3InputBuffer'])), hex(input));
  assert.equal(hex(seen[0]!.userBuffer), hex(output));
  assert.equal(seen[0]!.systemBuffer, 0);
});

test('IoBuildSynchronousFsdRequest IRP_MJ_READ on a DO_BUFFERED_IO device: system buffer, Length, ByteOffset, copy-back', () => {
  const k = new Kernel();
  const { device, seen } = target(k, DO.BUFFERED_IO, (k, s) => {
    k.as.write(s.systemBuffer, Buffer.from('5a5a5a', 'hex'));
    return 3;
  });
  const { event, iosb } = eventAndIosb(k);
  const buffer = scratch(k, 16);
  const offset = scratch(k, 8);
  k.as.setU64(offset, 0x1234n);
  const irp = k.ddi.IoBuildSynchronousFsdRequest(IRP_MJ.READ, device, buffer, 16, offset, event, iosb);
  k.ddi.IoCallDriver(device, irp);
  const s = seen[0]!;
  assert.equal(s.major, IRP_MJ.READ);
  assert.equal(k.as.u32(s.sp + S['Parameters.Read.Length']), 16);
  assert.equal(k.as.u64(s.sp + S['Parameters.Read.ByteOffset']), 0x1234n);
  assert.ok(s.flags & IRP_FLAG.INPUT_OPERATION);
  assert.equal(bytes(k, buffer, 3), '5a5a5a');
  assert.equal(k.as.u32(iosb + IOSB.Information), 3);
  assert.equal(k.ddi.KeReadStateEvent(event), 1);
});

test('IoBuildSynchronousFsdRequest IRP_MJ_WRITE: DO_DIRECT_IO gives an MDL; a device with neither flag gets the buffer itself', () => {
  const k = new Kernel();
  const direct = target(k, DO.DIRECT_IO, () => 0);
  const { event, iosb } = eventAndIosb(k);
  const buffer = scratch(k, 8);
  k.ddi.IoCallDriver(direct.device, k.ddi.IoBuildSynchronousFsdRequest(IRP_MJ.WRITE, direct.device, buffer, 8, 0, event, iosb));
  assert.notEqual(direct.seen[0]!.mdl, 0);
  assert.equal(direct.seen[0]!.systemBuffer, 0);
  const k2 = new Kernel();
  const neither = target(k2, 0, () => 0);
  const e2 = eventAndIosb(k2);
  const b2 = scratch(k2, 8);
  k2.ddi.IoCallDriver(neither.device, k2.ddi.IoBuildSynchronousFsdRequest(IRP_MJ.WRITE, neither.device, b2, 8, 0, e2.event, e2.iosb));
  assert.equal(hex(neither.seen[0]!.userBuffer), hex(b2));
  assert.equal(neither.seen[0]!.mdl, 0);
});

test('IoBuild(A)synchronousFsdRequest refuses a major function other than read, write, flush, shutdown, PnP: NULL', () => {
  const k = new Kernel();
  const { device } = target(k, 0, () => 0);
  const { event, iosb } = eventAndIosb(k);
  assert.equal(k.ddi.IoBuildSynchronousFsdRequest(IRP_MJ.DEVICE_CONTROL, device, 0, 0, 0, event, iosb), 0);
  assert.equal(k.ddi.IoBuildAsynchronousFsdRequest(IRP_MJ.CREATE, device, 0, 0, 0, iosb), 0);
});

test('IoBuildAsynchronousFsdRequest: no thread, no event; a completion routine returning MORE_PROCESSING_REQUIRED keeps the IRP for the driver to free', () => {
  const k = new Kernel();
  const { device } = target(k, 0, () => 0);
  const iosb = scratch(k, IO_STATUS_BLOCK.size);
  k.as.fill(iosb, IO_STATUS_BLOCK.size, 0xcc);
  const irp = k.ddi.IoBuildAsynchronousFsdRequest(IRP_MJ.FLUSH_BUFFERS, device, 0, 0, 0, iosb);
  assert.equal(k.as.u32(irp + I['Tail.Thread']), 0);
  let called = 0;
  IoSetCompletionRoutine(k.as, irp, routine(k, 3, (_d, i) => {
    called++;
    k.ddi.IoFreeIrp(i);
    return MORE_PROCESSING_REQUIRED;
  }), 0, true, true, true);
  k.ddi.IoCallDriver(device, irp);
  assert.equal(called, 1);
  assert.equal(hex(k.as.u32(iosb + IOSB.Status)), '0xcccccccc', 'the I/O manager did not complete it');
  assert.equal(k.pool.block(irp), undefined, 'the driver freed it');
});
