/** ObRegisterCallbacks and the handle operations that call them (wdm.h). */
import { BUGCHECK } from '../../nt/bugcheck.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { OB_FLT_REGISTRATION_VERSION, OB_OPERATION } from './callbacks.ts';
import { OBJ_KERNEL_HANDLE, userHandleTable } from './handle-table.ts';


export function obCallbackExports(k: Kernel) {
  return {
    ObRegisterCallbacks(CallbackRegistration: number, RegistrationHandle: number): number {
      const r = k.obCallbacks.register(CallbackRegistration >>> 0);
      if (r.status === STATUS.SUCCESS) k.as.setU32(RegistrationHandle, r.handle);
      return r.status;
    },
    /**
     * A handle that is no registration (the second unregister of one) frees the kernel's block twice:
     * the reference warns of bug check 0x7E, the exception no handler takes in a system thread.
     */
    ObUnRegisterCallbacks(RegistrationHandle: number): void {
      if (k.obCallbacks.unregister(RegistrationHandle)) return;
      const inSystemThread = k.currentThread.process === k.systemProcess && k.currentThread !== k.systemThread;
      const code = inSystemThread ? BUGCHECK.SYSTEM_THREAD_EXCEPTION_NOT_HANDLED : BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED;
      k.bugCheck(code, 0xc0000005, k.nt.address('ObUnRegisterCallbacks'), 0, RegistrationHandle >>> 0);
    },
    ObGetFilterVersion(): number {
      return OB_FLT_REGISTRATION_VERSION;
    },
    /**
     * A handle to an object the caller points to. For a process or thread the object callbacks run
     * first and may strip rights; the handle is in the kernel's table (the only one there is).
     */
    ObOpenObjectByPointer(Object: number, HandleAttributes: number, _PassedAccessState: number, DesiredAccess: number, ObjectType: number, _AccessMode: number, Handle: number): number {
      const object = Object >>> 0;
      const kind = k.ob.kindOf(object);
      if (kind === undefined) return STATUS.INVALID_PARAMETER;
      if (ObjectType !== 0) {
        const expected = k.obTypes.kindOf(ObjectType);
        if (expected !== undefined && expected !== kind) return STATUS.OBJECT_TYPE_MISMATCH;
      }
      if (kind === 'Process' || kind === 'Thread') {
        const granted = k.obCallbacks.handleOperation({
          object,
          kind,
          desiredAccess: DesiredAccess,
          operation: OB_OPERATION.HANDLE_CREATE,
          kernelHandle: (HandleAttributes & OBJ_KERNEL_HANDLE) !== 0,
        });
        k.as.setU32(Handle, k.ob.createHandle(object, granted, userHandleTable(k, HandleAttributes)));
        return STATUS.SUCCESS;
      }
      k.as.setU32(Handle, k.ob.createHandle(object, DesiredAccess >>> 0, userHandleTable(k, HandleAttributes)));
      return STATUS.SUCCESS;
    },
  };
}
