/**
 * Hardware resources at START (pnp/resources.ts): the SPEC parser and its errors, the raw and
 * translated CM_RESOURCE_LISTs START_DEVICE carries, and a function driver that parses the translated
 * list, maps its registers, connects its line-based interrupt on the PDO, sees its ISR and DPC run
 * when the device raises the line, and gives everything back at REMOVE; the PnP manager then frees
 * the lists and takes the device out of the HAL's model.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoGetCurrentIrpStackLocation, IoSkipCurrentIrpStackLocation } from '../../ddk/ts/wdm.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { parseResourceSpec, PRIMARY_VECTOR_BASE, ResourceSpecError, translateIrq } from '../../src/kernel/pnp/resources.ts';
import { TAG as KTAG } from '../../src/kernel/tags.ts';
import { IRP_MJ } from '../../src/nt/io.ts';
import { DISPATCH_LEVEL, PROFILE_LEVEL } from '../../src/nt/irql.ts';
import {
  CM_FULL_RESOURCE_DESCRIPTOR,
  CM_PARTIAL_RESOURCE_DESCRIPTOR,
  CM_PARTIAL_RESOURCE_LIST,
  CM_RESOURCE_LIST,
  CONNECT_VERSION,
  DRIVER_EXTENSION,
  DRIVER_OBJECT,
  IO_CONNECT_INTERRUPT_PARAMETERS,
  IO_STACK_LOCATION,
  KDPC,
  KINTERRUPT_MODE,
} from '../../src/nt/layout.ts';
import { IRP_MN_PNP } from '../../src/nt/pnp.ts';
import { CM_RESOURCE_FLAG, CM_RESOURCE_TYPE, CM_SHARE_DISPOSITION } from '../../src/nt/resources.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, hex, routine, scratch } from './support.ts';

const S = IO_STACK_LOCATION.off;
const D = CM_PARTIAL_RESOURCE_DESCRIPTOR.off;
const SPEC = 'mem:0xfe000000:0x1000,port:0x300:8,irq:5';

/** The partial descriptors of a one-bus CM_RESOURCE_LIST, decoded. */
function descriptors(k: Kernel, list: number): Record<string, number>[] {
  assert.equal(k.as.u32(list + CM_RESOURCE_LIST.off.Count!), 1);
  const partial = list + CM_RESOURCE_LIST.off.List! + CM_FULL_RESOURCE_DESCRIPTOR.off.PartialResourceList!;
  const count = k.as.u32(partial + CM_PARTIAL_RESOURCE_LIST.off.Count!);
  return Array.from({ length: count }, (_, i) => {
    const d = partial + CM_PARTIAL_RESOURCE_LIST.off.PartialDescriptors! + i * CM_PARTIAL_RESOURCE_DESCRIPTOR.size;
    const type = k.as.u8(d + D.Type!);
    const common = { type, share: k.as.u8(d + D.ShareDisposition!), flags: k.as.u16(d + D.Flags!) };
    if (type === CM_RESOURCE_TYPE.CmResourceTypeInterrupt) {
      return { ...common, level: k.as.u16(d + D['u.Interrupt.Level']!), vector: k.as.u32(d + D['u.Interrupt.Vector']!), affinity: k.as.u32(d + D['u.Interrupt.Affinity']!) };
    }
    return { ...common, start: k.as.u32(d + D['u.Memory.Start.LowPart']!), high: k.as.u32(d + D['u.Memory.Start.HighPart']!), length: k.as.u32(d + D['u.Memory.Length']!) };
  });
}

/**
 * A function driver for the device: START takes the translated list, maps the registers, connects
 * the interrupt line-based on the PDO; its ISR acknowledges the device and queues its DPC; REMOVE
 * disconnects and unmaps. The lists are read before the IRP goes down (the root PDO completes it).
 */
function resourceDriver(k: Kernel) {
  const events: string[] = [];
  const seen: { raw: number; translated: number }[] = [];
  const lower = new Map<number, number>();
  const pdoOf = new Map<number, number>();
  const state = { regs: 0, port: 0, interrupt: 0 };
  const dpc = scratch(k, KDPC.size);
  k.ddi.KeInitializeDpc(dpc, routine(k, 12, () => events.push(`dpc irql=${k.irql}`)), 0);
  const isr = routine(k, 11, () => {
    const cause = k.ddi.READ_REGISTER_ULONG(state.regs);
    k.ddi.WRITE_REGISTER_ULONG(state.regs, 0);
    events.push(`isr irql=${k.irql} cause=${cause}`);
    k.ddi.KeInsertQueueDpc(dpc, 0, 0);
    return 1;
  });
  const dispatch = routine(k, 10, (dev, irp) => {
    const sp = IoGetCurrentIrpStackLocation(k.as, irp);
    const minor = k.as.u8(sp + S.MinorFunction);
    if (minor === IRP_MN_PNP.START_DEVICE) {
      const raw = k.as.u32(sp + S['Parameters.StartDevice.AllocatedResources']);
      const translated = k.as.u32(sp + S['Parameters.StartDevice.AllocatedResourcesTranslated']);
      seen.push({ raw, translated });
      if (translated !== 0 && state.regs === 0) {
        for (const d of descriptors(k, translated)) {
          if (d.type === CM_RESOURCE_TYPE.CmResourceTypeMemory) state.regs = k.ddi.MmMapIoSpace(BigInt(d.start!), d.length!, 0);
          if (d.type === CM_RESOURCE_TYPE.CmResourceTypePort) state.port = d.start!;
        }
        const P = IO_CONNECT_INTERRUPT_PARAMETERS.off;
        const p = scratch(k, IO_CONNECT_INTERRUPT_PARAMETERS.size);
        const out = scratch(k, 4);
        k.as.zero(p, IO_CONNECT_INTERRUPT_PARAMETERS.size);
        k.as.setU32(p + P.Version!, CONNECT_VERSION.LINE_BASED);
        k.as.setU32(p + P['LineBased.PhysicalDeviceObject']!, pdoOf.get(dev)!);
        k.as.setU32(p + P['LineBased.InterruptObject']!, out);
        k.as.setU32(p + P['LineBased.ServiceRoutine']!, isr);
        events.push(`connect ${hex(k.ddi.IoConnectInterruptEx(p))}`);
        state.interrupt = k.as.u32(out);
        k.ddi.WRITE_PORT_UCHAR(state.port, 0x80);
      }
    }
    if (minor === IRP_MN_PNP.REMOVE_DEVICE) {
      k.ddi.IoDisconnectInterrupt(state.interrupt);
      k.ddi.MmUnmapIoSpace(state.regs, 0x1000);
    }
    IoSkipCurrentIrpStackLocation(k.as, irp);
    return k.ddi.IoCallDriver(lower.get(dev)!, irp);
  });
  const { driver } = createDevice(k, 'Resourceful', 1, { [IRP_MJ.PNP]: dispatch });
  const addDevice = routine(k, 13, (drv, pdo) => {
    const [status, fdo] = k.io.createDevice(drv, 0, undefined, 0x22, 0);
    assert.equal(status, STATUS.SUCCESS);
    lower.set(fdo, k.ddi.IoAttachDeviceToDeviceStack(fdo, pdo));
    pdoOf.set(fdo, pdo);
    return STATUS.SUCCESS;
  });
  k.as.setU32(k.as.u32(driver + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, addDevice);
  return { driver, events, seen, state };
}

const live = (k: Kernel) => [...k.pool.liveBlocks()].filter((b) => b.tag === KTAG.PnpResources).length;

test('a SPEC parses into requests; each bad part is an error that names it', () => {
  assert.deepEqual(parseResourceSpec('mem:0xfe000000:0x1000,port:0x300:8,irq:5:latched'), [
    { kind: 'mem', base: 0xfe000000, length: 0x1000 },
    { kind: 'port', base: 0x300, length: 8 },
    { kind: 'irq', irq: 5, latched: true },
  ]);
  const bad: [string, RegExp][] = [
    ['disk:1:2', /'disk:1:2': unknown resource type/],
    ['mem:0xfe000000', /'mem:0xfe000000': expected mem:BASE:LENGTH/],
    ['mem:zz:4', /'mem:zz:4': BASE must be a number/],
    ['port:0xfffe:4', /'port:0xfffe:4': the range must be non-empty and end by 0x10000/],
    ['mem:0x1000:0', /'mem:0x1000:0': the range must be non-empty/],
    ['irq:0', /'irq:0': the IRQ must be 1 to 15/],
    ['irq:16', /'irq:16': the IRQ must be 1 to 15/],
    ['irq:5:edge', /'irq:5:edge': expected irq:N or irq:N:latched/],
    ['irq:5,irq:6', /'irq:6': a device has one interrupt line/],
    ['mem:0x1000:0x100,mem:0x10f0:0x10', /'mem:0x10f0:0x10' overlaps another mem range/],
    ['', /'': unknown resource type/],
  ];
  for (const [spec, message] of bad) assert.throws(() => parseResourceSpec(spec), (e: unknown) => e instanceof ResourceSpecError && message.test(e.message), spec);
});

test('START_DEVICE carries the raw list (IRQ as level and vector) and the translated one (the HAL\'s vector and DIRQL)', () => {
  const k = new Kernel();
  const { driver, seen } = resourceDriver(k);
  const { node } = k.pnp.createRootDevice({ driverObject: driver, service: 'Resourceful' });
  k.pnp.assignResources(node, parseResourceSpec(SPEC));
  assert.equal(k.pnp.start(node), STATUS.SUCCESS);
  const [{ raw, translated }] = seen as [{ raw: number; translated: number }];
  assert.ok(raw !== 0 && translated !== 0 && raw !== translated);
  assert.equal(k.as.shadow.firstBad(translated, CM_RESOURCE_LIST.size + 2 * CM_PARTIAL_RESOURCE_DESCRIPTOR.size), -1, 'pool the driver may read, all three descriptors');
  const { DeviceExclusive, Shared } = { DeviceExclusive: CM_SHARE_DISPOSITION.CmResourceShareDeviceExclusive, Shared: CM_SHARE_DISPOSITION.CmResourceShareShared };
  const mem = { type: CM_RESOURCE_TYPE.CmResourceTypeMemory, share: DeviceExclusive, flags: CM_RESOURCE_FLAG.CM_RESOURCE_MEMORY_READ_WRITE, start: 0xfe000000, high: 0, length: 0x1000 };
  const port = { type: CM_RESOURCE_TYPE.CmResourceTypePort, share: DeviceExclusive, flags: CM_RESOURCE_FLAG.CM_RESOURCE_PORT_IO, start: 0x300, high: 0, length: 8 };
  const irq = { type: CM_RESOURCE_TYPE.CmResourceTypeInterrupt, share: Shared, flags: CM_RESOURCE_FLAG.CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE, affinity: 1 };
  assert.deepEqual(descriptors(k, raw), [mem, port, { ...irq, level: 5, vector: 5 }]);
  assert.deepEqual(descriptors(k, translated), [mem, port, { ...irq, level: PROFILE_LEVEL - 5, vector: PRIMARY_VECTOR_BASE + 5 }]);
  assert.deepEqual(translateIrq(5), { vector: 0x35, irql: 22 });
  assert.deepEqual(k.hal.interrupts.lines.get(node.pdo), { vector: 0x35, irql: 22, mode: KINTERRUPT_MODE.LevelSensitive, shareVector: true });
  assert.equal(k.pnp.stopStart(node), STATUS.SUCCESS);
  assert.deepEqual(seen[1], seen[0], 'a rebalance restarts the device with the same lists');
});

test('the driver maps, connects and sees its ISR then DPC run when the line is raised; after REMOVE nothing is left', () => {
  const k = new Kernel();
  const { driver, events, state } = resourceDriver(k);
  const { node } = k.pnp.createRootDevice({ driverObject: driver, service: 'Resourceful' });
  const assigned = k.pnp.assignResources(node, parseResourceSpec(SPEC));
  assert.equal(live(k), 2, 'the raw and translated lists');
  assert.equal(k.pnp.start(node), STATUS.SUCCESS);
  assert.deepEqual(events, ['connect 0x0']);
  assert.deepEqual(assigned.ports[0]!.accesses, [{ kind: 'write', offset: 0, size: 1, value: 0x80 }], 'the port range the list named is the device\'s');
  assigned.registers[0]!.poke(0, 4, 7);
  k.hal.raiseInterrupt(translateIrq(5).vector);
  assert.deepEqual(events.slice(1), ['isr irql=22 cause=7', `dpc irql=${DISPATCH_LEVEL}`]);
  assert.equal(assigned.registers[0]!.peek(0, 4), 0, 'the ISR acknowledged through the mapping');
  assert.notEqual(state.interrupt, 0);

  assert.equal(k.pnp.remove(node), STATUS.SUCCESS);
  assert.equal(k.hal.interrupts.connected.size, 0);
  assert.equal(k.hal.io.mappings.size, 0);
  assert.equal(live(k), 0, 'the lists are freed after the removal');
  assert.equal(k.hal.interrupts.lines.has(node.pdo), false);
  assert.deepEqual([k.hal.io.registers.all.length, k.hal.io.ports.all.length], [0, 0], 'the device no longer decodes its ranges');
  assert.equal(k.pnp.resources.size, 0);
  k.hal.raiseInterrupt(0x35);
  assert.equal(k.hal.interrupts.unexpected, 1, 'a raise after the removal reaches no ISR');
});

test('a device given no resources starts with NULL lists', () => {
  const k = new Kernel();
  const { driver, seen } = resourceDriver(k);
  const { node } = k.pnp.createRootDevice({ driverObject: driver, service: 'Resourceful' });
  assert.equal(k.pnp.start(node), STATUS.SUCCESS);
  assert.deepEqual(seen, [{ raw: 0, translated: 0 }]);
});
