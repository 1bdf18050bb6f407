/** Object manager DDIs. */
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

export function obExports(k: Kernel) {
  const reference = (Object: number): number => k.ob.reference(Object >>> 0);
  const dereference = (Object: number): number => k.ob.dereference(Object >>> 0);
  return {
    ObfReferenceObject: reference,
    ObReferenceObject: reference,
    ObfDereferenceObject: dereference,
    ObDereferenceObject: dereference,
    /** Take a reference on an object the caller already points to. The type is not checked here. */
    ObReferenceObjectByPointer(Object: number, _DesiredAccess: number, _ObjectType: number, _AccessMode: number): number {
      k.ob.reference(Object >>> 0);
      return STATUS.SUCCESS;
    },
    /** Resolve a handle of the kernel handle table; *Object receives the object, referenced. */
    ObReferenceObjectByHandle(Handle: number, _DesiredAccess: number, _ObjectType: number, _AccessMode: number, Object: number, _HandleInformation: number): number {
      const object = k.ob.objectOfHandle(Handle >>> 0);
      if (object === undefined) return STATUS.INVALID_HANDLE;
      k.ob.reference(object);
      k.as.setU32(Object, object);
      return STATUS.SUCCESS;
    },
  };
}
