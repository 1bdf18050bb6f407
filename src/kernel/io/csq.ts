/**
 * Cancel-safe IRP queues (IoCsq*) and IRP cancellation. The queue's storage and lock belong to the
 * driver: the kernel calls the driver's six routines, and keeps the queue and the IRP pointing at
 * each other (Irp->Tail.Overlay.DriverContext[3]) so a cancel finds the queue.
 */
import { IO_CSQ, IO_CSQ_IRP_CONTEXT, IO_STACK_LOCATION, IRP } from '../../nt/layout.ts';
import { DISPATCH_LEVEL } from '../../nt/irql.ts';
import { SL } from '../../nt/io.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';

const C = IO_CSQ.off;
const X = IO_CSQ_IRP_CONTEXT.off;
const I = IRP.off;
/** IO_TYPE_CSQ_IRP_CONTEXT / IO_TYPE_CSQ / IO_TYPE_CSQ_EX (wdm.h). */
export const IO_TYPE_CSQ_IRP_CONTEXT = 1;
const IO_TYPE_CSQ = 2;
export const IO_TYPE_CSQ_EX = 3;
/** Irp->Tail.Overlay.DriverContext[3]: the queue (or the context) an IRP is queued in. */
export const DRIVER_CONTEXT_3 = I['Tail.DriverContext'] + 12;

/** Call one of the driver's queue routines. */
export const csqCall = (k: Kernel, routine: number, args: number[]) => k.callRoutine(routine, args, []) as number;

/** The driver's CsqAcquireLock, with the IRQL slot it fills; returns the slot for csqUnlock. */
export function csqLock(k: Kernel, csq: number): number {
  const irqlSlot = k.allocateKernelObject(4, 0x71737343 /* 'Csqq' */);
  csqCall(k, k.as.u32(csq + C.CsqAcquireLock), [csq, irqlSlot]);
  return irqlSlot;
}

export function csqUnlock(k: Kernel, csq: number, irqlSlot: number): void {
  csqCall(k, k.as.u32(csq + C.CsqReleaseLock), [csq, k.as.u8(irqlSlot)]);
  k.freeKernelObject(irqlSlot);
}

/** IoCsqInitialize(Ex): the queue's type and the driver's six routines, in IO_CSQ order. */
export function csqInitialize(k: Kernel, csq: number, type: number, routines: readonly [number, number, number, number, number, number]): number {
  const fields = [C.CsqInsertIrp, C.CsqRemoveIrp, C.CsqPeekNextIrp, C.CsqAcquireLock, C.CsqReleaseLock, C.CsqCompleteCanceledIrp] as const;
  k.as.setU32(csq + C.Type, type);
  fields.forEach((field, i) => k.as.setU32(csq + field!, routines[i]!));
  k.as.setU32(csq + C.ReservePointer, 0);
  return STATUS.SUCCESS;
}

export function csqExports(k: Kernel) {
  const as = k.as;
  const call = (routine: number, args: number[]) => csqCall(k, routine, args);
  const lock = (csq: number): number => csqLock(k, csq);
  const unlock = (csq: number, irqlSlot: number): void => csqUnlock(k, csq, irqlSlot);

  /** The cancel routine IoCsqInsertIrp installs: take the IRP off its queue and let the driver complete it. */
  const cancelRoutine = k.nt.address('IopCsqCancelRoutine');
  k.registerRoutine(
    cancelRoutine,
    ((_device: number, irp: number) => {
      ddi.IoReleaseCancelSpinLock(as.u8(irp + I.CancelIrql));
      const ctx = as.u32(irp + DRIVER_CONTEXT_3);
      const csq = as.u32(ctx) === IO_TYPE_CSQ_IRP_CONTEXT ? as.u32(ctx + X.Csq) : ctx;
      const slot = lock(csq);
      call(as.u32(csq + C.CsqRemoveIrp), [csq, irp]);
      if (as.u32(ctx) === IO_TYPE_CSQ_IRP_CONTEXT) as.setU32(ctx + X.Irp, 0);
      unlock(csq, slot);
      call(as.u32(csq + C.CsqCompleteCanceledIrp), [csq, irp]);
    }) as never,
    'nt',
  );

  /** Clear the IRP's cancel routine; false if a cancel already took it (the cancel path owns the IRP). */
  const disarm = (irp: number): boolean => {
    const had = as.u32(irp + I.CancelRoutine);
    as.setU32(irp + I.CancelRoutine, 0);
    return had !== 0;
  };

  const ddi = {
    IoAcquireCancelSpinLock(Irql: number): void {
      as.setU8(Irql, k.prcb.irql);
      k.prcb.irql = Math.max(k.prcb.irql, DISPATCH_LEVEL);
    },
    IoReleaseCancelSpinLock(Irql: number): void {
      k.prcb.irql = Irql;
      if (Irql < DISPATCH_LEVEL && k.prcb.dpcQueue.length > 0) k.dispatcher.deliverDpcs();
    },
    /** Mark the IRP canceled and call its cancel routine with the cancel spin lock held. */
    IoCancelIrp(Irp: number): number {
      const irql = k.allocateKernelObject(4, 0x6c636e43 /* 'Cncl' */);
      ddi.IoAcquireCancelSpinLock(irql);
      as.setU8(Irp + I.Cancel, 1);
      const routine = as.u32(Irp + I.CancelRoutine);
      as.setU32(Irp + I.CancelRoutine, 0);
      if (routine === 0) {
        ddi.IoReleaseCancelSpinLock(as.u8(irql));
        k.freeKernelObject(irql);
        return 0;
      }
      as.setU8(Irp + I.CancelIrql, as.u8(irql));
      k.freeKernelObject(irql);
      call(routine, [as.u32(k.io.currentStackLocation(Irp) + IO_STACK_LOCATION.off.DeviceObject), Irp]);
      return 1;
    },
    IoCsqInitialize(Csq: number, InsertIrp: number, RemoveIrp: number, PeekNextIrp: number, AcquireLock: number, ReleaseLock: number, CompleteCanceledIrp: number): number {
      return csqInitialize(k, Csq >>> 0, IO_TYPE_CSQ, [InsertIrp, RemoveIrp, PeekNextIrp, AcquireLock, ReleaseLock, CompleteCanceledIrp]);
    },
    /** Queue an IRP (marked pending) with a cancel routine; Context may be NULL. */
    IoCsqInsertIrp(Csq: number, Irp: number, Context: number): void {
      const slot = lock(Csq);
      if (Context !== 0) {
        as.setU32(Context + X.Type, IO_TYPE_CSQ_IRP_CONTEXT);
        as.setU32(Context + X.Irp, Irp);
        as.setU32(Context + X.Csq, Csq);
      }
      as.setU32(Irp + DRIVER_CONTEXT_3, Context !== 0 ? Context : Csq);
      as.setU32(Irp + I.CancelRoutine, cancelRoutine);
      const sp = k.io.currentStackLocation(Irp);
      as.setU8(sp + IO_STACK_LOCATION.off.Control, as.u8(sp + IO_STACK_LOCATION.off.Control) | SL.PENDING_RETURNED);
      call(as.u32(Csq + C.CsqInsertIrp), [Csq, Irp]);
      unlock(Csq, slot);
    },
    /** Dequeue the next IRP the driver's peek routine picks; NULL if none (or all are being canceled). */
    IoCsqRemoveNextIrp(Csq: number, PeekContext: number): number {
      const slot = lock(Csq);
      let irp = call(as.u32(Csq + C.CsqPeekNextIrp), [Csq, 0, PeekContext]) >>> 0;
      while (irp !== 0 && !disarm(irp)) irp = call(as.u32(Csq + C.CsqPeekNextIrp), [Csq, irp, PeekContext]) >>> 0;
      if (irp !== 0) {
        call(as.u32(Csq + C.CsqRemoveIrp), [Csq, irp]);
        const ctx = as.u32(irp + DRIVER_CONTEXT_3);
        if (ctx !== 0 && as.u32(ctx) === IO_TYPE_CSQ_IRP_CONTEXT) as.setU32(ctx + X.Irp, 0);
        as.setU32(irp + DRIVER_CONTEXT_3, 0);
      }
      unlock(Csq, slot);
      return irp;
    },
    /** Dequeue the IRP a context names; NULL if it is gone or being canceled. */
    IoCsqRemoveIrp(Csq: number, Context: number): number {
      const slot = lock(Csq);
      const irp = as.u32(Context + X.Irp);
      let out = 0;
      if (irp !== 0 && disarm(irp)) {
        call(as.u32(Csq + C.CsqRemoveIrp), [Csq, irp]);
        as.setU32(Context + X.Irp, 0);
        as.setU32(irp + DRIVER_CONTEXT_3, 0);
        out = irp;
      }
      unlock(Csq, slot);
      return out;
    },
  };
  return ddi;
}
