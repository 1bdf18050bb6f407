/** Object manager DDIs. */
import { OBJECT_HANDLE_INFORMATION } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import { exportedData } from '../exported-data.ts';
import type { Kernel } from '../kernel.ts';

/** KPROCESSOR_MODE UserMode. */
const USER_MODE = 1;

export function obExports(k: Kernel) {
  const reference = (Object: number): number => k.ob.reference(Object >>> 0);
  const dereference = (Object: number): number => k.ob.dereference(Object >>> 0);
  /**
   * An ObjectType the caller names (*PsThreadType, *IoFileObjectType...) that is not the object's:
   * STATUS_OBJECT_TYPE_MISMATCH. NULL, or a type the kernel does not know, is not checked.
   */
  const typeMismatch = (object: number, ObjectType: number): boolean => {
    if (ObjectType === 0) return false;
    const wanted = exportedData(k).kindOfType(ObjectType >>> 0);
    return wanted !== undefined && k.ob.kindOf(object) !== wanted;
  };
  return {
    ObfReferenceObject: reference,
    ObReferenceObject: reference,
    ObfDereferenceObject: dereference,
    ObDereferenceObject: dereference,
    /** Take a reference on an object the caller already points to, of the ObjectType named. */
    ObReferenceObjectByPointer(Object: number, _DesiredAccess: number, ObjectType: number, _AccessMode: number): number {
      if (typeMismatch(Object >>> 0, ObjectType)) return STATUS.OBJECT_TYPE_MISMATCH;
      k.ob.reference(Object >>> 0);
      return STATUS.SUCCESS;
    },
    /**
     * Resolve a handle of the kernel handle table; *Object receives the object, referenced. For a
     * UserMode caller the handle must have been granted every right asked for (an object callback may
     * have stripped some): else STATUS_ACCESS_DENIED; KernelMode skips the check, as on Windows.
     * *HandleInformation, when given, receives the handle's attributes (none) and granted access (for a
     * handle whose access was never recorded, a kernel one, the rights asked for).
     */
    ObReferenceObjectByHandle(Handle: number, DesiredAccess: number, ObjectType: number, AccessMode: number, Object: number, HandleInformation: number): number {
      const object = k.ob.objectOfHandle(Handle >>> 0);
      if (object === undefined) return STATUS.INVALID_HANDLE;
      if (typeMismatch(object, ObjectType)) return STATUS.OBJECT_TYPE_MISMATCH;
      const granted = k.ob.accessOfHandle(Handle >>> 0);
      if ((AccessMode & 0xff) === USER_MODE && granted !== undefined && ((DesiredAccess >>> 0) & ~granted) !== 0) return STATUS.ACCESS_DENIED;
      k.ob.reference(object);
      k.as.setU32(Object, object);
      if (HandleInformation !== 0) {
        k.as.setU32((HandleInformation >>> 0) + OBJECT_HANDLE_INFORMATION.off.HandleAttributes, 0);
        k.as.setU32((HandleInformation >>> 0) + OBJECT_HANDLE_INFORMATION.off.GrantedAccess, granted ?? DesiredAccess >>> 0);
      }
      return STATUS.SUCCESS;
    },
  };
}
