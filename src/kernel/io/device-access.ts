/**
 * Devices by security and by name: IoCreateDeviceSecure (wdmsec.lib's routine: IoCreateDevice with a
 * security descriptor given as SDDL) and IoGetDeviceObjectPointer (open a device by name from kernel
 * mode, keep the file object, return the top of its stack).
 */
import { FILE_OBJECT } from '../../nt/layout.ts';
import { NT_SUCCESS, STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { parseDeviceSddl } from './sddl.ts';

export function deviceAccessExports(k: Kernel) {
  const io = k.io;
  const as = k.as;
  return {
    /**
     * IoCreateDevice with DefaultSDDLString as the device's security descriptor (recorded; no access
     * check reads it yet). A missing or malformed SDDL string: STATUS_INVALID_PARAMETER, no device.
     * DeviceClassGuid names the class whose registry settings could override the SDDL: none are kept.
     */
    IoCreateDeviceSecure(
      DriverObject: number,
      DeviceExtensionSize: number,
      DeviceName: number,
      DeviceType: number,
      DeviceCharacteristics: number,
      _Exclusive: number,
      DefaultSDDLString: number,
      _DeviceClassGuid: number,
      DeviceObject: number,
    ): number {
      const sddl = DefaultSDDLString === 0 ? undefined : io.readUnicodeString(DefaultSDDLString);
      if (sddl === undefined || parseDeviceSddl(sddl) === undefined) return STATUS.INVALID_PARAMETER;
      const name = DeviceName === 0 ? undefined : io.readUnicodeString(DeviceName);
      const [status, device] = io.createDevice(DriverObject >>> 0, DeviceExtensionSize, name, DeviceType, DeviceCharacteristics);
      as.setU32(DeviceObject, device);
      if (NT_SUCCESS(status)) io.deviceSddl.set(device, sddl);
      return status;
    },
    /**
     * Open ObjectName (\Device\X, or a symbolic link to it) as ZwOpenFile would: IRP_MJ_CREATE to the
     * device's stack, then the handle is closed (IRP_MJ_CLEANUP) and the file object stays referenced
     * for the caller, whose ObDereferenceObject sends IRP_MJ_CLOSE. *DeviceObject is the top of the
     * stack (IoGetRelatedDeviceObject), not referenced. STATUS_OBJECT_NAME_NOT_FOUND for a name that
     * is no device; the CREATE's failure status if the device refuses the open. PASSIVE_LEVEL.
     */
    IoGetDeviceObjectPointer(ObjectName: number, _DesiredAccess: number, FileObject: number, DeviceObject: number): number {
      const open = io.files.openDevice(io.readUnicodeString(ObjectName), 0);
      if (!NT_SUCCESS(open.status)) return open.status;
      io.files.cleanupFile(open.file);
      as.setU32(FileObject, open.file);
      as.setU32(DeviceObject, io.topOfStack(as.u32(open.file + FILE_OBJECT.off.DeviceObject)));
      return open.status;
    },
  };
}
