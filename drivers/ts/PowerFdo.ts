/**
 * PowerFdo: a function driver that owns its device's power policy, the WDM way. On a system
 * set-power IRP (S-IRP) it passes the IRP down first and, in its completion routine, requests the
 * matching device set-power IRP (D-IRP: D0 for S0, D3 for any sleep state) with PoRequestPowerIrp,
 * holding the S-IRP (STATUS_MORE_PROCESSING_REQUIRED) until the D-IRP's completion callback
 * completes it with the D-IRP's status. On a D-IRP it tells the power manager with PoSetPowerState
 * before powering down and after powering up. Everything else goes down with PoCallDriver.
 *
 * Its device has no name and no PnP start yet: DriverEntry creates it, and whoever builds the stack
 * (the PnP manager, or a test) stores the next-lower device at offset 0 of its extension.
 */
import {
  DEVICE_OBJECT,
  DEVICE_POWER_STATE,
  DO,
  DRIVER_OBJECT,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  IRP_MN_POWER,
  NT_SUCCESS,
  POWER_STATE_TYPE,
  STATUS,
  SYSTEM_POWER_STATE,
  IoCopyCurrentIrpStackLocationToNext,
  IoGetCurrentIrpStackLocation,
  IoMarkIrpPending,
  IoSetCompletionRoutine,
  IoSkipCurrentIrpStackLocation,
  type DriverApi,
} from '../../ddk/ts/wdm.ts';

/** Device extension (the C twin's FDO_EXTENSION). */
export const EXT = {
  LowerDevice: 0,
  DevicePowerState: 4,
  SystemPowerState: 8,
  /** The IRQL the last D-IRP completion callback ran at. */
  CallbackIrql: 12,
  /** D-IRPs requested and completed. */
  DIrpsRequested: 16,
  DIrpsCompleted: 20,
  /** What PoSetPowerState returned at the last power-up. */
  PreviousDeviceState: 24,
  Size: 28,
} as const;

const S = IO_STACK_LOCATION.off;
let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const mem = ddi.mem;
  mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * IRP_MJ.POWER, ddi.addressOf(PowerDispatch));
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(PowerFdoUnload));
  const out = ddi.ExAllocatePoolWithTag(0x200, 4, 0x72774f50);
  if (out === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const status = ddi.IoCreateDevice(DriverObject, EXT.Size, 0, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const fdo = mem.u32(out);
  ddi.ExFreePoolWithTag(out, 0x72774f50);
  if (!NT_SUCCESS(status)) return status;
  const ext = mem.u32(fdo + DEVICE_OBJECT.off.DeviceExtension);
  for (let o = 0; o < EXT.Size; o += 4) mem.setU32(ext + o, 0);
  // The device starts powered (what IRP_MN_START_DEVICE would report).
  mem.setU32(ext + EXT.DevicePowerState, DEVICE_POWER_STATE.PowerDeviceD0);
  mem.setU32(ext + EXT.SystemPowerState, SYSTEM_POWER_STATE.PowerSystemWorking);
  ddi.PoSetPowerState(fdo, POWER_STATE_TYPE.DevicePowerState, DEVICE_POWER_STATE.PowerDeviceD0);
  const flags = mem.u32(fdo + DEVICE_OBJECT.off.Flags);
  mem.setU32(fdo + DEVICE_OBJECT.off.Flags, (flags | DO.POWER_PAGABLE) & ~DO.DEVICE_INITIALIZING);
  return STATUS.SUCCESS;
}

function PowerFdoUnload(DriverObject: number): void {
  const fdo = ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject);
  if (fdo !== 0) ddi.IoDeleteDevice(fdo);
}

function extensionOf(device: number): number {
  return ddi.mem.u32(device + DEVICE_OBJECT.off.DeviceExtension);
}

function PowerDispatch(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = extensionOf(DeviceObject);
  const lower = mem.u32(ext + EXT.LowerDevice);
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  if (mem.u8(sp + S.MinorFunction) === IRP_MN_POWER.SET_POWER) {
    const state = mem.u32(sp + S['Parameters.Power.State']);
    if (mem.u32(sp + S['Parameters.Power.Type']) === POWER_STATE_TYPE.SystemPowerState) {
      // S-IRP: down first; the D-IRP is requested on the way back up.
      IoMarkIrpPending(mem, Irp);
      IoCopyCurrentIrpStackLocationToNext(mem, Irp);
      IoSetCompletionRoutine(mem, Irp, ddi.addressOf(SystemPowerComplete), ext, true, true, true);
      ddi.PoCallDriver(lower, Irp);
      return STATUS.PENDING;
    }
    if (state > mem.u32(ext + EXT.DevicePowerState)) {
      // Powering down: tell the power manager before leaving the current state.
      ddi.PoSetPowerState(DeviceObject, POWER_STATE_TYPE.DevicePowerState, state);
      mem.setU32(ext + EXT.DevicePowerState, state);
      ddi.PoStartNextPowerIrp(Irp);
      IoSkipCurrentIrpStackLocation(mem, Irp);
      return ddi.PoCallDriver(lower, Irp);
    }
    // Powering up: the bus driver powers the device first.
    IoMarkIrpPending(mem, Irp);
    IoCopyCurrentIrpStackLocationToNext(mem, Irp);
    IoSetCompletionRoutine(mem, Irp, ddi.addressOf(DevicePowerUpComplete), ext, true, true, true);
    ddi.PoCallDriver(lower, Irp);
    return STATUS.PENDING;
  }
  // QUERY_POWER (nothing here refuses a transition), WAIT_WAKE, POWER_SEQUENCE: the bus driver answers.
  ddi.PoStartNextPowerIrp(Irp);
  IoSkipCurrentIrpStackLocation(mem, Irp);
  return ddi.PoCallDriver(lower, Irp);
}

function SystemPowerComplete(DeviceObject: number, Irp: number, Context: number): number {
  const mem = ddi.mem;
  const ext = Context;
  const status = mem.u32(Irp + IRP.off['IoStatus.Status']);
  if (!NT_SUCCESS(status)) {
    ddi.PoStartNextPowerIrp(Irp);
    return STATUS.SUCCESS;
  }
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  const system = mem.u32(sp + S['Parameters.Power.State']);
  mem.setU32(ext + EXT.SystemPowerState, system);
  const device = system === SYSTEM_POWER_STATE.PowerSystemWorking ? DEVICE_POWER_STATE.PowerDeviceD0 : DEVICE_POWER_STATE.PowerDeviceD3;
  const requested = ddi.PoRequestPowerIrp(DeviceObject, IRP_MN_POWER.SET_POWER, device, ddi.addressOf(DevicePowerRequestComplete), Irp, 0);
  if (!NT_SUCCESS(requested)) {
    mem.setU32(Irp + IRP.off['IoStatus.Status'], requested);
    ddi.PoStartNextPowerIrp(Irp);
    return STATUS.SUCCESS;
  }
  mem.setU32(ext + EXT.DIrpsRequested, mem.u32(ext + EXT.DIrpsRequested) + 1);
  return STATUS.MORE_PROCESSING_REQUIRED;
}

/** The D-IRP is done: complete the S-IRP that asked for it (Context) with its status. PowerState points at the POWER_STATE (by value in C). */
function DevicePowerRequestComplete(DeviceObject: number, _MinorFunction: number, _PowerState: number, Context: number, IoStatus: number): void {
  const mem = ddi.mem;
  const ext = extensionOf(DeviceObject);
  mem.setU32(ext + EXT.CallbackIrql, ddi.KeGetCurrentIrql());
  mem.setU32(ext + EXT.DIrpsCompleted, mem.u32(ext + EXT.DIrpsCompleted) + 1);
  const sIrp = Context;
  mem.setU32(sIrp + IRP.off['IoStatus.Status'], mem.u32(IoStatus));
  ddi.PoStartNextPowerIrp(sIrp);
  ddi.IoCompleteRequest(sIrp, IO_NO_INCREMENT);
}

function DevicePowerUpComplete(DeviceObject: number, Irp: number, Context: number): number {
  const mem = ddi.mem;
  if (NT_SUCCESS(mem.u32(Irp + IRP.off['IoStatus.Status']))) {
    const sp = IoGetCurrentIrpStackLocation(mem, Irp);
    const state = mem.u32(sp + S['Parameters.Power.State']);
    mem.setU32(Context + EXT.PreviousDeviceState, ddi.PoSetPowerState(DeviceObject, POWER_STATE_TYPE.DevicePowerState, state));
    mem.setU32(Context + EXT.DevicePowerState, state);
  }
  ddi.PoStartNextPowerIrp(Irp);
  return STATUS.SUCCESS;
}
