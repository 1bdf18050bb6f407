/** Device stacks: IoAttachDeviceToDeviceStack(Safe), IoDetachDevice, IoGetAttachedDevice(Reference), IoGetLowerDeviceObject, IoForwardIrpSynchronously. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoGetCurrentIrpStackLocation, IoGetNextIrpStackLocation, IoMarkIrpPending, SetIoStatus } from '../../ddk/ts/wdm.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { IO_TYPE, IRP_MJ } from '../../src/nt/io.ts';
import { DEVICE_OBJECT, DEVOBJ_EXTENSION, IO_STACK_LOCATION, IRP } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, hex, routine, scratch } from './support.ts';

const DEV = DEVICE_OBJECT.off;
const EXT = DEVOBJ_EXTENSION.off;

/** Three devices: a bottom one (stack size 1) and two above it, not yet attached. */
function threeDevices(k: Kernel) {
  const bottom = createDevice(k, 'Bus', 1).device;
  const middle = createDevice(k, 'Function', 1).device;
  const top = createDevice(k, 'Filter', 1).device;
  return { bottom, middle, top };
}

test('IoAttachDeviceToDeviceStack attaches to the top of the stack and sets StackSize, AttachedDevice and AttachedTo', () => {
  const k = new Kernel();
  const { bottom, middle, top } = threeDevices(k);
  k.as.setU32(bottom + DEV.AlignmentRequirement, 3);
  assert.equal(hex(k.ddi.IoAttachDeviceToDeviceStack(middle, bottom)), hex(bottom));
  // Attaching to the bottom again lands on the current top (the middle device).
  assert.equal(hex(k.ddi.IoAttachDeviceToDeviceStack(top, bottom)), hex(middle));
  assert.equal(k.as.u8(middle + DEV.StackSize), 2);
  assert.equal(k.as.u8(top + DEV.StackSize), 3);
  assert.equal(k.as.u32(middle + DEV.AlignmentRequirement), 3, 'alignment inherited from below');
  assert.equal(hex(k.as.u32(bottom + DEV.AttachedDevice)), hex(middle));
  assert.equal(hex(k.as.u32(middle + DEV.AttachedDevice)), hex(top));
  const ext = k.as.u32(top + DEV.DeviceObjectExtension);
  assert.notEqual(ext, 0, 'an attached device has its DEVOBJ_EXTENSION');
  assert.equal(k.as.u16(ext + EXT.Type), IO_TYPE.DEVICE_OBJECT_EXTENSION);
  assert.equal(hex(k.as.u32(ext + EXT.DeviceObject)), hex(top));
  assert.equal(hex(k.as.u32(ext + EXT.AttachedTo)), hex(middle));
  assert.equal(hex(k.ddi.IoGetAttachedDevice(bottom)), hex(top));
  assert.equal(hex(k.ddi.IoGetAttachedDevice(top)), hex(top));
});

test('IoAttachDeviceToDeviceStackSafe stores the device attached to and returns STATUS_SUCCESS', () => {
  const k = new Kernel();
  const { bottom, middle } = threeDevices(k);
  const out = scratch(k, 4);
  assert.equal(k.ddi.IoAttachDeviceToDeviceStackSafe(middle, bottom, out), STATUS.SUCCESS);
  assert.equal(hex(k.as.u32(out)), hex(bottom));
  assert.equal(k.as.u8(middle + DEV.StackSize), 2);
});

test('IoGetAttachedDeviceReference and IoGetLowerDeviceObject take a reference; the bottom has no lower device', () => {
  const k = new Kernel();
  const { bottom, middle, top } = threeDevices(k);
  k.ddi.IoAttachDeviceToDeviceStack(middle, bottom);
  k.ddi.IoAttachDeviceToDeviceStack(top, bottom);
  const before = k.ob.referenceCount(top)!;
  assert.equal(hex(k.ddi.IoGetAttachedDeviceReference(bottom)), hex(top));
  assert.equal(k.ob.referenceCount(top), before + 1);
  k.ob.dereference(top);
  const middleRefs = k.ob.referenceCount(middle)!;
  assert.equal(hex(k.ddi.IoGetLowerDeviceObject(top)), hex(middle));
  assert.equal(k.ob.referenceCount(middle), middleRefs + 1);
  k.ob.dereference(middle);
  assert.equal(k.ddi.IoGetLowerDeviceObject(bottom), 0);
  assert.equal(hex(k.ddi.IoGetDeviceAttachmentBaseRef(top)), hex(bottom));
  k.ob.dereference(bottom);
});

test('IoDetachDevice takes the upper device off: the stack ends below it again', () => {
  const k = new Kernel();
  const { bottom, middle, top } = threeDevices(k);
  k.ddi.IoAttachDeviceToDeviceStack(middle, bottom);
  k.ddi.IoAttachDeviceToDeviceStack(top, bottom);
  k.ddi.IoDetachDevice(middle);
  assert.equal(k.as.u32(middle + DEV.AttachedDevice), 0);
  assert.equal(k.as.u32(k.as.u32(top + DEV.DeviceObjectExtension) + EXT.AttachedTo), 0);
  assert.equal(hex(k.ddi.IoGetAttachedDevice(bottom)), hex(middle));
  k.ddi.IoDetachDevice(bottom);
  assert.equal(hex(k.ddi.IoGetAttachedDevice(bottom)), hex(bottom));
  // A device deleted with its extension frees both.
  const ext = k.as.u32(middle + DEV.DeviceObjectExtension);
  k.ddi.IoDeleteDevice(middle);
  assert.equal(k.pool.block(ext), undefined, 'the DEVOBJ_EXTENSION went with its device');
});

test('IoForwardIrpSynchronously: the lower driver completes (at once or later), the IRP comes back to the caller', () => {
  for (const pending of [false, true]) {
    const k = new Kernel();
    let lowerSaw = 0;
    const lowerDispatch = routine(k, 1, (_dev, irp) => {
      lowerSaw = k.as.u8(IoGetCurrentIrpStackLocation(k.as, irp) + IO_STACK_LOCATION.off.MinorFunction);
      if (!pending) {
        SetIoStatus(k.as, irp, STATUS.SUCCESS, 7);
        k.ddi.IoCompleteRequest(irp, 0);
        return STATUS.SUCCESS;
      }
      IoMarkIrpPending(k.as, irp);
      k.dispatcher.workQueue.push({ routine: routine(k, 2, () => (SetIoStatus(k.as, irp, STATUS.SUCCESS, 7), k.ddi.IoCompleteRequest(irp, 0))), args: [], frames: [] });
      return STATUS.PENDING;
    });
    const lower = createDevice(k, 'Lower', 1, { [IRP_MJ.PNP]: lowerDispatch }).device;
    const upper = createDevice(k, 'Upper', 1).device;
    k.ddi.IoAttachDeviceToDeviceStack(upper, lower);
    const irp = k.ddi.IoAllocateIrp(2, 0);
    const sp = IoGetNextIrpStackLocation(k.as, irp);
    k.as.setU8(sp + IO_STACK_LOCATION.off.MajorFunction, IRP_MJ.PNP);
    k.as.setU8(sp + IO_STACK_LOCATION.off.MinorFunction, 9);
    // The upper driver is the current location: it forwards to the lower device and waits.
    k.as.setU8(irp + IRP.off.CurrentLocation, 2);
    k.as.setU32(irp + IRP.off['Tail.CurrentStackLocation'], sp);
    assert.equal(k.ddi.IoForwardIrpSynchronously(lower, irp), 1);
    assert.equal(lowerSaw, 9, 'the lower driver got a copy of the current location');
    assert.equal(k.as.u32(irp + IRP.off['IoStatus.Information']), 7);
    assert.equal(hex(IoGetCurrentIrpStackLocation(k.as, irp)), hex(sp), `the IRP is back at the caller's location (pending: ${pending})`);
    assert.equal(k.io.isCompleted(irp), false, 'not completed: the caller completes it');
  }
});
