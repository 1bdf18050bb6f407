/**
 * PnpPofx: a function driver whose device has one component managed by the runtime power framework
 * (PoFx). At START it registers the device (PoFxRegisterDevice, its PDO) and starts power management;
 * each request takes an activation reference (PO_FX_FLAG_BLOCKING: it returns with the component
 * active), uses the hardware, and only then releases it with PoFxIdleComponent; REMOVE unregisters.
 *
 * The hardware is the driver's own model, in its extension: a data register that echoes what is
 * written, readable only while the component is powered (F0). The component loses its power when the
 * framework puts it in F1 (ComponentIdleStateCallback), and a read then returns all ones, as a bus
 * read of a powered-off device does. The callbacks answer the framework at once.
 *
 * Its racy twin, PnpPofxRace, reads the register after PoFxIdleComponent.
 */
import {
  CTL_CODE,
  DEVICE_OBJECT,
  DO,
  DRIVER_EXTENSION,
  DRIVER_OBJECT,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  IRP_MN_PNP,
  METHOD_BUFFERED,
  NT_SUCCESS,
  POOL_TYPE,
  PO_FX_COMPONENT_IDLE_STATE,
  PO_FX_COMPONENT_V1,
  PO_FX_DEVICE_V1,
  PO_FX_FLAG,
  PO_FX_VERSION_V1,
  STATUS,
  IoGetCurrentIrpStackLocation,
  IoSkipCurrentIrpStackLocation,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../../ddk/ts/wdm.ts';

export const IOCTL_PNPPOFX_ECHO = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS);

const TAG = poolTag('PoFx');
/** What a read of a powered-off device returns. */
const ALL_ONES = 0xffffffff;

/** Device extension: the stack, the registration, the hardware, and the PO_FX_DEVICE with its two Fx states. */
const EXT = {
  Lower: 0,
  Pdo: 4,
  Handle: 8,
  /** The component's power (F0) and its data register. */
  Powered: 12,
  Register: 16,
  IdleStates: 24,
  FxDevice: 24 + 2 * PO_FX_COMPONENT_IDLE_STATE.size,
  Size: 24 + 2 * PO_FX_COMPONENT_IDLE_STATE.size + PO_FX_DEVICE_V1.size,
} as const;
const FX = PO_FX_DEVICE_V1.off;

let ddi: DriverApi;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const mem = ddi.mem;
  mem.setU32(mem.u32(DriverObject + DRIVER_OBJECT.off.DriverExtension) + DRIVER_EXTENSION.off.AddDevice, ddi.addressOf(AddDevice));
  const mj = (major: number, fn: (d: number, i: number) => number) => mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * major, ddi.addressOf(fn));
  mj(IRP_MJ.CREATE, DispatchCreateClose);
  mj(IRP_MJ.CLOSE, DispatchCreateClose);
  mj(IRP_MJ.DEVICE_CONTROL, DispatchDeviceControl);
  mj(IRP_MJ.PNP, DispatchPnp);
  mj(IRP_MJ.POWER, DispatchPower);
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  return STATUS.SUCCESS;
}

function DriverUnload(_DriverObject: number): void {}

function AddDevice(DriverObject: number, PhysicalDeviceObject: number): number {
  const mem = ddi.mem;
  const name = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 12, TAG);
  if (name === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const out = name + 8;
  ddi.RtlInitUnicodeString(name, ddi.wstr('\\Device\\PnpPofx'));
  const status = ddi.IoCreateDevice(DriverObject, EXT.Size, name, FILE_DEVICE_UNKNOWN, 0, 0, out);
  const fdo = mem.u32(out);
  ddi.ExFreePoolWithTag(name, TAG);
  if (!NT_SUCCESS(status)) return status;
  const ext = mem.u32(fdo + DEVICE_OBJECT.off.DeviceExtension);
  for (let o = 0; o < EXT.Size; o += 4) mem.setU32(ext + o, 0);
  mem.setU32(ext + EXT.Pdo, PhysicalDeviceObject);
  const lower = ddi.IoAttachDeviceToDeviceStack(fdo, PhysicalDeviceObject);
  if (lower === 0) {
    ddi.IoDeleteDevice(fdo);
    return STATUS.NO_SUCH_DEVICE;
  }
  mem.setU32(ext + EXT.Lower, lower);
  const flags = mem.u32(fdo + DEVICE_OBJECT.off.Flags);
  mem.setU32(fdo + DEVICE_OBJECT.off.Flags, (flags | DO.BUFFERED_IO) & ~DO.DEVICE_INITIALIZING);
  return STATUS.SUCCESS;
}

/** Register with PoFx: one component, F0 and F1. Every component starts active in F0: the hardware is on. */
function RegisterWithPofx(ext: number): number {
  const mem = ddi.mem;
  const states = ext + EXT.IdleStates;
  const F = PO_FX_COMPONENT_IDLE_STATE.off;
  // F1: 100 us back to F0, worth entering after 1 ms.
  mem.setU32(states + PO_FX_COMPONENT_IDLE_STATE.size + F.TransitionLatency, 1000);
  mem.setU32(states + PO_FX_COMPONENT_IDLE_STATE.size + F.ResidencyRequirement, 10000);
  const fx = ext + EXT.FxDevice;
  mem.setU32(fx + FX.Version, PO_FX_VERSION_V1);
  mem.setU32(fx + FX.ComponentCount, 1);
  mem.setU32(fx + FX.ComponentActiveConditionCallback, ddi.addressOf(ComponentActive));
  mem.setU32(fx + FX.ComponentIdleConditionCallback, ddi.addressOf(ComponentIdle));
  mem.setU32(fx + FX.ComponentIdleStateCallback, ddi.addressOf(ComponentIdleState));
  mem.setU32(fx + FX.DevicePowerRequiredCallback, ddi.addressOf(DevicePowerRequired));
  mem.setU32(fx + FX.DevicePowerNotRequiredCallback, ddi.addressOf(DevicePowerNotRequired));
  mem.setU32(fx + FX.DeviceContext, ext);
  const component = fx + FX.Components;
  mem.setU32(component + PO_FX_COMPONENT_V1.off.IdleStateCount, 2);
  mem.setU32(component + PO_FX_COMPONENT_V1.off.IdleStates, states);
  mem.setU32(ext + EXT.Powered, 1);
  const status = ddi.PoFxRegisterDevice(mem.u32(ext + EXT.Pdo), fx, ext + EXT.Handle);
  if (!NT_SUCCESS(status)) return status;
  const handle = mem.u32(ext + EXT.Handle);
  // Requests come back within 100 us and leave the component idle for 1 ms at least: F1 is worth it.
  ddi.PoFxSetComponentLatency(handle, 0, 1000n);
  ddi.PoFxSetComponentResidency(handle, 0, 10000n);
  // The device may lose its power 10 ms after its last request.
  ddi.PoFxSetDeviceIdleTimeout(handle, 100000n);
  ddi.PoFxStartDevicePowerManagement(handle);
  return status;
}

function UnregisterFromPofx(ext: number): void {
  const handle = ddi.mem.u32(ext + EXT.Handle);
  if (handle !== 0) ddi.PoFxUnregisterDevice(handle);
  ddi.mem.setU32(ext + EXT.Handle, 0);
}

// ---- the framework's callbacks (Context is the extension) ------------------------------------

function ComponentActive(_Context: number, _Component: number): void {}

function ComponentIdle(Context: number, Component: number): void {
  ddi.PoFxCompleteIdleCondition(ddi.mem.u32(Context + EXT.Handle), Component);
}

/** The component's power follows its Fx state: off (and the register lost) outside F0. */
function ComponentIdleState(Context: number, Component: number, State: number): void {
  const mem = ddi.mem;
  mem.setU32(Context + EXT.Powered, State === 0 ? 1 : 0);
  if (State !== 0) mem.setU32(Context + EXT.Register, 0);
  ddi.PoFxCompleteIdleState(mem.u32(Context + EXT.Handle), Component);
}

/** The device never leaves D0 here: power is on already. */
function DevicePowerRequired(Context: number): void {
  ddi.PoFxReportDevicePoweredOn(ddi.mem.u32(Context + EXT.Handle));
}

function DevicePowerNotRequired(Context: number): void {
  ddi.PoFxCompleteDevicePowerNotRequired(ddi.mem.u32(Context + EXT.Handle));
}

// ---- the hardware ---------------------------------------------------------------------------

function HwWrite(ext: number, value: number): void {
  if (ddi.mem.u32(ext + EXT.Powered) !== 0) ddi.mem.setU32(ext + EXT.Register, value);
}

function HwRead(ext: number): number {
  return ddi.mem.u32(ext + EXT.Powered) !== 0 ? ddi.mem.u32(ext + EXT.Register) : ALL_ONES;
}

// ---- dispatch -------------------------------------------------------------------------------

function Complete(Irp: number, status: number, information: number): number {
  SetIoStatus(ddi.mem, Irp, status, information);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function PassDown(ext: number, Irp: number): number {
  IoSkipCurrentIrpStackLocation(ddi.mem, Irp);
  return ddi.IofCallDriver(ddi.mem.u32(ext + EXT.Lower), Irp);
}

function DispatchPnp(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  const minor = mem.u8(IoGetCurrentIrpStackLocation(mem, Irp) + IO_STACK_LOCATION.off.MinorFunction);
  if (minor === IRP_MN_PNP.START_DEVICE) {
    ddi.IoForwardIrpSynchronously(mem.u32(ext + EXT.Lower), Irp);
    let status = mem.u32(Irp + IRP.off['IoStatus.Status']);
    if (NT_SUCCESS(status)) status = RegisterWithPofx(ext);
    return Complete(Irp, status, 0);
  }
  if (minor === IRP_MN_PNP.REMOVE_DEVICE) {
    UnregisterFromPofx(ext);
    SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
    const status = PassDown(ext, Irp);
    ddi.IoDetachDevice(mem.u32(ext + EXT.Lower));
    ddi.IoDeleteDevice(DeviceObject);
    return status;
  }
  // A stopped device is registered again at the next START.
  if (minor === IRP_MN_PNP.STOP_DEVICE) UnregisterFromPofx(ext);
  if (minor === IRP_MN_PNP.QUERY_REMOVE_DEVICE || minor === IRP_MN_PNP.SURPRISE_REMOVAL || minor === IRP_MN_PNP.QUERY_STOP_DEVICE || minor === IRP_MN_PNP.STOP_DEVICE || minor === IRP_MN_PNP.CANCEL_STOP_DEVICE || minor === IRP_MN_PNP.CANCEL_REMOVE_DEVICE) {
    SetIoStatus(mem, Irp, STATUS.SUCCESS, 0);
  }
  return PassDown(ext, Irp);
}

function DispatchPower(DeviceObject: number, Irp: number): number {
  return PassDown(ddi.mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension), Irp);
}

function DispatchCreateClose(_DeviceObject: number, Irp: number): number {
  return Complete(Irp, STATUS.SUCCESS, 0);
}

/** Set by the racy twin, PnpPofxRace: the result is read after PoFxIdleComponent. */
let readAfterIdle = false;
export function readAfterIdleComponent(): void {
  readAfterIdle = true;
}

/** Echo a ULONG through the hardware, with the component held active for the whole use of it. */
function DispatchDeviceControl(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  const P = IO_STACK_LOCATION.off;
  if (mem.u32(sp + P['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_PNPPOFX_ECHO) return Complete(Irp, STATUS.INVALID_DEVICE_REQUEST, 0);
  if (mem.u32(sp + P['Parameters.DeviceIoControl.InputBufferLength']) < 4 || mem.u32(sp + P['Parameters.DeviceIoControl.OutputBufferLength']) < 4) return Complete(Irp, STATUS.BUFFER_TOO_SMALL, 0);
  const buffer = mem.u32(Irp + IRP.off['AssociatedIrp.SystemBuffer']);
  const handle = mem.u32(ext + EXT.Handle);
  ddi.PoFxActivateComponent(handle, 0, PO_FX_FLAG.BLOCKING);
  HwWrite(ext, mem.u32(buffer));
  let value = readAfterIdle ? 0 : HwRead(ext);
  ddi.PoFxIdleComponent(handle, 0, 0);
  // The bug (PnpPofxRace): the component is no longer held active.
  if (readAfterIdle) value = HwRead(ext);
  if (value === ALL_ONES) return Complete(Irp, STATUS.IO_DEVICE_ERROR, 0);
  mem.setU32(buffer, value);
  return Complete(Irp, STATUS.SUCCESS, 4);
}
