/**
 * The configuration manager: the registry hive and the key objects that handles refer to. A key
 * handle is an object manager handle (ZwClose closes it) to a small key body in nonpaged pool, as
 * Windows' CM_KEY_BODY; the body names the key it opened. When its last reference goes, the body is
 * freed.
 */
import { OBJECT_ATTRIBUTES, UNICODE_STRING } from '../../nt/layout.ts';
import { OBJ, REG } from '../../nt/registry.ts';
import { STATUS } from '../../nt/status.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';
import { RegistryCallbacks } from './callbacks.ts';
import { CmKey, Hive, SERVICES_PATH, dwordData, splitKeyPath, szData } from './hive.ts';

/** The key body's size: a type tag and the key it names (what a debugger would find there). */
const KEY_BODY_SIZE = 0x10;
const KEY_BODY_TYPE = 0x6b793032; // 'ky02', the CM_KEY_BODY type signature

/** SERVICE_KERNEL_DRIVER, SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL: what an INF's AddService writes for a kernel driver. */
const SERVICE_DEFAULTS = { Type: 1, Start: 3, ErrorControl: 1 } as const;

/** Where ZwOpenKey / ZwCreateKey start from and which names they follow. */
export interface KeyName {
  readonly base: CmKey;
  readonly names: readonly string[];
}

export class ConfigurationManager {
  readonly hive: Hive;
  /** Registry filtering callbacks (CmRegisterCallbackEx). */
  readonly callbacks: RegistryCallbacks;
  private readonly bodies = new Map<number, CmKey>();
  /** The transaction (TmTx object) a key body was opened in; the body holds a reference on it. */
  private readonly bound = new Map<number, number>();
  /** CmSetCallbackObjectContext: each key body's context per registry callback cookie. */
  readonly objectContexts = new Map<number, Map<bigint, number>>();
  /** CmCallbackGetKeyObjectID's names, freed with their key body. */
  private readonly bodyNames = new Map<number, number>();
  /** CmCallbackGetKeyObjectID's ObjectID of each key. */
  private readonly keyIds = new WeakMap<CmKey, number>();
  private nextKeyId = 0x1000;

  constructor(private readonly k: Kernel) {
    this.hive = new Hive(() => k.clock.systemTime());
    this.callbacks = new RegistryCallbacks(k);
  }

  /** A new handle to `key` (its key body holds the key; the handle holds the body's only reference). */
  openHandle(key: CmKey, transaction = 0): number | undefined {
    const body = this.newBody(key, transaction);
    if (body === undefined) return undefined;
    const handle = this.k.ob.createHandle(body);
    this.k.ob.dereference(body);
    return handle;
  }

  /** The key body of \REGISTRY: the RootObject of absolute names in create and open notifications (never freed). */
  rootBody(): number {
    if (this.registryBody === 0) this.registryBody = this.newBody(this.hive.root, 0) ?? 0;
    return this.registryBody;
  }
  private registryBody = 0;

  /** A new key body for `key`, with one reference: the caller's (a handle takes its own). */
  newBody(key: CmKey, transaction = 0): number | undefined {
    const body = this.k.tryAllocateKernelObject(KEY_BODY_SIZE, TAG.KeyBody);
    if (body === 0) return undefined;
    this.k.as.setU32(body, KEY_BODY_TYPE);
    this.bodies.set(body, key);
    if (transaction !== 0) {
      this.bound.set(body, transaction);
      this.k.ob.reference(transaction);
    }
    this.k.ob.create(
      body,
      'Key',
      () => {
        this.callbacks.cleanupContexts(body);
        this.bodies.delete(body);
        const name = this.bodyNames.get(body);
        this.bodyNames.delete(body);
        if (name !== undefined) this.k.freeKernelObject(name);
        const tx = this.bound.get(body);
        this.bound.delete(body);
        if (tx !== undefined) this.k.ob.dereference(tx);
        this.k.freeKernelObject(body);
      },
      1,
    );
    return body;
  }

  /** The key body a handle refers to (the Object registry callbacks are given). */
  bodyOfHandle(handle: number): number {
    return this.k.ob.objectOfHandle(handle >>> 0) ?? 0;
  }

  /** The transaction a key body is bound to (CmGetBoundTransaction), or 0. */
  transactionOfBody(body: number): number {
    return this.bound.get(body >>> 0) ?? 0;
  }

  /** The body's full-name UNICODE_STRING, made once by `make` (0: no memory) and freed with the body. */
  bodyName(body: number, make: () => number): number {
    let us = this.bodyNames.get(body);
    if (us === undefined) {
      us = make();
      if (us !== 0) this.bodyNames.set(body, us);
    }
    return us;
  }

  keyIdOf(key: CmKey): number {
    let id = this.keyIds.get(key);
    if (id === undefined) {
      id = this.nextKeyId;
      this.nextKeyId += 0x10;
      this.keyIds.set(key, id);
    }
    return id;
  }

  /** The key a body names, if it is a key body. */
  keyOfBody(body: number): CmKey | undefined {
    return this.bodies.get(body >>> 0);
  }

  /** The key of a handle: STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH or STATUS_KEY_DELETED when it has none. */
  keyOfHandle(handle: number): CmKey | number {
    const object = this.k.ob.objectOfHandle(handle >>> 0);
    if (object === undefined) return STATUS.INVALID_HANDLE;
    const key = this.bodies.get(object);
    if (!key) return STATUS.OBJECT_TYPE_MISMATCH;
    return key.deleted ? STATUS.KEY_DELETED : key;
  }

  /** Read a driver's OBJECT_ATTRIBUTES: the key to start from and the names below it, or a status. */
  readObjectAttributes(oa: number): KeyName | number {
    const as = this.k.as;
    const A = OBJECT_ATTRIBUTES.off;
    if (oa === 0 || as.u32(oa + A.Length) !== OBJECT_ATTRIBUTES.size) return STATUS.INVALID_PARAMETER;
    if ((as.u32(oa + A.Attributes) & ~OBJ.VALID_ATTRIBUTES) !== 0) return STATUS.INVALID_PARAMETER;
    const rootHandle = as.u32(oa + A.RootDirectory);
    const namePtr = as.u32(oa + A.ObjectName);
    const name = namePtr === 0 ? '' : this.readUnicodeString(namePtr);
    if (name === undefined) return STATUS.OBJECT_NAME_INVALID;
    if (rootHandle !== 0) {
      const root = this.keyOfHandle(rootHandle);
      if (typeof root === 'number') return root;
      if (name.startsWith('\\')) return STATUS.OBJECT_PATH_SYNTAX_BAD;
      const names = splitKeyPath(name);
      return names ? { base: root, names } : STATUS.OBJECT_NAME_INVALID;
    }
    if (!name.startsWith('\\')) return namePtr === 0 ? STATUS.OBJECT_NAME_INVALID : STATUS.OBJECT_PATH_SYNTAX_BAD;
    const names = splitKeyPath(name);
    if (!names || names.length === 0) return STATUS.OBJECT_NAME_INVALID;
    // Outside \REGISTRY the object manager finds no key: a directory that is not there.
    if (names[0]!.toUpperCase() !== this.hive.root.name) return names.length > 1 ? STATUS.OBJECT_PATH_NOT_FOUND : STATUS.OBJECT_NAME_NOT_FOUND;
    return { base: this.hive.root, names: names.slice(1) };
  }

  /** A UNICODE_STRING's text; undefined if its Length is odd or exceeds MaximumLength. */
  readUnicodeString(us: number): string | undefined {
    const as = this.k.as;
    const length = as.u16(us + UNICODE_STRING.off.Length);
    const max = as.u16(us + UNICODE_STRING.off.MaximumLength);
    if (length % 2 !== 0 || length > max) return undefined;
    return length === 0 ? '' : as.utf16(as.u32(us + UNICODE_STRING.off.Buffer), length / 2);
  }

  /**
   * The driver's service key, made before DriverEntry as the service control manager finds it: the
   * values an INF's AddService writes, unless a seed file already set them, and a Parameters subkey.
   */
  createServiceKey(name: string, imagePath: string): string {
    const h = this.hive;
    const key = h.createPath(`${SERVICES_PATH}\\${name}`);
    h.setDefault(key, 'ImagePath', REG.EXPAND_SZ, szData(imagePath));
    for (const [value, n] of Object.entries(SERVICE_DEFAULTS)) h.setDefault(key, value, REG.DWORD, dwordData(n));
    h.createKey(key, 'Parameters');
    return key.path;
  }
}
