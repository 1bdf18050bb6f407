/**
 * MyDriverClean: MyDriver with its leak fixed. Every path of DeviceControlDispatch frees the working
 * buffer, the MDL and the work item it allocated, so the driver unloads with nothing outstanding and
 * Driver Verifier stays silent (the no-false-positive twin of MyDriver.ts). Every allocation is checked,
 * so under low resources simulation (`--faults exhaustive`) a failed one fails the load or the request.
 */
import {
  EXCEPTION_EXECUTE_HANDLER,
  CTL_CODE,
  DEVICE_OBJECT,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  IO_NO_INCREMENT,
  IO_STACK_LOCATION,
  IRP,
  IRP_MJ,
  DRIVER_OBJECT,
  METHOD_NEITHER,
  NT_SUCCESS,
  POOL_TYPE,
  STATUS,
  IoGetCurrentIrpStackLocation,
  IoMarkIrpPending,
  SetIoStatus,
  poolTag,
  type DriverApi,
} from '../../ddk/ts/wdm.ts';

export const IOCTL_MYDRIVER_PROCESS = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_NEITHER, FILE_ANY_ACCESS);

const TAG = poolTag('mdrv');
const WORK_BUFFER_SIZE = 0x1008;
const HEADER_SIZE = 8;

/** Device extension: the request being worked on. */
const EXT_IRP = 0;
const EXT_BUFFER = 4;
const EXT_MDL = 8;
const EXT_WORKITEM = 12;
const EXT_SIZE = 16;

let ddi: DriverApi;
/** The device's and the link's UNICODE_STRINGs, kept for the unload: DriverUnload cannot fail, so it must not need pool. */
let names = 0;

export function DriverEntry(DriverObject: number, _RegistryPath: number, api: DriverApi): number {
  ddi = api;
  const mem = ddi.mem;
  const name = ddi.wstr('\\Device\\MyDriverClean');
  const link = ddi.wstr('\\DosDevices\\MyDriverClean');
  const deviceName = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 16, TAG);
  if (deviceName === 0) return STATUS.INSUFFICIENT_RESOURCES;
  const linkName = deviceName + 8;
  ddi.RtlInitUnicodeString(deviceName, name);
  ddi.RtlInitUnicodeString(linkName, link);
  const deviceOut = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, 4, TAG);
  if (deviceOut === 0) {
    ddi.ExFreePoolWithTag(deviceName, TAG);
    return STATUS.INSUFFICIENT_RESOURCES;
  }
  let status = ddi.IoCreateDevice(DriverObject, EXT_SIZE, deviceName, FILE_DEVICE_UNKNOWN, 0, 0, deviceOut);
  const device = mem.u32(deviceOut);
  ddi.ExFreePoolWithTag(deviceOut, TAG);
  if (status === STATUS.SUCCESS) status = ddi.IoCreateSymbolicLink(linkName, deviceName);
  if (status !== STATUS.SUCCESS) {
    ddi.ExFreePoolWithTag(deviceName, TAG);
    if (device !== 0) ddi.IoDeleteDevice(device);
    return status;
  }
  names = deviceName;
  for (let mj = 0; mj <= IRP_MJ.PNP; mj++) {
    mem.setU32(DriverObject + DRIVER_OBJECT.off.MajorFunction + 4 * mj, ddi.addressOf(AllIRPDispatch));
  }
  mem.setU32(DriverObject + DRIVER_OBJECT.off.DriverUnload, ddi.addressOf(DriverUnload));
  ddi.DbgPrint(ddi.str('MyDriverClean: loaded, device %p\n'), device);
  return STATUS.SUCCESS;
}

function DriverUnload(DriverObject: number): void {
  ddi.IoDeleteSymbolicLink(names + 8);
  ddi.ExFreePoolWithTag(names, TAG);
  ddi.IoDeleteDevice(ddi.mem.u32(DriverObject + DRIVER_OBJECT.off.DeviceObject));
}

function AllIRPDispatch(DeviceObject: number, Irp: number): number {
  return NonPNPIRPDispatch(DeviceObject, Irp);
}

function NonPNPIRPDispatch(DeviceObject: number, Irp: number): number {
  const sp = IoGetCurrentIrpStackLocation(ddi.mem, Irp);
  switch (ddi.mem.u8(sp + IO_STACK_LOCATION.off.MajorFunction)) {
    case IRP_MJ.DEVICE_CONTROL:
      return DeviceControlDispatch(DeviceObject, Irp);
    case IRP_MJ.CREATE:
    case IRP_MJ.CLEANUP:
    case IRP_MJ.CLOSE:
      SetIoStatus(ddi.mem, Irp, STATUS.SUCCESS, 0);
      ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
      return STATUS.SUCCESS;
    default:
      SetIoStatus(ddi.mem, Irp, STATUS.INVALID_DEVICE_REQUEST, 0);
      ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
      return STATUS.INVALID_DEVICE_REQUEST;
  }
}

function DeviceControlDispatch(DeviceObject: number, Irp: number): number {
  const mem = ddi.mem;
  const sp = IoGetCurrentIrpStackLocation(mem, Irp);
  const P = IO_STACK_LOCATION.off;
  if (mem.u32(sp + P['Parameters.DeviceIoControl.IoControlCode']) !== IOCTL_MYDRIVER_PROCESS) {
    SetIoStatus(mem, Irp, STATUS.INVALID_DEVICE_REQUEST, 0);
    ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS.INVALID_DEVICE_REQUEST;
  }
  const inputLength = mem.u32(sp + P['Parameters.DeviceIoControl.InputBufferLength']);
  const outputLength = mem.u32(sp + P['Parameters.DeviceIoControl.OutputBufferLength']);
  const input = mem.u32(sp + P['Parameters.DeviceIoControl.Type3InputBuffer']);
  const output = mem.u32(Irp + IRP.off.UserBuffer);

  const buffer = ddi.ExAllocatePoolWithTag(POOL_TYPE.NonPagedPoolNx, WORK_BUFFER_SIZE, TAG);
  if (buffer === 0) return Complete(Irp, STATUS.INSUFFICIENT_RESOURCES, 0);
  const mdl = ddi.IoAllocateMdl(output, outputLength, 0, 0, 0);
  const workItem = GetNecessaryObjects(DeviceObject);
  if (mdl === 0 || workItem === 0 || inputLength < HEADER_SIZE) {
    if (workItem !== 0) ddi.IoFreeWorkItem(workItem);
    if (mdl !== 0) ddi.IoFreeMdl(mdl);
    ddi.ExFreePoolWithTag(buffer, TAG);
    return Complete(Irp, inputLength < HEADER_SIZE ? STATUS.INVALID_PARAMETER : STATUS.INSUFFICIENT_RESOURCES, 0);
  }

  // The buffers are the caller's own (METHOD_NEITHER): probe the input and lock the output here, in the
  // caller's context, under __try: a bad pointer or a length beyond the caller's buffer fails the request.
  const status = ddi.__try(
    () => {
      ddi.ProbeForRead(input, inputLength, 1);
      mem.copy(buffer, input, Math.min(inputLength, WORK_BUFFER_SIZE));
      if (outputLength > 0) ddi.MmProbeAndLockPages(mdl, 1, 1);
      return STATUS.SUCCESS;
    },
    { except: EXCEPTION_EXECUTE_HANDLER, handler: (code) => code },
  );
  if (!NT_SUCCESS(status)) {
    ddi.IoFreeWorkItem(workItem);
    ddi.IoFreeMdl(mdl);
    ddi.ExFreePoolWithTag(buffer, TAG);
    return Complete(Irp, status, 0);
  }
  const ext = mem.u32(DeviceObject + DEVICE_OBJECT.off.DeviceExtension);
  mem.setU32(ext + EXT_IRP, Irp);
  mem.setU32(ext + EXT_BUFFER, buffer);
  mem.setU32(ext + EXT_MDL, mdl);
  mem.setU32(ext + EXT_WORKITEM, workItem);
  IoMarkIrpPending(mem, Irp);
  ddi.IoQueueWorkItem(workItem, ddi.addressOf(ProcessRequestWorker), 1, ext);
  return STATUS.PENDING;
}

function GetNecessaryObjects(DeviceObject: number): number {
  return ddi.IoAllocateWorkItem(DeviceObject);
}

/** Work item: copy the processed data to the caller through the MDL, then free what the request used. */
function ProcessRequestWorker(_DeviceObject: number, Context: number): void {
  const mem = ddi.mem;
  const irp = mem.u32(Context + EXT_IRP);
  const buffer = mem.u32(Context + EXT_BUFFER);
  const mdl = mem.u32(Context + EXT_MDL);
  const workItem = mem.u32(Context + EXT_WORKITEM);
  const sp = IoGetCurrentIrpStackLocation(mem, irp);
  const outputLength = mem.u32(sp + IO_STACK_LOCATION.off['Parameters.DeviceIoControl.OutputBufferLength']);
  let copied = 0;
  let status: number = STATUS.SUCCESS;
  if (outputLength > 0) {
    // Locked by the dispatch routine; mapping may find no system space.
    const target = ddi.MmGetSystemAddressForMdlSafe(mdl, 16);
    if (target !== 0) {
      copied = Math.min(outputLength, HEADER_SIZE);
      mem.copy(target, buffer, copied);
    } else {
      status = STATUS.INSUFFICIENT_RESOURCES;
    }
    ddi.MmUnlockPages(mdl);
  }
  ddi.IoFreeMdl(mdl);
  ddi.ExFreePoolWithTag(buffer, TAG);
  ddi.IoFreeWorkItem(workItem);
  Complete(irp, status, copied);
}

function Complete(Irp: number, status: number, information: number): number {
  SetIoStatus(ddi.mem, Irp, status, information);
  ddi.IofCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}
