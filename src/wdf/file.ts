/**
 * WDFFILEOBJECT: the framework's object for a FILE_OBJECT opened on one of its devices, made at
 * IRP_MJ_CREATE when the device has a file object configuration, and deleted at IRP_MJ_CLOSE. The
 * device's EvtDeviceFileCreate completes the create itself; without one the framework completes it.
 */
import { FILE_OBJECT } from '../nt/layout.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxObject } from './object.ts';

const FO = FILE_OBJECT.off;

export class FxFileObject extends FxObject {
  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    readonly device: FxDevice,
    readonly fileObject: number,
  ) {
    super(fx, g, device.fileObject!.attributes, device, FX_TYPE.FileObject);
    fx.fileObjects.set(fileObject, this);
  }

  override get driverMayDelete(): boolean {
    return false;
  }

  protected override dispose(): void {
    this.fx.fileObjects.delete(this.fileObject);
  }
}

export function fileExports(fx: Framework): Record<string, WdfDdi> {
  const file = (g: FxDriverGlobals, handle: number) => fx.object<FxFileObject>(g, handle, FX_TYPE.FileObject);
  return {
    WdfFileObjectGetFileName(g, FileObject: number) {
      return file(g, FileObject).fileObject + FO.FileName;
    },
    WdfFileObjectGetFlags(g, FileObject: number) {
      return fx.k.as.u32(file(g, FileObject).fileObject + FO.Flags);
    },
    WdfFileObjectGetDevice(g, FileObject: number) {
      return file(g, FileObject).device.handle;
    },
    WdfFileObjectWdmGetFileObject(g, FileObject: number) {
      return file(g, FileObject).fileObject;
    },
  };
}
