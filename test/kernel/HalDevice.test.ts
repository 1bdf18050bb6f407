/**
 * The HAL against the kernel directly: device registers through MmMapIoSpace, ports, interrupts raised by
 * the device model (ISR at its DIRQL, the DPC it queues at DISPATCH_LEVEL after it), KeSynchronizeExecution,
 * and DMA adapters (common buffers, adapter channels, scatter/gather lists) leaving nothing allocated.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { PAGE_SIZE, PageKind, VA_MAP } from '../../src/kernel/mm/address-space.ts';
import { DISPATCH_LEVEL, PASSIVE_LEVEL } from '../../src/nt/irql.ts';
import {
  CONNECT_VERSION,
  DEVICE_DESCRIPTION,
  DMA_OPERATIONS,
  DMA_ADAPTER,
  IO_CONNECT_INTERRUPT_PARAMETERS,
  IO_DISCONNECT_INTERRUPT_PARAMETERS,
  KDPC,
  KINTERRUPT_MODE,
  MDL_LAYOUT,
  SCATTER_GATHER_ELEMENT,
  SCATTER_GATHER_ELEMENTS,
} from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { TAG as KTAG } from '../../src/kernel/tags.ts';
import { hex, routine, scratch } from './support.ts';

const DIRQL = 5;
const VECTOR = 0x31;
const REGS = 0xfebf0000;

/** Outstanding nonpaged blocks of the kernel's own with a tag. */
function blocks(k: Kernel, tag: number): number {
  return [...k.pool.liveBlocks()].filter((b) => b.tag === tag).length;
}

test('MmMapIoSpace maps a register block to accessible system space; register reads are scripted, writes recorded and visible', () => {
  const k = new Kernel();
  let status = 0x10;
  const block = k.hal.io.registers.add({ name: 'nic', base: REGS, length: 0x100, read: (offset) => (offset === 4 ? status++ : undefined) });
  const va = k.ddi.MmMapIoSpace(BigInt(REGS + 0x10), 0x20, 0);
  assert.ok(va >= VA_MAP.ioSpace.start && va < VA_MAP.ioSpace.end, hex(va));
  assert.equal(va % PAGE_SIZE, 0x10, "the physical address's offset in its page is kept");
  assert.equal(k.as.pageKind(va), PageKind.Pool);
  assert.ok(k.as.shadow.isClean(va, 0x20), 'mm shadow: accessible');
  k.ddi.WRITE_REGISTER_ULONG(va, 0xdeadbeef);
  assert.equal(hex(block.peek(0x10, 4)), '0xdeadbeef');
  assert.equal(hex(k.as.u32(va)), '0xdeadbeef', 'a plain load sees the last value');
  assert.equal(k.ddi.READ_REGISTER_ULONG(va + 4), 0, 'offset 0x14 holds nothing yet');
  // Offset 4 of the block is below the mapping (0x10..0x30): map the start too, twice over.
  const whole = k.ddi.MmMapIoSpaceEx(BigInt(REGS), 0x100, 0x204);
  assert.equal(k.ddi.READ_REGISTER_ULONG(whole + 4), 0x10);
  assert.equal(k.ddi.READ_REGISTER_ULONG(whole + 4), 0x11, 'the scripted status register changes');
  assert.equal(hex(k.ddi.READ_REGISTER_ULONG(whole + 0x10)), '0xdeadbeef', 'both mappings reach the same register');
  k.ddi.WRITE_REGISTER_USHORT(whole + 0x10, 0x1234);
  assert.equal(hex(k.as.u32(va)), '0xdead1234', 'the other mapping shows the new value');
  const buffer = scratch(k, 8);
  k.ddi.READ_REGISTER_BUFFER_UCHAR(whole + 0x10, buffer, 3);
  assert.deepEqual([...k.as.read(buffer, 3)], [0x34, 0x34, 0x34], 'a buffer read reads the one register Count times');
  assert.deepEqual(
    block.accesses.map((a) => `${a.kind}${a.size}@${hex(a.offset)}=${hex(a.value)}`),
    ['write4@0x10=0xdeadbeef', 'read4@0x14=0x0', 'read4@0x4=0x10', 'read4@0x4=0x11', 'read4@0x10=0xdeadbeef', 'write2@0x10=0x1234', 'read1@0x10=0x34', 'read1@0x10=0x34', 'read1@0x10=0x34'],
  );
  k.ddi.MmUnmapIoSpace(va, 0x20);
  k.ddi.MmUnmapIoSpace(whole, 0x100);
  assert.equal(k.hal.io.mappings.size, 0);
  assert.equal(k.as.pageKind(va), PageKind.NoAccess, 'unmapped: no longer accessible');
});

test('ports are their own space: a declared range answers and records, an undecoded port reads all ones', () => {
  const k = new Kernel();
  const uart = k.hal.io.ports.add({ name: 'uart', base: 0x3f8, length: 8, read: (offset) => (offset === 5 ? 0x60 : undefined) });
  k.ddi.WRITE_PORT_UCHAR(0x3f8, 0x41);
  assert.equal(k.ddi.READ_PORT_UCHAR(0x3fd), 0x60);
  assert.equal(k.ddi.READ_PORT_UCHAR(0x3f8), 0x41);
  assert.equal(hex(k.ddi.READ_PORT_ULONG(0x2f8)), '0xffffffff');
  const data = scratch(k, 4);
  k.as.write(data, new Uint8Array([1, 2, 3, 4]));
  k.ddi.WRITE_PORT_BUFFER_USHORT(0x3f8, data, 2);
  assert.equal(hex(uart.peek(0, 2)), '0x403');
  assert.deepEqual(uart.accesses.map((a) => `${a.kind}${a.size}@${a.offset}=${hex(a.value)}`), ['write1@0=0x41', 'read1@5=0x60', 'read1@0=0x41', 'write2@0=0x201', 'write2@0=0x403']);
  assert.throws(() => k.hal.io.ports.add({ name: 'clash', base: 0x3fc, length: 4 }), /overlaps uart/);
});

/** A device whose doorbell register raises its line; the ISR acknowledges it and queues its DPC. */
function interruptScenario(k: Kernel) {
  const events: string[] = [];
  const block = k.hal.io.registers.add({ name: 'dev', base: REGS, length: 0x10, write: (offset, _s, value) => offset === 0 && value === 1 && k.hal.raiseInterrupt(VECTOR) });
  const regs = k.ddi.MmMapIoSpace(BigInt(REGS), 0x10, 0);
  const dpc = scratch(k, KDPC.size);
  const context = scratch(k, 4);
  const isr = routine(k, 1, (interrupt, ctx) => {
    events.push(`isr irql=${k.irql} ctx=${hex(ctx)} lock=${k.as.u32(interrupt) !== 0}`);
    if (k.ddi.READ_REGISTER_ULONG(regs + 4) === 0) return 0;
    k.ddi.WRITE_REGISTER_ULONG(regs + 4, 0);
    k.ddi.KeInsertQueueDpc(dpc, 0, 0);
    return 1;
  });
  k.ddi.KeInitializeDpc(dpc, routine(k, 2, () => events.push(`dpc irql=${k.irql}`)), 0);
  const ring = () => {
    k.ddi.WRITE_REGISTER_ULONG(regs + 4, 1);
    events.push('ring');
    k.ddi.WRITE_REGISTER_ULONG(regs, 1);
    events.push('rang');
  };
  return { events, block, regs, isr, context, ring };
}

test('IoConnectInterrupt: the device raises its line, the ISR runs at its DIRQL holding the lock, its DPC at DISPATCH_LEVEL after it', () => {
  const k = new Kernel();
  const s = interruptScenario(k);
  const out = scratch(k, 4);
  const before = blocks(k, KTAG.Interrupt);
  assert.equal(k.ddi.IoConnectInterrupt(out, s.isr, s.context, 0, VECTOR, DIRQL, DIRQL, KINTERRUPT_MODE.LevelSensitive, 0, 1, 0), STATUS.SUCCESS);
  const interrupt = k.as.u32(out);
  assert.equal(blocks(k, KTAG.Interrupt), before + 1);
  s.ring();
  assert.deepEqual(s.events, ['ring', `isr irql=${DIRQL} ctx=${hex(s.context)} lock=true`, 'dpc irql=2', 'rang']);
  assert.equal(k.irql, PASSIVE_LEVEL);
  assert.equal(k.as.u32(interrupt), 0, 'the interrupt spin lock is free again');
  assert.deepEqual(k.hal.interrupts.isrCalls.map((c) => [c.vector, c.irql, c.claimed]), [[VECTOR, DIRQL, true]]);
  k.ddi.IoDisconnectInterrupt(interrupt);
  assert.equal(blocks(k, KTAG.Interrupt), before, 'the KINTERRUPT is freed');
  s.ring();
  assert.equal(k.hal.interrupts.unexpected, 1, 'no ISR any more: an unexpected interrupt');
});

test('an interrupt raised at or above its DIRQL waits: inside KeSynchronizeExecution it runs when the routine returns', () => {
  const k = new Kernel();
  const s = interruptScenario(k);
  const out = scratch(k, 4);
  assert.equal(k.ddi.IoConnectInterrupt(out, s.isr, s.context, 0, VECTOR, DIRQL, DIRQL + 1, KINTERRUPT_MODE.LevelSensitive, 0, 1, 0), STATUS.SUCCESS);
  const interrupt = k.as.u32(out);
  const sync = routine(k, 3, (ctx) => {
    s.events.push(`sync irql=${k.irql} ctx=${hex(ctx)}`);
    s.ring();
    return 1;
  });
  assert.equal(k.ddi.KeSynchronizeExecution(interrupt, sync, 0x1234), 1);
  assert.deepEqual(s.events, [`sync irql=${DIRQL + 1} ctx=0x1234`, 'ring', 'rang', `isr irql=${DIRQL + 1} ctx=${hex(s.context)} lock=true`, 'dpc irql=2']);
  const old = k.ddi.KeAcquireInterruptSpinLock(interrupt);
  assert.deepEqual([old, k.irql, k.as.u32(interrupt) !== 0], [PASSIVE_LEVEL, DIRQL + 1, true]);
  k.ddi.KeReleaseInterruptSpinLock(interrupt, old);
  assert.deepEqual([k.irql, k.as.u32(interrupt)], [PASSIVE_LEVEL, 0]);
  k.ddi.IoDisconnectInterrupt(interrupt);
});

test('IoConnectInterrupt refuses SynchronizeIrql below Irql, an empty processor mask and an unshared vector', () => {
  const k = new Kernel();
  const s = interruptScenario(k);
  const out = scratch(k, 4);
  assert.equal(hex(k.ddi.IoConnectInterrupt(out, s.isr, 0, 0, VECTOR, DIRQL, DIRQL - 1, 0, 0, 1, 0)), hex(STATUS.INVALID_PARAMETER));
  assert.equal(hex(k.ddi.IoConnectInterrupt(out, s.isr, 0, 0, VECTOR, DIRQL, DIRQL, 0, 0, 0, 0)), hex(STATUS.INVALID_PARAMETER));
  assert.equal(k.ddi.IoConnectInterrupt(out, s.isr, 0, 0, VECTOR, DIRQL, DIRQL, 0, 0, 1, 0), STATUS.SUCCESS);
  assert.equal(hex(k.ddi.IoConnectInterrupt(scratch(k, 4), s.isr, 0, 0, VECTOR, DIRQL, DIRQL, 0, 1, 1, 0)), hex(STATUS.INVALID_PARAMETER));
  k.ddi.IoDisconnectInterrupt(k.as.u32(out));
});

test('IoConnectInterruptEx: fully specified, line based from the device\'s line, message based falling back to the line; the statuses of its reference', () => {
  const k = new Kernel();
  const s = interruptScenario(k);
  const P = IO_CONNECT_INTERRUPT_PARAMETERS.off;
  const p = scratch(k, IO_CONNECT_INTERRUPT_PARAMETERS.size);
  const out = scratch(k, 4);
  const pdo = scratch(k, 0x100);
  const fill = (version: number, fields: Record<string, number>) => {
    k.as.zero(p, IO_CONNECT_INTERRUPT_PARAMETERS.size);
    k.as.setU32(p + P.Version!, version);
    for (const [name, v] of Object.entries(fields)) {
      const at = p + P[name]!;
      if (name.endsWith('Irql') || name.endsWith('ShareVector')) k.as.setU8(at, v);
      else k.as.setU32(at, v);
    }
  };
  fill(CONNECT_VERSION.FULLY_SPECIFIED, { 'FullySpecified.PhysicalDeviceObject': pdo, 'FullySpecified.InterruptObject': out, 'FullySpecified.ServiceRoutine': s.isr, 'FullySpecified.Vector': VECTOR, 'FullySpecified.Irql': DIRQL, 'FullySpecified.SynchronizeIrql': DIRQL });
  assert.equal(hex(k.ddi.IoConnectInterruptEx(p)), hex(STATUS.INVALID_PARAMETER_10), 'no processor in the mask');
  k.as.setU32(p + P['FullySpecified.ProcessorEnableMask']!, 1);
  assert.equal(k.ddi.IoConnectInterruptEx(p), STATUS.SUCCESS);
  const d = scratch(k, IO_DISCONNECT_INTERRUPT_PARAMETERS.size);
  k.as.setU32(d, CONNECT_VERSION.FULLY_SPECIFIED);
  k.as.setU32(d + IO_DISCONNECT_INTERRUPT_PARAMETERS.off.ConnectionContext!, k.as.u32(out));
  k.ddi.IoDisconnectInterruptEx(d);
  assert.equal(k.hal.interrupts.connected.size, 0);

  fill(CONNECT_VERSION.LINE_BASED, { 'LineBased.PhysicalDeviceObject': pdo, 'LineBased.InterruptObject': out, 'LineBased.ServiceRoutine': s.isr });
  assert.equal(hex(k.ddi.IoConnectInterruptEx(p)), hex(STATUS.NOT_FOUND), 'the device has no line yet');
  k.hal.interrupts.lines.set(pdo, { vector: VECTOR, irql: DIRQL, mode: KINTERRUPT_MODE.LevelSensitive, shareVector: true });
  assert.equal(k.ddi.IoConnectInterruptEx(p), STATUS.SUCCESS);
  s.ring();
  assert.ok(s.events.includes(`isr irql=${DIRQL} ctx=0x0 lock=true`), s.events.join());
  k.ddi.IoDisconnectInterrupt(k.as.u32(out));

  fill(CONNECT_VERSION.MESSAGE_BASED, { 'MessageBased.PhysicalDeviceObject': pdo, 'MessageBased.ConnectionContext': out, 'MessageBased.MessageServiceRoutine': s.isr });
  assert.equal(hex(k.ddi.IoConnectInterruptEx(p)), hex(STATUS.NOT_FOUND), 'no message interrupts and no fallback');
  k.as.setU32(p + P['MessageBased.FallBackServiceRoutine']!, s.isr);
  assert.equal(k.ddi.IoConnectInterruptEx(p), STATUS.SUCCESS);
  assert.equal(k.as.u32(p + P.Version!), CONNECT_VERSION.LINE_BASED, 'Version says what was connected');
  k.ddi.IoDisconnectInterrupt(k.as.u32(out));

  fill(9, {});
  assert.equal(hex(k.ddi.IoConnectInterruptEx(p)), hex(STATUS.INVALID_PARAMETER_1));
  fill(CONNECT_VERSION.LINE_BASED, { 'LineBased.InterruptObject': out, 'LineBased.ServiceRoutine': s.isr });
  assert.equal(hex(k.ddi.IoConnectInterruptEx(p)), hex(STATUS.INVALID_PARAMETER), 'no device object');
  assert.equal(k.hal.interrupts.connected.size, 0);
});

test('IoGetDmaAdapter: a version 1 table; common buffer, adapter channel, MapTransfer and a scatter/gather list, all given back', () => {
  const k = new Kernel();
  const before = blocks(k, KTAG.Dma);
  const dd = scratch(k, DEVICE_DESCRIPTION.size);
  const DD = DEVICE_DESCRIPTION.off;
  k.as.setU32(dd + DD.Version!, 1);
  k.as.setU8(dd + DD.Master!, 1);
  k.as.setU8(dd + DD.ScatterGather!, 1);
  k.as.setU8(dd + DD.Dma32BitAddresses!, 1);
  k.as.setU32(dd + DD.MaximumLength!, 0x10000);
  const count = scratch(k, 4);
  const device = scratch(k, 0x100);
  const adapter = k.ddi.IoGetDmaAdapter(device, dd, count);
  assert.notEqual(adapter, 0);
  assert.equal(k.as.u32(count), 17, '64 KiB: 16 pages, and one for a transfer that does not start on a page');
  const ops = k.as.u32(adapter + DMA_ADAPTER.off.DmaOperations!);
  assert.deepEqual([k.as.u16(adapter), k.as.u32(ops)], [1, DMA_OPERATIONS.size]);
  const op = (name: string) => (...args: unknown[]) => k.callRoutine(k.as.u32(ops + DMA_OPERATIONS.off[name]!), args);
  assert.equal(k.describe(k.as.u32(ops + DMA_OPERATIONS.off.AllocateCommonBuffer!)), 'nt!HalAllocateCommonBuffer');

  const logical = scratch(k, 8);
  const common = op('AllocateCommonBuffer')(adapter, 0x2000, logical, 0) as number;
  assert.ok(k.as.shadow.isClean(common, 0x2000), 'a common buffer is nonpaged memory the driver may touch');
  assert.equal(k.as.u64(logical), BigInt(common), 'its logical address: the bus sees memory one to one');
  k.hal.dma.deviceWrite(k.as.u64(logical), new Uint8Array([9, 8, 7]));
  assert.deepEqual([...k.as.read(common, 3)], [9, 8, 7]);
  assert.equal(op('GetDmaAlignment')(adapter), 1);
  assert.equal(op('ReadDmaCounter')(adapter), 0);

  // A buffer over two pages, described by an MDL.
  const buffer = k.ddi.ExAllocatePoolWithTag(0, 3 * PAGE_SIZE, 0x61746164);
  const start = buffer + PAGE_SIZE - 0x100;
  const mdl = k.ddi.IoAllocateMdl(start, 0x300, 0, 0, 0);
  k.ddi.MmBuildMdlForNonPagedPool(mdl);
  assert.equal(k.as.u32(mdl + MDL_LAYOUT.off.ByteCount!), 0x300);
  const seen: string[] = [];
  const listRoutine = routine(k, 4, (_dev, _irp, list, ctx) => {
    const n = k.as.u32(list);
    for (let i = 0; i < n; i++) {
      const e = list + SCATTER_GATHER_ELEMENTS + i * SCATTER_GATHER_ELEMENT.size;
      seen.push(`${hex(k.as.u64(e))}+${hex(k.as.u32(e + 8))}`);
    }
    seen.push(`irql=${k.irql} ctx=${hex(ctx)}`);
    op('PutScatterGatherList')(adapter, list, 1);
  });
  assert.equal(op('GetScatterGatherList')(adapter, device, mdl, start, 0x300, listRoutine, 0x77, 1), STATUS.SUCCESS);
  assert.deepEqual(seen, [`${hex(start)}+0x100`, `${hex(buffer + PAGE_SIZE)}+0x200`, `irql=${DISPATCH_LEVEL} ctx=0x77`]);
  assert.equal(hex(op('GetScatterGatherList')(adapter, device, mdl, start, 0x400, listRoutine, 0, 1) as number), hex(STATUS.BUFFER_TOO_SMALL), 'beyond the MDL');

  const channel = routine(k, 5, (_dev, _irp, base) => {
    const length = scratch(k, 4);
    k.as.setU32(length, 0x300);
    const address = k.callRoutine(k.as.u32(ops + DMA_OPERATIONS.off.MapTransfer!), [adapter, mdl, base, start, length, 1]) as bigint;
    seen.push(`map ${hex(address)}+${hex(k.as.u32(length))} irql=${k.irql}`);
    seen.push(`flush ${op('FlushAdapterBuffers')(adapter, mdl, base, start, 0x300, 1)}`);
    op('FreeMapRegisters')(adapter, base, 1);
    return 3; // DeallocateObjectKeepRegisters: the registers were freed above
  });
  seen.length = 0;
  assert.equal(op('AllocateAdapterChannel')(adapter, device, 2, channel, 0), STATUS.SUCCESS);
  assert.deepEqual(seen, [`map ${hex(start)}+0x100 irql=2`, 'flush 1']);
  assert.equal(hex(op('AllocateAdapterChannel')(adapter, device, 18, channel, 0) as number), hex(STATUS.INSUFFICIENT_RESOURCES));
  assert.equal(k.irql, PASSIVE_LEVEL);

  // KeepObject holds the channel: a second request waits until FreeAdapterChannel.
  const order: string[] = [];
  const keep = routine(k, 6, () => (order.push('first'), 1));
  const next = routine(k, 7, () => (order.push('second'), 2));
  op('AllocateAdapterChannel')(adapter, device, 1, keep, 0);
  op('AllocateAdapterChannel')(adapter, device, 1, next, 0);
  assert.deepEqual(order, ['first']);
  op('FreeAdapterChannel')(adapter);
  assert.deepEqual(order, ['first', 'second']);

  op('FreeCommonBuffer')(adapter, 0x2000, k.as.u64(logical), common, 0);
  k.ddi.IoFreeMdl(mdl);
  k.ddi.ExFreePoolWithTag(buffer, 0x61746164);
  op('PutDmaAdapter')(adapter);
  assert.equal(k.hal.dma.adapters.size, 0);
  assert.equal(blocks(k, KTAG.Dma), before, 'adapter, map register bases, lists and common buffers all freed');
});

test('IoGetDmaAdapter: NULL for a slave channel no controller serves and for a description version above 3', () => {
  const k = new Kernel();
  const dd = scratch(k, DEVICE_DESCRIPTION.size);
  const count = scratch(k, 4);
  assert.equal(k.ddi.IoGetDmaAdapter(0, dd, count), 0, 'a slave on Internal, channel 0: no ISA channel');
  k.as.setU32(dd + DEVICE_DESCRIPTION.off.Version!, 3);
  k.as.setU32(dd + DEVICE_DESCRIPTION.off.DmaRequestLine!, 0x1000);
  assert.equal(k.ddi.IoGetDmaAdapter(0, dd, count), 0, 'version 3, request line 0x1000: no controller has it');
  k.as.setU8(dd + DEVICE_DESCRIPTION.off.Master!, 1);
  k.as.setU32(dd, 4);
  assert.equal(k.ddi.IoGetDmaAdapter(0, dd, count), 0, 'version 4');
  k.as.setU32(dd, 2);
  const adapter = k.ddi.IoGetDmaAdapter(0, dd, count);
  assert.notEqual(adapter, 0, 'a version 2 bus master');
  assert.equal(k.as.u16(adapter + DMA_ADAPTER.off.Version!), 2);
});
