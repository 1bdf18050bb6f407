/**
 * The arbiter (pnp/arbiter.ts): a child's IO_RESOURCE_REQUIREMENTS_LIST becomes the requests START's
 * lists are built from. Ranges go to the lowest aligned address no device decodes, interrupts to the
 * lowest free IRQ (or one shared level-sensitive lines hold, when this one shares too), an alternative
 * is taken when the preferred descriptor cannot be met, other types are not arbitrated, and a
 * requirement nothing meets is no resources at all (the device is not started).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { arbitrate } from '../../src/kernel/pnp/arbiter.ts';
import { assignResources } from '../../src/kernel/pnp/resources.ts';
import { IO_RESOURCE_DESCRIPTOR, IO_RESOURCE_LIST, IO_RESOURCE_REQUIREMENTS_LIST } from '../../src/nt/layout.ts';
import { CM_RESOURCE_FLAG, CM_RESOURCE_TYPE, CM_SHARE_DISPOSITION, IO_RESOURCE_OPTION } from '../../src/nt/resources.ts';
import { scratch } from './support.ts';

const R = IO_RESOURCE_REQUIREMENTS_LIST.off;
const L = IO_RESOURCE_LIST.off;
const D = IO_RESOURCE_DESCRIPTOR.off;

type Requirement =
  | { type: 'mem' | 'port'; length: number; alignment: number; min: number; max: number; alternative?: boolean }
  | { type: 'irq'; min: number; max: number; shared?: boolean; latched?: boolean; alternative?: boolean }
  | { type: 'dma'; channel: number };

/** An IO_RESOURCE_REQUIREMENTS_LIST with one alternative list of these descriptors. */
function requirements(k: Kernel, descriptors: readonly Requirement[]): number {
  const size = IO_RESOURCE_REQUIREMENTS_LIST.size + (descriptors.length - 1) * IO_RESOURCE_DESCRIPTOR.size;
  const list = scratch(k, size);
  k.as.zero(list, size);
  k.as.setU32(list + R.ListSize!, size);
  k.as.setU32(list + R.AlternativeLists!, 1);
  k.as.setU32(list + R.List! + L.Count!, descriptors.length);
  descriptors.forEach((r, i) => {
    const d = list + R.List! + L.Descriptors! + i * IO_RESOURCE_DESCRIPTOR.size;
    if ('alternative' in r && r.alternative) k.as.setU8(d + D.Option!, IO_RESOURCE_OPTION.IO_RESOURCE_ALTERNATIVE);
    if (r.type === 'dma') {
      k.as.setU8(d + D.Type!, CM_RESOURCE_TYPE.CmResourceTypeDma);
      k.as.setU32(d + D['u.Interrupt.MinimumVector']!, r.channel);
    } else if (r.type === 'irq') {
      k.as.setU8(d + D.Type!, CM_RESOURCE_TYPE.CmResourceTypeInterrupt);
      k.as.setU8(d + D.ShareDisposition!, r.shared ? CM_SHARE_DISPOSITION.CmResourceShareShared : CM_SHARE_DISPOSITION.CmResourceShareDeviceExclusive);
      k.as.setU16(d + D.Flags!, r.latched ? CM_RESOURCE_FLAG.CM_RESOURCE_INTERRUPT_LATCHED : CM_RESOURCE_FLAG.CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE);
      k.as.setU32(d + D['u.Interrupt.MinimumVector']!, r.min);
      k.as.setU32(d + D['u.Interrupt.MaximumVector']!, r.max);
    } else {
      k.as.setU8(d + D.Type!, r.type === 'mem' ? CM_RESOURCE_TYPE.CmResourceTypeMemory : CM_RESOURCE_TYPE.CmResourceTypePort);
      k.as.setU32(d + D['u.Generic.Length']!, r.length);
      k.as.setU32(d + D['u.Generic.Alignment']!, r.alignment);
      k.as.setU64(d + D['u.Generic.MinimumAddress']!, BigInt(r.min));
      k.as.setU64(d + D['u.Generic.MaximumAddress']!, BigInt(r.max));
    }
  });
  return list;
}

test('ranges at the lowest aligned free address; an exclusive IRQ at the lowest free one', () => {
  const k = new Kernel();
  // Another device decodes 0xfe100000-0xfe100fff and holds IRQ 10 exclusively.
  assignResources(k, 0x1000, 'other', [{ kind: 'mem', base: 0xfe100000, length: 0x1000 }, { kind: 'irq', irq: 10, latched: true }]);
  const list = requirements(k, [
    { type: 'mem', length: 0x800, alignment: 0x1000, min: 0xfe100000, max: 0xfe1fffff },
    { type: 'port', length: 8, alignment: 8, min: 0x2f9, max: 0x3ff },
    { type: 'irq', min: 10, max: 11 },
    { type: 'dma', channel: 3 },
  ]);
  assert.deepEqual(arbitrate(k, list), [
    { kind: 'mem', base: 0xfe101000, length: 0x800 },
    { kind: 'port', base: 0x300, length: 8 },
    { kind: 'irq', irq: 11, latched: false },
  ], 'the DMA channel is not arbitrated');
});

test('a shared level-sensitive IRQ may be shared; a latched one may not; two ranges of one list do not overlap', () => {
  const k = new Kernel();
  assignResources(k, 0x1000, 'other', [{ kind: 'irq', irq: 5, latched: false }]);
  assert.deepEqual(arbitrate(k, requirements(k, [{ type: 'irq', min: 5, max: 6, shared: true }])), [{ kind: 'irq', irq: 5, latched: false }]);
  assert.deepEqual(arbitrate(k, requirements(k, [{ type: 'irq', min: 5, max: 6, latched: true }])), [{ kind: 'irq', irq: 6, latched: true }]);
  const two = requirements(k, [
    { type: 'port', length: 0x10, alignment: 0x10, min: 0x300, max: 0x33f },
    { type: 'port', length: 0x10, alignment: 0x10, min: 0x300, max: 0x33f },
  ]);
  assert.deepEqual(arbitrate(k, two), [{ kind: 'port', base: 0x300, length: 0x10 }, { kind: 'port', base: 0x310, length: 0x10 }]);
});

test('the alternative after a descriptor that cannot be met is taken; a requirement nothing meets is undefined', () => {
  const k = new Kernel();
  assignResources(k, 0x1000, 'other', [{ kind: 'mem', base: 0xd0000, length: 0x1000 }, { kind: 'irq', irq: 3, latched: true }]);
  const withAlternative = requirements(k, [
    { type: 'mem', length: 0x1000, alignment: 0x1000, min: 0xd0000, max: 0xd0fff },
    { type: 'mem', length: 0x1000, alignment: 0x1000, min: 0xe0000, max: 0xe0fff, alternative: true },
  ]);
  assert.deepEqual(arbitrate(k, withAlternative), [{ kind: 'mem', base: 0xe0000, length: 0x1000 }]);
  assert.equal(arbitrate(k, requirements(k, [{ type: 'irq', min: 3, max: 3 }])), undefined, 'IRQ 3 is held exclusively');
  assert.equal(arbitrate(k, requirements(k, [{ type: 'mem', length: 0x2000, alignment: 0x1000, min: 0xd0000, max: 0xd1fff }])), undefined);
  assert.deepEqual(arbitrate(k, 0), [], 'no list: no resources');
});
