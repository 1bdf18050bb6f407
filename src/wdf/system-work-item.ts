/**
 * The framework's work items (FxSystemWorkItem): an IO_WORKITEM of the device whose routine is the
 * framework's, running `run` at PASSIVE_LEVEL in a system worker thread, queued at most once at a
 * time. WDFWORKITEM runs on it, and so does what the framework itself defers to PASSIVE_LEVEL (a
 * passive queue's dispatch, a passive timer's callback).
 */
import type { Framework } from './framework.ts';
import { fxRoutine } from './ke.ts';

/** DelayedWorkQueue. */
const DELAYED_WORK_QUEUE = 1;

/** What each framework IO_WORKITEM runs, by the IO_WORKITEM (its context). */
const runners = new WeakMap<Framework, Map<number, FxSystemWorkItem>>();

export class FxSystemWorkItem {
  /** The IO_WORKITEM, 0 if it could not be allocated. */
  readonly item: number;
  queued = false;
  running = false;
  private freed = false;

  constructor(
    private readonly fx: Framework,
    deviceObject: number,
    private readonly run: () => void,
  ) {
    this.item = fx.k.ddi.IoAllocateWorkItem(deviceObject) >>> 0;
    let table = runners.get(fx);
    if (!table) runners.set(fx, (table = new Map()));
    if (this.item !== 0) table.set(this.item, this);
  }

  /** Queue it: FALSE if it is queued already (it runs once for both). */
  enqueue(): boolean {
    if (this.queued || this.item === 0) return false;
    this.queued = true;
    const fx = this.fx;
    const routine = fxRoutine(fx, 'FxWorkItem::WorkItemThunk', (_device, context) => {
      const w = runners.get(fx)?.get(context);
      if (w) w.fire();
    });
    fx.k.ddi.IoQueueWorkItem(this.item, routine, DELAYED_WORK_QUEUE, this.item);
    return true;
  }

  private fire(): void {
    this.queued = false;
    if (this.freed) return this.release();
    this.running = true;
    try {
      this.run();
    } finally {
      this.running = false;
    }
    if (this.freed) this.release();
  }

  /** Free it; one still queued goes when its routine has run. */
  free(): void {
    this.freed = true;
    if (!this.queued && !this.running) this.release();
  }

  private release(): void {
    if (this.item === 0 || !runners.get(this.fx)?.delete(this.item)) return;
    this.fx.k.ddi.IoFreeWorkItem(this.item);
  }
}
