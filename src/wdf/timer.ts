/**
 * WDFTIMER, WDFDPC and WDFWORKITEM: callbacks the framework runs for a driver later. A timer's
 * EvtTimerFunc runs in a DPC (DISPATCH_LEVEL) when it is due (again every Period ms for a periodic
 * one); a DPC's EvtDpcFunc once per enqueue while it is not queued; a work item's EvtWorkItemFunc in
 * a system worker thread (PASSIVE_LEVEL), once per enqueue while it is not already queued. Both need a parent that is, or is under, a device; deleting one waits for a
 * callback in progress (the work item's worker), and a timer is cancelled.
 */
import { STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_EXECUTION_LEVEL } from '../nt/wdf.ts';
import { WDF_DPC_CONFIG, WDF_TIMER_CONFIG, WDF_WORKITEM_CONFIG } from '../nt/wdf-pnp.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxKeTimer } from './ke.ts';
import { FxObject, readAttributes, type AttributeRules, type FxAttributes } from './object.ts';
import { frameworkWait } from './power/wait.ts';
import { effectiveLock, type FxCallbackLock } from './callback-lock.ts';
import { FxSystemWorkItem } from './system-work-item.ts';

const T = WDF_TIMER_CONFIG.off;
const W = WDF_WORKITEM_CONFIG.off;
const D = WDF_DPC_CONFIG.off;

/** The device a parent is or is under, if any. */
function deviceOf(o: FxObject | undefined): FxDevice | undefined {
  for (let p = o; p; p = p.parent) if (p.type === FX_TYPE.Device) return p as FxDevice;
  return undefined;
}

/** A timer's or work item's attributes: a parent that chains to a device (no parent: STATUS_WDF_PARENT_NOT_SPECIFIED). */
function childOfDevice(fx: Framework, g: FxDriverGlobals, Attributes: number, rules: AttributeRules = {}): { attributes: FxAttributes; parent: FxObject; device: FxDevice } | number {
  const attributes = readAttributes(fx, Attributes, { ...rules, parentRequired: true });
  if (typeof attributes === 'number') return attributes;
  const parent = fx.object<FxObject>(g, attributes.parent);
  const device = deviceOf(parent);
  // [INF] the framework's status for a parent outside every device.
  if (!device) return STATUS.INVALID_PARAMETER;
  return { attributes, parent, device };
}

/** Run a driver callback, under the callback lock AutomaticSerialization gave it (callback-lock.ts). */
const callUnder = (fx: Framework, lock: FxCallbackLock | undefined, routine: number, handle: number) => {
  const call = () => fx.invoke(routine, [handle], []);
  return lock ? lock.run(call) : call();
};

/**
 * A framework object whose driver routine the kernel runs from a timer or DPC of its own (FxKeTimer),
 * under its callback lock if it has one; a passive timer's DPC hands the callback to a work item.
 */
abstract class FxKeTimerObject extends FxObject {
  readonly ke: FxKeTimer;
  private readonly passiveItem: FxSystemWorkItem | undefined;

  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, parent: FxObject, type: typeof FX_TYPE.Timer | typeof FX_TYPE.Dpc, readonly routine: number, lock: FxCallbackLock | undefined, passiveOn?: FxDevice) {
    super(fx, g, attributes, parent, type);
    const item = passiveOn && new FxSystemWorkItem(fx, passiveOn.deviceObject, () => callUnder(fx, lock, routine, this.handle));
    this.passiveItem = item;
    this.ke = new FxKeTimer(fx, g.tag, () => (item ? item.enqueue() : callUnder(fx, lock, routine, this.handle)));
  }

  protected override dispose(): void {
    this.ke.cancel();
  }

  protected override destroyed(): void {
    this.ke.free();
    this.passiveItem?.free();
  }
}

export class FxTimer extends FxKeTimerObject {
  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, parent: FxObject, routine: number, readonly period: number, lock: FxCallbackLock | undefined, passiveOn?: FxDevice) {
    super(fx, g, attributes, parent, FX_TYPE.Timer, routine, lock, passiveOn);
  }
}

/** A WDFDPC: a KDPC whose routine is the framework's (the timer's thunk, without the timer). */
export class FxDpc extends FxKeTimerObject {
  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, parent: FxObject, routine: number, lock: FxCallbackLock | undefined) {
    super(fx, g, attributes, parent, FX_TYPE.Dpc, routine, lock);
  }
}

export class FxWorkItem extends FxObject {
  readonly work: FxSystemWorkItem;

  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, parent: FxObject, device: FxDevice, readonly routine: number, lock: FxCallbackLock | undefined) {
    super(fx, g, attributes, parent, FX_TYPE.WorkItem);
    this.work = new FxSystemWorkItem(fx, device.deviceObject, () => callUnder(fx, lock, routine, this.handle));
  }

  get idle(): boolean {
    return !this.work.queued && !this.work.running;
  }

  /** Deleting waits for the callback queued or running. */
  protected override dispose(): void {
    frameworkWait(this.fx, this.globals, () => this.idle, `WDFWORKITEM 0x${this.handle.toString(16)} to run`);
  }

  protected override destroyed(): void {
    this.work.free();
  }
}

export function timerExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const timerOf = (g: FxDriverGlobals, h: number) => fx.object<FxTimer>(g, h, FX_TYPE.Timer);
  const workItemOf = (g: FxDriverGlobals, h: number) => fx.object<FxWorkItem>(g, h, FX_TYPE.WorkItem);
  const autoSerialized = (Config: number, offset: number) => as.u8(Config + offset) !== 0;

  return {
    WdfTimerCreate(g, Config: number, Attributes: number, Timer: number) {
      fx.require(g, Config);
      fx.require(g, Timer);
      as.setU32(Timer, 0);
      if (as.u32(Config + T.Size) !== WDF_TIMER_CONFIG.size) return STATUS.INFO_LENGTH_MISMATCH;
      const routine = as.u32(Config + T.EvtTimerFunc);
      fx.require(g, routine);
      const c = childOfDevice(fx, g, Attributes, { executionLevel: true });
      if (typeof c === 'number') return c;
      // A passive timer runs its callback in a work item, once per start: no period (fxtimerapi.cpp).
      const passive = c.attributes.executionLevel === WDF_EXECUTION_LEVEL.Passive;
      const period = as.u32(Config + T.Period);
      if (passive && period > 0) return STATUS.NOT_SUPPORTED;
      const lock = effectiveLock(fx, g, c.parent, autoSerialized(Config, T.AutomaticSerialization), passive, 'FxTimer');
      if (typeof lock === 'number') return lock;
      const timer = new FxTimer(fx, g, c.attributes, c.parent, routine, period, lock, passive ? c.device : undefined);
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
      const lock = effectiveLock(fx, g, c.parent, autoSerialized(Config, D.AutomaticSerialization), false, 'FxDpc');
      if (typeof lock === 'number') return lock;
      as.setU32(Dpc, new FxDpc(fx, g, c.attributes, c.parent, routine, lock).handle);
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
      const lock = effectiveLock(fx, g, c.parent, autoSerialized(Config, W.AutomaticSerialization), true, 'FxWorkItem');
      if (typeof lock === 'number') return lock;
      const w = new FxWorkItem(fx, g, c.attributes, c.parent, c.device, routine, lock);
      if (w.work.item === 0) {
        w.delete();
        return STATUS.INSUFFICIENT_RESOURCES;
      }
      as.setU32(WorkItem, w.handle);
      return STATUS.SUCCESS;
    },

    WdfWorkItemEnqueue(g, WorkItem: number) {
      workItemOf(g, WorkItem).work.enqueue();
    },

    WdfWorkItemFlush(g, WorkItem: number) {
      const w = workItemOf(g, WorkItem);
      frameworkWait(fx, g, () => w.idle, `WDFWORKITEM 0x${w.handle.toString(16)} to run`);
    },

    WdfWorkItemGetParentObject(g, WorkItem: number) {
      return workItemOf(g, WorkItem).parent?.handle ?? 0;
    },
  };
}
