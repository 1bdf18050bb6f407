/**
 * WaitTimeoutAtDispatch (C twin drivers/c/rules/WaitTimeoutAtDispatch.c): under its spin lock the driver waits up to 10 ms for the device's event.
 * At DISPATCH_LEVEL a thread cannot wait: only a zero time-out (a test of the state) is allowed.
 *
 * Driver Verifier (Force IRQL checking): 0xC4 / 0x122, Parameter 2 = the current IRQL (2),
 * 3 = the event, 4 = the time-out value's address.
 */
import { DRIVER_OBJECT, EVENT_TYPE, KEVENT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const Executive = 0;
const KernelMode = 0;

let ddi: DriverApi;
/** The device lock, the OldIrql byte, the time-out and the DeviceReady event (C: statics and a local). */
let device = 0;
const D = { Lock: 0, OldIrql: 4, ReadyTimeout: 8, DeviceReady: 16, Size: 16 + KEVENT.size } as const;

function PollDevice(): number {
  ddi.KeAcquireSpinLock(device + D.Lock, device + D.OldIrql);
  ddi.mem.setU64(device + D.ReadyTimeout, BigInt.asUintN(64, -10n * 10000n)); // 10 ms
  ddi.DbgPrint(ddi.str('WaitTimeoutAtDispatch: event=%p timeout=%p\n'), device + D.DeviceReady, device + D.ReadyTimeout);
  const status = ddi.KeWaitForSingleObject(device + D.DeviceReady, Executive, KernelMode, 0, device + D.ReadyTimeout); // VIOLATION: a non-zero time-out at DISPATCH_LEVEL
  ddi.KeReleaseSpinLock(device + D.Lock, ddi.mem.u8(device + D.OldIrql));
  return status;
}

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  device = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, D.Size, TAG);
  if (device === 0) return STATUS.INSUFFICIENT_RESOURCES;
  ddi.KeInitializeSpinLock(device + D.Lock);
  ddi.KeInitializeEvent(device + D.DeviceReady, EVENT_TYPE.NotificationEvent, 1);
  const status = PollDevice() === STATUS.SUCCESS ? STATUS.SUCCESS : STATUS.DEVICE_NOT_READY;
  if (status !== STATUS.SUCCESS) ddi.ExFreePoolWithTag(device, TAG);
  return status;
}

function DriverUnload(_DriverObject: number): void {
  ddi.ExFreePoolWithTag(device, TAG);
}
