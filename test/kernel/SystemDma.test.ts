/**
 * System (slave) DMA and the version 2/3 DMA_OPERATIONS routines against the kernel directly: an ISA
 * channel's adapter (MapTransfer starts the transfer, ReadDmaCounter counts it down on a held controller,
 * the device model ends it), a version 3 adapter on a declared controller's request line (transfer
 * context, AllocateAdapterChannelEx both ways, MapTransferEx and its completion routine, cancels), and the
 * bus-master routines of versions 2 and 3 (list sizes, lists in the driver's buffer, adapter information).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { PAGE_SIZE } from '../../src/kernel/mm/address-space.ts';
import { DMA_TRANSFER_CONTEXT_SIZE_V1 } from '../../src/kernel/hal/dma-ex.ts';
import { DEVICE_DESCRIPTION, DMA_ADAPTER, DMA_ADAPTER_INFO, DMA_OPERATIONS, DMA_TRANSFER_INFO, SCATTER_GATHER_ELEMENTS, SCATTER_GATHER_ELEMENT } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { TAG as KTAG } from '../../src/kernel/tags.ts';
import { hex, routine, scratch } from './support.ts';

const DD = DEVICE_DESCRIPTION.off;

function describe(k: Kernel, fields: Readonly<Record<string, number>>): number {
  const dd = scratch(k, DEVICE_DESCRIPTION.size);
  k.as.zero(dd, DEVICE_DESCRIPTION.size);
  for (const [name, value] of Object.entries(fields)) {
    const f = DEVICE_DESCRIPTION.fields.find((x) => x.name === name)!;
    if (f.size === 1) k.as.setU8(dd + f.offset, value);
    else if (f.size === 8) k.as.setU64(dd + f.offset, BigInt(value));
    else k.as.setU32(dd + f.offset, value);
  }
  return dd;
}

function table(k: Kernel, adapter: number) {
  const ops = k.as.u32(adapter + DMA_ADAPTER.off.DmaOperations!);
  return (name: string) => (...args: unknown[]) => k.callRoutine(k.as.u32(ops + DMA_OPERATIONS.off[name]!), args);
}

/** A nonpaged buffer of `pages` pages and an MDL built for it. */
function buffer(k: Kernel, bytes: number): { va: number; mdl: number } {
  const va = scratch(k, bytes);
  const mdl = k.ddi.IoAllocateMdl(va, bytes, 0, 0, 0);
  k.ddi.MmBuildMdlForNonPagedPool(mdl);
  return { va, mdl };
}

test('an ISA channel: MapTransfer starts the transfer, ReadDmaCounter counts what is left, the device ends it, the flush stops it', () => {
  const k = new Kernel();
  const before = [...k.pool.liveBlocks()].filter((b) => b.tag === KTAG.Dma).length;
  const isa = k.hal.dma.controllers.controllers.get(-1)!;
  (isa as { held?: boolean }).held = true;
  const count = scratch(k, 4);
  assert.equal(k.ddi.IoGetDmaAdapter(0, describe(k, { Version: 1, InterfaceType: 1, DmaChannel: 4, MaximumLength: 0x1000 }), count), 0, 'channel 4 is the cascade');
  const adapter = k.ddi.IoGetDmaAdapter(0, describe(k, { Version: 1, InterfaceType: 1, DmaChannel: 2, MaximumLength: 0x1000 }), count);
  assert.notEqual(adapter, 0);
  assert.equal(k.as.u32(count), 2);
  const op = table(k, adapter);
  const { va, mdl } = buffer(k, 0x200);
  k.as.write(va, new Uint8Array([1, 2, 3, 4]));
  const seen: string[] = [];
  const length = scratch(k, 4);
  const execute = routine(k, 1, (_dev, _irp, base) => {
    k.as.setU32(length, 0x200);
    const logical = k.callRoutine(k.as.u32(k.as.u32(adapter + DMA_ADAPTER.off.DmaOperations!) + DMA_OPERATIONS.off.MapTransfer!), [adapter, mdl, base, va, length, 1]) as bigint;
    seen.push(`map ${hex(logical)}+${hex(k.as.u32(length))} irql=${k.irql}`);
    return 1; // KeepObject: the channel stays the driver's until FreeAdapterChannel
  });
  assert.equal(op('AllocateAdapterChannel')(adapter, 0, 1, execute, 0), STATUS.SUCCESS);
  assert.deepEqual(seen, [`map ${hex(va)}+0x200 irql=2`], 'a system channel maps the whole span');
  assert.equal(op('ReadDmaCounter')(adapter), 0x200, 'nothing moved yet');
  k.hal.dma.completeSystemTransfer(adapter);
  assert.equal(op('ReadDmaCounter')(adapter), 0);
  assert.deepEqual(isa.transfers.map((t) => [t.channel, t.toDevice, [...t.data.subarray(0, 4)]]), [[2, true, [1, 2, 3, 4]]]);
  assert.equal(op('FlushAdapterBuffers')(adapter, mdl, 0, va, 0x200, 1), 1);
  op('FreeAdapterChannel')(adapter);
  op('PutDmaAdapter')(adapter);
  k.ddi.IoFreeMdl(mdl);
  assert.equal([...k.pool.liveBlocks()].filter((b) => b.tag === KTAG.Dma).length, before);
});

test('version 3 on a request line: transfer context, AllocateAdapterChannelEx, MapTransferEx and its completion routine, cancels', () => {
  const k = new Kernel();
  const from = new Uint8Array([0xaa, 0xbb, 0xcc]);
  const controller = k.hal.dma.controllers.add({ instance: 0, requestLines: [0x1000], source: (n) => from.subarray(0, n) });
  const count = scratch(k, 4);
  const dd = describe(k, { Version: 3, ScatterGather: 1, DmaRequestLine: 0x1000, DmaAddressWidth: 32, InterfaceType: 17, MaximumLength: 2 * PAGE_SIZE, DeviceAddress: 0x70006200 });
  const device = scratch(k, 0x100);
  const adapter = k.ddi.IoGetDmaAdapter(device, dd, count);
  assert.notEqual(adapter, 0);
  assert.equal(k.as.u16(adapter + DMA_ADAPTER.off.Version!), 3);
  const op = table(k, adapter);
  const info = scratch(k, DMA_ADAPTER_INFO.size);
  k.as.setU32(info, 1);
  assert.equal(op('GetDmaAdapterInfo')(adapter, info), STATUS.SUCCESS);
  assert.deepEqual([1, 3, 32, 1, 1].map((_, i) => k.as.u32(info + 4 + 4 * i)), [1, 3, 32, 1, 1], 'counter available, 3 registers, 32 bits, synchronous callbacks, 1 byte');

  const ctx = scratch(k, DMA_TRANSFER_CONTEXT_SIZE_V1);
  const base = scratch(k, 4);
  assert.equal(hex(op('AllocateAdapterChannelEx')(adapter, device, ctx, 2, 0, 0, 0, base) as number), hex(STATUS.INVALID_PARAMETER), 'an uninitialized context');
  assert.equal(op('InitializeDmaTransferContext')(adapter, ctx), STATUS.SUCCESS);
  const events: string[] = [];
  const control = routine(k, 2, (_dev, _irp, b, c) => (events.push(`control irql=${k.irql} ctx=${hex(c)} base=${b !== 0}`), 1));
  assert.equal(op('AllocateAdapterChannelEx')(adapter, device, ctx, 2, 0, control, 0x55, 0), STATUS.SUCCESS);
  assert.deepEqual(events, ['control irql=2 ctx=0x55 base=true']);
  // The channel is held (KeepObject): a second request waits, and can be cancelled.
  const ctx2 = scratch(k, DMA_TRANSFER_CONTEXT_SIZE_V1);
  op('InitializeDmaTransferContext')(adapter, ctx2);
  assert.equal(hex(op('AllocateAdapterChannelEx')(adapter, device, ctx2, 1, 1, 0, 0, base) as number), hex(STATUS.INSUFFICIENT_RESOURCES), 'synchronous: busy now, so no');
  op('AllocateAdapterChannelEx')(adapter, device, ctx2, 1, 0, control, 0x66, 0);
  assert.equal(op('CancelAdapterChannel')(adapter, device, ctx2), 1);
  assert.equal(op('CancelAdapterChannel')(adapter, device, ctx2), 0, 'nothing left waiting');

  const mdl = k.ddi.MmAllocatePagesForMdl(0n, -1n, 0n, 2 * PAGE_SIZE);
  const va = k.ddi.MmMapLockedPagesSpecifyCache(mdl, 0, 1, 0, 0, 32);
  k.as.fill(va, 2 * PAGE_SIZE, 0xda);
  const length = scratch(k, 4);
  k.as.setU32(length, 3 * PAGE_SIZE);
  const done = routine(k, 3, (a, _dev, c, status) => void events.push(`complete ${a === adapter} ctx=${hex(c)} status=${status} irql=${k.irql}`));
  assert.equal(op('MapTransferEx')(adapter, mdl, 0, 0n, 0x10, length, 1, 0, 0, done, 0x77), STATUS.SUCCESS);
  assert.equal(k.as.u32(length), 2 * PAGE_SIZE, '*Length shrinks to what the MDL holds');
  assert.equal(events.at(-1), 'complete true ctx=0x77 status=0 irql=2');
  assert.equal(controller.transfers.length, 1);
  assert.deepEqual([controller.transfers[0]!.toDevice, hex(controller.transfers[0]!.deviceAddress), controller.transfers[0]!.data.every((b) => b === 0xda)], [true, '0x70006210', true]);
  assert.equal(op('FlushAdapterBuffersEx')(adapter, mdl, 0, 0n, 2 * PAGE_SIZE, 1), STATUS.SUCCESS);
  // From the device, on a held controller: cancelled before it ends.
  (controller as { held?: boolean }).held = true;
  k.as.setU32(length, 3);
  op('MapTransferEx')(adapter, mdl, 0, 4n, 0, length, 0, 0, 0, done, 0x88);
  assert.equal(op('ReadDmaCounter')(adapter), 3);
  assert.equal(op('CancelMappedTransfer')(adapter, ctx), STATUS.SUCCESS);
  assert.equal(events.at(-1), 'complete true ctx=0x88 status=3 irql=2', 'DmaCancelled');
  assert.equal(hex(op('CancelMappedTransfer')(adapter, ctx) as number), hex(STATUS.UNSUCCESSFUL));
  (controller as { held?: boolean }).held = false;
  k.as.setU32(length, 3);
  op('MapTransferEx')(adapter, mdl, 0, 4n, 0, length, 0, 0, 0, 0, 0);
  assert.deepEqual([...k.as.read(va + 4, 3)], [0xaa, 0xbb, 0xcc], 'the device wrote memory');
  op('FreeAdapterChannel')(adapter);
  assert.equal(hex(op('ConfigureAdapterChannel')(adapter, 1, 0) as number), hex(STATUS.NOT_IMPLEMENTED));

  // Synchronous: granted at once, *MapRegisterBase filled, freed with FreeAdapterObject.
  k.as.setU32(base, 0);
  assert.equal(op('AllocateAdapterChannelEx')(adapter, device, ctx, 1, 1, 0, 0, base), STATUS.SUCCESS);
  assert.notEqual(k.as.u32(base), 0);
  op('FreeAdapterObject')(adapter, 2);
  assert.equal(k.hal.dma.adapter(adapter).channelHeld, false);
  assert.equal(k.hal.dma.adapter(adapter).mapRegisterBases.size, 0);
  k.ddi.MmUnmapLockedPages(va, mdl);
  k.ddi.MmFreePagesFromMdl(mdl);
  k.ddi.ExFreePool(mdl);
  op('PutDmaAdapter')(adapter);
});

test('versions 2 and 3 for a bus master: list sizes, a list in the driver\'s buffer, transfer information, GetScatterGatherListEx synchronous', () => {
  const k = new Kernel();
  const count = scratch(k, 4);
  const device = scratch(k, 0x100);
  const adapter = k.ddi.IoGetDmaAdapter(device, describe(k, { Version: 3, Master: 1, ScatterGather: 1, DmaAddressWidth: 64, MaximumLength: 0x10000 }), count);
  const op = table(k, adapter);
  const { va, mdl } = buffer(k, 3 * PAGE_SIZE);
  const start = va + PAGE_SIZE - 0x100;
  const size = scratch(k, 4);
  const registers = scratch(k, 4);
  assert.equal(op('CalculateScatterGatherList')(adapter, 0, start, 0x300, size, registers), STATUS.SUCCESS);
  assert.deepEqual([k.as.u32(size), k.as.u32(registers)], [SCATTER_GATHER_ELEMENTS + 2 * SCATTER_GATHER_ELEMENT.size, 2]);
  const ti = scratch(k, DMA_TRANSFER_INFO.size);
  k.as.setU32(ti, 1);
  assert.equal(op('GetDmaTransferInfo')(adapter, mdl, BigInt(PAGE_SIZE - 0x100), 0x300, 1, ti), STATUS.SUCCESS);
  assert.deepEqual([4, 8, 12].map((o) => k.as.u32(ti + o)), [2, 2, k.as.u32(size)]);

  const list = scratch(k, k.as.u32(size));
  const seen: number[] = [];
  const listRoutine = routine(k, 4, (_d, _i, l) => void seen.push(l, k.as.u32(l)));
  assert.equal(hex(op('BuildScatterGatherList')(adapter, device, mdl, start, 0x300, listRoutine, 0, 1, list, 8) as number), hex(STATUS.BUFFER_TOO_SMALL));
  assert.equal(op('BuildScatterGatherList')(adapter, device, mdl, start, 0x300, listRoutine, 0, 1, list, k.as.u32(size)), STATUS.SUCCESS);
  assert.deepEqual(seen, [list, 2], 'the list routine got the driver\'s own buffer');
  const blocks = [...k.pool.liveBlocks()].length;
  op('PutScatterGatherList')(adapter, list, 1);
  assert.equal([...k.pool.liveBlocks()].length, blocks, 'the driver\'s buffer is not freed by the HAL');

  const ctx = scratch(k, DMA_TRANSFER_CONTEXT_SIZE_V1);
  op('InitializeDmaTransferContext')(adapter, ctx);
  const out = scratch(k, 4);
  assert.equal(op('GetScatterGatherListEx')(adapter, device, ctx, mdl, BigInt(PAGE_SIZE - 0x100), 0x300, 1, 0, 0, 1, 0, 0, out), STATUS.SUCCESS);
  const got = k.as.u32(out);
  assert.deepEqual([k.as.u32(got), hex(k.as.u64(got + SCATTER_GATHER_ELEMENTS))], [2, hex(start)]);
  op('PutScatterGatherList')(adapter, got, 1);
  assert.equal(hex(op('BuildMdlFromScatterGatherList')(adapter, got, mdl, out) as number), hex(STATUS.NOT_IMPLEMENTED));
  k.ddi.IoFreeMdl(mdl);
  op('PutDmaAdapter')(adapter);
});
