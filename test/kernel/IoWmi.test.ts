/** The I/O manager's WMI routines a driver calls directly. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';

test("IoWMIDeviceObjectToProviderId: a device object's WMI provider ID is its address (32-bit Windows)", () => {
  const k = new Kernel();
  assert.equal(k.ddi.IoWMIDeviceObjectToProviderId(0x84001230), 0x84001230);
});
