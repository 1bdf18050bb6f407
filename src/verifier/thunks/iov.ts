/**
 * I/O verification thunks (0x10): the checks Windows makes in IovCompleteRequest, IovCallDriver and
 * IovFreeIrp when a verified driver completes, sends or frees an IRP, and the IRP freed with
 * ExFreePool (0xC4/0x105). The checks around its own dispatch and completion routines are
 * io-verify.ts's. With the option off each DDI runs as the kernel does it. With Force pending I/O
 * (0x200) IoCallDriver goes through force-pending.ts.
 */
import { IO_TYPE } from '../../nt/io.ts';
import { DEVICE_OBJECT, IRP } from '../../nt/layout.ts';
import { DISPATCH_LEVEL } from '../../nt/irql.ts';
import { STATUS } from '../../nt/status.ts';
import { TAG } from '../../kernel/tags.ts';
import type { AnyFn, ThunkSet, VerifierContext } from '../context.ts';
import { VF } from '../flags.ts';
import { forcePendingCall, forcesPending } from '../force-pending.ts';
import { ioVerification } from '../io-verify.ts';
import type { IrpLogOperation } from '../irp-log.ts';
import { RULES } from '../rules.ts';
import { thunkFrame, thunkRoutines } from './frames.ts';
import { buildIoctlThunk } from './iov-build.ts';
import { checkPnpPowerComplete, checkPnpPowerSend } from './iov-pnp.ts';

const I = IRP.off;
const on = (vf: VerifierContext) => (vf.flags & VF.IO_VERIFICATION) !== 0;

function completeThunk(ddi: string) {
  return (next: AnyFn, vf: VerifierContext): AnyFn => {
    const frames = [thunkFrame(vf, ddi)];
    const thunk = (Irp: number, PriorityBoost: number): void => {
      const irp = Irp >>> 0;
      if (on(vf)) {
        const k = vf.k;
        if (k.irql > DISPATCH_LEVEL) vf.violation(RULES.CompleteAboveDispatch, k.irql, irp, 0, frames);
        const status = k.as.u32(irp + I['IoStatus.Status']);
        if (status === STATUS.PENDING || status === 0xffffffff) vf.violation(RULES.CompleteWithPending, status, irp, 0, frames);
        const cancel = k.as.u32(irp + I.CancelRoutine);
        if (cancel !== 0) vf.violation(RULES.CompleteWithCancelRoutine, k.routineAddress(cancel), irp, 0, frames);
        checkPnpPowerComplete(vf, irp, frames, thunk);
      }
      logIrp(vf, 'IoCompleteRequest', irp, frames, thunk);
      (next as (a: number, b: number) => void)(Irp, PriorityBoost);
    };
    return thunk as AnyFn;
  };
}

/** IRP logging (0x400, with 0x10): record the call in the IRP log. */
function logIrp(vf: VerifierContext, operation: IrpLogOperation, irp: number, frames: readonly number[], skip: Function): void {
  if ((vf.flags & (VF.IO_VERIFICATION | VF.IRP_LOGGING)) !== (VF.IO_VERIFICATION | VF.IRP_LOGGING)) return;
  const k = vf.k;
  const status = operation === 'IoCompleteRequest' ? k.as.u32(irp + I['IoStatus.Status']) : 0;
  ioVerification(k)?.irpLog.add({ operation, irp, thread: k.currentThread.address, status, stack: vf.captureStack(frames, skip) });
}

function callThunk(ddi: string) {
  return (next: AnyFn, vf: VerifierContext): AnyFn => {
    const frames = [thunkFrame(vf, ddi)];
    const thunk = (DeviceObject: number, Irp: number): number => {
      const irp = Irp >>> 0;
      const device = DeviceObject >>> 0;
      if (on(vf)) {
        const k = vf.k;
        if (k.irql > DISPATCH_LEVEL) vf.violation(RULES.CallDriverAboveDispatch, k.irql, 0, 0, frames);
        if (irp === 0 || k.as.u16(irp + I.Type) !== IO_TYPE.IRP) vf.violation(RULES.CallDriverNotAnIrp, irp, 0, 0, frames);
        if (device === 0 || k.as.u16(device + DEVICE_OBJECT.off.Type) !== IO_TYPE.DEVICE) vf.violation(RULES.CallDriverBadDevice, device, 0, 0, frames);
        // IoCallDriver takes the next location: at location 1 there is none (the kernel's 0x35 otherwise).
        if (k.as.u8(irp + I.CurrentLocation) <= 1) vf.violation(RULES.IrpStackExhausted, vf.caller(thunk), irp, 0, frames);
        const cancel = k.as.u32(irp + I.CancelRoutine);
        if (cancel !== 0) vf.violation(RULES.ForwardWithCancelRoutine, vf.caller(thunk), irp, k.routineAddress(cancel), frames);
        checkPnpPowerSend(vf, irp, frames, thunk);
      }
      if (forcesPending(vf)) return forcePendingCall(vf, next, device, irp);
      return (next as (a: number, b: number) => number)(DeviceObject, Irp);
    };
    return thunk as AnyFn;
  };
}

export const iovThunks: ThunkSet = {
  IofCompleteRequest: completeThunk('IofCompleteRequest'),
  IoCompleteRequest: completeThunk('IoCompleteRequest'),
  IofCallDriver: callThunk('IofCallDriver'),
  IoCallDriver: callThunk('IoCallDriver'),
  // PoCallDriver is IoCallDriver since Vista (po/exports.ts); its own checks are the power IRP rules.
  PoCallDriver: (next: AnyFn, vf: VerifierContext) => {
    const frames = [thunkFrame(vf, 'PoCallDriver')];
    const thunk = (DeviceObject: number, Irp: number): number => {
      if (on(vf)) checkPnpPowerSend(vf, Irp >>> 0, frames, thunk);
      return (next as (a: number, b: number) => number)(DeviceObject, Irp);
    };
    return thunk as AnyFn;
  },
  // The removal rules (io-verify.ts) need to know a driver left its stack while it handled IRP_MN_REMOVE_DEVICE.
  IoDetachDevice: (next: AnyFn, vf: VerifierContext) => (TargetDevice: number): void => {
    if (on(vf)) ioVerification(vf.k)?.deviceDetached(TargetDevice >>> 0);
    (next as (a: number) => void)(TargetDevice);
  },
  IoDeleteDevice: (next: AnyFn, vf: VerifierContext) => (DeviceObject: number): void => {
    if (on(vf)) ioVerification(vf.k)?.deviceDeleted(DeviceObject >>> 0);
    (next as (a: number) => void)(DeviceObject);
  },
  IoBuildDeviceIoControlRequest: buildIoctlThunk,
  IoFreeIrp: (next: AnyFn, vf: VerifierContext) => {
    const frames = [thunkFrame(vf, 'IoFreeIrp')];
    const thunk = (Irp: number): void => {
      const irp = Irp >>> 0;
      if (on(vf)) {
        const k = vf.k;
        if (irp === 0 || k.as.u16(irp + I.Type) !== IO_TYPE.IRP) vf.violation(RULES.FreeNotAnIrp, irp, 0, 0, frames);
        if (ioVerification(k)?.inFlight.has(irp)) vf.violation(RULES.FreeIrpInUse, vf.caller(thunk), irp, 0, frames);
      }
      (next as (a: number) => void)(Irp);
    };
    return thunk as AnyFn;
  },
  IoAllocateIrp: (next: AnyFn, vf: VerifierContext) => {
    const frames = [thunkFrame(vf, 'IoAllocateIrp')];
    const thunk = (StackSize: number, ChargeQuota: number): number => {
      const irp = (next as (a: number, b: number) => number)(StackSize, ChargeQuota) >>> 0;
      if (irp !== 0) logIrp(vf, 'IoAllocateIrp', irp, frames, thunk);
      return irp;
    };
    return thunk as AnyFn;
  },
  IoCancelIrp: (next: AnyFn, vf: VerifierContext) => {
    const frames = [thunkFrame(vf, 'IoCancelIrp')];
    const thunk = (Irp: number): number => {
      logIrp(vf, 'IoCancelIrp', Irp >>> 0, frames, thunk);
      return (next as (a: number) => number)(Irp);
    };
    return thunk as AnyFn;
  },
  ExFreePool: freePoolThunk('ExFreePool'),
  ExFreePoolWithTag: freePoolThunk('ExFreePoolWithTag'),
};

/** An IRP (a pool block of the I/O manager's tag that starts with IO_TYPE_IRP) goes back with IoFreeIrp. */
function freePoolThunk(ddi: string) {
  return (next: AnyFn, vf: VerifierContext): AnyFn => {
    const frames = [thunkFrame(vf, ddi)];
    return ((...a: number[]): void => {
      const p = (a[0]! >>> 0) as number;
      if (on(vf)) {
        const block = vf.k.pool.block(p);
        if (block && block.tag === TAG.Irp && vf.k.as.u16(p + I.Type) === IO_TYPE.IRP) vf.violation(RULES.IrpFreedWithExFreePool, p, 0, 0, frames);
      }
      (next as (...x: number[]) => void)(...a);
    }) as AnyFn;
  };
}

export const IOV_THUNK_ROUTINES = thunkRoutines(iovThunks);
