/**
 * WDFQUEUE: the framework's I/O queues. A queue holds the requests routed to it and presents them
 * to its EvtIo* handlers: sequential (one at a time: the next once the driver completes the one it
 * has), parallel (up to NumberOfPresentedRequests at once), manual (never: the driver retrieves
 * them with WdfIoQueueRetrieveNextRequest).
 */
import { IRP_MJ } from '../nt/io.ts';
import { IRP } from '../nt/layout.ts';
import { STATUS } from '../nt/status.ts';
import { FX_TYPE, WDF_IO_QUEUE_CONFIG, WDF_IO_QUEUE_DISPATCH } from '../nt/wdf.ts';
import type { WdfDdi } from './ddi.ts';
import type { FxDevice } from './device.ts';
import type { Framework } from './framework.ts';
import type { FxDriverGlobals } from './globals.ts';
import type { FxRoutine } from './image.ts';
import { FxObject, readAttributes, type FxAttributes } from './object.ts';
import type { FxRequest } from './request.ts';
import { ifrHex } from './ifr.ts';
import { deferDispatch, queueConstraintsStatus, underPresentationLock } from './callback-lock.ts';

const Q = WDF_IO_QUEUE_CONFIG.off;

export interface QueueConfig {
  readonly dispatchType: number;
  readonly powerManaged: number;
  readonly allowZeroLength: boolean;
  readonly defaultQueue: boolean;
  readonly evtIoDefault: number;
  readonly evtIoRead: number;
  readonly evtIoWrite: number;
  readonly evtIoDeviceControl: number;
  readonly evtIoInternalDeviceControl: number;
  readonly evtIoStop: number;
  readonly evtIoResume: number;
  readonly evtIoCanceledOnQueue: number;
  readonly parallelLimit: number;
}

export class FxIoQueue extends FxObject {
  /** Requests waiting to be presented (or retrieved, for a manual queue). */
  readonly waiting: FxRequest[] = [];
  /** Requests presented to the driver and not yet completed (the driver owns them). */
  readonly presented = new Set<FxRequest>();
  private dispatching = false;
  /** Given to the device (its default queue, or by WdfDeviceConfigureRequestDispatching): the framework's to delete. */
  frameworkOwned = false;
  /** Why the queue presents nothing for now besides power (WdfIoQueueStop: 'stopped'); power/queues.ts. */
  readonly holds = new Set<string>();
  /** False once purged: new requests are failed by the framework (power/queues.ts). */
  accepting = true;
  /** Told after each completion of a request it presented (power/queues.ts: stop and purge callbacks). */
  afterCompletion: (() => void) | undefined;
  /** A manual queue's EvtIoQueueState (WdfIoQueueReadyNotify, queue-find.ts): told when it gets a request while empty, and at a start. */
  onReady: (() => void) | undefined;

  constructor(
    fx: Framework,
    g: FxDriverGlobals,
    attributes: FxAttributes,
    readonly device: FxDevice,
    readonly config: QueueConfig,
  ) {
    super(fx, g, attributes, attributes.parent ? fx.object(g, attributes.parent) : device, FX_TYPE.Queue);
  }

  override get driverMayDelete(): boolean {
    return !this.frameworkOwned;
  }

  /**
   * A request routed here (or forwarded, or requeued at the head): it waits, cancelable by the
   * framework, and is presented when the queue's dispatch type allows. A queue that is not accepting
   * (stopped for removal, purged) fails it.
   */
  enqueue(request: FxRequest, head = false): void {
    if (!this.accepting) return void request.complete(STATUS.INVALID_DEVICE_STATE, 0);
    request.queue = this;
    if (head) this.waiting.unshift(request);
    else this.waiting.push(request);
    this.globals.record('FxIoQueue::QueueRequest', `WDFREQUEST ${ifrHex(request.handle)} queued on WDFQUEUE ${ifrHex(this.handle)}`);
    const as = this.fx.k.as;
    // An IRP already cancelled never waits.
    if (as.u8(request.irp + IRP.off.Cancel) !== 0) return this.cancelWaiting(request);
    as.setU32(request.irp + IRP.off.CancelRoutine, this.fx.routines.cancel);
    const wasEmpty = this.waiting.length === 1;
    this.fx.frame('FxIoQueue::QueueRequest', () => {
      if (wasEmpty) this.onReady?.();
      this.dispatchEvents();
    });
  }

  /** The driver no longer has the request from this queue (forwarded, requeued). */
  release(request: FxRequest): void {
    this.presented.delete(request);
  }

  /** A waiting request was cancelled: EvtIoCanceledOnQueue gets it, else the framework completes it. */
  cancelWaiting(request: FxRequest): void {
    const i = this.waiting.indexOf(request);
    if (i < 0) return;
    this.waiting.splice(i, 1);
    this.fx.frame('FxIoQueue::CancelForQueue', () => {
      if (this.config.evtIoCanceledOnQueue) {
        this.presented.add(request);
        underPresentationLock(this, () => this.fx.invoke(this.config.evtIoCanceledOnQueue, [this.handle, request.handle], []));
      } else {
        request.complete(STATUS.CANCELLED, 0);
      }
    });
  }

  private canPresent(): boolean {
    // Stopped, or power-managed while its device is not in D0 (pnp/package.ts).
    if (this.holds.size > 0 || this.device.pnp?.holds(this)) return false;
    switch (this.config.dispatchType) {
      case WDF_IO_QUEUE_DISPATCH.Sequential:
        return this.presented.size === 0;
      case WDF_IO_QUEUE_DISPATCH.Parallel:
        return this.presented.size < this.config.parallelLimit;
      default:
        return false;
    }
  }

  /** Present what can be presented. A completion inside a handler comes back here and is absorbed by the loop. */
  dispatchEvents(): void {
    if (this.dispatching) return;
    // Passive callbacks above PASSIVE_LEVEL, or the presentation lock held here: later, from a work item or DPC.
    if (deferDispatch(this)) return;
    this.dispatching = true;
    try {
      this.fx.frame('FxIoQueue::DispatchEvents', () => {
        while (this.waiting.length > 0 && this.canPresent()) this.present(this.waiting.shift()!);
      });
    } finally {
      this.dispatching = false;
    }
  }

  /** The request goes to the driver (a manual queue's retrieval, or a handler): no longer the framework's to cancel. */
  take(request: FxRequest): void {
    this.presented.add(request);
    this.fx.k.as.setU32(request.irp + IRP.off.CancelRoutine, 0);
  }

  private present(request: FxRequest): void {
    this.take(request);
    const c = this.config;
    const p = request.parameters;
    const call = (routine: number, args: readonly unknown[], invoke: FxRoutine) => underPresentationLock(this, () => this.fx.invoke(routine, [this.handle, request.handle, ...args], [invoke]));
    switch (request.major) {
      case IRP_MJ.READ:
        if (c.evtIoRead) return void call(c.evtIoRead, [p.length], 'FxIoQueueIoRead::Invoke');
        break;
      case IRP_MJ.WRITE:
        if (c.evtIoWrite) return void call(c.evtIoWrite, [p.length], 'FxIoQueueIoWrite::Invoke');
        break;
      case IRP_MJ.DEVICE_CONTROL:
        if (c.evtIoDeviceControl) return void call(c.evtIoDeviceControl, [p.outputLength, p.inputLength, p.code], 'FxIoQueueIoDeviceControl::Invoke');
        break;
      case IRP_MJ.INTERNAL_DEVICE_CONTROL:
        if (c.evtIoInternalDeviceControl) return void call(c.evtIoInternalDeviceControl, [p.outputLength, p.inputLength, p.code], 'FxIoQueueIoInternalDeviceControl::Invoke');
        break;
    }
    if (c.evtIoDefault) return void call(c.evtIoDefault, [], 'FxIoQueueIoDefault::Invoke');
    // No handler for this type: the framework fails it.
    request.complete(STATUS.INVALID_DEVICE_REQUEST, 0);
  }

  /** The driver completed a request it had from this queue: the next may go. */
  requestCompleted(request: FxRequest): void {
    this.presented.delete(request);
    const i = this.waiting.indexOf(request);
    if (i >= 0) this.waiting.splice(i, 1);
    this.afterCompletion?.();
    this.dispatchEvents();
  }

  /** Deleted (with its device): the requests still waiting are purged, completed STATUS_CANCELLED. */
  protected override dispose(): void {
    for (const request of this.waiting.splice(0)) {
      this.fx.k.as.setU32(request.irp + IRP.off.CancelRoutine, 0);
      request.queue = undefined;
      request.complete(STATUS.CANCELLED, 0);
    }
  }

  /** Does the queue have a handler for requests of this major function? */
  handles(major: number): boolean {
    const c = this.config;
    if (c.dispatchType === WDF_IO_QUEUE_DISPATCH.Manual || c.evtIoDefault) return true;
    if (major === IRP_MJ.READ) return c.evtIoRead !== 0;
    if (major === IRP_MJ.WRITE) return c.evtIoWrite !== 0;
    if (major === IRP_MJ.DEVICE_CONTROL) return c.evtIoDeviceControl !== 0;
    if (major === IRP_MJ.INTERNAL_DEVICE_CONTROL) return c.evtIoInternalDeviceControl !== 0;
    return false;
  }
}

export function queueExports(fx: Framework): Record<string, WdfDdi> {
  const as = fx.k.as;
  return {
    WdfIoQueueCreate(g, Device: number, Config: number, QueueAttributes: number, Queue: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      fx.require(g, Config);
      if (as.u32(Config + Q.Size) !== WDF_IO_QUEUE_CONFIG.size) return STATUS.INFO_LENGTH_MISMATCH;
      const config: QueueConfig = {
        dispatchType: as.u32(Config + Q.DispatchType),
        powerManaged: as.u32(Config + Q.PowerManaged),
        allowZeroLength: as.u8(Config + Q.AllowZeroLengthRequests) !== 0,
        defaultQueue: as.u8(Config + Q.DefaultQueue) !== 0,
        evtIoDefault: as.u32(Config + Q.EvtIoDefault),
        evtIoRead: as.u32(Config + Q.EvtIoRead),
        evtIoWrite: as.u32(Config + Q.EvtIoWrite),
        evtIoDeviceControl: as.u32(Config + Q.EvtIoDeviceControl),
        evtIoInternalDeviceControl: as.u32(Config + Q.EvtIoInternalDeviceControl),
        evtIoStop: as.u32(Config + Q.EvtIoStop),
        evtIoResume: as.u32(Config + Q.EvtIoResume),
        evtIoCanceledOnQueue: as.u32(Config + Q.EvtIoCanceledOnQueue),
        parallelLimit: as.u32(Config + Q['Settings.Parallel.NumberOfPresentedRequests']),
      };
      const { dispatchType } = config;
      if (dispatchType < WDF_IO_QUEUE_DISPATCH.Sequential || dispatchType > WDF_IO_QUEUE_DISPATCH.Manual) return STATUS.INVALID_PARAMETER;
      const handlers = [config.evtIoDefault, config.evtIoRead, config.evtIoWrite, config.evtIoDeviceControl, config.evtIoInternalDeviceControl].some((h) => h !== 0);
      if (dispatchType === WDF_IO_QUEUE_DISPATCH.Manual) {
        if (handlers) return STATUS.INVALID_PARAMETER;
      } else if (!handlers) {
        return STATUS.WDF_NO_CALLBACK;
      }
      // A limit is for parallel queues only (the INIT macro leaves 0 for the others).
      if (dispatchType !== WDF_IO_QUEUE_DISPATCH.Parallel && config.parallelLimit !== 0) return STATUS.INVALID_PARAMETER;
      if (config.defaultQueue && device.defaultQueue) return STATUS.INVALID_DEVICE_STATE;
      const attributes = readAttributes(fx, QueueAttributes, { executionLevel: true, synchronizationScope: true });
      if (typeof attributes === 'number') return attributes;
      const constraints = queueConstraintsStatus(device, attributes.executionLevel, attributes.synchronizationScope);
      if (constraints !== STATUS.SUCCESS) return constraints;
      const queue = new FxIoQueue(fx, g, attributes, device, config.dispatchType === WDF_IO_QUEUE_DISPATCH.Parallel && config.parallelLimit === 0 ? { ...config, parallelLimit: 0xffffffff } : config);
      if (config.defaultQueue) {
        device.defaultQueue = queue;
        queue.frameworkOwned = true;
      }
      g.record('FxIoQueue::Initialize', `WDFQUEUE ${ifrHex(queue.handle)} created on WDFDEVICE ${ifrHex(device.handle)}${config.defaultQueue ? ' (default queue)' : ''}`);
      if (Queue !== 0) as.setU32(Queue, queue.handle);
      return STATUS.SUCCESS;
    },

    WdfIoQueueGetDevice(g, Queue: number) {
      return fx.object<FxIoQueue>(g, Queue, FX_TYPE.Queue).device.handle;
    },

    WdfIoQueueRetrieveNextRequest(g, Queue: number, OutRequest: number) {
      const queue = fx.object<FxIoQueue>(g, Queue, FX_TYPE.Queue);
      fx.require(g, OutRequest);
      as.setU32(OutRequest, 0);
      if (queue.config.dispatchType !== WDF_IO_QUEUE_DISPATCH.Manual) return STATUS.INVALID_DEVICE_REQUEST;
      const next = queue.waiting.shift();
      if (!next) return STATUS.NO_MORE_ENTRIES;
      queue.take(next);
      as.setU32(OutRequest, next.handle);
      return STATUS.SUCCESS;
    },

    WdfDeviceEnqueueRequest(g, Device: number, Request: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      const r = fx.object<FxRequest>(g, Request, FX_TYPE.Request);
      if (r.queue || r.completed || r.device !== device) return STATUS.INVALID_DEVICE_REQUEST;
      const queue = device.dispatching.get(r.major) ?? device.defaultQueue;
      if (!queue) return STATUS.INVALID_DEVICE_REQUEST;
      queue.enqueue(r);
      return STATUS.SUCCESS;
    },

    WdfDeviceConfigureRequestDispatching(g, Device: number, Queue: number, RequestType: number) {
      const device = fx.object<FxDevice>(g, Device, FX_TYPE.Device);
      const queue = fx.object<FxIoQueue>(g, Queue, FX_TYPE.Queue);
      const routable = [IRP_MJ.CREATE, IRP_MJ.READ, IRP_MJ.WRITE, IRP_MJ.DEVICE_CONTROL, IRP_MJ.INTERNAL_DEVICE_CONTROL] as number[];
      if (!routable.includes(RequestType)) return STATUS.INVALID_PARAMETER;
      if (queue.device !== device) return STATUS.INVALID_DEVICE_REQUEST;
      if (device.dispatching.has(RequestType)) return STATUS.WDF_BUSY;
      device.dispatching.set(RequestType, queue);
      queue.frameworkOwned = true;
      return STATUS.SUCCESS;
    },
  };
}
