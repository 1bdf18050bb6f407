/**
 * dv run --pnp with hardware resources, driving the PnpResources sample under /standard: its START
 * maps the register block and connects the line-based interrupt from the translated list; its IOCTL
 * rings the doorbell, and the ISR (at the HAL's DIRQL for the IRQ) and the DPC (at DISPATCH_LEVEL) run
 * once each; after the removal no mapping, interrupt, line, device space or resource list is left.
 * A device given no interrupt fails its START; the driver gives back what it had mapped, and the
 * run's removal frees the lists.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildDriver } from '../../src/build/build.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { parseResourceSpec, translateIrq } from '../../src/kernel/pnp/resources.ts';
import { TAG } from '../../src/kernel/tags.ts';
import { DISPATCH_LEVEL } from '../../src/nt/irql.ts';
import { STATUS } from '../../src/nt/status.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { NEEDS_CLANG } from '../ddk/support.ts';
import { ROOT, hex } from '../helpers.ts';

const DRIVER = join(ROOT, 'drivers', 'ts', 'pnp', 'PnpResources.ts');
const IOCTL_RING = 0x222404;

function leftovers(k: Kernel) {
  return {
    lists: [...k.pool.liveBlocks()].filter((b) => b.tag === TAG.PnpResources).length,
    mappings: k.hal.io.mappings.size,
    interrupts: k.hal.interrupts.connected.size,
    lines: k.hal.interrupts.lines.size,
    spaces: k.hal.io.registers.all.length + k.hal.io.ports.all.length,
  };
}

const tmp = mkdtempSync(join(tmpdir(), 'dv-res-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The C twin, built with dv build (test/fixtures/c/pnp/PnpResources.c). */
function cDriver(): string {
  const output = join(tmp, 'PnpResourcesC.wasm');
  const built = buildDriver({ sources: [join(ROOT, 'test', 'fixtures', 'c', 'pnp', 'PnpResources.c')], output });
  assert.ok(built.ok, built.diagnostics);
  return output;
}

const CASES = [
  { lang: 'ts', driver: () => DRIVER, irq: 5, spec: 'mem:0xfe000000:0x1000,port:0x300:8,irq:5', skip: false as const },
  { lang: 'c', driver: cDriver, irq: 9, spec: 'port:0x3f8:8,mem:0xfebf0000:0x100,irq:9:latched', skip: NEEDS_CLANG },
];

for (const c of CASES) test(`PnpResources (${c.lang}): START maps and connects from the translated list; a ring runs the ISR at DIRQL then the DPC; nothing left after REMOVE`, { skip: c.skip }, async () => {
  const outcome = await runDriver({
    driver: c.driver(),
    verifierFlags: STANDARD_FLAGS,
    pnp: true,
    resources: parseResourceSpec(c.spec),
    requests: [
      { kind: 'ioctl', code: IOCTL_RING, input: Buffer.alloc(0), outputLength: 16 },
      { kind: 'ioctl', code: IOCTL_RING, input: Buffer.alloc(0), outputLength: 16 },
    ],
  });
  assert.equal(outcome.bugCheck, null, String(outcome.bugCheck));
  assert.deepEqual(outcome.pnp?.irps.map((i) => [i.name, hex(i.status)])[0], ['IRP_MN_START_DEVICE', hex(STATUS.SUCCESS)]);
  const facts = outcome.requests.map((r) => [hex(r.status), ...Array.from({ length: 4 }, (_, i) => Buffer.from(r.output).readUInt32LE(4 * i))]);
  const dirql = translateIrq(c.irq).irql;
  assert.deepEqual(facts, [
    [hex(STATUS.SUCCESS), 1, 1, dirql, DISPATCH_LEVEL],
    [hex(STATUS.SUCCESS), 2, 2, dirql, DISPATCH_LEVEL],
  ], 'ISR count, DPC count, the ISR\'s IRQL, the DPC\'s');
  assert.equal(outcome.pnp?.state, 'DeviceNodeDeleted');
  assert.deepEqual(leftovers(outcome.machine.kernel), { lists: 0, mappings: 0, interrupts: 0, lines: 0, spaces: 0 });
});

test('PnpResources: a device without an interrupt fails its START, and what START mapped is given back', async () => {
  const outcome = await runDriver({ driver: DRIVER, verifierFlags: STANDARD_FLAGS, pnp: true, resources: parseResourceSpec('mem:0xfe000000:0x1000'), requests: [] });
  assert.equal(outcome.bugCheck, null, String(outcome.bugCheck));
  assert.deepEqual(outcome.pnp?.irps.map((i) => [i.name, hex(i.status)])[0], ['IRP_MN_START_DEVICE', hex(STATUS.INSUFFICIENT_RESOURCES)]);
  assert.equal(outcome.pnp?.state, 'DeviceNodeDeleted', 'the run removes the device that failed to start');
  assert.deepEqual(leftovers(outcome.machine.kernel), { lists: 0, mappings: 0, interrupts: 0, lines: 0, spaces: 0 });
});
