/**
 * IoConnectInterrupt(Ex), IoDisconnectInterrupt(Ex), KeSynchronizeExecution and the interrupt spin
 * lock (the objects and their dispatch are in interrupts.ts). IoConnectInterruptEx's statuses are the
 * ones its reference lists: STATUS_INVALID_PARAMETER (no device object), STATUS_INVALID_PARAMETER_1 (a
 * version it does not know), STATUS_INVALID_PARAMETER_10 (no processor in ProcessorEnableMask),
 * STATUS_NOT_FOUND (the device has no interrupt of that kind). There are no message-signaled
 * interrupts: CONNECT_MESSAGE_BASED connects FallBackServiceRoutine to the line, and says so in Version.
 */
import {
  CONNECT_VERSION,
  IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS,
  IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS,
  IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS,
  IO_CONNECT_INTERRUPT_PARAMETERS,
  IO_DISCONNECT_INTERRUPT_PARAMETERS,
} from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import type { ConnectSpec } from './interrupts.ts';

const P = IO_CONNECT_INTERRUPT_PARAMETERS.off;
const FS = IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS.off;
const LB = IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS.off;
const MB = IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS.off;
const D = IO_DISCONNECT_INTERRUPT_PARAMETERS.off;
/** The union's offset in IO_CONNECT_INTERRUPT_PARAMETERS. */
const U = P.FullySpecified!;

export function interruptExports(k: Kernel) {
  const as = k.as;
  const ints = () => k.hal.interrupts;
  /** Connect and store the object where the caller asked; the status either way. */
  const connect = (spec: ConnectSpec, interruptObject: number): number => {
    const r = ints().connect(spec);
    if (r.interrupt) as.setU32(interruptObject, r.interrupt.address);
    return r.status;
  };
  /** The line-based interrupt of a device, connected to `routine`. */
  const connectLine = (pdo: number, routine: number, context: number, spinLock: number, synchronizeIrql: number, interruptObject: number): number => {
    if (pdo === 0) return STATUS.INVALID_PARAMETER;
    const line = ints().lines.get(pdo);
    if (!line) return STATUS.NOT_FOUND;
    // SynchronizeIrql counts only with a spin lock of the driver's (shared by several ISRs).
    const sync = spinLock !== 0 ? synchronizeIrql : line.irql;
    return connect({ serviceRoutine: routine, serviceContext: context, spinLock, vector: line.vector, irql: line.irql, synchronizeIrql: sync, mode: line.mode, shareVector: line.shareVector, version: CONNECT_VERSION.LINE_BASED, processorEnableMask: 1 }, interruptObject);
  };
  return {
    /** PASSIVE_LEVEL. STATUS_INVALID_PARAMETER for SynchronizeIrql below Irql, no processor in the mask, or a vector another connection will not share. */
    IoConnectInterrupt(
      InterruptObject: number,
      ServiceRoutine: number,
      ServiceContext: number,
      SpinLock: number,
      Vector: number,
      Irql: number,
      SynchronizeIrql: number,
      InterruptMode: number,
      ShareVector: number,
      ProcessorEnableMask: number,
      _FloatingSave: number,
    ): number {
      const spec: ConnectSpec = {
        serviceRoutine: ServiceRoutine >>> 0,
        serviceContext: ServiceContext >>> 0,
        spinLock: SpinLock >>> 0,
        vector: Vector >>> 0,
        irql: Irql & 0xff,
        synchronizeIrql: SynchronizeIrql & 0xff,
        mode: InterruptMode >>> 0,
        shareVector: (ShareVector & 0xff) !== 0,
        version: CONNECT_VERSION.FULLY_SPECIFIED,
        processorEnableMask: ProcessorEnableMask >>> 0,
      };
      return connect(spec, InterruptObject >>> 0);
    },
    /** PASSIVE_LEVEL. Fills in the object (and for a message-based request that fell back, Version). */
    IoConnectInterruptEx(Parameters: number): number {
      const p = Parameters >>> 0;
      const version = as.u32(p + P.Version);
      const u = p + U;
      if (version === CONNECT_VERSION.FULLY_SPECIFIED || version === CONNECT_VERSION.FULLY_SPECIFIED_GROUP) {
        if (as.u32(u + FS.PhysicalDeviceObject) === 0) return STATUS.INVALID_PARAMETER;
        const mask = as.u32(u + FS.ProcessorEnableMask);
        if (mask === 0) return STATUS.INVALID_PARAMETER_10;
        return connect(
          {
            serviceRoutine: as.u32(u + FS.ServiceRoutine),
            serviceContext: as.u32(u + FS.ServiceContext),
            spinLock: as.u32(u + FS.SpinLock),
            vector: as.u32(u + FS.Vector),
            irql: as.u8(u + FS.Irql),
            synchronizeIrql: as.u8(u + FS.SynchronizeIrql),
            mode: as.u32(u + FS.InterruptMode),
            shareVector: as.u8(u + FS.ShareVector) !== 0,
            version,
            processorEnableMask: mask,
          },
          as.u32(u + FS.InterruptObject),
        );
      }
      if (version === CONNECT_VERSION.LINE_BASED) {
        return connectLine(as.u32(u + LB.PhysicalDeviceObject), as.u32(u + LB.ServiceRoutine), as.u32(u + LB.ServiceContext), as.u32(u + LB.SpinLock), as.u8(u + LB.SynchronizeIrql), as.u32(u + LB.InterruptObject));
      }
      if (version === CONNECT_VERSION.MESSAGE_BASED) {
        const fallBack = as.u32(u + MB.FallBackServiceRoutine);
        if (fallBack === 0) return as.u32(u + MB.PhysicalDeviceObject) === 0 ? STATUS.INVALID_PARAMETER : STATUS.NOT_FOUND;
        // ConnectionContext.InterruptObject receives the line's object; Version tells the driver which it got.
        const status = connectLine(as.u32(u + MB.PhysicalDeviceObject), fallBack, as.u32(u + MB.ServiceContext), as.u32(u + MB.SpinLock), as.u8(u + MB.SynchronizeIrql), as.u32(u + MB.ConnectionContext));
        if (status === STATUS.SUCCESS) as.setU32(p + P.Version, CONNECT_VERSION.LINE_BASED);
        return status;
      }
      return STATUS.INVALID_PARAMETER_1;
    },
    /** PASSIVE_LEVEL. The ISR is not called again; the object is freed. */
    IoDisconnectInterrupt(InterruptObject: number): void {
      ints().disconnect(InterruptObject >>> 0);
    },
    /** PASSIVE_LEVEL. Version must be the one IoConnectInterruptEx left in its parameters. */
    IoDisconnectInterruptEx(Parameters: number): void {
      ints().disconnect(as.u32((Parameters >>> 0) + D.ConnectionContext));
    },
    /** Run SynchronizeRoutine at the interrupt's SynchronizeIrql holding its spin lock; its result. */
    KeSynchronizeExecution(Interrupt: number, SynchronizeRoutine: number, SynchronizeContext: number): number {
      const i = ints().get(Interrupt >>> 0);
      if (!i) return k.hang(`KeSynchronizeExecution on ${(Interrupt >>> 0).toString(16)}, which is no connected interrupt object: its spin lock is garbage`);
      const old = ints().enter(i);
      try {
        return k.callRoutine(SynchronizeRoutine >>> 0, [SynchronizeContext >>> 0], ['KeSynchronizeExecution']) ? 1 : 0;
      } finally {
        if (!k.halted) ints().leave(i, old);
      }
    },
    /** Raise to the interrupt's SynchronizeIrql and take its spin lock; the previous IRQL. */
    KeAcquireInterruptSpinLock(Interrupt: number): number {
      const i = ints().get(Interrupt >>> 0);
      if (!i) return k.hang(`KeAcquireInterruptSpinLock on ${(Interrupt >>> 0).toString(16)}, which is no connected interrupt object`);
      return ints().enter(i);
    },
    KeReleaseInterruptSpinLock(Interrupt: number, OldIrql: number): void {
      const i = ints().get(Interrupt >>> 0);
      if (i) ints().leave(i, OldIrql & 0xff);
    },
  };
}
