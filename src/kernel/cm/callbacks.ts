/**
 * Registry filtering callbacks (CmRegisterCallbackEx): drivers that see registry operations before
 * and after the configuration manager performs them. Pre-notifications go from the highest altitude
 * down, post-notifications back up, each to the callbacks that saw the pre-notification. A pre
 * callback's error status fails the operation with that status; STATUS_CALLBACK_BYPASS means the
 * callback did the work itself: the operation is not performed and the caller sees success.
 *
 * Notified so far: RegNtPreDeleteKey, RegNtPreSetValueKey, RegNtPreDeleteValueKey and their post
 * classes. The other classes (opens, creates, queries, enumerations, handle closes) are not raised yet.
 */
import { REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION, REG_DELETE_VALUE_KEY_INFORMATION, REG_POST_OPERATION_INFORMATION, REG_SET_VALUE_KEY_INFORMATION } from '../../nt/layout.ts';
import { REG_NOTIFY_CLASS } from '../../nt/registry.ts';
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

/** The pre/post pair of each class raised, and the layout of its pre-information. */
export type PreClass = 'DeleteKey' | 'SetValueKey' | 'DeleteValueKey';
const CLASSES: Readonly<Record<PreClass, { pre: number; post: number }>> = {
  DeleteKey: { pre: REG_NOTIFY_CLASS.RegNtPreDeleteKey, post: REG_NOTIFY_CLASS.RegNtPostDeleteKey },
  SetValueKey: { pre: REG_NOTIFY_CLASS.RegNtPreSetValueKey, post: REG_NOTIFY_CLASS.RegNtPostSetValueKey },
  DeleteValueKey: { pre: REG_NOTIFY_CLASS.RegNtPreDeleteValueKey, post: REG_NOTIFY_CLASS.RegNtPostDeleteValueKey },
};

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

  /**
   * Run an operation between its notifications. `fill(info)` writes the pre-information after its
   * Object (the key body); `perform()` does the operation and returns its status.
   */
  around(kind: PreClass, object: number, fill: (info: number) => void, perform: () => number): number {
    if (this.list.length === 0) return perform();
    const { pre, post } = CLASSES[kind];
    const as = this.k.as;
    const size = kind === 'SetValueKey' ? REG_SET_VALUE_KEY_INFORMATION.size : REG_DELETE_VALUE_KEY_INFORMATION.size;
    const info = this.k.tryAllocateKernelObject(size + REG_POST_OPERATION_INFORMATION.size, TAG.RegistryNotify);
    if (info === 0) return STATUS.INSUFFICIENT_RESOURCES;
    try {
      as.zero(info, size);
      as.setU32(info, object);
      fill(info);
      const called: RegistryCallback[] = [];
      let status: number = STATUS.SUCCESS;
      for (const cb of this.list) {
        called.push(cb);
        status = this.call(cb, pre, info);
        if (status !== STATUS.SUCCESS) break;
      }
      const bypassed = status === STATUS.CALLBACK_BYPASS;
      const result = status === STATUS.SUCCESS ? perform() : bypassed ? STATUS.SUCCESS : status;
      const P = REG_POST_OPERATION_INFORMATION.off;
      const postInfo = info + size;
      for (const cb of called.reverse()) {
        as.zero(postInfo, REG_POST_OPERATION_INFORMATION.size);
        as.setU32(postInfo + P.Object, object);
        as.setU32(postInfo + P.Status, result);
        as.setU32(postInfo + P.PreInformation, info);
        this.call(cb, post, postInfo);
      }
      return result;
    } finally {
      this.k.freeKernelObject(info);
    }
  }

  private call(cb: RegistryCallback, notifyClass: number, info: number): number {
    const r = this.k.callRoutine(cb.routine, [cb.context, notifyClass, info]);
    return typeof r === 'number' ? r >>> 0 : STATUS.SUCCESS;
  }
}
