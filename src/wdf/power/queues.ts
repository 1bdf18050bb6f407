/**
 * Queue states beyond dispatching: stopping (no more requests presented; a power-managed queue stops
 * when its device leaves D0, calling EvtIoStop once for each request the driver owns), resuming
 * (EvtIoResume for the requests it acknowledged), purging (waiting requests cancelled, owned ones
 * stopped with the purge flag, new ones failed), and the driver's WdfIoQueueStart/Stop/Purge and
 * WdfRequestStopAcknowledge. Windows waits for the driver's requests before a transition goes on;
 * so does this framework (power/wait.ts).
 */
import { STATUS } from '../../nt/status.ts';
import { FX_TYPE } from '../../nt/wdf.ts';
import { WDF_REQUEST_STOP_ACTION } from '../../nt/wdf-pnp.ts';
import type { WdfDdi } from '../ddi.ts';
import type { Framework } from '../framework.ts';
import { underPresentationLock } from '../callback-lock.ts';
import type { FxIoQueue } from '../queue.ts';
import type { FxRequest } from '../request.ts';
import { verifierBreak } from '../verifier.ts';
import { frameworkWait } from './wait.ts';

/** Requests whose driver called WdfRequestStopAcknowledge(Requeue FALSE) while their queue stops: EvtIoResume gets them back. */
const acknowledged = new WeakSet<FxRequest>();

const hex = (n: number) => `0x${n.toString(16)}`;

/** The requests the driver owns that it has neither completed nor acknowledged. */
function unacknowledged(queue: FxIoQueue): FxRequest[] {
  return [...queue.presented].filter((r) => !acknowledged.has(r));
}

/**
 * Stop presenting (the caller has put the hold in place) and call EvtIoStop for each request the
 * driver owns; then wait until each is completed or acknowledged (purge: completed).
 */
export function stopOwnedRequests(fx: Framework, queue: FxIoQueue, action: number): void {
  const g = queue.globals;
  const stop = queue.config.evtIoStop;
  const purge = (action & WDF_REQUEST_STOP_ACTION.Purge) !== 0;
  // A purge stops every request the driver owns, acknowledged before or not.
  const owned = purge ? [...queue.presented] : unacknowledged(queue);
  if (purge) for (const r of owned) acknowledged.delete(r);
  for (const request of owned) {
    if (stop) underPresentationLock(queue, () => fx.invoke(stop, [queue.handle, request.handle, action], ['FxIoQueueIoStop::Invoke']));
  }
  const done = () => (purge ? queue.presented.size === 0 : unacknowledged(queue).length === 0);
  if (done()) return;
  if (!stop) g.record('FxIoQueue::StopProcessingForPower', `WDFQUEUE ${hex(queue.handle)} has ${owned.length} driver-owned request(s) and no EvtIoStop: the framework waits for the driver to complete them`);
  frameworkWait(fx, g, done, purge ? `queue to purge, WDFQUEUE ${hex(queue.handle)}` : `all inflight requests to be acknowledged on WDFQUEUE ${hex(queue.handle)}`);
}

/** The device is back in D0 (or the queue restarted): EvtIoResume for what was acknowledged, then dispatch again. */
export function resumeQueue(fx: Framework, queue: FxIoQueue): void {
  for (const request of [...queue.presented]) {
    if (!acknowledged.delete(request)) continue;
    const resume = queue.config.evtIoResume;
    if (resume) underPresentationLock(queue, () => fx.invoke(resume, [queue.handle, request.handle], ['FxIoQueueIoResume::Invoke']));
  }
  // A manual queue started with requests waiting: its ready notification (queue-find.ts).
  queue.onReady?.();
  queue.dispatchEvents();
}

/** Cancel the waiting requests (EvtIoCanceledOnQueue completes them if the queue has one), refuse new ones, stop the owned ones. */
export function purgeQueue(fx: Framework, queue: FxIoQueue): void {
  queue.accepting = false;
  for (const request of queue.waiting.splice(0)) {
    if (queue.config.evtIoCanceledOnQueue) {
      queue.take(request);
      underPresentationLock(queue, () => fx.invoke(queue.config.evtIoCanceledOnQueue, [queue.handle, request.handle], ['FxIoQueueIoCanceledOnQueue::Invoke']));
    } else {
      request.complete(STATUS.CANCELLED, 0);
    }
  }
  stopOwnedRequests(fx, queue, WDF_REQUEST_STOP_ACTION.Purge);
}

export function queueStateExports(fx: Framework): Record<string, WdfDdi> {
  const queueOf = (g: Parameters<WdfDdi>[0], handle: number) => fx.object<FxIoQueue>(g, handle, FX_TYPE.Queue);

  /** Call `callback(queue, context)` once the driver owns none of the queue's requests. */
  const whenIdle = (queue: FxIoQueue, callback: number, context: number) => {
    const call = () => {
      queue.afterCompletion = undefined;
      if (callback) fx.invoke(callback, [queue.handle, context], ['FxIoQueue::StopComplete']);
    };
    if (queue.presented.size === 0) return call();
    queue.afterCompletion = () => {
      if (queue.presented.size === 0) call();
    };
  };

  return {
    WdfIoQueueStart(g, Queue: number) {
      const queue = queueOf(g, Queue);
      queue.holds.delete('stopped');
      queue.accepting = true;
      resumeQueue(fx, queue);
    },

    WdfIoQueueStop(g, Queue: number, StopComplete: number, Context: number) {
      const queue = queueOf(g, Queue);
      queue.holds.add('stopped');
      whenIdle(queue, StopComplete, Context);
    },

    WdfIoQueueStopSynchronously(g, Queue: number) {
      const queue = queueOf(g, Queue);
      queue.holds.add('stopped');
      frameworkWait(fx, g, () => queue.presented.size === 0, `queue to stop, WDFQUEUE ${hex(queue.handle)}`);
    },

    WdfIoQueuePurge(g, Queue: number, PurgeComplete: number, Context: number) {
      const queue = queueOf(g, Queue);
      queue.accepting = false;
      for (const request of queue.waiting.splice(0)) request.complete(STATUS.CANCELLED, 0);
      whenIdle(queue, PurgeComplete, Context);
    },

    WdfIoQueuePurgeSynchronously(g, Queue: number) {
      const queue = queueOf(g, Queue);
      queue.accepting = false;
      for (const request of queue.waiting.splice(0)) request.complete(STATUS.CANCELLED, 0);
      frameworkWait(fx, g, () => queue.presented.size === 0, `queue to purge, WDFQUEUE ${hex(queue.handle)}`);
    },

    WdfRequestStopAcknowledge(g, Request: number, Requeue: number) {
      const request = fx.object<FxRequest>(g, Request, FX_TYPE.Request);
      const queue = request.queue;
      if (!queue || !queue.presented.has(request)) {
        verifierBreak(fx, g, 'FxRequest::StopAcknowledge', `WDFREQUEST ${hex(request.handle)} is not owned by the driver from a queue`);
        return;
      }
      if ((Requeue & 0xff) !== 0) {
        // Back to the head of its queue, presented again when the queue restarts.
        queue.presented.delete(request);
        queue.waiting.unshift(request);
      } else {
        acknowledged.add(request);
      }
    },
  };
}
