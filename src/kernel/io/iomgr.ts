/**
 * I/O manager: driver and device objects, IRPs and their stack locations, IoCallDriver and
 * IoCompleteRequest, work items and shutdown notification. MDLs are mdl.ts's; the user-mode request
 * path (open, DeviceIoControl, read, write, close) is file.ts's.
 */
import { types } from 'node:util';
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { DO, IO_TYPE, IRP_MJ, SL } from '../../nt/io.ts';
import {
  DEVICE_OBJECT,
  DRIVER_EXTENSION,
  DRIVER_OBJECT,
  IO_STACK_LOCATION,
  IO_WORKITEM,
  IRP,
  IRP_MJ_COUNT,
  UNICODE_STRING,
} from '../../nt/layout.ts';
import { POOL_TYPE } from '../../nt/pool.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import { SimulatorError } from '../errors.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';
import { FileRequests } from './file.ts';
import { MdlManager } from './mdl.ts';

const DRV = DRIVER_OBJECT.off;
const DEV = DEVICE_OBJECT.off;
const I = IRP.off;
const S = IO_STACK_LOCATION.off;
const W = IO_WORKITEM.off;
const US = UNICODE_STRING.off;

export interface DriverRecord {
  readonly driverObject: number;
  /** Module name (`MyDriver`). */
  readonly name: string;
  readonly imageBase: number;
  readonly imageSize: number;
  state: 'loading' | 'loaded' | 'unloaded';
}

export interface IoResult {
  readonly status: number;
  readonly information: number;
  readonly output: Uint8Array;
}

/** A request the I/O manager could not build for want of pool. */
const INSUFFICIENT_RESOURCES: IoResult = Object.freeze({ status: STATUS.INSUFFICIENT_RESOURCES, information: 0, output: new Uint8Array(0) });

export class IoManager {
  readonly drivers = new Map<number, DriverRecord>();
  /** IRPs completed by IoCompleteRequest and not yet retired by the request path. */
  private readonly completed = new Set<number>();
  private readonly stackCounts = new Map<number, number>();

  /** MDLs: describing, locking and mapping buffers (mdl.ts). */
  readonly mdl: MdlManager;
  /** The user-mode request path: file objects and the IRPs NtXxxFile builds (file.ts). */
  readonly files: FileRequests;

  constructor(private readonly k: Kernel) {
    this.mdl = new MdlManager(k);
    this.files = new FileRequests(k);
  }

  // ---- names -------------------------------------------------------------------------------

  readUnicodeString(us: number): string {
    const as = this.k.as;
    return as.utf16(as.u32(us + US.Buffer), as.u16(us + US.Length) >>> 1);
  }

  /** A UNICODE_STRING with its buffer right after it, in one kernel allocation. */
  allocateUnicodeString(text: string, tag: number): number {
    const us = this.k.allocateKernelObject(UNICODE_STRING.size + 2 * text.length + 2, tag);
    this.initUnicodeString(us, us + UNICODE_STRING.size, text);
    return us;
  }

  initUnicodeString(us: number, buffer: number, text: string): void {
    const as = this.k.as;
    as.writeUtf16(buffer, text);
    as.setU16(buffer + 2 * text.length, 0);
    as.setU16(us + US.Length, 2 * text.length);
    as.setU16(us + US.MaximumLength, 2 * text.length + 2);
    as.setU32(us + US.Buffer, buffer);
  }

  // ---- drivers -----------------------------------------------------------------------------

  createDriverObject(name: string, imageBase: number, imageSize: number): number {
    const size = DRIVER_OBJECT.size + DRIVER_EXTENSION.size;
    const d = this.k.allocateKernelObject(size + 2 * (8 + name.length) + 2, TAG.Driver);
    const as = this.k.as;
    as.setU16(d + DRV.Type, IO_TYPE.DRIVER);
    as.setU16(d + DRV.Size, DRIVER_OBJECT.size);
    as.setU32(d + DRV.DriverStart, imageBase);
    as.setU32(d + DRV.DriverSize, imageSize);
    const ext = d + DRIVER_OBJECT.size;
    as.setU32(d + DRV.DriverExtension, ext);
    as.setU32(ext + DRIVER_EXTENSION.off.DriverObject, d);
    this.initUnicodeString(d + DRV.DriverName, d + size, `\\Driver\\${name}`);
    // Every major function starts as IopInvalidDeviceRequest.
    const invalid = this.invalidRequestRoutine();
    for (let i = 0; i < IRP_MJ_COUNT; i++) as.setU32(d + DRV.MajorFunction + 4 * i, invalid);
    this.k.ob.create(d, 'Driver');
    this.k.ob.insertName(`\\Driver\\${name}`, d);
    this.drivers.set(d, { driverObject: d, name, imageBase, imageSize, state: 'loading' });
    return d;
  }

  private invalidRequest = 0;
  /** nt!IopInvalidDeviceRequest: completes the IRP with STATUS_INVALID_DEVICE_REQUEST. */
  private invalidRequestRoutine(): number {
    if (this.invalidRequest === 0) {
      this.k.nt.addRoutines(['IopInvalidDeviceRequest']);
      this.invalidRequest = this.k.nt.address('IopInvalidDeviceRequest');
      this.k.registerRoutine(
        this.invalidRequest,
        ((_dev: number, irp: number) => {
          this.k.as.setU32(irp + I['IoStatus.Status'], STATUS.INVALID_DEVICE_REQUEST);
          this.k.as.setU32(irp + I['IoStatus.Information'], 0);
          this.completeRequest(irp);
          return STATUS.INVALID_DEVICE_REQUEST;
        }) as never,
        'nt',
      );
    }
    return this.invalidRequest;
  }

  /** Call DriverEntry; the driver is loaded if it returns success. */
  callDriverEntry(driverObject: number, entry: number, registryPath: string): number {
    const rec = this.drivers.get(driverObject)!;
    const regPath = this.allocateUnicodeString(registryPath, TAG.Name);
    const as = this.k.as;
    as.setU32(driverObject + DRV.DriverInit, entry);
    const ext = as.u32(driverObject + DRV.DriverExtension);
    // ServiceKeyName is the last name of the registry path: it shares the tail of that buffer (writing
    // it there would overwrite the path DriverEntry reads).
    const keyName = registryPath.slice(registryPath.lastIndexOf('\\') + 1);
    const serviceKeyName = ext + DRIVER_EXTENSION.off.ServiceKeyName;
    as.setU16(serviceKeyName + US.Length, 2 * keyName.length);
    as.setU16(serviceKeyName + US.MaximumLength, 2 * keyName.length + 2);
    as.setU32(serviceKeyName + US.Buffer, regPath + UNICODE_STRING.size + 2 * (registryPath.length - keyName.length));
    const status = this.k.runInThread(this.k.systemThread, () => {
      const result = this.k.callRoutine(entry, [driverObject, regPath], ['IopLoadUnloadDriver', 'IopLoadDriver']);
      // Only a TypeScript driver can return something else; reading it as 0 would call it success.
      if (typeof result !== 'number') throw new SimulatorError(`${rec.name}!DriverEntry returned ${describeValue(result)}, not an NTSTATUS: the driver did not load`);
      return result >>> 0;
    });
    this.k.dispatcher.runUntilIdle();
    if (NT_SUCCESS(status)) {
      rec.state = 'loaded';
      this.k.events.emit('driverLoaded', { driverObject, name: rec.name });
    }
    return status;
  }

  /** True if the driver has an unload routine: Windows unloads no other. */
  canUnload(driverObject: number): boolean {
    return this.k.as.u32(driverObject + DRV.DriverUnload) !== 0;
  }

  /**
   * Unload: call DriverUnload, let listeners inspect what is left at once (as MmUnloadSystemImage
   * does, before anything else runs), then delete the driver object. Work the driver left queued
   * runs later, after its image is gone. `finalizeRoutine`, the image's runtime code for what it
   * registered with atexit (C++ global destructors), runs right after DriverUnload, before the checks.
   */
  unloadDriver(driverObject: number, finalizeRoutine?: number): void {
    const rec = this.drivers.get(driverObject);
    if (!rec || rec.state !== 'loaded') throw new SimulatorError(`driver object ${driverObject.toString(16)} is not loaded`);
    const as = this.k.as;
    const unload = as.u32(driverObject + DRV.DriverUnload);
    if (unload === 0) throw new SimulatorError(`${rec.name} has no DriverUnload routine: Windows does not unload such a driver`);
    this.k.dispatcher.runUntilIdle();
    this.k.runInThread(this.k.systemThread, () => {
      this.k.callRoutine(unload, [driverObject], ['IopLoadUnloadDriver', 'IopUnloadDriver']);
      if (finalizeRoutine !== undefined) this.k.callRoutine(finalizeRoutine, [0], ['IopLoadUnloadDriver', 'IopUnloadDriver', 'MmUnloadSystemImage']);
    });
    rec.state = 'unloaded';
    this.k.withFrames(['IopLoadUnloadDriver', 'IopUnloadDriver', 'MmUnloadSystemImage'], () =>
      this.k.events.emit('driverUnloaded', { driverObject, name: rec.name, imageBase: rec.imageBase, imageSize: rec.imageSize }),
    );
    // An IoQueueWorkItem item holds its device, and the device its driver: the image stays until
    // the driver's pending I/O work items have run (work ahead of them in the queue runs first).
    const holdsImage = () => this.k.dispatcher.workQueue.some((w) => w.device !== undefined && this.driverOf(w.device) === driverObject);
    while (holdsImage() && this.k.dispatcher.runOne());
    this.k.ob.removeName(`\\Driver\\${rec.name}`);
    this.k.ob.dereference(driverObject);
  }

  driverOf(device: number): number {
    return this.k.as.u32(device + DEV.DriverObject);
  }

  /** The driver record whose image contains `address`. */
  driverAt(address: number): DriverRecord | undefined {
    for (const d of this.drivers.values()) if (address >= d.imageBase && address < d.imageBase + d.imageSize) return d;
    return undefined;
  }

  /** The unloaded driver whose image held `address`, when no loaded image holds it now. */
  unloadedDriverAt(address: number): DriverRecord | undefined {
    let found: DriverRecord | undefined;
    for (const d of this.drivers.values()) {
      if (address < d.imageBase || address >= d.imageBase + d.imageSize) continue;
      if (d.state !== 'unloaded') return undefined;
      found = d;
    }
    return found;
  }

  // ---- devices -----------------------------------------------------------------------------

  /** IoCreateDevice's work; returns [status, device]. */
  createDevice(driverObject: number, extensionSize: number, name: string | undefined, deviceType: number, characteristics: number): [number, number] {
    if (name !== undefined && this.k.ob.lookup(name) !== undefined) return [STATUS.OBJECT_NAME_COLLISION, 0];
    const ext = (extensionSize + 7) & ~7;
    const d = this.k.tryAllocateKernelObject(DEVICE_OBJECT.size + ext, TAG.Device);
    if (d === 0) return [STATUS.INSUFFICIENT_RESOURCES, 0];
    const as = this.k.as;
    as.setU16(d + DEV.Type, IO_TYPE.DEVICE);
    as.setU16(d + DEV.Size, DEVICE_OBJECT.size + ext);
    as.setU32(d + DEV.ReferenceCount, 0);
    as.setU32(d + DEV.DriverObject, driverObject);
    as.setU32(d + DEV.NextDevice, as.u32(driverObject + DRV.DeviceObject));
    as.setU32(driverObject + DRV.DeviceObject, d);
    as.setU32(d + DEV.Flags, DO.DEVICE_INITIALIZING);
    as.setU32(d + DEV.Characteristics, characteristics);
    as.setU32(d + DEV.DeviceExtension, extensionSize > 0 ? d + DEVICE_OBJECT.size : 0);
    as.setU32(d + DEV.DeviceType, deviceType);
    as.setU8(d + DEV.StackSize, 1);
    as.setU16(d + DEV.SectorSize, 0);
    const deviceName = name;
    this.k.ob.create(d, 'Device', () => {
      // The DEVOBJ_EXTENSION a device stack gave it (io/stack.ts) goes with it.
      const ext = as.u32(d + DEV.DeviceObjectExtension);
      if (ext !== 0) this.k.freeKernelObject(ext);
      this.k.freeKernelObject(d);
    });
    if (deviceName !== undefined) this.k.ob.insertName(deviceName, d);
    this.deviceNames.set(d, deviceName);
    return [STATUS.SUCCESS, d];
  }

  private readonly deviceNames = new Map<number, string | undefined>();
  /** The SDDL a device was created with by IoCreateDeviceSecure (its security descriptor, as text). */
  readonly deviceSddl = new Map<number, string>();

  deleteDevice(device: number): void {
    const as = this.k.as;
    // IoDeleteDevice takes the device off the shutdown notification list, as Windows does.
    this.unregisterShutdownNotification(device);
    const driver = as.u32(device + DEV.DriverObject);
    // Unlink from the driver's device list.
    let link = driver + DRV.DeviceObject;
    while (as.u32(link) !== 0 && as.u32(link) !== device) link = as.u32(link) + DEV.NextDevice;
    if (as.u32(link) === device) as.setU32(link, as.u32(device + DEV.NextDevice));
    const name = this.deviceNames.get(device);
    if (name !== undefined) this.k.ob.removeName(name);
    this.deviceNames.delete(device);
    this.deviceSddl.delete(device);
    this.k.ob.dereference(device);
  }

  devicesOf(driverObject: number): number[] {
    const out: number[] = [];
    for (let d = this.k.as.u32(driverObject + DRV.DeviceObject); d !== 0; d = this.k.as.u32(d + DEV.NextDevice)) out.push(d);
    return out;
  }

  deviceName(device: number): string | undefined {
    return this.deviceNames.get(device);
  }

  // ---- IRPs --------------------------------------------------------------------------------

  irpSize(stackSize: number): number {
    return IRP.size + stackSize * IO_STACK_LOCATION.size;
  }

  /** IoAllocateIrp: CurrentLocation = StackSize + 1, no current stack location yet. */
  allocateIrp(stackSize: number): number {
    const size = this.irpSize(stackSize);
    const irp = this.k.pool.allocate(POOL_TYPE.NonPagedPool, size, TAG.Irp);
    if (irp === 0) return 0;
    this.initializeIrp(irp, size, stackSize);
    return irp;
  }

  initializeIrp(irp: number, size: number, stackSize: number): void {
    const as = this.k.as;
    as.zero(irp, size);
    as.setU16(irp + I.Type, IO_TYPE.IRP);
    as.setU16(irp + I.Size, size);
    as.setU8(irp + I.StackCount, stackSize);
    as.setU8(irp + I.CurrentLocation, stackSize + 1);
    as.setU32(irp + I['ThreadListEntry.Flink'], irp + I.ThreadListEntry);
    as.setU32(irp + I['ThreadListEntry.Blink'], irp + I.ThreadListEntry);
    as.setU32(irp + I['Tail.CurrentStackLocation'], irp + IRP.size + stackSize * IO_STACK_LOCATION.size);
    this.stackCounts.set(irp, stackSize);
    this.completed.delete(irp);
  }

  freeIrp(irp: number): void {
    this.completionHooks.delete(irp);
    this.stackCounts.delete(irp);
    this.completed.delete(irp);
    this.k.pool.free(irp, TAG.Irp);
  }

  currentStackLocation(irp: number): number {
    return this.k.as.u32(irp + I['Tail.CurrentStackLocation']);
  }

  /** IoGetNextIrpStackLocation. */
  nextStackLocation(irp: number): number {
    return this.currentStackLocation(irp) - IO_STACK_LOCATION.size;
  }

  /** IofCallDriver: push the stack location, call the major function of the device's driver. */
  callDriver(device: number, irp: number): number {
    const as = this.k.as;
    const location = as.u8(irp + I.CurrentLocation) - 1;
    if (location <= 0) {
      return this.k.bugCheck(BUGCHECK.NO_MORE_IRP_STACK_LOCATIONS, irp, 0, 0, 0);
    }
    as.setU8(irp + I.CurrentLocation, location);
    const sp = this.nextStackLocation(irp);
    as.setU32(irp + I['Tail.CurrentStackLocation'], sp);
    as.setU32(sp + S.DeviceObject, device);
    const major = as.u8(sp + S.MajorFunction);
    const driver = as.u32(device + DEV.DriverObject);
    const dispatch = as.u32(driver + DRV.MajorFunction + 4 * major);
    const routine = this.k.routineAddress(dispatch);
    const irql = this.k.irql;
    this.k.events.emit('irpDispatch', { device, irp, routine, location: sp, irql });
    const status = (this.k.callRoutine(dispatch, [device, irp], ['IofCallDriver']) as number) >>> 0;
    this.k.withFrames(['IofCallDriver'], () => this.k.events.emit('irpDispatched', { device, irp, routine, location: sp, status, irql }));
    return status;
  }

  /** IofCompleteRequest: run completion routines from the current location up. */
  completeRequest(irp: number): void {
    const as = this.k.as;
    const stackCount = as.u8(irp + I.StackCount);
    // A completed IRP is left at StackCount + 2, so completing it again is seen here (as WRK does).
    if (as.u8(irp + I.CurrentLocation) > stackCount + 1 || as.u16(irp + I.Type) !== IO_TYPE.IRP) {
      this.k.bugCheck(BUGCHECK.MULTIPLE_IRP_COMPLETE_REQUESTS, irp, 0, 0, 0);
    }
    if (as.i32(irp + I['IoStatus.Status']) === STATUS.PENDING) {
      // Completing with STATUS_PENDING is itself a bug check on Windows.
      this.k.bugCheck(BUGCHECK.MULTIPLE_IRP_COMPLETE_REQUESTS, irp, 0, 0, 0);
    }
    this.k.events.emit('irpCompleting', { irp, location: as.u32(irp + I['Tail.CurrentStackLocation']), status: as.u32(irp + I['IoStatus.Status']) });
    // Pop a location, then run its routine: the routine sees its own (upper) location as current.
    // The last pop takes CurrentLocation past StackCount + 1, which ends the walk.
    for (let sp = as.u32(irp + I['Tail.CurrentStackLocation']); ; sp += IO_STACK_LOCATION.size) {
      const location = as.u8(irp + I.CurrentLocation) + 1;
      as.setU8(irp + I.CurrentLocation, location);
      as.setU32(irp + I['Tail.CurrentStackLocation'], sp + IO_STACK_LOCATION.size);
      if (location > stackCount + 1) break;
      const control = as.u8(sp + S.Control);
      as.setU8(irp + I.PendingReturned, control & SL.PENDING_RETURNED);
      const routine = as.u32(sp + S.CompletionRoutine);
      const status = as.i32(irp + I['IoStatus.Status']);
      const wants =
        (NT_SUCCESS(status) && control & SL.INVOKE_ON_SUCCESS) ||
        (!NT_SUCCESS(status) && control & SL.INVOKE_ON_ERROR) ||
        (as.u8(irp + I.Cancel) && control & SL.INVOKE_ON_CANCEL);
      const upperDevice = location <= stackCount ? as.u32(sp + IO_STACK_LOCATION.size + S.DeviceObject) : 0;
      if (routine !== 0 && wants) {
        const irql = this.k.irql;
        const r = (this.k.callRoutine(routine, [upperDevice, irp, as.u32(sp + S.Context)], ['IofCompleteRequest', 'IopfCompleteRequest']) as number) >>> 0;
        this.k.withFrames(['IofCompleteRequest', 'IopfCompleteRequest'], () =>
          this.k.events.emit('irpCompletionRoutineReturned', { irp, routine: this.k.routineAddress(routine), location: sp + IO_STACK_LOCATION.size, status: r, irql, last: location > stackCount }),
        );
        if (r === 0xc0000016 /* STATUS_MORE_PROCESSING_REQUIRED */) return;
      } else if (as.u8(irp + I.PendingReturned) && location <= stackCount) {
        // IoMarkIrpPending propagates up when no completion routine does it.
        const up = sp + IO_STACK_LOCATION.size;
        as.setU8(up + S.Control, as.u8(up + S.Control) | SL.PENDING_RETURNED);
      }
    }
    const finish = this.completionHooks.get(irp);
    if (finish) {
      this.completionHooks.delete(irp);
      finish();
      return;
    }
    this.completed.add(irp);
  }

  /** IopCompleteRequest's work for IRPs the I/O manager built for a driver (io/build-request.ts), by IRP: runs once the stack is unwound. */
  readonly completionHooks = new Map<number, () => void>();

  isCompleted(irp: number): boolean {
    return this.completed.has(irp);
  }

  /** IoGetAttachedDevice: the highest device attached above `device`. */
  topOfStack(device: number): number {
    let d = device;
    while (this.k.as.u32(d + DEV.AttachedDevice) !== 0) d = this.k.as.u32(d + DEV.AttachedDevice);
    return d;
  }

  // ---- work items --------------------------------------------------------------------------

  initializeWorkItem(ioObject: number, item: number): void {
    const as = this.k.as;
    as.zero(item, IO_WORKITEM.size);
    as.setU32(item + W.IoObject, ioObject);
    as.setU32(item + W.Type, 1);
  }

  allocateWorkItem(ioObject: number): number {
    const item = this.k.pool.allocate(POOL_TYPE.NonPagedPool, IO_WORKITEM.size, TAG.IoWorkItem);
    if (item !== 0) this.initializeWorkItem(ioObject, item);
    return item;
  }

  /** IoQueueWorkItem: the device object is referenced until the routine has run. */
  queueWorkItem(item: number, routine: number, context: number): void {
    const as = this.k.as;
    const device = as.u32(item + W.IoObject);
    as.setU32(item + W.Routine, routine);
    as.setU32(item + W.Context, context);
    this.k.ob.reference(device);
    this.k.dispatcher.workQueue.push({
      routine,
      args: [device, context, item],
      frames: ['ExpWorkerThread', 'IopProcessWorkItem'],
      done: () => this.k.ob.dereference(device),
      device,
    });
  }

  // ---- shutdown ----------------------------------------------------------------------------

  /** Devices registered for IRP_MJ_SHUTDOWN, in call order (IoRegisterShutdownNotification inserts at the head). */
  private readonly shutdownNotifications: number[] = [];
  /** The device whose IRP_MJ_SHUTDOWN the shutdown thread is sending or waiting for. */
  shutdownTarget?: number;

  registerShutdownNotification(device: number): void {
    if (this.shutdownNotifications.includes(device)) return;
    this.shutdownNotifications.unshift(device);
    this.k.ob.reference(device);
    this.k.as.setU32(device + DEV.Flags, this.k.as.u32(device + DEV.Flags) | DO.SHUTDOWN_REGISTERED);
  }

  unregisterShutdownNotification(device: number): void {
    const i = this.shutdownNotifications.indexOf(device);
    if (i < 0) return;
    this.shutdownNotifications.splice(i, 1);
    this.k.as.setU32(device + DEV.Flags, this.k.as.u32(device + DEV.Flags) & ~DO.SHUTDOWN_REGISTERED);
    this.k.ob.dereference(device);
  }

  /**
   * IoShutdownSystem: phase 0 sends IRP_MJ_SHUTDOWN to each registered device and waits for each to
   * complete, as the real one waits on its event with no time-out; phase 1 is the last-chance
   * notification (none registered here: IoRegisterLastChanceShutdownNotification is not exported).
   */
  shutdownSystem(phase: 0 | 1): void {
    if (phase !== 0) return;
    this.k.withFrames(['IoShutdownSystem'], () => {
      for (const device of [...this.shutdownNotifications]) {
        if (!this.shutdownNotifications.includes(device)) continue;
        const target = this.topOfStack(device);
        const irp = this.allocateIrp(this.k.as.u8(target + DEV.StackSize));
        // No IRP, no notification: the device misses its IRP_MJ_SHUTDOWN, as when Windows cannot build one.
        if (irp === 0) continue;
        const as = this.k.as;
        as.setU32(irp + I['Tail.Thread'], this.k.currentThread.address);
        as.setU8(irp + I.RequestorMode, 0);
        as.setU8(this.nextStackLocation(irp) + S.MajorFunction, IRP_MJ.SHUTDOWN);
        this.shutdownTarget = device;
        try {
          const status = this.callDriver(target, irp);
          if (!this.completed.has(irp)) {
            if (status !== STATUS.PENDING) {
              throw new SimulatorError(`IRP_MJ_SHUTDOWN: the driver returned 0x${status.toString(16)} without completing IRP ${irp.toString(16)} or returning STATUS_PENDING`);
            }
            this.k.withFrames(['KeWaitForSingleObject'], () =>
              this.k.dispatcher.waitUntil(
                () => this.completed.has(irp),
                () => `shutdown waits for IRP_MJ_SHUTDOWN ${irp.toString(16)} to ${this.deviceName(device) ?? 'device ' + device.toString(16)}: nothing left to run can end the wait`,
              ),
            );
          }
        } finally {
          this.shutdownTarget = undefined;
        }
        this.freeIrp(irp);
      }
    });
  }

}

/** A JavaScript value as a message names it. */
function describeValue(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  // A TypeScript driver's Promise comes from its own realm: ask the engine, not instanceof.
  if (types.isPromise(v)) return 'a Promise (is DriverEntry async? it must return its status)';
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`;
}
