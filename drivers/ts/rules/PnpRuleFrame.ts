/**
 * PnpRuleFrame: the frame the I/O verification PnP and power samples share, as drivers/c/rules/PnpRule.h
 * is in C. Not a driver by itself: each sample imports it (a file of the sample's own folder, so its
 * routines are the sample image's code and symbols). A WDM function driver for a root-enumerated
 * device: AddDevice creates an unnamed FDO and attaches it above the PDO; create and close complete at
 * once; power IRPs are passed down untouched unless the sample dispatches them itself. The sample
 * gives its DispatchPnp (and, optionally, DispatchPower and the work to do once its stack has started)
 * to pnpRuleDriverEntry. AddDevice reports fdo=%p for the tests.
 */
import {
  DEVICE_OBJECT,
  DO,
  DRIVER_EXTENSION,
  DRIVER_OBJECT,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IRP,
  IRP_MJ,
  NT_SUCCESS,
  POOL_TYPE,
  STATUS,
  IoSkipCurrentIrpStackLocation,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

export const TAG = poolTag('Rule');
/** Device extension: the device below. */
const EXT_LOWER = 0;
const EXT_SIZE = 4;

type Dispatch = (DeviceObject: number, Irp: number) => number;

export interface PnpRuleSample {
  /** The rule's IRP_MJ_PNP handling. */
  readonly DispatchPnp: Dispatch;
  /** IRP_MJ_POWER; absent: passed down untouched (PassPowerDown). */
  readonly DispatchPower?: Dispatch;
  /** The sample's work once its stack has started the hardware. */
  readonly OnStart?: (DeviceObject: number) => void;
}

/** The DDIs, set by pnpRuleDriverEntry (a live binding: samples read it after DriverEntry). */
export let ddi: DriverApi;
let onStart: ((DeviceObject: number) => void) | undefined;

/** The sample's DriverEntry: records the DDIs and sets the driver object's routines. */
export function pnpRuleDriverEntry(DriverObject: number, api: DriverApi, sample: PnpRuleSample): number {
  ddi = api;
  onStart = sample.OnStart;
  const mem = ddi.mem;
  mem.setU32(mem.u32(DriverObject + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, ddi.addressOf(AddDevice));
  const mj = (major: number, fn: Dispatch) => mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * major, ddi.addressOf(fn));
  mj(IRP_MJ.PNP, sample.DispatchPnp);
  mj(IRP_MJ.POWER, sample.DispatchPower ?? PassPowerDown);
  mj(IRP_MJ.CREATE, DispatchCreateClose);
  mj(IRP_MJ.CLOSE, DispatchCreateClose);
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}

function AddDevice(DriverObject: number, PhysicalDeviceObject: number): number {
  const mem = ddi.mem;
  const out = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  if (out === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const fdo = mem.u32(out);
  ddi.ExFreePoolWithTag(out, TAG);
  if (!NT_SUCCESS(status)) return status;
  const lower = ddi.IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (lower === 0) {
    ddi.IoDeleteDevice(fdo);
    return STATUS.NO_SUCH_DEVICE;
  }
  mem.setU32(mem.u32(fdo + DEVICE_OBJECT.off.DeviceExtension) + EXT_LOWER, lower);
  mem.setU32(fdo + DEVICE_OBJECT.off.Flags, mem.u32(fdo + DEVICE_OBJECT.off.Flags) & ~DO.DEVICE_INITIALIZING);
  ddi.DbgPrint(ddi.str('PnpRule: fdo=%p\n'), fdo);
  return STATUS.SUCCESS;
}

/** The device below DeviceObject (its extension's). */
export function LowerOf(DeviceObject: number): number {
  return ddi.mem.u32(ddi.mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension) + EXT_LOWER);
}

function DispatchCreateClose(_DeviceObject: number, Irp: number): number {
  SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS.SUCCESS;
}

/** Down the stack with this driver's stack location, untouched. */
export function PassDown(DeviceObject: number, Irp: number): number {
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.IofCallDriver(LowerOf(DeviceObject), Irp);
}

/** IRP_MN_START_DEVICE: the bus starts the hardware first; the driver completes it on the way back up. */
export function StartDevice(DeviceObject: number, Irp: number): number {
  const status = ddi.IoForwardIrpSynchronously(LowerOf(DeviceObject), Irp) ? ddi.mem.u32(Irp + IRP.off['IoStatus.Status']) : STATUS.UNSUCCESSFUL;
  if (NT_SUCCESS(status) && onStart) onStart(DeviceObject);
  ddi.mem.setU32(Irp + IRP.off['IoStatus.Status'], status);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

/** IRP_MN_REMOVE_DEVICE done right: down the stack, then leave it and delete the FDO. */
export function RemoveDevice(DeviceObject: number, Irp: number): number {
  const lower = LowerOf(DeviceObject);
  ddi.mem.setU32(Irp + IRP.off['IoStatus.Status'], STATUS.SUCCESS);
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  const status = ddi.IofCallDriver(lower, Irp);
  ddi.IoDetachDevice(lower);
  ddi.IoDeleteDevice(DeviceObject);
  return status;
}

/** IRP_MJ_POWER of a sample that does not handle power: passed down untouched. */
function PassPowerDown(DeviceObject: number, Irp: number): number {
  ddi.PoStartNextPowerIrp(Irp);
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.PoCallDriver(LowerOf(DeviceObject), Irp);
}

/** An IRP the driver built, sent to the device below and waited for: its completion routine keeps it. */
export function SentIrpDone(_DeviceObject: number, _Irp: number, Context: number): number {
  ddi.KeSetEvent(Context, IO_NO_INCREMENT, 0);
  return STATUS.MORE_PROCESSING_REQUIRED;
}
