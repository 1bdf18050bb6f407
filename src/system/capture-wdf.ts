/**
 * The dump's `wdf` section: the framework's clients and their objects, as `!wdfkd.*` reads them.
 * The objects themselves (FX_OBJECT_HEADER, contexts) and the in-flight recorders are in the
 * dump's memory; this names them and adds what the framework keeps outside simulated memory
 * (queues' waiting and presented requests, their callbacks).
 */
import type { WdfSnapshot } from '../debugger/dump.ts';
import { FX_CONTEXT_HEADER, FX_OBJECT_HEADER, FX_TYPE, WDF_OBJECT_CONTEXT_TYPE_INFO } from '../nt/wdf.ts';
import type { Framework } from '../wdf/framework.ts';
import type { FxDevice } from '../wdf/device.ts';
import type { FxObject } from '../wdf/object.ts';
import type { FxIoQueue } from '../wdf/queue.ts';
import type { FxRequest } from '../wdf/request.ts';

/** WdfRequestTypeNoFormat: a driver-created request not formatted yet. */
const WDF_REQUEST_TYPE_NO_FORMAT = 0xff;

const H = FX_OBJECT_HEADER.off;
const CH = FX_CONTEXT_HEADER.off;
const TI = WDF_OBJECT_CONTEXT_TYPE_INFO.off;
const CONTEXT_BLOCK = (FX_CONTEXT_HEADER.size + 7) & ~7;

/** The queue callbacks `!wdfqueue` lists, in WDF_IO_QUEUE_CONFIG's order. */
const QUEUE_CALLBACKS = ['EvtIoDefault', 'EvtIoRead', 'EvtIoWrite', 'EvtIoDeviceControl', 'EvtIoInternalDeviceControl', 'EvtIoStop', 'EvtIoResume', 'EvtIoCanceledOnQueue'] as const;

export function snapshotWdf(fx: Framework): WdfSnapshot {
  const as = fx.k.as;
  const text = (a: number) => {
    try {
      return a === 0 ? '' : as.cstring(a, 128);
    } catch {
      return '';
    }
  };
  const context = (address: number, typeInfo: number) => ({ address, typeInfo, name: typeInfo ? text(as.u32(typeInfo + TI.ContextName)) : '', size: typeInfo ? as.u32(typeInfo + TI.ContextSize) : 0 });
  /** The object's contexts, from its header and the chain of context blocks. */
  const contexts = (o: FxObject) => {
    const out = [];
    const first = as.u32(o.address + H.ContextTypeInfo);
    if (first) out.push(context(o.address + as.u16(o.address + H.HeaderSize), first));
    for (let b = as.u32(o.address + H.NextContext), n = 0; b !== 0 && n < 64; b = as.u32(b + CH.NextContext), n++) out.push(context(b + CONTEXT_BLOCK, as.u32(b + CH.ContextTypeInfo)));
    return out;
  };
  const objects = [...fx.handles.values()];
  return {
    clients: [...fx.clients].map((g) => {
      const mine = objects.filter((o) => o.globals === g);
      const ofType = <T extends FxObject>(type: number) => mine.filter((o) => o.type === type) as T[];
      return {
        name: g.name,
        globals: g.address,
        driver: g.driver?.handle ?? 0,
        driverObject: g.driver?.driverObject ?? 0,
        verifierOn: g.verifierOn,
        ifr: g.ifr.address,
        objects: mine.map((o) => ({ handle: o.handle, address: o.address, type: o.type, parent: o.parent?.handle ?? 0, state: o.state, refs: o.referenceCount, contexts: contexts(o) })),
        devices: ofType<FxDevice>(FX_TYPE.Device).map((d) => ({
          handle: d.handle,
          deviceObject: d.deviceObject,
          control: d.control,
          ioType: d.ioType,
          defaultQueue: d.defaultQueue?.handle ?? 0,
          executionLevel: fx.constraints(d).level,
          synchronizationScope: fx.constraints(d).scope,
          ...(d.pnp ? { pnp: { pnp: d.pnp.states.pnp.history(), power: d.pnp.states.power.history(), powerPolicy: d.pnp.states.powerPolicy.history(), policyOwner: d.pnp.ownsPowerPolicy, parent: d.pnp.parentDevice?.handle ?? 0 } } : {}),
        })),
        queues: ofType<FxIoQueue>(FX_TYPE.Queue).map((q) => {
          const c = q.config;
          const pointers = [c.evtIoDefault, c.evtIoRead, c.evtIoWrite, c.evtIoDeviceControl, c.evtIoInternalDeviceControl, c.evtIoStop, c.evtIoResume, c.evtIoCanceledOnQueue];
          return {
            handle: q.handle,
            device: q.device.handle,
            dispatchType: c.dispatchType,
            powerManaged: c.powerManaged,
            executionLevel: fx.constraints(q).level,
            synchronizationScope: fx.constraints(q).scope,
            callbacks: QUEUE_CALLBACKS.flatMap((name, i) => (pointers[i] ? [[name, pointers[i]!] as [string, number]] : [])),
            waiting: q.waiting.map((r) => r.handle),
            presented: [...q.presented].map((r) => r.handle),
          };
        }),
        requests: ofType<FxRequest>(FX_TYPE.Request).map((r) => {
          // A request out at an I/O target names it; a driver-created one says so, its major the one it was formatted with (0xFF: none yet).
          // (Read from the request itself: a WDM run's capture must not load src/wdf's modules.)
          const created = r.createdByDriver;
          const major = created ? (r.formattedMajor ?? WDF_REQUEST_TYPE_NO_FORMAT) : r.major;
          return { handle: r.handle, irp: r.irp, queue: r.queue?.handle ?? 0, major, fileObject: r.fileObject?.handle ?? 0, completed: r.completed, cancelRoutine: r.cancelRoutine, ...(r.sentTo ? { target: r.sentTo.handle } : {}), ...(created ? { created } : {}) };
        }),
      };
    }),
  };
}
