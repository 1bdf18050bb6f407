/**
 * FreedWholePageAccess: DriverEntry reads a firmware image into a 0x1800-byte pool buffer, checks
 * it, frees the buffer, and then traces the image's version from the freed buffer.
 *
 * A block of a page or more is whole pages of its own, and freeing it gives the pages back: the
 * address is no longer mapped. The read is a page fault on an invalid system address, which no
 * __try can take: 0x50 PAGE_FAULT_IN_NONPAGED_AREA, Parameter 1 = the address read (the buffer +
 * 0x1000, the version), 2 = 0 (a read), 3 = the address of the reading instruction, 4 = 0.
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
  ddi.DbgPrint(ddi.str('FreedWholePageAccess: image=%p\n'), image);
  for (let i = 0; i < IMAGE_SIZE; i++) ddi.mem.setU8(image + i, (i * 7) & 0xff);
  ddi.mem.setU32(image + VERSION_OFFSET, FIRMWARE_VERSION);
  checksum = 0;
  for (let i = 0; i < IMAGE_SIZE; i++) checksum = (checksum + ddi.mem.u8(image + i)) >>> 0;
  ddi.ExFreePoolWithTag(image, TAG);
  const version = ddi.mem.u32(image + VERSION_OFFSET); // VIOLATION: the buffer was freed
  ddi.DbgPrint(ddi.str('FreedWholePageAccess: firmware %08lx, checksum %08lx\n'), version, checksum);
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}
