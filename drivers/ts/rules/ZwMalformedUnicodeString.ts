/**
 * ZwMalformedUnicodeString (C twin drivers/c/rules/ZwMalformedUnicodeString.c): reading its
 * Threshold setting, the driver builds the value's name by hand and counts its Length in characters
 * instead of bytes: an odd Length, half the name.
 *
 * Driver Verifier (Security checks): 0xC4 / 0xE4, Parameter 2 = the address of the call,
 * 3 = the UNICODE_STRING, 4 = 0.
 */
import { DRIVER_OBJECT, InitializeObjectAttributes, OBJ, OBJECT_ATTRIBUTES, POOL_TYPE, STATUS, UNICODE_STRING, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const KEY_READ = 0x20019;
const KeyValuePartialInformation = 2;
/** KEY_VALUE_PARTIAL_INFORMATION (TitleIndex, Type, DataLength) and a ULONG of data. */
const VALUE_SIZE = 12 + 4;
const THRESHOLD = 'Threshold';

let ddi: DriverApi;

function ReadThreshold(key: number): number {
  // The name, the value and the result length, in one block (C keeps them on its stack).
  const block = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, UNICODE_STRING.size + VALUE_SIZE + 4, TAG);
  if (block === 0) return 10;
  const name = block;
  const value = block + UNICODE_STRING.size;
  const resultLength = value + VALUE_SIZE;
  const text = ddi.wstr(THRESHOLD);
  ddi.mem.setU32(name + UNICODE_STRING.off.Buffer, text);
  ddi.mem.setU16(name + UNICODE_STRING.off.MaximumLength, 2 * (THRESHOLD.length + 1));
  ddi.mem.setU16(name + UNICODE_STRING.off.Length, THRESHOLD.length); // characters, not bytes
  ddi.DbgPrint(ddi.str('ZwMalformedUnicodeString: name=%p\n'), name);
  const status = ddi.ZwQueryValueKey(key, name, KeyValuePartialInformation, value, VALUE_SIZE, resultLength); // VIOLATION: an odd Length
  const threshold = status === STATUS.SUCCESS && ddi.mem.u32(value + 8) === 4 ? ddi.mem.u32(value + 12) : 10;
  ddi.ExFreePoolWithTag(block, TAG);
  return threshold;
}

export function DriverEntry(DriverObject: number, RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const block = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 8 + OBJECT_ATTRIBUTES.size, TAG);
  if (block === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const attributes = block + 8;
  InitializeObjectAttributes(ddi.mem, attributes, RegistryPath, OBJ.CASE_INSENSITIVE | OBJ.KERNEL_HANDLE, 0, 0);
  const status = ddi.ZwOpenKey(block, KEY_READ, attributes);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(block, TAG);
    return status;
  }
  const key = ddi.mem.u32(block);
  ddi.ExFreePoolWithTag(block, TAG);
  const threshold = ReadThreshold(key);
  ddi.ZwClose(key);
  ddi.DbgPrint(ddi.str('ZwMalformedUnicodeString: threshold %u\n'), threshold);
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}
