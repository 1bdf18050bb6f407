/**
 * What a registry filtering callback asks the configuration manager about the key bodies it is
 * given: their identifiers and names, contexts of its own attached to them, the transaction they
 * were opened in, and the callback interface's version.
 */
import { UNICODE_STRING } from '../../nt/layout.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';

/** The version CmGetCallbackVersion reports: 1.1, Windows 8's (every REG_*_INFORMATION buffer captured). */
const CALLBACK_VERSION = { major: 1, minor: 1 } as const;

export function cmCallbackExports(k: Kernel) {
  const as = k.as;
  const cm = () => k.cm;
  const cookieAt = (Cookie: number): bigint => as.u64(Cookie >>> 0);

  /** A UNICODE_STRING and its text in one pool block: the key's full name. */
  const nameString = (text: string): number => {
    const us = k.tryAllocateKernelObject(UNICODE_STRING.size + 2 * text.length, TAG.RegistryNotify);
    if (us === 0) return 0;
    const buffer = us + UNICODE_STRING.size;
    for (let i = 0; i < text.length; i++) as.setU16(buffer + 2 * i, text.charCodeAt(i));
    as.setU16(us + UNICODE_STRING.off.Length, 2 * text.length);
    as.setU16(us + UNICODE_STRING.off.MaximumLength, 2 * text.length);
    as.setU32(us + UNICODE_STRING.off.Buffer, buffer);
    return us;
  };

  /** Checks shared by both forms: a registered cookie and a key body. */
  const keyOfObject = (Cookie: number, Object: number) => {
    if (Cookie === 0 || !cm().callbacks.byCookie(cookieAt(Cookie))) return undefined;
    return cm().keyOfBody(Object);
  };

  const getId = (Cookie: number, Object: number, ObjectID: number, ObjectName: number, keep: boolean): number => {
    const key = keyOfObject(Cookie, Object);
    if (!key) return STATUS.INVALID_PARAMETER;
    // Unique per key while it exists, as the address of a key's control block is on Windows.
    if (ObjectID !== 0) as.setU32(ObjectID >>> 0, cm().keyIdOf(key));
    if (ObjectName !== 0) {
      // The old form's name belongs to the key body (freed with it); the Ex form's to the caller.
      const us = keep ? cm().bodyName(Object >>> 0, () => nameString(key.path)) : nameString(key.path);
      if (us === 0) return STATUS.INSUFFICIENT_RESOURCES;
      as.setU32(ObjectName >>> 0, us);
    }
    return STATUS.SUCCESS;
  };

  return {
    CmGetCallbackVersion(Major: number, Minor: number): void {
      if (Major !== 0) as.setU32(Major >>> 0, CALLBACK_VERSION.major);
      if (Minor !== 0) as.setU32(Minor >>> 0, CALLBACK_VERSION.minor);
    },

    CmSetCallbackObjectContext(Object: number, Cookie: number, NewContext: number, OldContext: number): number {
      if (Cookie === 0 || !cm().callbacks.byCookie(cookieAt(Cookie)) || !cm().keyOfBody(Object)) return STATUS.INVALID_PARAMETER;
      const cookie = cookieAt(Cookie);
      let contexts = cm().objectContexts.get(Object >>> 0);
      if (!contexts) cm().objectContexts.set(Object >>> 0, (contexts = new Map()));
      if (OldContext !== 0) as.setU32(OldContext >>> 0, contexts.get(cookie) ?? 0);
      contexts.set(cookie, NewContext >>> 0);
      return STATUS.SUCCESS;
    },

    CmCallbackGetKeyObjectID(Cookie: number, Object: number, ObjectID: number, ObjectName: number): number {
      return getId(Cookie, Object, ObjectID, ObjectName, true);
    },

    /** Flags must be 0. The name is the caller's: CmCallbackReleaseKeyObjectIDEx frees it. */
    CmCallbackGetKeyObjectIDEx(Cookie: number, Object: number, ObjectID: number, ObjectName: number, Flags: number): number {
      if (Flags !== 0) return STATUS.INVALID_PARAMETER;
      return getId(Cookie, Object, ObjectID, ObjectName, false);
    },

    CmCallbackReleaseKeyObjectIDEx(ObjectName: number): void {
      if (ObjectName !== 0) k.freeKernelObject(ObjectName >>> 0);
    },

    CmGetBoundTransaction(Cookie: number, Object: number): number {
      if (!keyOfObject(Cookie, Object)) return 0;
      return cm().transactionOfBody(Object);
    },
  };
}
