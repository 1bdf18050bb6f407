/**
 * ShutdownTimeoutClean: the flush is started by a timer standing in for the hardware, which signals
 * "flushed" 10 ms later; the IRP_MJ_SHUTDOWN routine waits for it with a 2-second time-out and
 * completes the request. Shutdown finishes in milliseconds (simulated).
 */
import {
  DEVICE_OBJECT,
  FILE_DEVICE_UNKNOWN,
  DRIVER_OBJECT,
  IO_NO_INCREMENT,
  IRP_MJ,
  KDPC,
  KEVENT,
  KTIMER,
  POOL_TYPE,
  STATUS,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

const TAG = poolTag('Rule');
const NotificationEvent = 0;
const Executive = 0;
const KernelMode = 0;
const FLUSH_TIMEOUT = -2n * 10_000_000n;
const HARDWARE_LATENCY = -10n * 10_000n;
const EXT_FLUSHED = 0;
const EXT_TIMEOUT = KEVENT.size;
const EXT_TIMER = EXT_TIMEOUT + 8;
const EXT_DPC = EXT_TIMER + KTIMER.size;
const EXT_SIZE = EXT_DPC + KDPC.size;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  const status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const device = ddi.mem.u32(out);
  ddi.ExFreePoolWithTag(out, TAG);
  if (status !== STATUS.SUCCESS) return status;
  const ext = ddi.mem.u32(device + DEVICE_OBJECT.off.DeviceExtension);
  ddi.KeInitializeEvent(ext + EXT_FLUSHED, NotificationEvent, 0);
  ddi.KeInitializeTimer(ext + EXT_TIMER);
  ddi.KeInitializeDpc(ext + EXT_DPC, ddi.addressOf(FlushDoneDpc), ext);
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * IRP_MJ.SHUTDOWN, ddi.addressOf(ShutdownDispatch));
  return ddi.IoRegisterShutdownNotification(device);
}

/** The hardware's answer. */
function FlushDoneDpc(_Dpc: number, Context: number, _Arg1: number, _Arg2: number): void {
  ddi.KeSetEvent(Context + EXT_FLUSHED, 0, 0);
}

function ShutdownDispatch(DeviceObject: number, Irp: number): number {
  const ext = ddi.mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  ddi.KeSetTimer(ext + EXT_TIMER, HARDWARE_LATENCY, ext + EXT_DPC);
  ddi.mem.setU32(ext + EXT_TIMEOUT, Number(BigInt.asUintN(32, FLUSH_TIMEOUT)));
  ddi.mem.setU32(ext + EXT_TIMEOUT + 4, Number(BigInt.asUintN(64, FLUSH_TIMEOUT) >> 32n));
  const status = ddi.KeWaitForSingleObject(ext + EXT_FLUSHED, Executive, KernelMode, 0, ext + EXT_TIMEOUT);
  ddi.KeCancelTimer(ext + EXT_TIMER);
  const result = status === STATUS.SUCCESS ? STATUS.SUCCESS : STATUS.DEVICE_NOT_READY;
  SetIoStatus(ddi.mem, Irp, result, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return result; // the status it completed the IRP with (I/O verification checks they agree)
}
