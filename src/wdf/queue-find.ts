/**
 * A manual queue's finer DDIs: searching the waiting requests without taking them (WdfIoQueueFindRequest:
 * the found request carries a reference the driver drops), taking a found one (WdfIoQueueRetrieveFoundRequest),
 * the queue's state (WdfIoQueueGetState: WDF_IO_QUEUE_STATE bits and the two counts), and the ready
 * notification (WdfIoQueueReadyNotify: EvtIoQueueState each time the empty queue gets a request, and at
 * a start when it is not empty).
 */
import { STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_IO_QUEUE_DISPATCH, WDF_IO_QUEUE_STATE } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { Framework } from './framework.ts';
import type { FxFileObject } from './file.ts';
import type { FxIoQueue } from './queue.ts';
import type { FxRequest } from './request.ts';
import { requestExports } from './request.ts';
import { ifrHex } from './ifr.ts';

/** The queue's state as WdfIoQueueGetState reports it. */
export function queueState(queue: FxIoQueue): number {
  const pnpHeld = queue.device.pnp?.holds(queue) ?? false;
  let state = 0;
  if (queue.accepting) state |= WDF_IO_QUEUE_STATE.AcceptRequests;
  if (queue.holds.size === 0 && !pnpHeld) state |= WDF_IO_QUEUE_STATE.DispatchRequests;
  if (queue.waiting.length === 0) state |= WDF_IO_QUEUE_STATE.NoRequests;
  if (queue.presented.size === 0) state |= WDF_IO_QUEUE_STATE.DriverNoRequests;
  if (pnpHeld) state |= WDF_IO_QUEUE_STATE.PnpHeld;
  return state;
}

export function queueFindExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  const getParameters = requestExports(fx).WdfRequestGetParameters!;
  const queueOf = (g: Parameters<WdfDdi>[0], handle: number) => fx.object<FxIoQueue>(g, handle, FX_TYPE.Queue);

  return {
    WdfIoQueueFindRequest(g, Queue: number, FoundRequest: number, FileObject: number, Parameters: number, OutRequest: number) {
      const queue = queueOf(g, Queue);
      fx.require(g, OutRequest);
      as.setU32(OutRequest, 0);
      const file = FileObject ? fx.object<FxFileObject>(g, FileObject, FX_TYPE.FileObject) : undefined;
      let start = 0;
      if (FoundRequest) {
        // The search goes on after the request the previous call found; gone from the queue (retrieved, cancelled): not found.
        const found = fx.object<FxRequest>(g, FoundRequest, FX_TYPE.Request);
        start = queue.waiting.indexOf(found) + 1;
        if (start === 0) return STATUS.NOT_FOUND;
      }
      const match = queue.waiting.slice(start).find((r) => !file || r.fileObject === file);
      if (!match) return STATUS.NO_MORE_ENTRIES;
      // The driver's reference: it calls WdfObjectDereference when done with the handle.
      match.reference();
      if (Parameters) getParameters(g, match.handle, Parameters);
      as.setU32(OutRequest, match.handle);
      return STATUS.SUCCESS;
    },

    WdfIoQueueRetrieveFoundRequest(g, Queue: number, FoundRequest: number, OutRequest: number) {
      const queue = queueOf(g, Queue);
      const found = fx.object<FxRequest>(g, FoundRequest, FX_TYPE.Request);
      fx.require(g, OutRequest);
      as.setU32(OutRequest, 0);
      if (queue.config.dispatchType !== WDF_IO_QUEUE_DISPATCH.Manual) return STATUS.INVALID_DEVICE_REQUEST;
      const i = queue.waiting.indexOf(found);
      if (i < 0) return STATUS.NOT_FOUND;
      queue.waiting.splice(i, 1);
      queue.take(found);
      as.setU32(OutRequest, found.handle);
      return STATUS.SUCCESS;
    },

    WdfIoQueueGetState(g, Queue: number, QueueRequests: number, DriverRequests: number) {
      const queue = queueOf(g, Queue);
      if (QueueRequests) as.setU32(QueueRequests, queue.waiting.length);
      if (DriverRequests) as.setU32(DriverRequests, queue.presented.size);
      return queueState(queue);
    },

    WdfIoQueueReadyNotify(g, Queue: number, QueueReady: number, Context: number) {
      const queue = queueOf(g, Queue);
      if (queue.config.dispatchType !== WDF_IO_QUEUE_DISPATCH.Manual) return STATUS.INVALID_DEVICE_REQUEST;
      const stopped = (queueState(queue) & WDF_IO_QUEUE_STATE.DispatchRequests) === 0;
      if (!QueueReady) {
        // Deregistering takes a stopped queue (the driver stops it first, so no callback is under way).
        if (!stopped) return STATUS.INVALID_DEVICE_STATE;
        queue.onReady = undefined;
        return STATUS.SUCCESS;
      }
      if (queue.onReady) return STATUS.INVALID_DEVICE_STATE;
      queue.onReady = () => {
        if ((queueState(queue) & WDF_IO_QUEUE_STATE.DispatchRequests) === 0 || queue.waiting.length === 0) return;
        g.record('FxIoQueue::ReadyNotify', `WDFQUEUE ${ifrHex(queue.handle)} is ready: ${queue.waiting.length} request(s)`);
        // Wdf01000 calls it from the queue's event dispatch.
        fx.invoke(QueueReady, [queue.handle, Context], ['FxIoQueue::DispatchEvents']);
      };
      // Requests already waiting: the callback may run before this returns.
      queue.onReady();
      return STATUS.SUCCESS;
    },
  };
}
