/**
 * The handle system services a user process calls (NtOpenProcess, NtOpenThread, NtDuplicateObject,
 * NtClose), as the run's client makes them: in its thread, through the object callbacks, into the
 * one handle table. For tests and `dv run`; drivers use ObOpenObjectByPointer.
 */
import { SimulatorError } from '../errors.ts';
import type { Kernel } from '../kernel.ts';
import { OB_OPERATION } from './callbacks.ts';
import type { CallbackObjectKind } from './types.ts';

export interface UserHandle {
  readonly handle: number;
  /** What the object callbacks left of the access asked for. */
  readonly grantedAccess: number;
}

/** NtOpenProcess / NtOpenThread by client id, from `caller` (default: the run's client thread). */
export function openByClientId(k: Kernel, kind: CallbackObjectKind, id: number, desiredAccess: number, caller = k.userThread): UserHandle {
  const object = kind === 'Process' ? k.ps.processById(id)?.address : k.ps.threadById(id)?.address;
  if (object === undefined || k.ob.kindOf(object) !== kind) throw new SimulatorError(`no ${kind.toLowerCase()} with id ${id} (0x${(id >>> 0).toString(16)}) to open`);
  return k.runInThread(caller, () =>
    k.withFrames([kind === 'Process' ? 'NtOpenProcess' : 'NtOpenThread'], () => {
      const grantedAccess = k.obCallbacks.handleOperation({ object, kind, desiredAccess: desiredAccess >>> 0, operation: OB_OPERATION.HANDLE_CREATE, kernelHandle: false });
      return { handle: k.ob.createHandle(object, grantedAccess, caller.process.address), grantedAccess };
    }),
  );
}

/** NtDuplicateObject within the caller's process: a new handle to the same object, asking `desiredAccess`. */
export function duplicateHandle(k: Kernel, handle: number, desiredAccess: number, caller = k.userThread): UserHandle {
  const object = k.ob.objectOfHandle(handle);
  const kind = object === undefined ? undefined : k.ob.kindOf(object);
  if (object === undefined || (kind !== 'Process' && kind !== 'Thread')) throw new SimulatorError(`handle 0x${(handle >>> 0).toString(16)} is not a process or thread handle`);
  const process = caller.process.address;
  return k.runInThread(caller, () =>
    k.withFrames(['NtDuplicateObject'], () => {
      const grantedAccess = k.obCallbacks.handleOperation({
        object,
        kind,
        desiredAccess: desiredAccess >>> 0,
        operation: OB_OPERATION.HANDLE_DUPLICATE,
        kernelHandle: false,
        sourceProcess: process,
        targetProcess: process,
      });
      return { handle: k.ob.createHandle(object, grantedAccess, caller.process.address), grantedAccess };
    }),
  );
}
