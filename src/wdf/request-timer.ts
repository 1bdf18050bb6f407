/**
 * WdfRequestAllocateTimer: a driver that sends a request with a timeout asks first that the timer be
 * there, so the send cannot fail for want of it. This framework's send makes its KTIMER and KDPC with
 * the send (io-target.ts); the allocation here answers what Windows answers for the same pool: it
 * fails with STATUS_INSUFFICIENT_RESOURCES when the pool does (the low resources simulation).
 */
import { KDPC, KTIMER } from '../nt/layout.ts';
import { STATUS } from '../nt/status.ts';
import { FX_TYPE } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxRequest } from './request.ts';
import { ifrHex } from './ifr.ts';

export function requestTimerExports(fx: Framework): Record<string, WdfDdi> {
  return {
    WdfRequestAllocateTimer(g, Request: number) {
      const request = fx.object<FxRequest>(g, Request, FX_TYPE.Request);
      const p = fx.tryAllocate(KTIMER.size + KDPC.size, g.tag);
      if (p === 0) {
        g.record('FxRequestBase::CreateTimer', `WDFREQUEST ${ifrHex(request.handle)}: no pool for its timer`);
        return STATUS.INSUFFICIENT_RESOURCES;
      }
      fx.free(p, g.tag);
      return STATUS.SUCCESS;
    },
  };
}
