/**
 * WDFSPINLOCK and WDFWAITLOCK. A spin lock raises to DISPATCH_LEVEL while held (the IRQL before is
 * the object's, given back at the release); a wait lock is a synchronization event the holder
 * waits on at PASSIVE_LEVEL (a zero timeout only tries: STATUS_TIMEOUT when held). With the
 * framework's verifier on, acquiring a lock the thread holds is 0x10D/0x2 and releasing one it
 * does not is 0x10D/0xB (reference §7).
 */
import { KEVENT, KSPIN_LOCK } from '../nt/layout.ts';
import { STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_BUGCHECK } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';

/** SynchronizationEvent. */
const SYNCHRONIZATION_EVENT = 1;
const PASSIVE_LEVEL = 0;

abstract class FxLock extends FxObject {
  /** The KSPIN_LOCK or KEVENT, in its own block of the driver's pool. */
  readonly lock: number;
  owner = 0;

  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes, type: typeof FX_TYPE.SpinLock | typeof FX_TYPE.WaitLock, size: number) {
    super(fx, g, attributes, attributes.parent ? fx.object(g, attributes.parent) : g.driver, type);
    this.lock = fx.allocate(size, g.tag);
    fx.k.as.zero(this.lock, size);
  }

  protected override destroyed(): void {
    this.fx.free(this.lock, this.globals.tag);
  }

  /** The verifier's lock checks before an acquire and a release. */
  checkAcquire(): void {
    if (this.globals.verifierOn && this.owner === this.fx.k.currentThread.address) this.fx.violation(this.globals, WDF_BUGCHECK.RECURSIVE_LOCK, this.handle, this.lock);
  }

  checkRelease(): void {
    if (this.globals.verifierOn && this.owner !== this.fx.k.currentThread.address) this.fx.violation(this.globals, WDF_BUGCHECK.INVALID_LOCK_OPERATION, this.handle, this.owner === 0 ? 0 : 1);
  }
}

class FxSpinLock extends FxLock {
  oldIrql = 0;
  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes) {
    super(fx, g, attributes, FX_TYPE.SpinLock, KSPIN_LOCK.size);
  }
}

class FxWaitLock extends FxLock {
  constructor(fx: Framework, g: FxDriverGlobals, attributes: FxAttributes) {
    super(fx, g, attributes, FX_TYPE.WaitLock, KEVENT.size);
    fx.k.ddi.KeInitializeEvent(this.lock, SYNCHRONIZATION_EVENT, 1);
  }
}

export function syncExports(fx: Framework): Record<string, WdfDdi> {
  const k = fx.k;
  const as = k.as;

  const create = (make: (g: FxDriverGlobals, a: FxAttributes) => FxLock) => (g: FxDriverGlobals, Attributes: number, Lock: number) => {
    fx.require(g, Lock);
    as.setU32(Lock, 0);
    const attributes = readAttributes(fx, Attributes);
    if (typeof attributes === 'number') return attributes;
    as.setU32(Lock, make(g, attributes).handle);
    return STATUS.SUCCESS;
  };

  return {
    WdfSpinLockCreate: create((g, a) => new FxSpinLock(fx, g, a)),
    WdfSpinLockAcquire(g, SpinLock: number) {
      const l = fx.object<FxSpinLock>(g, SpinLock, FX_TYPE.SpinLock);
      l.checkAcquire();
      l.oldIrql = k.ddi.KeAcquireSpinLockRaiseToDpc(l.lock);
      l.owner = k.currentThread.address;
    },
    WdfSpinLockRelease(g, SpinLock: number) {
      const l = fx.object<FxSpinLock>(g, SpinLock, FX_TYPE.SpinLock);
      l.checkRelease();
      l.owner = 0;
      k.ddi.KeReleaseSpinLock(l.lock, l.oldIrql);
    },

    WdfWaitLockCreate: create((g, a) => new FxWaitLock(fx, g, a)),
    WdfWaitLockAcquire(g, Lock: number, Timeout: number) {
      const l = fx.object<FxWaitLock>(g, Lock, FX_TYPE.WaitLock);
      const tryOnly = Timeout !== 0 && as.u64(Timeout) === 0n;
      if (!tryOnly && k.irql > PASSIVE_LEVEL) {
        g.record('FxWaitLock::AcquireLock', `Called at wrong IRQL; at level ${k.irql}, should be at level ${PASSIVE_LEVEL}`);
        return STATUS.INVALID_DEVICE_REQUEST;
      }
      l.checkAcquire();
      const status = k.ddi.KeWaitForSingleObject(l.lock, 0, 0, 0, Timeout) >>> 0;
      if (status === STATUS.SUCCESS) l.owner = k.currentThread.address;
      return status;
    },
    WdfWaitLockRelease(g, Lock: number) {
      const l = fx.object<FxWaitLock>(g, Lock, FX_TYPE.WaitLock);
      l.checkRelease();
      l.owner = 0;
      k.ddi.KeSetEvent(l.lock, 0, 0);
    },
  };
}
