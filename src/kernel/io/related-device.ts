/**
 * IoGetRelatedDeviceObject: the device a request on a file object goes to, the top of the stack
 * the file was opened on. (Windows takes a mounted volume's device from the file's VPB first; the
 * simulated volume mounts nothing on a VPB, so the file's own device is the one.)
 */
import { FILE_OBJECT } from '../../nt/layout.ts';
import type { Kernel } from '../kernel.ts';

export function relatedDeviceExports(k: Kernel) {
  return {
    /** Any IRQL. Not referenced: the file object's reference keeps the stack. */
    IoGetRelatedDeviceObject(FileObject: number): number {
      const device = k.as.u32((FileObject >>> 0) + FILE_OBJECT.off.DeviceObject);
      return device === 0 ? 0 : k.io.topOfStack(device);
    },
  };
}
