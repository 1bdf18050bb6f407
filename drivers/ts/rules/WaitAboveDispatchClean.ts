/**
 * WaitAboveDispatchClean (C twin drivers/c/rules/WaitAboveDispatchClean.c): the driver tests the device's event at DISPATCH_LEVEL (a zero time-out),
 * then raises to device IRQL only for the work the interrupt must not interrupt.
 */
import { DRIVER_OBJECT, EVENT_TYPE, KEVENT, POOL_TYPE, STATUS, poolTag, type DriverApi } from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const Executive = 0;
const KernelMode = 0;
const DISPATCH_LEVEL = 2;

let ddi: DriverApi;
/** The device lock, the OldIrql byte, the time-out and the DeviceReady event (C: statics and a local). */
let device = 0;
const D = { Lock: 0, OldIrql: 4, ReadyTimeout: 8, DeviceReady: 16, Size: 16 + KEVENT.size } as const;

function PollDevice(): number {
  ddi.KeRaiseIrql(DISPATCH_LEVEL, device + D.OldIrql);
  ddi.mem.setU64(device + D.ReadyTimeout, 0n); // only a test of the state
  ddi.DbgPrint(ddi.str('WaitAboveDispatch: event=%p timeout=%p\n'), device + D.DeviceReady, device + D.ReadyTimeout);
  const status = ddi.KeWaitForSingleObject(device + D.DeviceReady, Executive, KernelMode, 0, device + D.ReadyTimeout);
  ddi.KeLowerIrql(ddi.mem.u8(device + D.OldIrql));
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
