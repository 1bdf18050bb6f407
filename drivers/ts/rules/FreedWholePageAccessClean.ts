/**
 * FreedWholePageAccessClean: the same firmware check; the version is read before the buffer is freed.
 */
import { DRIVER_OBJECT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const IMAGE_SIZE = 0x1800;
const VERSION_OFFSET = 0x1000;
const FIRMWARE_VERSION = 0x00030002;

let ddi: DriverApi;
let checksum = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return LoadFirmware();
}

function LoadFirmware(): number {
  const image = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, IMAGE_SIZE, TAG);
  if (image === 0) return STATUS.INSUFFICIENT_RESOURCES;
  for (let i = 0; i < IMAGE_SIZE; i++) ddi.mem.setU8(image + i, (i * 7) & 0xff);
  ddi.mem.setU32(image + VERSION_OFFSET, FIRMWARE_VERSION);
  checksum = 0;
  for (let i = 0; i < IMAGE_SIZE; i++) checksum = (checksum + ddi.mem.u8(image + i)) >>> 0;
  const version = ddi.mem.u32(image + VERSION_OFFSET);
  ddi.ExFreePoolWithTag(image, TAG);
  ddi.DbgPrint(ddi.str('FreedWholePageAccessClean: firmware %08lx, checksum %08lx\n'), version, checksum);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}
