/**
 * Synchronization scopes, execution levels and the framework's callback locks ("presentation
 * locks"), as the Using Automatic Synchronization page and the framework's sources describe them:
 * - Every WDFDEVICE and WDFQUEUE has a callback lock: a spin lock (callbacks run at DISPATCH_LEVEL
 *   while it is held) or, for an object whose execution level is Passive, a fast mutex inside a
 *   critical region (callbacks at PASSIVE_LEVEL). A queue whose scope is Device uses its device's.
 * - Scope and level are inherited: driver (default None + Dispatch) -> device -> queue.
 * - With scope Device or Queue the queue's callbacks (EvtIo*, EvtIoStop/Resume/CanceledOnQueue,
 *   EvtRequestCancel) run under that lock; timers, DPCs and work items created with
 *   AutomaticSerialization take the lock of the nearest queue or device above them.
 * - With scope Device (a passive device only) the file object callbacks run under the device's lock.
 * - WdfObjectAcquireLock/WdfObjectReleaseLock take the same lock (object-lock.ts).
 * A thread acquiring a callback lock it holds is 0x10D/0x2 (P2 the lock), verifier or not.
 */
import { APC_LEVEL, PASSIVE_LEVEL } from '../nt/irql.ts';
import { FAST_MUTEX, KSPIN_LOCK } from '../nt/layout.ts';
import { STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_BUGCHECK, WDF_EXECUTION_LEVEL, WDF_SYNCHRONIZATION_SCOPE } from '../nt/wdf.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { ifrHex } from './ifr.ts';
import { FxKeTimer } from './ke.ts';
import { NO_ATTRIBUTES, type FxAttributes, type FxObject } from './object.ts';
import type { FxIoQueue } from './queue.ts';
import { FxSystemWorkItem } from './system-work-item.ts';
import { verifierBreak } from './verifier.ts';

const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;

/** An object's execution level and synchronization scope once inheritance is resolved. */
export interface FxConstraints {
  readonly level: number;
  readonly scope: number;
}

/** The KMDF driver object's defaults (WDF_EXECUTION_LEVEL, WDF_SYNCHRONIZATION_SCOPE pages). */
const DRIVER_DEFAULT: FxConstraints = { level: WDF_EXECUTION_LEVEL.Dispatch, scope: WDF_SYNCHRONIZATION_SCOPE.None };

const inherit = (level: number, scope: number, parent: FxConstraints): FxConstraints => ({
  level: level === WDF_EXECUTION_LEVEL.InheritFromParent ? parent.level : level,
  scope: scope === WDF_SYNCHRONIZATION_SCOPE.InheritFromParent ? parent.scope : scope,
});

/** The constraints in effect for a driver, device or queue (others: their own attributes over their parent's). */
export function constraintsOf(o: FxObject): FxConstraints {
  if (o.type === FX_TYPE.Driver) return inherit(o.executionLevel, o.synchronizationScope, DRIVER_DEFAULT);
  if (o.type === FX_TYPE.Device) return inherit(o.executionLevel, o.synchronizationScope, o.globals.driver ? constraintsOf(o.globals.driver) : DRIVER_DEFAULT);
  if (o.type === FX_TYPE.Queue) return inherit(o.executionLevel, o.synchronizationScope, constraintsOf((o as FxIoQueue).device));
  return inherit(o.executionLevel, o.synchronizationScope, o.parent ? constraintsOf(o.parent) : DRIVER_DEFAULT);
}

/**
 * WdfIoQueueCreate's check of its attributes against its device: a queue with Device scope must
 * have the device's execution level (one lock serves both), else STATUS_INVALID_PARAMETER.
 */
export function queueConstraintsStatus(device: FxDevice, level: number, scope: number): number {
  const parent = constraintsOf(device);
  const own = inherit(level, scope, parent);
  if (own.scope === WDF_SYNCHRONIZATION_SCOPE.Device && own.level !== parent.level) {
    device.globals.record('FxIoQueue::ConfigureConstraints', `Synchronization scope is set to device but the Device ExecutionLevel: ${hex(parent.level)} doesn't match Queue ExecutionLevel: ${hex(own.level)}, STATUS_INVALID_PARAMETER`);
    return STATUS.INVALID_PARAMETER;
  }
  return STATUS.SUCCESS;
}

/** A device's or queue's callback lock: a KSPIN_LOCK or a FAST_MUTEX in nonpaged pool, tagged as the driver's. */
export class FxCallbackLock {
  readonly address: number;
  /** The thread holding it, 0 if none. */
  owner = 0;
  /** The IRQL before a spin lock's acquire, given back at its release. */
  private previousIrql = PASSIVE_LEVEL;

  constructor(
    private readonly fx: Framework,
    private readonly g: FxDriverGlobals,
    readonly object: FxObject,
    readonly passive: boolean,
  ) {
    const k = fx.k;
    const size = passive ? FAST_MUTEX.size : KSPIN_LOCK.size;
    this.address = fx.allocate(size, g.tag);
    k.as.zero(this.address, size);
    if (passive) k.ddi.ExInitializeFastMutex(this.address);
  }

  get heldByCurrentThread(): boolean {
    return this.owner !== 0 && this.owner === this.fx.k.currentThread.address;
  }

  /**
   * Take the lock. Held already by this thread: 0x10D/0x2 RECURSIVE_LOCK with the lock (the
   * framework's callback locks check their owner always, not only under its verifier).
   */
  acquire(): void {
    const k = this.fx.k;
    if (this.heldByCurrentThread) {
      this.g.record('FxCallbackLock::Lock', `Recursive acquire of callback lock! ${ifrHex(this.address)}`);
      this.fx.violation(this.g, WDF_BUGCHECK.RECURSIVE_LOCK, this.address, 0);
    }
    if (this.passive) {
      k.ddi.KeEnterCriticalRegion();
      k.ddi.ExAcquireFastMutexUnsafe(this.address);
    } else {
      this.previousIrql = k.ddi.KeAcquireSpinLockRaiseToDpc(this.address);
    }
    this.owner = k.currentThread.address;
  }

  /**
   * Give the lock back. Not held by this thread: the verifier's "is attempting to release a lock it
   * does not own" and its break, and nothing released (without the verifier, nothing either).
   */
  release(): void {
    const k = this.fx.k;
    if (!this.heldByCurrentThread) {
      verifierBreak(this.fx, this.g, 'FxVerifierLock::Unlock', `Thread ${ifrHex(k.currentThread.address)} Is Attempting to release a Lock ${ifrHex(this.address)} for Object ${ifrHex(this.object.handle)} it does not own!`);
      return;
    }
    this.owner = 0;
    if (this.passive) {
      k.ddi.ExReleaseFastMutexUnsafe(this.address);
      k.ddi.KeLeaveCriticalRegion();
    } else {
      k.ddi.KeReleaseSpinLock(this.address, this.previousIrql);
    }
  }

  /** Run a callback under the lock. */
  run<T>(body: () => T): T {
    this.acquire();
    try {
      return body();
    } finally {
      // A bug check unwinding through here leaves the lock as it was (the dump shows it held).
      if (this.heldByCurrentThread) this.release();
    }
  }

  /** Is the IRQL right to take it (a fast mutex at APC_LEVEL at most)? */
  irqlAllows(): boolean {
    return !this.passive || this.fx.k.irql <= APC_LEVEL;
  }

  free(): void {
    this.fx.free(this.address, this.g.tag);
  }
}

/** Each device's and queue's own lock, made on first use (objects that never need one allocate nothing). */
const ownLocks = new WeakMap<FxObject, FxCallbackLock>();

function ownLock(o: FxObject): FxCallbackLock {
  let lock = ownLocks.get(o);
  if (!lock) {
    const made = new FxCallbackLock(o.fx, o.globals, o, constraintsOf(o).level === WDF_EXECUTION_LEVEL.Passive);
    o.onDestroyed.push(() => made.free());
    ownLocks.set(o, made);
    lock = made;
  }
  return lock;
}

/**
 * The lock WdfObjectAcquireLock takes for an object (GetCallbackLockPtr): a device's own, a queue's
 * own or (scope Device) its device's; none for other objects.
 */
export function callbackLockOf(o: FxObject): FxCallbackLock | undefined {
  if (o.type === FX_TYPE.Device) return ownLock(o);
  if (o.type === FX_TYPE.Queue) {
    const queue = o as FxIoQueue;
    return constraintsOf(queue).scope === WDF_SYNCHRONIZATION_SCOPE.Device ? ownLock(queue.device) : ownLock(queue);
  }
  return undefined;
}

/** The lock a queue's callbacks run under: its callback lock with scope Device or Queue, none with None. */
export function presentationLock(queue: FxIoQueue): FxCallbackLock | undefined {
  const scope = constraintsOf(queue).scope;
  return scope === WDF_SYNCHRONIZATION_SCOPE.Device || scope === WDF_SYNCHRONIZATION_SCOPE.Queue ? callbackLockOf(queue) : undefined;
}

/** Run a queue callback: under the queue's presentation lock when its scope asks for one. */
export function underPresentationLock<T>(queue: FxIoQueue, body: () => T): T {
  const lock = presentationLock(queue);
  return lock ? lock.run(body) : body();
}

/** Does the object's callbacks run at PASSIVE_LEVEL (IsPassiveCallbacks)? */
function passiveCallbacks(o: FxObject): boolean {
  if (o.type === FX_TYPE.Device || o.type === FX_TYPE.Queue) return constraintsOf(o).level === WDF_EXECUTION_LEVEL.Passive;
  return o.executionLevel === WDF_EXECUTION_LEVEL.Passive;
}

/**
 * The lock a timer, DPC or work item created with AutomaticSerialization runs its callback under
 * (_GetEffectiveLock): the nearest queue or device above `parent` decides. Its scope None: no lock.
 * Otherwise the parent must call back at the callback's level (a work item's is PASSIVE, a DPC's
 * DISPATCH, a timer's its own): if not, STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL (and a verifier break).
 */
export function effectiveLock(fx: Framework, g: FxDriverGlobals, parent: FxObject, automatic: boolean, passive: boolean, what: string): FxCallbackLock | undefined | number {
  if (!automatic) return undefined;
  let holder: FxObject | undefined = parent;
  while (holder && holder.type !== FX_TYPE.Queue && holder.type !== FX_TYPE.Device) holder = holder.parent;
  if (!holder) return undefined;
  const scope = constraintsOf(holder).scope;
  if (scope === WDF_SYNCHRONIZATION_SCOPE.None || scope === WDF_SYNCHRONIZATION_SCOPE.InheritFromParent) return undefined;
  if (passive !== passiveCallbacks(parent)) {
    verifierBreak(
      fx,
      g,
      `${what}::Initialize`,
      `ParentObject ${ifrHex(parent.handle)} cannot automatically synchronize callbacks with a ${what.replace(/^Fx/, '')} since it is ${passive ? 'not ' : ''}configured for passive level callback constraints, STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL`,
    );
    return STATUS.WDF_INCOMPATIBLE_EXECUTION_LEVEL;
  }
  return callbackLockOf(holder);
}

/** What dispatches a queue later, made on first need: a DPC (spin lock) or a work item (passive queue). */
interface Deferred {
  readonly dpc?: FxKeTimer;
  readonly item?: FxSystemWorkItem;
}
const deferred = new WeakMap<FxIoQueue, Deferred>();

/**
 * CanThreadDispatchEventsLocked: a queue may present here unless its callbacks are passive and the
 * IRQL is above PASSIVE_LEVEL, or this thread holds its presentation lock (a request forwarded or
 * completed from a callback under the same lock). Then a work item (passive) or a DPC dispatches
 * later, and this returns TRUE.
 */
export function deferDispatch(queue: FxIoQueue): boolean {
  const fx = queue.fx;
  const passive = constraintsOf(queue).level === WDF_EXECUTION_LEVEL.Passive;
  const aboveLevel = passive && fx.k.irql > PASSIVE_LEVEL;
  if (!aboveLevel && !presentationLock(queue)?.heldByCurrentThread) return false;
  const g = queue.globals;
  g.record(
    'FxIoQueue::CanThreadDispatchEventsLocked',
    aboveLevel
      ? `Current thread ${ifrHex(fx.k.currentThread.address)} is not at the passive-level ${fx.k.irql}, posting to worker thread for WDFQUEUE ${ifrHex(queue.handle)}`
      : `Presentation lock for WDFQUEUE ${ifrHex(queue.handle)} is already held, deferring to dpc or workitem`,
  );
  let d = deferred.get(queue);
  if (!d) {
    const run = () => queue.dispatchEvents();
    d = passive ? { item: new FxSystemWorkItem(fx, queue.device.deviceObject, run) } : { dpc: new FxKeTimer(fx, g.tag, run) };
    const made = d;
    queue.onDestroyed.push(() => (made.item?.free(), made.dpc?.free()));
    deferred.set(queue, d);
  }
  if (d.item) d.item.enqueue();
  else fx.k.ddi.KeInsertQueueDpc(d.dpc!.dpc, 0, 0);
  return true;
}

/**
 * FxPkgGeneral::ConfigureConstraints at WdfDeviceCreate: the file object callbacks' scope is the
 * file attributes' (inheriting the device's) when the driver gave attributes, else None. Queue
 * scope is refused; Device scope needs a passive device (the file callbacks are passive): else
 * STATUS_INVALID_DEVICE_REQUEST. `level`/`scope` are the device's attributes.
 */
export function fileObjectConstraintsStatus(g: FxDriverGlobals, level: number, scope: number, file: { readonly attributes: FxAttributes } | undefined): number {
  if (!file || file.attributes === NO_ATTRIBUTES) return STATUS.SUCCESS;
  const device = inherit(level, scope, g.driver ? constraintsOf(g.driver) : DRIVER_DEFAULT);
  const fileScope = inherit(file.attributes.executionLevel, file.attributes.synchronizationScope, device).scope;
  if (fileScope === WDF_SYNCHRONIZATION_SCOPE.Queue) {
    g.record('FxPkgGeneral::ConfigureConstraints', 'WdfSynchronizationScopeQueue is not allowed on FileObject, STATUS_INVALID_DEVICE_REQUEST');
    return STATUS.INVALID_DEVICE_REQUEST;
  }
  if (fileScope === WDF_SYNCHRONIZATION_SCOPE.Device && device.level !== WDF_EXECUTION_LEVEL.Passive) {
    g.record('FxPkgGeneral::ConfigureConstraints', 'WdfSynchronizationScopeDevice or WdfSynchronizationScopeInheritFromParent allowed only if the parent WDFDEVICE ExecutionLevel is passive, STATUS_INVALID_DEVICE_REQUEST');
    return STATUS.INVALID_DEVICE_REQUEST;
  }
  return STATUS.SUCCESS;
}

/** Run a file object callback (EvtDeviceFileCreate, EvtFileCleanup, EvtFileClose): under the device's lock when its file scope is Device. */
export function underFileObjectLock<T>(device: FxDevice, body: () => T): T {
  const file = device.fileObject;
  if (!file || file.attributes === NO_ATTRIBUTES) return body();
  const scope = inherit(file.attributes.executionLevel, file.attributes.synchronizationScope, constraintsOf(device)).scope;
  return scope === WDF_SYNCHRONIZATION_SCOPE.Device ? callbackLockOf(device)!.run(body) : body();
}
