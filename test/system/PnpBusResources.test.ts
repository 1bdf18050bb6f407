/**
 * Children start with resources: the PnpBus sample (TS and C) answers each child's
 * IRP_MN_QUERY_RESOURCE_REQUIREMENTS with a page of registers in its window and an exclusive IRQ of 10
 * or 11; the arbiter gives the first child the first page and IRQ 10, the second the next page and
 * IRQ 11, and each child's START carries them as raw and translated CM_RESOURCE_LISTs, as --resources
 * gives a root device. The HAL's model decodes them until the child is removed; nothing is left after.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { translateIrq } from '../../src/kernel/pnp/resources.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { CM_FULL_RESOURCE_DESCRIPTOR, CM_PARTIAL_RESOURCE_DESCRIPTOR, CM_PARTIAL_RESOURCE_LIST, CM_RESOURCE_LIST } from '../../src/nt/layout.ts';
import { CM_RESOURCE_TYPE } from '../../src/nt/resources.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT } from '../helpers.ts';

const PAIRS = {
  ts: { bus: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpBus.ts'), child: join(ROOT, 'drivers', 'ts', 'pnp', 'PnpChild.ts') },
  c: { bus: join(ROOT, 'drivers', 'c', 'pnp', 'PnpBus', 'PnpBus.wasm'), child: join(ROOT, 'drivers', 'c', 'pnp', 'PnpChild', 'PnpChild.wasm') },
} as const;
const D = CM_PARTIAL_RESOURCE_DESCRIPTOR.off;

/** A one-bus CM_RESOURCE_LIST as `mem START LENGTH` / `irq VECTOR LEVEL` lines. */
function decode(k: Kernel, list: number): string[] {
  const partial = list + CM_RESOURCE_LIST.off.List! + CM_FULL_RESOURCE_DESCRIPTOR.off.PartialResourceList!;
  return Array.from({ length: k.as.u32(partial + CM_PARTIAL_RESOURCE_LIST.off.Count!) }, (_, i) => {
    const d = partial + CM_PARTIAL_RESOURCE_LIST.off.PartialDescriptors! + i * CM_PARTIAL_RESOURCE_DESCRIPTOR.size;
    if (k.as.u8(d + D.Type!) === CM_RESOURCE_TYPE.CmResourceTypeInterrupt) return `irq ${k.as.u32(d + D['u.Interrupt.Vector']!).toString(16)} ${k.as.u16(d + D['u.Interrupt.Level']!)}`;
    return `mem ${k.as.u32(d + D['u.Memory.Start.LowPart']!).toString(16)} ${k.as.u32(d + D['u.Memory.Length']!).toString(16)}`;
  });
}

for (const [lang, pair] of Object.entries(PAIRS)) {
  const common = { driver: pair.bus, verifierFlags: STANDARD_FLAGS, childDrivers: [{ hardwareId: 'PnpBus\\PnpChild', driver: pair.child }], requests: [] };

  test(`${lang}: each child starts with what the arbiter chose from its requirements, raw and translated`, async () => {
    const lines: string[] = [];
    const outcome = await runDriver({ ...common, unload: false, shutdown: false, onRequest: (l) => lines.push(l) });
    assert.equal(outcome.bugCheck, null);
    const k = outcome.machine.kernel;
    const children = k.pnp.devnodes().filter((n) => n.busChild);
    assert.equal(children.length, 2);
    const got = children.map((n) => {
      const assigned = k.pnp.resources.get(n)!;
      return { state: n.state, raw: decode(k, assigned.raw), translated: decode(k, assigned.translated), line: k.hal.interrupts.lines.get(n.pdo)?.vector };
    });
    const irq = (n: number) => translateIrq(n);
    assert.deepEqual(got, [
      { state: 'DeviceNodeStarted', raw: ['mem fe100000 1000', 'irq a 10'], translated: ['mem fe100000 1000', `irq ${irq(10).vector.toString(16)} ${irq(10).irql}`], line: irq(10).vector },
      { state: 'DeviceNodeStarted', raw: ['mem fe101000 1000', 'irq b 11'], translated: ['mem fe101000 1000', `irq ${irq(11).vector.toString(16)} ${irq(11).irql}`], line: irq(11).vector },
    ]);
    assert.deepEqual(lines.filter((l) => l.startsWith('resources for')), [
      'resources for PNPBUS\\PNPCHILD\\1&4f266a5a&0&0: mem 0xfe100000-0xfe100fff, irq 10 (vector 0x3a, DIRQL 17)',
      'resources for PNPBUS\\PNPCHILD\\1&4f266a5a&0&1: mem 0xfe101000-0xfe101fff, irq 11 (vector 0x3b, DIRQL 16)',
    ]);
    // Each child was started once, with them.
    const starts = outcome.pnp!.children.map((c) => c.irps.filter((i) => i.name === 'IRP_MN_START_DEVICE').length);
    assert.deepEqual(starts, [1, 1]);
  });

  test(`${lang}: after the run the children's resources are released with them; nothing leaks`, async () => {
    const outcome = await runDriver(common);
    assert.equal(outcome.bugCheck, null);
    const k = outcome.machine.kernel;
    assert.equal(outcome.leakCount, 0);
    assert.deepEqual(
      { lists: [...k.pool.liveBlocks()].filter((b) => b.tag === TAG.PnpResources).length, lines: k.hal.interrupts.lines.size, spaces: k.hal.io.registers.all.length, kept: k.pnp.resources.size },
      { lists: 0, lines: 0, spaces: 0, kept: 0 },
    );
  });
}
