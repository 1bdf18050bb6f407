/**
 * The kernel objects the framework keeps for its own objects: a KTIMER with its KDPC (WDFTIMER, the
 * verifier's waits) whose DPC routine is one of the framework's, and the framework routines the
 * kernel calls back (registered once per framework, at their Wdf01000 addresses).
 */
import { KDPC, KTIMER } from '../nt/layout.ts';
import { WDF_LIBRARY_MODULE } from '../nt/wdf.ts';
import type { Framework } from './framework.ts';
import type { FxRoutine } from './image.ts';

const registered = new WeakMap<Framework, Map<string, number>>();

/** A framework routine the kernel may call (a completion routine, a DPC, a work item): its address, registered once. */
export function fxRoutine(fx: Framework, name: FxRoutine, fn: (...args: number[]) => unknown): number {
  let table = registered.get(fx);
  if (!table) registered.set(fx, (table = new Map()));
  const known = table.get(name);
  if (known !== undefined) return known;
  const address = fx.image.address(name);
  fx.k.registerRoutine(address, ((...args: number[]) => fx.frame(name, () => fn(...args.map((a) => a >>> 0)))) as never, WDF_LIBRARY_MODULE);
  table.set(name, address);
  return address;
}

/** DPC contexts of the framework's timers -> what each runs. */
const timerCallbacks = new WeakMap<Framework, Map<number, () => void>>();

/** A KTIMER + KDPC in nonpaged pool; `fire` runs at DISPATCH_LEVEL in the DPC when the timer is due. */
export class FxKeTimer {
  readonly timer: number;
  readonly dpc: number;

  constructor(
    private readonly fx: Framework,
    private readonly tag: number,
    fire: () => void,
  ) {
    const k = fx.k;
    this.timer = fx.allocate(KTIMER.size + KDPC.size, tag);
    this.dpc = this.timer + KTIMER.size;
    k.as.zero(this.timer, KTIMER.size + KDPC.size);
    let callbacks = timerCallbacks.get(fx);
    if (!callbacks) timerCallbacks.set(fx, (callbacks = new Map()));
    const table = callbacks;
    table.set(this.dpc, fire);
    const routine = fxRoutine(fx, 'FxTimer::_FxTimerDpcThunk', (dpc: number) => table.get(dpc)?.());
    k.ddi.KeInitializeTimerEx(this.timer, 0);
    k.ddi.KeInitializeDpc(this.dpc, routine, this.dpc);
  }

  /** KeSetTimerEx: `dueTime` in 100 ns (negative: relative), `period` in ms. TRUE if it was queued already. */
  set(dueTime: bigint, period: number): boolean {
    return this.fx.k.ddi.KeSetTimerEx(this.timer, dueTime, period, this.dpc) !== 0;
  }

  /** KeCancelTimer: TRUE if it was queued. */
  cancel(): boolean {
    const k = this.fx.k;
    const was = k.ddi.KeCancelTimer(this.timer) !== 0;
    k.ddi.KeRemoveQueueDpc(this.dpc);
    return was;
  }

  free(): void {
    this.cancel();
    timerCallbacks.get(this.fx)?.delete(this.dpc);
    this.fx.free(this.timer, this.tag);
  }
}
