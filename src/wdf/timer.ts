/**
 * WDFTIMER, WDFDPC and WDFWORKITEM: callbacks the framework runs for a driver later. A timer's
 * EvtTimerFunc runs in a DPC (DISPATCH_LEVEL) when it is due (again every Period ms for a periodic
 * one); a DPC's EvtDpcFunc once per enqueue while it is not queued; a work item's EvtWorkItemFunc in
 * a system worker thread (PASSIVE_LEVEL), once per enqueue while it is not already queued. Both need a parent that is, or is under, a device; deleting one waits for a
 * callback in progress (the work item's worker), and a timer is cancelled.
 */
import { STATUS } from '../nt/status.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import { WDF_DPC_CONFIG, WDF_TIMER_CONFIG, WDF_WORKITEM_CONFIG } from '../nt/wdf-pnp.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxKeTimer, fxRoutine } from './ke.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';
import { frameworkWait } from './power/wait.ts';

const T = WDF_TIMER_CONFIG.off;
const W = WDF_WORKITEM_CONFIG.off;
const D = WDF_DPC_CONFIG.off;
/** DelayedWorkQueue. */
const DELAYED_WORK_QUEUE = 1;

/** The device a parent is or is under, if any. */
function deviceOf(o: FxObject | undefined): FxDevice | undefined {
  for (let p = o; p; p = p.parent) if (p.type === FX_TYPE.Device) return p as FxDevice;
  return undefined;
}

/** A timer's or work item's attributes: a parent that chains to a device (no parent: STATUS_WDF_PARENT_NOT_SPECIFIED). */
function childOfDevice(fx: Framework, g: FxDriverGlobals, Attributes: number): { attributes: FxAttributes; parent: FxObject; device: FxDevice } | number {
  const attributes = readAttributes(fx, Attributes, { parentRequired: true });
  if (typeof attributes === 'number') return attributes;
  const parent = fx.object<FxObject>(g, attributes.parent);
  const device = deviceOf(parent);
  // [INF] the framework's status for a parent outside every device.
  if (!device) return STATUS.INVALID_PARAMETER;
  return { attributes, parent, device };
}

/** A framework object whose driver routine the kernel runs from a timer or DPC of its own (FxKeTimer). */
abstract class FxKeTimerObject extends FxObject {
  readonly ke: FxKeTimer;

  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, parent: FxObject, type: typeof FX_TYPE.Timer | typeof FX_TYPE.Dpc, readonly routine: number) {
    super(fx, g, attributes, parent, type);
    this.ke = new FxKeTimer(fx, g.tag, () => fx.invoke(routine, [this.handle], []));
  }

  protected override dispose(): void {
    this.ke.cancel();
  }

  protected override destroyed(): void {
    this.ke.free();
  }
}

export class FxTimer extends FxKeTimerObject {
  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, parent: FxObject, routine: number, readonly period: number) {
    super(fx, g, attributes, parent, FX_TYPE.Timer, routine);
  }
}

/** A WDFDPC: a KDPC whose routine is the framework's (the timer's thunk, without the timer). */
export class FxDpc extends FxKeTimerObject {
  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, parent: FxObject, routine: number) {
    super(fx, g, attributes, parent, FX_TYPE.Dpc, routine);
  }
}

export class FxWorkItem extends FxObject {
  readonly item: number;
  queued = false;
  running = false;

  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, parent: FxObject, device: FxDevice, readonly routine: number) {
    super(fx, g, attributes, parent, FX_TYPE.WorkItem);
    this.item = fx.k.ddi.IoAllocateWorkItem(device.deviceObject) >>> 0;
    workItems.set(this.item, this);
  }

  /** Deleting waits for the callback queued or running. */
  protected override dispose(): void {
    frameworkWait(this.fx, this.globals, () => !this.queued && !this.running, `WDFWORKITEM 0x${this.handle.toString(16)} to run`);
  }

  protected override destroyed(): void {
    workItems.delete(this.item);
    this.fx.k.ddi.IoFreeWorkItem(this.item);
  }
}

const workItems = new Map<number, FxWorkItem>();

export function timerExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const timerOf = (g: FxDriverGlobals, h: number) => fx.object<FxTimer>(g, h, FX_TYPE.Timer);
  const workItemOf = (g: FxDriverGlobals, h: number) => fx.object<FxWorkItem>(g, h, FX_TYPE.WorkItem);
  const workItemThunk = () =>
    fxRoutine(fx, 'FxWorkItem::WorkItemThunk', (_device, context) => {
      const w = workItems.get(context);
      if (!w) return;
      w.queued = false;
      w.running = true;
      fx.invoke(w.routine, [w.handle], []);
      w.running = false;
    });

  return {
    WdfTimerCreate(g, Config: number, Attributes: number, Timer: number) {
      fx.require(g, Config);
      fx.require(g, Timer);
      as.setU32(Timer, 0);
      if (as.u32(Config + T.Size) !== WDF_TIMER_CONFIG.size) return STATUS.INFO_LENGTH_MISMATCH;
      const routine = as.u32(Config + T.EvtTimerFunc);
      fx.require(g, routine);
      const c = childOfDevice(fx, g, Attributes);
      if (typeof c === 'number') return c;
      const timer = new FxTimer(fx, g, c.attributes, c.parent, routine, as.u32(Config + T.Period));
      as.setU32(Timer, timer.handle);
      return STATUS.SUCCESS;
    },

    WdfTimerStart(g, Timer: number, DueTime: bigint) {
      const timer = timerOf(g, Timer);
      return timer.ke.set(BigInt(DueTime), timer.period) ? 1 : 0;
    },

    WdfTimerStop(g, Timer: number, Wait: number) {
      const timer = timerOf(g, Timer);
      const was = timer.ke.cancel();
      // Wait: a callback already running on another processor finishes first (one processor here: none is).
      if ((Wait & 0xff) !== 0) fx.k.ddi.KeFlushQueuedDpcs();
      return was ? 1 : 0;
    },

    WdfTimerGetParentObject(g, Timer: number) {
      return timerOf(g, Timer).parent?.handle ?? 0;
    },

    WdfDpcCreate(g, Config: number, Attributes: number, Dpc: number) {
      fx.require(g, Config);
      fx.require(g, Dpc);
      as.setU32(Dpc, 0);
      if (as.u32(Config + D.Size) !== WDF_DPC_CONFIG.size) return STATUS.INFO_LENGTH_MISMATCH;
      const routine = as.u32(Config + D.EvtDpcFunc);
      fx.require(g, routine);
      const c = childOfDevice(fx, g, Attributes);
      if (typeof c === 'number') return c;
      as.setU32(Dpc, new FxDpc(fx, g, c.attributes, c.parent, routine).handle);
      return STATUS.SUCCESS;
    },

    WdfDpcEnqueue(g, Dpc: number) {
      const dpc = fx.object<FxDpc>(g, Dpc, FX_TYPE.Dpc);
      return fx.k.ddi.KeInsertQueueDpc(dpc.ke.dpc, 0, 0) !== 0 ? 1 : 0;
    },

    WdfDpcCancel(g, Dpc: number, Wait: number) {
      const dpc = fx.object<FxDpc>(g, Dpc, FX_TYPE.Dpc);
      const was = fx.k.ddi.KeRemoveQueueDpc(dpc.ke.dpc) !== 0;
      if ((Wait & 0xff) !== 0) fx.k.ddi.KeFlushQueuedDpcs();
      return was ? 1 : 0;
    },

    WdfDpcGetParentObject(g, Dpc: number) {
      return fx.object<FxDpc>(g, Dpc, FX_TYPE.Dpc).parent?.handle ?? 0;
    },

    WdfDpcWdmGetDpc(g, Dpc: number) {
      return fx.object<FxDpc>(g, Dpc, FX_TYPE.Dpc).ke.dpc;
    },

    WdfWorkItemCreate(g, Config: number, Attributes: number, WorkItem: number) {
      fx.require(g, Config);
      fx.require(g, WorkItem);
      as.setU32(WorkItem, 0);
      if (as.u32(Config + W.Size) !== WDF_WORKITEM_CONFIG.size) return STATUS.INFO_LENGTH_MISMATCH;
      const routine = as.u32(Config + W.EvtWorkItemFunc);
      fx.require(g, routine);
      const c = childOfDevice(fx, g, Attributes);
      if (typeof c === 'number') return c;
      const w = new FxWorkItem(fx, g, c.attributes, c.parent, c.device, routine);
      if (w.item === 0) {
        w.delete();
        return STATUS.INSUFFICIENT_RESOURCES;
      }
      as.setU32(WorkItem, w.handle);
      return STATUS.SUCCESS;
    },

    WdfWorkItemEnqueue(g, WorkItem: number) {
      const w = workItemOf(g, WorkItem);
      if (w.queued) return;
      w.queued = true;
      fx.k.ddi.IoQueueWorkItem(w.item, workItemThunk(), DELAYED_WORK_QUEUE, w.item);
    },

    WdfWorkItemFlush(g, WorkItem: number) {
      const w = workItemOf(g, WorkItem);
      frameworkWait(fx, g, () => !w.queued && !w.running, `WDFWORKITEM 0x${w.handle.toString(16)} to run`);
    },

    WdfWorkItemGetParentObject(g, WorkItem: number) {
      return workItemOf(g, WorkItem).parent?.handle ?? 0;
    },
  };
}
