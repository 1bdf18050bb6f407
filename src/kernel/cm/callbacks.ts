/**
 * Registry filtering callbacks (CmRegisterCallbackEx): drivers that see registry operations before
 * and after the configuration manager performs them. Pre-notifications go from the highest altitude
 * down, post-notifications back up, each to the callbacks that saw the pre-notification. A pre
 * callback's error status fails the operation with that status; STATUS_CALLBACK_BYPASS means the
 * callback did the work itself: the operation is not performed and the caller sees success.
 *
 * A post callback that returns STATUS_CALLBACK_BYPASS replaces the operation's status with the
 * ReturnStatus it set (and, for a create or open, the key body with the Object it set). A pre
 * callback that fails or bypasses gets no post-notification. Each callback's CallContext (set in
 * its pre) comes back in its post; ObjectContext is its CmSetCallbackObjectContext context of the
 * key. An operation a callback itself performs is notified only to the callbacks below its altitude.
 * Every notified operation is a kernel-mode call (ExGetPreviousMode is KernelMode in the callbacks).
 *
 * Raised: RegNtPre/PostDeleteKey, SetValueKey, DeleteValueKey, CreateKeyEx, OpenKeyEx,
 * KeyHandleClose, QueryValueKey, EnumerateKey, EnumerateValueKey, QueryKey, and
 * RegNtCallbackObjectContextCleanup. Not yet: flushes, renames, security, load/save.
 */
import {
  REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION,
  REG_CREATE_KEY_INFORMATION_V1,
  REG_DELETE_KEY_INFORMATION,
  REG_DELETE_VALUE_KEY_INFORMATION,
  REG_ENUMERATE_KEY_INFORMATION,
  REG_ENUMERATE_VALUE_KEY_INFORMATION,
  REG_KEY_HANDLE_CLOSE_INFORMATION,
  REG_QUERY_KEY_INFORMATION,
  REG_QUERY_VALUE_KEY_INFORMATION,
  REG_POST_OPERATION_INFORMATION,
  REG_SET_VALUE_KEY_INFORMATION,
} from '../../nt/layout.ts';
import { REG_NOTIFY_CLASS, REG_NOTIFY_CLASS as N } from '../../nt/registry.ts';
import { kernelCall } from '../ex/previous-mode.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';

export interface RegistryCallback {
  readonly routine: number;
  readonly context: number;
  /** Altitudes compare as decimal numbers ("320000.5"); CmRegisterCallback's ('') are below every other and never collide. */
  readonly altitude: string;
  readonly cookie: bigint;
  /** The driver module that registered it, for the unload check and messages. */
  readonly module: string | undefined;
}

/** The pre/post pair of each class raised, the size of its pre-information and where its contexts go. */
export type PreClass =
  | 'DeleteKey'
  | 'SetValueKey'
  | 'DeleteValueKey'
  | 'CreateKeyEx'
  | 'OpenKeyEx'
  | 'KeyHandleClose'
  | 'QueryValueKey'
  | 'EnumerateKey'
  | 'EnumerateValueKey'
  | 'QueryKey';
interface ClassSpec {
  readonly pre: number;
  readonly post: number;
  readonly size: number;
  readonly callContext: number;
  /** ObjectContext (RootObjectContext for a create or open). */
  readonly objectContext: number;
}
const D = REG_DELETE_KEY_INFORMATION.off;
const S = REG_SET_VALUE_KEY_INFORMATION.off;
const V = REG_DELETE_VALUE_KEY_INFORMATION.off;
const C = REG_CREATE_KEY_INFORMATION_V1.off;
const H = REG_KEY_HANDLE_CLOSE_INFORMATION.off;
const QV = REG_QUERY_VALUE_KEY_INFORMATION.off;
const EK = REG_ENUMERATE_KEY_INFORMATION.off;
const EV = REG_ENUMERATE_VALUE_KEY_INFORMATION.off;
const QK = REG_QUERY_KEY_INFORMATION.off;
const CLASSES: Readonly<Record<PreClass, ClassSpec>> = {
  DeleteKey: { pre: N.RegNtPreDeleteKey, post: N.RegNtPostDeleteKey, size: REG_DELETE_KEY_INFORMATION.size, callContext: D.CallContext, objectContext: D.ObjectContext },
  SetValueKey: { pre: N.RegNtPreSetValueKey, post: N.RegNtPostSetValueKey, size: REG_SET_VALUE_KEY_INFORMATION.size, callContext: S.CallContext, objectContext: S.ObjectContext },
  DeleteValueKey: { pre: N.RegNtPreDeleteValueKey, post: N.RegNtPostDeleteValueKey, size: REG_DELETE_VALUE_KEY_INFORMATION.size, callContext: V.CallContext, objectContext: V.ObjectContext },
  CreateKeyEx: { pre: N.RegNtPreCreateKeyEx, post: N.RegNtPostCreateKeyEx, size: REG_CREATE_KEY_INFORMATION_V1.size, callContext: C.CallContext, objectContext: C.RootObjectContext },
  KeyHandleClose: { pre: N.RegNtPreKeyHandleClose, post: N.RegNtPostKeyHandleClose, size: REG_KEY_HANDLE_CLOSE_INFORMATION.size, callContext: H.CallContext, objectContext: H.ObjectContext },
  QueryValueKey: { pre: N.RegNtPreQueryValueKey, post: N.RegNtPostQueryValueKey, size: REG_QUERY_VALUE_KEY_INFORMATION.size, callContext: QV.CallContext, objectContext: QV.ObjectContext },
  EnumerateKey: { pre: N.RegNtPreEnumerateKey, post: N.RegNtPostEnumerateKey, size: REG_ENUMERATE_KEY_INFORMATION.size, callContext: EK.CallContext, objectContext: EK.ObjectContext },
  EnumerateValueKey: { pre: N.RegNtPreEnumerateValueKey, post: N.RegNtPostEnumerateValueKey, size: REG_ENUMERATE_VALUE_KEY_INFORMATION.size, callContext: EV.CallContext, objectContext: EV.ObjectContext },
  QueryKey: { pre: N.RegNtPreQueryKey, post: N.RegNtPostQueryKey, size: REG_QUERY_KEY_INFORMATION.size, callContext: QK.CallContext, objectContext: QK.ObjectContext },
  OpenKeyEx: { pre: N.RegNtPreOpenKeyEx, post: N.RegNtPostOpenKeyEx, size: REG_CREATE_KEY_INFORMATION_V1.size, callContext: C.CallContext, objectContext: C.RootObjectContext },
};

/** An operation's outcome: its status and, for a create or open, the key body it produced (one reference, the caller's). */
export interface Outcome {
  readonly status: number;
  readonly object: number;
}

/** Order altitudes as numbers written in decimal, without floating point. */
function compareAltitude(a: string, b: string): number {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? -1 : 1;
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  const ia = ai.replace(/^0+/, '');
  const ib = bi.replace(/^0+/, '');
  if (ia.length !== ib.length) return ia.length - ib.length;
  if (ia !== ib) return ia < ib ? -1 : 1;
  const n = Math.max(af.length, bf.length);
  const fa = af.padEnd(n, '0');
  const fb = bf.padEnd(n, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

export const isAltitude = (s: string): boolean => /^\d+(\.\d+)?$/.test(s);

export class RegistryCallbacks {
  /** Highest altitude first. */
  private list: RegistryCallback[] = [];
  private nextCookie = 0x1000n;

  constructor(private readonly k: Kernel) {}

  /** False if the altitude is taken (STATUS_FLT_INSTANCE_ALTITUDE_COLLISION). */
  register(routine: number, context: number, altitude: string, module: string | undefined): RegistryCallback | undefined {
    if (altitude !== '' && this.list.some((c) => compareAltitude(c.altitude, altitude) === 0)) return undefined;
    const cb: RegistryCallback = { routine, context, altitude, cookie: this.nextCookie, module };
    this.nextCookie += 0x10n;
    // Stable: among CmRegisterCallback's, the first registered is called first.
    this.list = [...this.list, cb].sort((a, b) => compareAltitude(b.altitude, a.altitude));
    return cb;
  }

  unregister(cookie: bigint): boolean {
    const cb = this.list.find((c) => c.cookie === cookie);
    if (!cb) return false;
    // Each context the callback attached is handed back once (RegNtCallbackObjectContextCleanup).
    for (const [body, contexts] of this.k.cm.objectContexts) {
      const context = contexts.get(cookie);
      if (context === undefined) continue;
      contexts.delete(cookie);
      this.cleanup(cb, body, context);
    }
    this.list = this.list.filter((c) => c !== cb);
    return true;
  }

  byCookie(cookie: bigint): RegistryCallback | undefined {
    return this.list.find((c) => c.cookie === cookie);
  }

  /** A key body is going away: every context attached to it goes back to its callback. */
  cleanupContexts(body: number): void {
    const contexts = this.k.cm.objectContexts.get(body);
    if (!contexts) return;
    this.k.cm.objectContexts.delete(body);
    for (const [cookie, context] of contexts) {
      const cb = this.byCookie(cookie);
      if (cb) this.cleanup(cb, body, context);
    }
  }

  private cleanup(cb: RegistryCallback, body: number, context: number): void {
    const info = this.k.allocateKernelObject(REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION.size, TAG.RegistryNotify);
    try {
      this.k.as.zero(info, REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION.size);
      this.k.as.setU32(info + REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION.off.Object, body);
      this.k.as.setU32(info + REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION.off.ObjectContext, context);
      this.call(cb, REG_NOTIFY_CLASS.RegNtCallbackObjectContextCleanup, info);
    } finally {
      this.k.freeKernelObject(info);
    }
  }

  get registered(): readonly RegistryCallback[] {
    return this.list;
  }

  /** The callbacks running now, innermost last: an operation they perform goes only to those below. */
  private readonly running: RegistryCallback[] = [];

  /**
   * Run an operation between its notifications. `fill(info)` writes the pre-information after its
   * Object (the key body); `perform()` does the operation and returns its status.
   */
  around(kind: PreClass, object: number, fill: (info: number) => void, perform: () => number): number {
    return this.aroundObject(kind, object, fill, () => ({ status: perform(), object })).status;
  }

  /**
   * The general form. For a create or open, `object` is the RootObject, `fill` writes the rest of
   * the REG_CREATE_KEY_INFORMATION_V1 (its ResultObject is set here: a cell after the information),
   * and perform's object is the new key body; a pre callback's bypass gives the body it put in
   * *ResultObject instead, a post callback's the Object it left in the post-information.
   */
  aroundObject(kind: PreClass, object: number, fill: (info: number) => void, perform: () => Outcome): Outcome {
    const eligible = this.eligible();
    return kernelCall(this.k, () => {
      if (eligible.length === 0) return perform();
      const spec = CLASSES[kind];
      const as = this.k.as;
      const creates = kind === 'CreateKeyEx' || kind === 'OpenKeyEx';
      const info = this.k.tryAllocateKernelObject(spec.size + 4 + REG_POST_OPERATION_INFORMATION.size, TAG.RegistryNotify);
      if (info === 0) return { status: STATUS.INSUFFICIENT_RESOURCES, object: 0 };
      const resultCell = info + spec.size;
      const postInfo = resultCell + 4;
      try {
        as.zero(info, spec.size + 4);
        if (creates) {
          as.setU32(info + C.RootObject, object);
          as.setU32(info + C.ResultObject, resultCell);
        } else as.setU32(info, object);
        fill(info);
        // The callbacks that get a post-notification, and the CallContext each set.
        const notified: { cb: RegistryCallback; callContext: number }[] = [];
        let status: number = STATUS.SUCCESS;
        for (const cb of eligible) {
          as.setU32(info + spec.callContext, 0);
          as.setU32(info + spec.objectContext, this.contextOf(object, cb));
          status = this.call(cb, spec.pre, info);
          if (status !== STATUS.SUCCESS) break;
          notified.push({ cb, callContext: as.u32(info + spec.callContext) });
        }
        let outcome: Outcome;
        if (status === STATUS.SUCCESS) outcome = perform();
        else if (status === STATUS.CALLBACK_BYPASS) outcome = { status: STATUS.SUCCESS, object: creates ? as.u32(resultCell) : object };
        else outcome = { status, object: creates ? 0 : object };
        const P = REG_POST_OPERATION_INFORMATION.off;
        for (const { cb, callContext } of notified.reverse()) {
          as.zero(postInfo, REG_POST_OPERATION_INFORMATION.size);
          as.setU32(postInfo + P.Object, outcome.object);
          as.setU32(postInfo + P.Status, outcome.status);
          as.setU32(postInfo + P.PreInformation, info);
          as.setU32(postInfo + P.CallContext, callContext);
          as.setU32(postInfo + P.ObjectContext, this.contextOf(outcome.object, cb));
          if (this.call(cb, spec.post, postInfo) === STATUS.CALLBACK_BYPASS) {
            outcome = { status: as.u32(postInfo + P.ReturnStatus), object: creates ? as.u32(postInfo + P.Object) : object };
          }
        }
        return outcome;
      } finally {
        this.k.freeKernelObject(info);
      }
    });
  }

  /** The callbacks an operation started now is notified to: all, or inside a callback those below it. */
  private eligible(): readonly RegistryCallback[] {
    const top = this.running[this.running.length - 1];
    return top ? this.list.filter((c) => compareAltitude(c.altitude, top.altitude) < 0) : this.list;
  }

  /** Whether an operation started now would be notified (so its notification's memory is worth making). */
  get listening(): boolean {
    return this.eligible().length > 0;
  }

  /** The context `cb` attached to a key body, or 0. */
  private contextOf(body: number, cb: RegistryCallback): number {
    return body === 0 ? 0 : (this.k.cm.objectContexts.get(body)?.get(cb.cookie) ?? 0);
  }

  private call(cb: RegistryCallback, notifyClass: number, info: number): number {
    this.running.push(cb);
    try {
      const r = this.k.callRoutine(cb.routine, [cb.context, notifyClass, info]);
      return typeof r === 'number' ? r >>> 0 : STATUS.SUCCESS;
    } finally {
      this.running.pop();
    }
  }
}
