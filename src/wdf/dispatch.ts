/**
 * The framework's routines in drivers' DRIVER_OBJECTs: one dispatch routine for every IRP major
 * function (FxDevice::DispatchWithLock), which hands each IRP to the device's packages (file
 * objects, I/O queues, shutdown), and the unload routine (FxStubDriverUnload) that calls
 * EvtDriverUnload and deletes the driver's object tree.
 */
import { IO_STACK_LOCATION, IRP } from '../nt/layout.ts';
import { IRP_MJ, SL } from '../nt/io.ts';
import { STATUS } from '../nt/status.ts';
import { WDF_LIBRARY_MODULE, WDF_TRI_STATE } from '../nt/wdf.ts';
import type { FxDevice } from './device.ts';
import { FxFileObject } from './file.ts';
import type { Framework } from './framework.ts';
import { underFileObjectLock, underPresentationLock } from './callback-lock.ts';
import { FxRequest } from './request.ts';
import { ifrHex, irpMajorName } from './ifr.ts';
import { wmiDispatch } from './wmi-irp.ts';

const I = IRP.off;
const S = IO_STACK_LOCATION.off;

export function registerFrameworkRoutines(fx: Framework): { readonly dispatch: number; readonly unload: number; readonly cancel: number } {
  const dispatch = fx.image.address('FxDevice::DispatchWithLock');
  const unload = fx.image.address('FxStubDriverUnload');
  const cancel = fx.image.address('FxRequest::CancelRoutine');
  fx.k.registerRoutine(cancel, ((_device: number, irp: number) => fx.frame('FxRequest::CancelRoutine', () => cancelIrp(fx, irp >>> 0))) as never, WDF_LIBRARY_MODULE);
  fx.k.registerRoutine(dispatch, ((device: number, irp: number) => fx.frame('FxDevice::DispatchWithLock', () => dispatchIrp(fx, device >>> 0, irp >>> 0))) as never, WDF_LIBRARY_MODULE);
  fx.k.registerRoutine(unload, ((driverObject: number) => fx.frame('FxStubDriverUnload', () => unloadDriver(fx, driverObject >>> 0))) as never, WDF_LIBRARY_MODULE);
  return { dispatch, unload, cancel };
}

/**
 * The cancel routine of every IRP the framework holds (IoCancelIrp calls it with the cancel spin
 * lock held): a request waiting in a queue leaves it (EvtIoCanceledOnQueue, else completed
 * STATUS_CANCELLED); a request the driver marked cancelable goes to its EvtRequestCancel.
 */
function cancelIrp(fx: Framework, irp: number): void {
  fx.k.ddi.IoReleaseCancelSpinLock(fx.k.as.u8(irp + I.CancelIrql));
  const r = fx.requestsByIrp.get(irp);
  if (!r || r.completed) return;
  if (r.cancelRoutine !== 0) {
    const routine = r.cancelRoutine;
    r.cancelRoutine = 0;
    // EvtRequestCancel runs under the presentation lock of the queue that delivered the request.
    const call = () => fx.invoke(routine, [r.handle], []);
    if (r.queue) underPresentationLock(r.queue, call);
    else call();
    return;
  }
  r.queue?.cancelWaiting(r);
}

/** Complete an IRP the framework answers itself. */
function completeIrp(fx: Framework, irp: number, status: number, information = 0): number {
  fx.k.as.setU32(irp + I['IoStatus.Status'], status >>> 0);
  fx.k.as.setU32(irp + I['IoStatus.Information'], information);
  fx.k.ddi.IofCompleteRequest(irp, 0);
  return status;
}

/** IoMarkIrpPending: the framework owns the IRP from here and returns STATUS_PENDING. */
function markPending(fx: Framework, irp: number): void {
  const sp = fx.k.as.u32(irp + I['Tail.CurrentStackLocation']);
  fx.k.as.setU8(sp + S.Control, fx.k.as.u8(sp + S.Control) | SL.PENDING_RETURNED);
}

function dispatchIrp(fx: Framework, deviceObject: number, irp: number): number {
  const as = fx.k.as;
  const sp = as.u32(irp + I['Tail.CurrentStackLocation']);
  const major = as.u8(sp + S.MajorFunction);
  const device = fx.devices.get(deviceObject);
  if (!device) return completeIrp(fx, irp, STATUS.INVALID_DEVICE_REQUEST);
  device.globals.record('FxDevice::DispatchWithLock', `WDFDEVICE ${ifrHex(device.handle)} !devobj ${ifrHex(deviceObject)}, ${irpMajorName(major)}, IRP ${ifrHex(irp)}`);
  // The driver's EvtDeviceWdmIrpPreprocess sees the IRPs it asked for first; it passes them on with WdfDeviceWdmDispatchPreprocessedIrp.
  const pre = device.preprocess.get(major);
  if (pre && (pre.minors.length === 0 || pre.minors.includes(as.u8(sp + S.MinorFunction)))) {
    return (fx.invoke(pre.routine, [device.handle, irp], []) as number) >>> 0;
  }
  return dispatchToPackages(fx, device, irp);
}

/** The framework's own dispatch of an IRP (WdfDeviceWdmDispatchPreprocessedIrp enters here too). */
export function dispatchToPackages(fx: Framework, device: FxDevice, irp: number): number {
  const as = fx.k.as;
  const sp = as.u32(irp + I['Tail.CurrentStackLocation']);
  const major = as.u8(sp + S.MajorFunction);
  const fileObject = as.u32(sp + S.FileObject);
  switch (major) {
    case IRP_MJ.CREATE:
      return fx.frame('FxPkgGeneral::Dispatch', () => fileCreate(fx, device, irp, fileObject));
    case IRP_MJ.CLEANUP:
    case IRP_MJ.CLOSE:
      return fx.frame('FxPkgGeneral::Dispatch', () => fileCleanupClose(fx, device, irp, fileObject, major));
    case IRP_MJ.READ:
    case IRP_MJ.WRITE:
    case IRP_MJ.DEVICE_CONTROL:
    case IRP_MJ.INTERNAL_DEVICE_CONTROL:
      return fx.frame('FxPkgIo::Dispatch', () => ioDispatch(fx, device, irp, major, fileObject));
    case IRP_MJ.SHUTDOWN:
      if (device.shutdown) fx.invoke(device.shutdown, [device.handle], ['FxDevice::DispatchShutdown']);
      return completeIrp(fx, irp, STATUS.SUCCESS);
    case IRP_MJ.PNP:
      // PnP and power IRPs go to the PnP/power package of a PnP device (pnp/package.ts).
      if (device.pnp) return fx.frame('FxPkgPnp::Dispatch', () => device.pnp!.dispatchPnp(irp));
      return completeIrp(fx, irp, as.u32(irp + I['IoStatus.Status']));
    case IRP_MJ.POWER:
      if (device.pnp) return fx.frame('FxPkgPnp::Dispatch', () => device.pnp!.dispatchPower(irp));
      return completeIrp(fx, irp, as.u32(irp + I['IoStatus.Status']));
    default: {
      // A device with WMI providers answers WMI's requests itself (wmi-irp.ts).
      const answered = major === IRP_MJ.SYSTEM_CONTROL ? wmiDispatch(device, irp) : undefined;
      if (answered !== undefined) return answered;
      // A filter passes down what it does not handle; a function driver's device passes down WMI only.
      if (device.pnp && (device.pnp.filter || major === IRP_MJ.SYSTEM_CONTROL)) return device.pnp.forward(irp);
      return completeIrp(fx, irp, STATUS.INVALID_DEVICE_REQUEST);
    }
  }
}

function fileCreate(fx: Framework, device: FxDevice, irp: number, fileObject: number): number {
  const config = device.fileObject;
  // A filter's creates it does not handle go down (AutoForwardCleanupClose's default for filters).
  if (device.pnp?.filter && !config?.create) return device.pnp.forward(irp);
  if (!config || fileObject === 0) return completeIrp(fx, irp, STATUS.SUCCESS);
  const file = new FxFileObject(fx, device.globals, device, fileObject);
  if (!config.create) return completeIrp(fx, irp, STATUS.SUCCESS);
  const request = new FxRequest(fx, device.globals, device, irp, file);
  markPending(fx, irp);
  underFileObjectLock(device, () => fx.invoke(config.create, [device.handle, request.handle, file.handle], ['FxFileObjectFileCreate::Invoke']));
  return STATUS.PENDING;
}

function fileCleanupClose(fx: Framework, device: FxDevice, irp: number, fileObject: number, major: number): number {
  const file = fx.fileObjects.get(fileObject);
  const config = device.fileObject;
  if (file && config) {
    const { cleanup, close } = config;
    if (major === IRP_MJ.CLEANUP && cleanup) underFileObjectLock(device, () => fx.invoke(cleanup, [file.handle], ['FxFileObjectFileCleanup::Invoke']));
    if (major === IRP_MJ.CLOSE) {
      if (close) underFileObjectLock(device, () => fx.invoke(close, [file.handle], ['FxFileObjectFileClose::Invoke']));
      file.delete();
    }
  }
  if (device.pnp?.filter && (config?.autoForwardCleanupClose ?? WDF_TRI_STATE.UseDefault) !== WDF_TRI_STATE.False) return device.pnp.forward(irp);
  return completeIrp(fx, irp, STATUS.SUCCESS);
}

function ioDispatch(fx: Framework, device: FxDevice, irp: number, major: number, fileObject: number): number {
  const queue = device.dispatching.get(major) ?? device.defaultQueue;
  // A filter passes down the requests no queue of its handles (the framework's default for filters).
  if (device.pnp?.filter && (!queue || !queue.handles(major))) return device.pnp.forward(irp);
  if (!queue) return completeIrp(fx, irp, STATUS.INVALID_DEVICE_REQUEST);
  const sp = fx.k.as.u32(irp + I['Tail.CurrentStackLocation']);
  // A zero-length read or write is completed by the framework unless the queue asked for them.
  if ((major === IRP_MJ.READ || major === IRP_MJ.WRITE) && fx.k.as.u32(sp + S['Parameters.Read.Length']) === 0 && !queue.config.allowZeroLength) {
    return completeIrp(fx, irp, STATUS.SUCCESS);
  }
  const request = new FxRequest(fx, device.globals, device, irp, fx.fileObjects.get(fileObject));
  markPending(fx, irp);
  if (device.ioInCallerContext) {
    // The driver sees it first, in the caller's context, and queues it (WdfDeviceEnqueueRequest) or completes it.
    request.inCallerContext = true;
    try {
      fx.invoke(device.ioInCallerContext, [device.handle, request.handle], ['FxIoInCallerContext::Invoke']);
    } finally {
      request.inCallerContext = false;
    }
    return STATUS.PENDING;
  }
  queue.enqueue(request);
  return STATUS.PENDING;
}

function unloadDriver(fx: Framework, driverObject: number): void {
  const g = fx.byDriverObject.get(driverObject);
  const driver = g?.driver;
  if (!g || !driver) return;
  fx.frame('FxDriver::Unload', () => {
    if (driver.unload) fx.invoke(driver.unload, [driver.handle], []);
    driver.delete();
  });
  g.setDriver(undefined);
}
