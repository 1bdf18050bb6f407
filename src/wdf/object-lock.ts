/**
 * WdfObjectAcquireLock / WdfObjectReleaseLock: a driver takes the callback lock of a WDFDEVICE or
 * WDFQUEUE (callback-lock.ts), the one the framework holds around the callbacks its
 * synchronization scope serializes. A spin lock returns at DISPATCH_LEVEL; a passive object's fast
 * mutex keeps the caller's IRQL inside a critical region (and needs IRQL <= APC_LEVEL). Any other
 * object has no such lock: 0x10D/0xB INVALID_LOCK_OPERATION (P2 the handle, P3 0). Acquiring the
 * lock a thread holds (inside a callback it serializes) is 0x10D/0x2 RECURSIVE_LOCK.
 */
import { APC_LEVEL } from '../nt/irql.ts';
import { WDF_BUGCHECK } from '../nt/wdf.ts';
import { callbackLockOf, type FxCallbackLock } from './callback-lock.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import { ifrHex } from './ifr.ts';
import { verifierBreak } from './verifier.ts';

export function objectLockExports(fx: Framework): Record<string, WdfDdi> {
  /** The object's callback lock; none is the driver's bug (fxobjectapi.cpp: bug check, verifier or not). */
  const lockOf = (g: FxDriverGlobals, handle: number): FxCallbackLock => {
    const lock = callbackLockOf(fx.object(g, handle));
    if (lock) return lock;
    g.record('FxObject::AcquireLock', `Invalid to call on WDFOBJECT ${ifrHex(handle)}`);
    return fx.violation(g, WDF_BUGCHECK.INVALID_LOCK_OPERATION, handle, 0);
  };
  return {
    WdfObjectAcquireLock(g, Object: number) {
      const lock = lockOf(g, Object);
      // A fast mutex above APC_LEVEL: the verifier refuses the call, as for any DDI above its IRQL.
      if (!lock.irqlAllows() && g.verifierOn) return verifierBreak(fx, g, 'FxObject::AcquireLock', `Called at wrong IRQL; at level ${fx.k.irql}, should be at level ${APC_LEVEL}`);
      lock.acquire();
    },
    WdfObjectReleaseLock(g, Object: number) {
      lockOf(g, Object).release();
    },
  };
}
