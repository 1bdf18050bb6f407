/**
 * ObRegisterCallbacks: pre- and post-operation callbacks on process and thread handle creation and
 * duplication. A pre callback may strip rights from DesiredAccess (never add any, and only the
 * rights the DDI reference lists as modifiable); the handle gets what is left.
 *
 * Registrations are ordered by altitude, compared as the numbers they spell: pre callbacks run from
 * the highest altitude down, post callbacks from the lowest up (the filter manager's order; the
 * reference names no other). Two registrations may not share an altitude
 * (STATUS_FLT_INSTANCE_ALTITUDE_COLLISION).
 */
import { OB_CALLBACK_REGISTRATION, OB_OPERATION_REGISTRATION, OB_POST_OPERATION_INFORMATION, OB_PRE_DUPLICATE_HANDLE_INFORMATION, OB_PRE_OPERATION_INFORMATION, UNICODE_STRING } from '../../nt/layout.ts';
import { poolTag } from '../../nt/pool.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import type { CallbackObjectKind } from './types.ts';

export const OB_FLT_REGISTRATION_VERSION = 0x0100;
export const OB_OPERATION = { HANDLE_CREATE: 1, HANDLE_DUPLICATE: 2 } as const;

/** The rights a pre callback can remove (OB_PRE_CREATE_HANDLE_INFORMATION); others stay as asked. */
export const MODIFIABLE_ACCESS: Record<CallbackObjectKind, number> = {
  // PROCESS_TERMINATE, CREATE_THREAD, VM_OPERATION, VM_WRITE, DUP_HANDLE, CREATE_PROCESS, SET_QUOTA, SET_INFORMATION, SUSPEND_RESUME
  Process: 0x0001 | 0x0002 | 0x0008 | 0x0020 | 0x0040 | 0x0080 | 0x0100 | 0x0200 | 0x0800,
  // THREAD_TERMINATE, SUSPEND_RESUME, SET_CONTEXT, SET_INFORMATION, SET_THREAD_TOKEN, IMPERSONATE, DIRECT_IMPERSONATION, SET_LIMITED_INFORMATION
  Thread: 0x0001 | 0x0002 | 0x0010 | 0x0020 | 0x0080 | 0x0100 | 0x0200 | 0x0400,
};

const TAG_CALLBACK = poolTag('ObCb');

interface Operation {
  readonly kind: CallbackObjectKind;
  readonly operations: number;
  readonly pre: number;
  readonly post: number;
}

interface Registration {
  /** The RegistrationHandle: the kernel's block for this registration. */
  readonly handle: number;
  readonly altitude: string;
  readonly context: number;
  readonly operations: readonly Operation[];
}

export interface HandleRequest {
  readonly object: number;
  readonly kind: CallbackObjectKind;
  readonly desiredAccess: number;
  readonly operation: number;
  readonly kernelHandle: boolean;
  /** OB_OPERATION_HANDLE_DUPLICATE: the processes the handle goes from and to. */
  readonly sourceProcess?: number;
  readonly targetProcess?: number;
}

export class ObCallbacks {
  private readonly registrations: Registration[] = [];

  constructor(private readonly k: Kernel) {}

  /** ObRegisterCallbacks: the status, and the registration handle when it succeeds. */
  register(registration: number): { status: number; handle: number } {
    const k = this.k;
    const R = OB_CALLBACK_REGISTRATION.off;
    const fail = (status: number) => ({ status, handle: 0 });
    if (k.as.u16(registration + R.Version) !== OB_FLT_REGISTRATION_VERSION) return fail(STATUS.INVALID_PARAMETER);
    const count = k.as.u16(registration + R.OperationRegistrationCount);
    if (count === 0) return fail(STATUS.INVALID_PARAMETER);
    const altitude = readUnicodeString(k, registration + R.Altitude);
    if (altitude === '') return fail(STATUS.INVALID_PARAMETER);
    const operations: Operation[] = [];
    const table = k.as.u32(registration + R.OperationRegistration);
    for (let i = 0; i < count; i++) {
      const op = table + i * OB_OPERATION_REGISTRATION.size;
      const O = OB_OPERATION_REGISTRATION.off;
      const typeVariable = k.as.u32(op + O.ObjectType);
      const kind = typeVariable === 0 ? undefined : k.obTypes.kindOf(k.as.u32(typeVariable));
      const ops = k.as.u32(op + O.Operations);
      const pre = k.as.u32(op + O.PreOperation);
      const post = k.as.u32(op + O.PostOperation);
      if (!kind || ops === 0 || (ops & ~(OB_OPERATION.HANDLE_CREATE | OB_OPERATION.HANDLE_DUPLICATE)) !== 0 || (pre === 0 && post === 0)) {
        return fail(STATUS.INVALID_PARAMETER);
      }
      operations.push({ kind, operations: ops, pre, post });
    }
    if (this.registrations.some((r) => r.altitude === altitude)) return fail(STATUS.FLT_INSTANCE_ALTITUDE_COLLISION);
    const handle = k.tryAllocateKernelObject(0x40, TAG_CALLBACK);
    if (handle === 0) return fail(STATUS.INSUFFICIENT_RESOURCES);
    this.registrations.push({ handle, altitude, context: k.as.u32(registration + R.RegistrationContext), operations });
    this.registrations.sort((a, b) => compareAltitudes(b.altitude, a.altitude));
    return { status: STATUS.SUCCESS, handle };
  }

  /** ObUnRegisterCallbacks: false for a handle that is not a registration (a second unregister). */
  unregister(handle: number): boolean {
    const i = this.registrations.findIndex((r) => r.handle === handle >>> 0);
    if (i < 0) return false;
    this.registrations.splice(i, 1);
    this.k.freeKernelObject(handle >>> 0);
    return true;
  }

  /** The access the handle gets after every pre callback had its say; the post callbacks see it. */
  handleOperation(req: HandleRequest): number {
    const k = this.k;
    const calls = this.registrations.flatMap((r) => r.operations.filter((o) => o.kind === req.kind && (o.operations & req.operation) !== 0).map((o) => ({ r, o })));
    if (calls.length === 0) return req.desiredAccess >>> 0;
    const typeObject = k.obTypes.typeObject(req.kind);
    const modifiable = MODIFIABLE_ACCESS[req.kind];
    const params = k.allocateKernelObject(OB_PRE_DUPLICATE_HANDLE_INFORMATION.size, TAG_CALLBACK);
    const info = k.allocateKernelObject(Math.max(OB_PRE_OPERATION_INFORMATION.size, OB_POST_OPERATION_INFORMATION.size), TAG_CALLBACK);
    const P = OB_PRE_DUPLICATE_HANDLE_INFORMATION.off;
    let access = req.desiredAccess >>> 0;
    const contexts: number[] = [];
    try {
      for (const { r, o } of calls) {
        const I = OB_PRE_OPERATION_INFORMATION.off;
        k.as.setU32(params + P.DesiredAccess, access);
        k.as.setU32(params + P.OriginalDesiredAccess, req.desiredAccess >>> 0);
        k.as.setU32(params + P.SourceProcess, req.sourceProcess ?? 0);
        k.as.setU32(params + P.TargetProcess, req.targetProcess ?? 0);
        k.as.setU32(info + I.Operation, req.operation);
        k.as.setU32(info + I.Flags, req.kernelHandle ? 1 : 0);
        k.as.setU32(info + I.Object, req.object);
        k.as.setU32(info + I.ObjectType, typeObject);
        k.as.setU32(info + I.CallContext, 0);
        k.as.setU32(info + I.Parameters, params);
        if (o.pre !== 0) k.callRoutine(o.pre, [r.context, info], ['ObpCallPreOperationCallbacks']);
        // Only rights the reference lists as modifiable can go, and none can come.
        access &= (k.as.u32(params + P.DesiredAccess) | ~modifiable) >>> 0;
        access >>>= 0;
        contexts.push(k.as.u32(info + I.CallContext));
      }
      for (let i = calls.length - 1; i >= 0; i--) {
        const { r, o } = calls[i]!;
        if (o.post === 0) continue;
        const I = OB_POST_OPERATION_INFORMATION.off;
        k.as.setU32(params, access); // OB_POST_*_HANDLE_INFORMATION.GrantedAccess
        k.as.setU32(info + I.Operation, req.operation);
        k.as.setU32(info + I.Flags, req.kernelHandle ? 1 : 0);
        k.as.setU32(info + I.Object, req.object);
        k.as.setU32(info + I.ObjectType, typeObject);
        k.as.setU32(info + I.CallContext, contexts[i]!);
        k.as.setU32(info + I.ReturnStatus, STATUS.SUCCESS);
        k.as.setU32(info + I.Parameters, params);
        k.callRoutine(o.post, [r.context, info], ['ObpCallPostOperationCallbacks']);
      }
    } finally {
      k.freeKernelObject(info);
      k.freeKernelObject(params);
    }
    return access;
  }
}

/** Altitudes are decimal strings ("321000", "1000.5"): compared as numbers, then as text. */
function compareAltitudes(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function readUnicodeString(k: Kernel, us: number): string {
  const length = k.as.u16(us + UNICODE_STRING.off.Length);
  const buffer = k.as.u32(us + UNICODE_STRING.off.Buffer);
  if (length === 0 || buffer === 0) return '';
  return k.as.utf16(buffer, length >>> 1);
}
