/**
 * WDFDEVICE and WDFDEVICE_INIT: the init calls record what the device will be, WdfDeviceCreate
 * makes the DEVICE_OBJECT (IoCreateDevice, or IoCreateDeviceSecure with the init's SDDL) and the
 * framework object over it. Control devices (WdfControlDeviceInitAllocate) have no stack: they
 * stay DO_DEVICE_INITIALIZING until WdfControlFinishInitializing, may be deleted by the driver,
 * and are deleted with the driver's tree otherwise (after EvtDriverUnload).
 */
import { DEVICE_OBJECT, IO_STACK_LOCATION, IRP } from '../nt/layout.ts';
import { DO, FILE_DEVICE_UNKNOWN, IRP_MJ_MAXIMUM_FUNCTION } from '../nt/io.ts';
import { NT_SUCCESS, STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_BUGCHECK, WDF_DEVICE_IO_TYPE, WDF_DEVICE_SHUTDOWN, WDF_FILEOBJECT_CONFIG, WDF_TRI_STATE } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDriver } from './driver.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxObject, readAttributes, NO_ATTRIBUTES, type FxAttributes } from './object.ts';
import { fileObjectConstraintsStatus } from './callback-lock.ts';
import type { FxIoQueue } from './queue.ts';
import { dispatchToPackages } from './dispatch.ts';
import { attachPnpDevice, type FxPkgPnp, type FxPnpInit } from './pnp/package.ts';

const DEV = DEVICE_OBJECT.off;
const FC = WDF_FILEOBJECT_CONFIG.off;
/** FILE_DEVICE_SECURE_OPEN: the framework's default device characteristics. */
const FILE_DEVICE_SECURE_OPEN = 0x100;
/** The tag of the framework's WDFDEVICE_INIT blocks ('FxDI'). */
export const INIT_TAG = 0x49447846;

export interface FileObjectConfig {
  readonly create: number;
  readonly close: number;
  readonly cleanup: number;
  readonly autoForwardCleanupClose: number;
  readonly fileObjectClass: number;
  readonly attributes: FxAttributes;
}

/** A WDFDEVICE_INIT: what the init calls said, until WdfDeviceCreate uses it. */
export class FxDeviceInit {
  name: string | undefined;
  sddl: string | undefined;
  ioType: number = WDF_DEVICE_IO_TYPE.Buffered;
  exclusive = false;
  deviceType = FILE_DEVICE_UNKNOWN;
  characteristics = FILE_DEVICE_SECURE_OPEN;
  fileObject: FileObjectConfig | undefined;
  requestAttributes: FxAttributes = NO_ATTRIBUTES;
  ioInCallerContext = 0;
  /** EvtDeviceWdmIrpPreprocess by major function, with the minor functions it wants (none listed: all). */
  readonly preprocess = new Map<number, { readonly routine: number; readonly minors: readonly number[] }>();
  shutdown = 0;
  shutdownFlags = 0;
  /** Used by a WdfDeviceCreate that succeeded, or freed: another use is the driver's bug. */
  used = false;
  /** What a PnP init (from EvtDriverDeviceAdd) adds: the PDO, the PnP/power callbacks, filter or not (pnp/package.ts). */
  pnp: FxPnpInit | undefined;

  constructor(
    readonly address: number,
    readonly globals: FxDriverGlobals,
    readonly driver: FxDriver,
    readonly control: boolean,
  ) {}
}

export class FxDevice extends FxObject {
  readonly deviceObject: number;
  readonly control: boolean;
  readonly ioType: number;
  readonly fileObject: FileObjectConfig | undefined;
  readonly requestAttributes: FxAttributes;
  readonly ioInCallerContext: number;
  readonly preprocess: FxDeviceInit['preprocess'];
  readonly shutdown: number;
  readonly name: string | undefined;
  private nameString = 0;
  private readonly links: number[] = [];
  defaultQueue: FxIoQueue | undefined;
  /** WdfDeviceConfigureRequestDispatching: the queue for each request type. */
  readonly dispatching = new Map<number, FxIoQueue>();
  private shutdownRegistered = false;
  /** The PnP/power package of a PnP device (pnp/package.ts); control devices have none. */
  pnp: FxPkgPnp | undefined;

  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, init: FxDeviceInit, deviceObject: number) {
    super(fx, g, attributes, init.driver, FX_TYPE.Device);
    this.deviceObject = deviceObject;
    this.control = init.control;
    this.ioType = init.ioType;
    this.fileObject = init.fileObject;
    this.requestAttributes = init.requestAttributes;
    this.ioInCallerContext = init.ioInCallerContext;
    this.preprocess = init.preprocess;
    this.shutdown = init.shutdown;
    this.name = init.name;
    if (init.name !== undefined) this.nameString = fx.unicodeString(init.name, g.tag);
    fx.devices.set(deviceObject, this);
    if (init.shutdown !== 0 && (init.shutdownFlags & WDF_DEVICE_SHUTDOWN.Shutdown) !== 0) {
      this.shutdownRegistered = NT_SUCCESS(fx.k.ddi.IoRegisterShutdownNotification(deviceObject));
    }
  }

  /** Only control devices are the driver's to delete; the PnP manager removes the others. */
  override get driverMayDelete(): boolean {
    return this.control;
  }

  get deviceName(): number {
    return this.nameString;
  }

  addSymbolicLink(link: number): void {
    this.links.push(link);
  }

  protected override dispose(): void {
    const k = this.fx.k;
    for (const link of this.links.splice(0)) {
      k.ddi.IoDeleteSymbolicLink(link);
      this.fx.free(link, this.globals.tag);
    }
    if (this.shutdownRegistered) k.ddi.IoUnregisterShutdownNotification(this.deviceObject);
    this.pnp?.detach();
    this.fx.devices.delete(this.deviceObject);
    k.ddi.IoDeleteDevice(this.deviceObject);
  }

  protected override destroyed(): void {
    if (this.nameString) this.fx.free(this.nameString, this.globals.tag);
  }
}

/** Framework parts that finish a device WdfDeviceCreate made from their kind of init (pnp/pdo.ts: a bus driver's child). */
export const deviceCreateHooks: ((device: FxDevice, init: FxDeviceInit) => void)[] = [];

/** The live WDFDEVICE_INITs of each framework, by address (the PnP package makes the ones EvtDriverDeviceAdd gets). */
const initTables = new WeakMap<Framework, Map<number, FxDeviceInit>>();
export function deviceInits(fx: Framework): Map<number, FxDeviceInit> {
  let t = initTables.get(fx);
  if (!t) initTables.set(fx, (t = new Map()));
  return t;
}

export function deviceExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;
  const inits = deviceInits(fx);

  /** The init a PWDFDEVICE_INIT names: NULL or used up is 0x10D/0x4. */
  const initOf = (g: FxDriverGlobals, DeviceInit: number): FxDeviceInit => {
    const init = inits.get(DeviceInit >>> 0);
    if (!init || init.used) fx.violation(g, WDF_BUGCHECK.REQUIRED_PARAMETER_IS_NULL, DeviceInit, fx.driverCaller());
    return init!;
  };
  const freeInit = (init: FxDeviceInit) => {
    init.used = true;
    inits.delete(init.address);
    fx.free(init.address, INIT_TAG);
  };

  return {
    WdfControlDeviceInitAllocate(g, Driver: number, SDDLString: number) {
      const driver = fx.object<FxDriver>(g, Driver, FX_TYPE.Driver);
      fx.require(g, SDDLString);
      const address = fx.tryAllocate(0x10, INIT_TAG);
      if (address === 0) return 0;
      const init = new FxDeviceInit(address, g, driver, true);
      init.sddl = fx.readUnicodeString(SDDLString);
      inits.set(address, init);
      return address;
    },

    WdfControlDeviceInitSetShutdownNotification(g, DeviceInit: number, Notification: number, Flags: number) {
      const init = initOf(g, DeviceInit);
      fx.require(g, Notification);
      init.shutdown = Notification;
      init.shutdownFlags = Flags & 0xff;
    },

    WdfDeviceInitFree(g, DeviceInit: number) {
      freeInit(initOf(g, DeviceInit));
    },

    WdfDeviceInitSetIoType(g, DeviceInit: number, IoType: number) {
      const init = initOf(g, DeviceInit);
      if (IoType >= WDF_DEVICE_IO_TYPE.Neither && IoType <= WDF_DEVICE_IO_TYPE.BufferedOrDirect) init.ioType = IoType;
    },

    WdfDeviceInitSetExclusive(g, DeviceInit: number, IsExclusive: number) {
      initOf(g, DeviceInit).exclusive = (IsExclusive & 0xff) !== 0;
    },

    WdfDeviceInitSetDeviceType(g, DeviceInit: number, DeviceType: number) {
      initOf(g, DeviceInit).deviceType = DeviceType;
    },

    WdfDeviceInitSetCharacteristics(g, DeviceInit: number, DeviceCharacteristics: number, OrInValues: number) {
      const init = initOf(g, DeviceInit);
      init.characteristics = (OrInValues & 0xff) !== 0 ? (init.characteristics | DeviceCharacteristics) >>> 0 : DeviceCharacteristics >>> 0;
    },

    WdfDeviceInitAssignName(g, DeviceInit: number, DeviceName: number) {
      const init = initOf(g, DeviceInit);
      init.name = DeviceName === 0 ? undefined : fx.readUnicodeString(DeviceName);
      return STATUS.SUCCESS;
    },

    WdfDeviceInitAssignSDDLString(g, DeviceInit: number, SDDLString: number) {
      const init = initOf(g, DeviceInit);
      init.sddl = SDDLString === 0 ? undefined : fx.readUnicodeString(SDDLString);
      return STATUS.SUCCESS;
    },

    WdfDeviceInitSetFileObjectConfig(g, DeviceInit: number, FileObjectConfig: number, FileObjectAttributes: number) {
      const init = initOf(g, DeviceInit);
      fx.require(g, FileObjectConfig);
      const attributes = readAttributes(fx, FileObjectAttributes, { parentNotAllowed: true, executionLevel: true, synchronizationScope: true });
      // The framework logs a bad size or attributes and keeps the defaults.
      if (as.u32(FileObjectConfig + FC.Size) !== WDF_FILEOBJECT_CONFIG.size || typeof attributes === 'number') {
        g.record('FxDeviceInit::SetFileObjectConfig', `invalid WDF_FILEOBJECT_CONFIG or attributes, ignored`);
        return;
      }
      init.fileObject = {
        create: as.u32(FileObjectConfig + FC.EvtDeviceFileCreate),
        close: as.u32(FileObjectConfig + FC.EvtFileClose),
        cleanup: as.u32(FileObjectConfig + FC.EvtFileCleanup),
        autoForwardCleanupClose: as.u32(FileObjectConfig + FC.AutoForwardCleanupClose) & 0xff || WDF_TRI_STATE.UseDefault,
        fileObjectClass: as.u32(FileObjectConfig + FC.FileObjectClass),
        attributes,
      };
    },

    WdfDeviceInitAssignWdmIrpPreprocessCallback(g, DeviceInit: number, EvtDeviceWdmIrpPreprocess: number, MajorFunction: number, MinorFunctions: number, NumMinorFunctions: number) {
      const init = initOf(g, DeviceInit);
      fx.require(g, EvtDeviceWdmIrpPreprocess);
      const major = MajorFunction & 0xff;
      if (major > IRP_MJ_MAXIMUM_FUNCTION || (NumMinorFunctions !== 0 && MinorFunctions === 0)) return STATUS.INVALID_PARAMETER;
      const minors = [...as.read(MinorFunctions, NumMinorFunctions)];
      // A second assignment for the same major adds minor functions; the routine must be the same.
      const known = init.preprocess.get(major);
      if (known && known.routine !== EvtDeviceWdmIrpPreprocess) return STATUS.INVALID_DEVICE_REQUEST;
      init.preprocess.set(major, { routine: EvtDeviceWdmIrpPreprocess, minors: known && known.minors.length > 0 && minors.length > 0 ? [...known.minors, ...minors] : known ? [] : minors });
      return STATUS.SUCCESS;
    },

    WdfDeviceInitSetIoInCallerContextCallback(g, DeviceInit: number, EvtIoInCallerContext: number) {
      initOf(g, DeviceInit).ioInCallerContext = EvtIoInCallerContext;
    },

    WdfDeviceInitSetRequestAttributes(g, DeviceInit: number, RequestAttributes: number) {
      const init = initOf(g, DeviceInit);
      fx.require(g, RequestAttributes);
      const attributes = readAttributes(fx, RequestAttributes, { parentNotAllowed: true });
      if (typeof attributes === 'number') g.record('FxDeviceInit::SetRequestAttributes', 'invalid request attributes, ignored');
      else init.requestAttributes = attributes;
    },

    WdfDeviceCreate(g, DeviceInit: number, DeviceAttributes: number, Device: number) {
      fx.require(g, DeviceInit);
      fx.require(g, Device);
      const init = initOf(g, as.u32(DeviceInit));
      const attributes = readAttributes(fx, DeviceAttributes, { parentNotAllowed: true, executionLevel: true, synchronizationScope: true });
      if (typeof attributes === 'number') return attributes;
      if (init.sddl !== undefined && init.name === undefined) return STATUS.INVALID_SECURITY_DESCR;
      const fileConstraints = fileObjectConstraintsStatus(g, attributes.executionLevel, attributes.synchronizationScope, init.fileObject);
      if (fileConstraints !== STATUS.SUCCESS) return fileConstraints;
      const scratch = fx.allocate(4, INIT_TAG);
      const name = init.name === undefined ? 0 : fx.unicodeString(init.name, INIT_TAG);
      const sddl = init.sddl === undefined ? 0 : fx.unicodeString(init.sddl, INIT_TAG);
      let status: number;
      const driverObject = init.driver.driverObject;
      if (sddl !== 0) status = k.ddi.IoCreateDeviceSecure(driverObject, 0, name, init.deviceType, init.characteristics, init.exclusive ? 1 : 0, sddl, 0, scratch);
      else status = k.ddi.IoCreateDevice(driverObject, 0, name, init.deviceType, init.characteristics, init.exclusive ? 1 : 0, scratch);
      const deviceObject = as.u32(scratch);
      for (const p of [scratch, name, sddl]) if (p) fx.free(p, INIT_TAG);
      if (!NT_SUCCESS(status)) return status;
      // The I/O type decides how the I/O manager hands over read and write buffers.
      const flags = as.u32(deviceObject + DEV.Flags);
      const io = init.ioType === WDF_DEVICE_IO_TYPE.Buffered ? DO.BUFFERED_IO : init.ioType === WDF_DEVICE_IO_TYPE.Direct ? DO.DIRECT_IO : 0;
      as.setU32(deviceObject + DEV.Flags, flags | io);
      const device = new FxDevice(fx, g, attributes, init, deviceObject);
      if (init.pnp) attachPnpDevice(fx, device, init.pnp);
      for (const hook of deviceCreateHooks) hook(device, init);
      if (!init.control) as.setU32(deviceObject + DEV.Flags, as.u32(deviceObject + DEV.Flags) & ~DO.DEVICE_INITIALIZING);
      freeInit(init);
      as.setU32(DeviceInit, 0);
      as.setU32(Device, device.handle);
      g.record('FxDevice::Initialize', `WDFDEVICE 0x${device.handle.toString(16)} !devobj 0x${deviceObject.toString(16)}${init.control ? ' (control device)' : ''}`);
      return STATUS.SUCCESS;
    },

    WdfControlFinishInitializing(g, Device: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      if (!device.control) {
        g.record('FxDevice::ControlDeviceFinishInitializing', `WDFDEVICE 0x${Device.toString(16)} is not a control device`);
        return;
      }
      as.setU32(device.deviceObject + DEV.Flags, as.u32(device.deviceObject + DEV.Flags) & ~DO.DEVICE_INITIALIZING);
    },

    WdfDeviceCreateSymbolicLink(g, Device: number, SymbolicLinkName: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, SymbolicLinkName);
      // An unnamed PnP device's link names its PDO (which the PnP manager named); an unnamed control device has none.
      const pdoName = device.deviceName === 0 && device.pnp ? k.io.deviceName(device.pnp.pdo) : undefined;
      if (device.deviceName === 0 && pdoName === undefined) return STATUS.INVALID_DEVICE_REQUEST;
      const target = pdoName === undefined ? device.deviceName : fx.unicodeString(pdoName, g.tag);
      const link = fx.unicodeString(fx.readUnicodeString(SymbolicLinkName), g.tag);
      const status = k.ddi.IoCreateSymbolicLink(link, target);
      if (target !== device.deviceName) fx.free(target, g.tag);
      if (NT_SUCCESS(status)) device.addSymbolicLink(link);
      else fx.free(link, g.tag);
      return status;
    },

    WdfDeviceWdmDispatchPreprocessedIrp(g, Device: number, Irp: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, Irp);
      // The driver skipped its stack location (IoSkipCurrentIrpStackLocation) before handing the IRP back: IoSetNextIrpStackLocation restores it.
      const irp = Irp >>> 0;
      as.setU8(irp + IRP.off.CurrentLocation, as.u8(irp + IRP.off.CurrentLocation) - 1);
      as.setU32(irp + IRP.off['Tail.CurrentStackLocation'], as.u32(irp + IRP.off['Tail.CurrentStackLocation']) - IO_STACK_LOCATION.size);
      return fx.frame('FxDevice::DispatchWithLock', () => dispatchToPackages(fx, device, irp));
    },

    WdfDeviceWdmGetDeviceObject(g, Device: number) {
      return fx.object<FxDevice>(g, Device, FX_TYPE.Device).deviceObject;
    },

    WdfWdmDeviceGetWdfDeviceHandle(g, DeviceObject: number) {
      fx.require(g, DeviceObject);
      return fx.devices.get(DeviceObject >>> 0)?.handle ?? 0;
    },

    WdfDeviceGetDriver(g, Device: number) {
      return (fx.object<FxDevice>(g, Device, FX_TYPE.Device).parent as FxDriver).handle;
    },

    WdfDeviceGetDefaultQueue(g, Device: number) {
      return fx.object<FxDevice>(g, Device, FX_TYPE.Device).defaultQueue?.handle ?? 0;
    },
  };
}
