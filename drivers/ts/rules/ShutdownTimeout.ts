/**
 * ShutdownTimeout: a storage-style driver flushes its device cache when the system shuts down. Its
 * IRP_MJ_SHUTDOWN routine waits for the hardware's "flushed" event with a 30-minute time-out, and
 * the hardware never answers: shutdown is stuck in the driver.
 *
 * Like most drivers that take part in shutdown, it has no DriverUnload: it cannot be unloaded, so
 * `dv run` leaves it loaded and it sees the shutdown.
 *
 * Driver Verifier, 20 minutes (simulated) after shutdown started: with no kernel debugger attached,
 * 0xC4 / 0x115, Parameter 2 = the shutdown thread, 3 = 0, 4 = 0. With one (`dv run --debugger`), a
 * break the user may continue (`g`): the wait then times out at 30 minutes and shutdown finishes.
 */
import {
  DEVICE_OBJECT,
  DRIVER_OBJECT,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IRP_MJ,
  KEVENT,
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
const FLUSH_TIMEOUT = -30n * 60n * 10_000_000n;
const EXT_FLUSHED = 0;
const EXT_TIMEOUT = KEVENT.size;
const EXT_SIZE = KEVENT.size + 8;

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
  ddi.mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * IRP_MJ.SHUTDOWN, ddi.addressOf(ShutdownDispatch));
  return ddi.IoRegisterShutdownNotification(device);
}

function ShutdownDispatch(DeviceObject: number, Irp: number): number {
  const ext = ddi.mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  ddi.DbgPrint(ddi.str('ShutdownTimeout: flushing on thread=%p\n'), ddi.PsGetCurrentThread());
  ddi.mem.setU32(ext + EXT_TIMEOUT, Number(BigInt.asUintN(32, FLUSH_TIMEOUT)));
  ddi.mem.setU32(ext + EXT_TIMEOUT + 4, Number(BigInt.asUintN(64, FLUSH_TIMEOUT) >> 32n));
  const status = ddi.KeWaitForSingleObject(ext + EXT_FLUSHED, Executive, KernelMode, 0, ext + EXT_TIMEOUT); // VIOLATION: nothing will set the event
  const result = status === STATUS.SUCCESS ? STATUS.SUCCESS : STATUS.DEVICE_NOT_READY;
  SetIoStatus(ddi.mem, Irp, result, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return result; // the status it completed the IRP with (I/O verification checks they agree)
}
