/** The WMI consumer routines (src/kernel/io/wmi-consumer.ts): open a class's data block, register for its events, close it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { POOL_TYPE } from '../../src/nt/pool.ts';
import { STATUS } from '../../src/nt/status.ts';

const WMIGUID_QUERY = 0x1;
const WMIGUID_NOTIFICATION = 0x4;

function setup() {
  const k = new Kernel();
  const scratch = k.ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 32, 0x74736554) >>> 0;
  // A class GUID no provider registered: {11111111-2222-3333-4455-66778899AABB}.
  k.as.setU32(scratch, 0x11111111);
  k.as.setU16(scratch + 4, 0x2222);
  k.as.setU16(scratch + 6, 0x3333);
  [0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb].forEach((b, i) => k.as.setU8(scratch + 8 + i, b));
  return { k, guid: scratch, out: scratch + 16 };
}

test('IoWMIOpenBlock opens a class no provider registered yet; IoWMISetNotificationCallback needs WMIGUID_NOTIFICATION; ObDereferenceObject closes it', () => {
  const { k, guid, out } = setup();
  assert.equal(k.ddi.IoWMIOpenBlock(guid, WMIGUID_NOTIFICATION, out), STATUS.SUCCESS);
  const block = k.as.u32(out);
  assert.notEqual(block, 0);
  assert.equal(k.ob.kindOf(block), 'WmiGuid');
  assert.equal(k.ddi.IoWMISetNotificationCallback(block, 0x1234, 0x5678), STATUS.SUCCESS);

  assert.equal(k.ddi.IoWMIOpenBlock(guid, WMIGUID_QUERY, out), STATUS.SUCCESS);
  const queryOnly = k.as.u32(out);
  assert.equal(k.ddi.IoWMISetNotificationCallback(queryOnly, 0x1234, 0), STATUS.ACCESS_DENIED);
  assert.equal(k.ddi.IoWMISetNotificationCallback(0x84000000, 0x1234, 0), STATUS.INVALID_PARAMETER);

  k.ddi.ObDereferenceObject(block);
  k.ddi.ObDereferenceObject(queryOnly);
  assert.equal(k.ob.kindOf(block), undefined, 'closed: the object is gone');
  assert.equal(k.ddi.IoWMISetNotificationCallback(block, 0x1234, 0), STATUS.INVALID_PARAMETER);
});
