/**
 * DmaAdapterUsedAfterPut (the violating sample; C twin drivers/c/rules/DmaAdapterUsedAfterPut.c): a routine of the adapter (GetDmaAlignment, its pointer kept from the table) called after the adapter was put.
 *
 * Driver Verifier (DMA checking): 0xE6 / 0x18, Parameter 2 = the adapter, 3 = the verifier's record, 4 = 0.
 */
import { DEVICE_DESCRIPTION, DMA_ADAPTER, DMA_OPERATIONS, DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const PAGE_SIZE = 0x1000;
const DISPATCH_LEVEL = 2;
const KeepObject = 1;
const DeallocateObjectKeepRegisters = 3;

let ddi: DriverApi;
let device = 0;
let adapter = 0;
let mapRegisters = 0;
let base = 0;
let list = 0;

/** The adapter's routine `name`, called through its DMA_OPERATIONS table. */
const op = (name: string) => ddi.routine(ddi.mem.u32(ddi.mem.u32(adapter + DMA_ADAPTER.off.DmaOperations!) + DMA_OPERATIONS.off[name]!));

/** A device object and a bus-master adapter (version 1, 32-bit, a 0x3000-byte transfer: 4 map registers). */
function getAdapter(DriverObject: number): number {
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 4, TAG);
  const status = ddi.IoCreateDevice(DriverObject, 0, 0, 0x22, 0, 0, out);
  device = ddi.mem.u32(out);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(out, TAG);
    return status;
  }
  const d = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, DEVICE_DESCRIPTION.size, TAG);
  for (let i = 0; i < DEVICE_DESCRIPTION.size; i++) ddi.mem.setU8(d + i, 0);
  ddi.mem.setU32(d + DEVICE_DESCRIPTION.off.Version!, 1);
  ddi.mem.setU8(d + DEVICE_DESCRIPTION.off.Master!, 1);
  ddi.mem.setU8(d + DEVICE_DESCRIPTION.off.ScatterGather!, 1);
  ddi.mem.setU8(d + DEVICE_DESCRIPTION.off.Dma32BitAddresses!, 1);
  ddi.mem.setU32(d + DEVICE_DESCRIPTION.off.InterfaceType!, 5);
  ddi.mem.setU32(d + DEVICE_DESCRIPTION.off.MaximumLength!, 0x3000);
  adapter = ddi.IoGetDmaAdapter(0, d, out);
  mapRegisters = ddi.mem.u32(out);
  ddi.ExFreePoolWithTag(d, TAG);
  ddi.ExFreePoolWithTag(out, TAG);
  ddi.DbgPrint(ddi.str('DmaRule: adapter=%p\n'), adapter);
  return adapter !== 0 ? STATUS.SUCCESS : STATUS.INSUFFICIENT_RESOURCES;
}



function KeepList(_DeviceObject: number, _Irp: number, ScatterGather: number, _Context: number): void {
  list = ScatterGather;
}

function raiseToDispatch(): number {
  const old = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPool, 1, TAG);
  ddi.KeRaiseIrql(DISPATCH_LEVEL, old);
  const irql = ddi.mem.u8(old);
  ddi.ExFreePoolWithTag(old, TAG);
  return irql;
}

/** The sample's work: not inlined, the stop blames Work by name. */
function Work(): number {
  const getDmaAlignment = op('GetDmaAlignment');
  op('PutDmaAdapter')(adapter);
  getDmaAlignment(adapter); // VIOLATION: the adapter was put
  adapter = 0;
  return STATUS.SUCCESS;
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  let status = getAdapter(DriverObject);
  if (status !== STATUS.SUCCESS) return status;
  status = Work();
  if (status !== STATUS.SUCCESS) ddi.IoDeleteDevice(device);
  return status;
}

function DriverUnload(_DriverObject: number): void {
  ddi.IoDeleteDevice(device);
}
