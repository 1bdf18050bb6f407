/**
 * Registry callbacks beyond set/delete: create and open (REG_CREATE_KEY_INFORMATION_V1), handle
 * closes, CallContext and ObjectContext, the context cleanup, key object IDs, the bound transaction,
 * the callback version, nested operations below the caller's altitude, and ExGetPreviousMode.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { OBJECT_ATTRIBUTES, REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION, REG_CREATE_KEY_INFORMATION_V1, REG_POST_OPERATION_INFORMATION, REG_SET_VALUE_KEY_INFORMATION, UNICODE_STRING } from '../../src/nt/layout.ts';
import { REG, REG_CREATED_NEW_KEY, REG_NOTIFY_CLASS as N } from '../../src/nt/registry.ts';
import { STATUS, statusName } from '../../src/nt/status.ts';
import { routine, scratch } from './support.ts';

const C = REG_CREATE_KEY_INFORMATION_V1.off;
const P = REG_POST_OPERATION_INFORMATION.off;
const SOFTWARE = '\\Registry\\Machine\\Software';
const eq = (actual: number, expected: number, what?: string) => assert.equal(statusName(actual), statusName(expected), what);

function us(k: Kernel, text: string): number {
  const s = scratch(k, UNICODE_STRING.size + 2 * text.length + 2);
  k.as.writeUtf16(s + UNICODE_STRING.size, text);
  k.as.setU16(s, 2 * text.length);
  k.as.setU16(s + 2, 2 * text.length + 2);
  k.as.setU32(s + 4, s + UNICODE_STRING.size);
  return s;
}
const text = (k: Kernel, s: number) => k.as.utf16(k.as.u32(s + 4), k.as.u16(s) / 2);

function oa(k: Kernel, path: string, root = 0): number {
  const a = scratch(k, OBJECT_ATTRIBUTES.size);
  k.as.zero(a, OBJECT_ATTRIBUTES.size);
  k.as.setU32(a, OBJECT_ATTRIBUTES.size);
  k.as.setU32(a + OBJECT_ATTRIBUTES.off.RootDirectory, root);
  k.as.setU32(a + OBJECT_ATTRIBUTES.off.ObjectName, us(k, path));
  return a;
}

function create(k: Kernel, path: string, root = 0): { status: number; handle: number; disposition: number } {
  const out = scratch(k, 8);
  k.as.setU32(out, 0);
  const status = k.ddi.ZwCreateKey(out, 0, oa(k, path, root), 0, 0, 0, out + 4);
  return { status, handle: k.as.u32(out), disposition: k.as.u32(out + 4) };
}

function open(k: Kernel, path: string, root = 0): { status: number; handle: number } {
  const out = scratch(k, 4);
  k.as.setU32(out, 0);
  const status = k.ddi.ZwOpenKey(out, 0, oa(k, path, root));
  return { status, handle: k.as.u32(out) };
}

function register(k: Kernel, fn: number, altitude: string, context = 0): number {
  const cookie = scratch(k, 8);
  eq(k.ddi.CmRegisterCallbackEx(fn, us(k, altitude), 0, context, cookie, 0), STATUS.SUCCESS, `register at ${altitude}`);
  return cookie;
}

test('ZwCreateKey and ZwOpenKey: pre-notifications carry REG_CREATE_KEY_INFORMATION_V1, posts the new key body', () => {
  const k = new Kernel();
  const seen: string[] = [];
  const fn = routine(k, 1, (_c, cls, info) => {
    if (cls === N.RegNtPreCreateKeyEx || cls === N.RegNtPreOpenKeyEx) {
      assert.equal(k.as.u32(info + C.Version), 1);
      assert.equal(k.ob.kindOf(k.as.u32(info + C.RootObject)), 'Key', 'RootObject is a key body (\\REGISTRY for an absolute name)');
      seen.push(`${cls === N.RegNtPreCreateKeyEx ? 'pre create' : 'pre open'} ${text(k, k.as.u32(info + C.CompleteName))} remaining ${text(k, k.as.u32(info + C.RemainingName))}`);
    } else if (cls === N.RegNtPostCreateKeyEx || cls === N.RegNtPostOpenKeyEx) {
      const object = k.as.u32(info + P.Object);
      seen.push(`post ${statusName(k.as.u32(info + P.Status))} ${object === 0 ? 'no object' : k.cm.keyOfBody(object)!.name}`);
    }
    return STATUS.SUCCESS;
  });
  register(k, fn, '320000');
  const made = create(k, `${SOFTWARE}\\Made`);
  eq(made.status, STATUS.SUCCESS);
  assert.equal(made.disposition, REG_CREATED_NEW_KEY);
  assert.equal(k.cm.keyOfBody(k.cm.bodyOfHandle(made.handle))?.name, 'Made');
  eq(open(k, 'Made', open(k, SOFTWARE).handle).status, STATUS.SUCCESS);
  eq(open(k, `${SOFTWARE}\\Missing`).status, STATUS.OBJECT_NAME_NOT_FOUND);
  assert.deepEqual(seen, [
    `pre create ${SOFTWARE}\\Made remaining Machine\\Software\\Made`,
    'post STATUS_SUCCESS Made',
    `pre open ${SOFTWARE} remaining Machine\\Software`,
    'post STATUS_SUCCESS SOFTWARE',
    'pre open Made remaining Made',
    'post STATUS_SUCCESS Made',
    `pre open ${SOFTWARE}\\Missing remaining Machine\\Software\\Missing`,
    'post STATUS_OBJECT_NAME_NOT_FOUND no object',
  ]);
});

test('a pre callback that bypasses a create hands its own key body back through *ResultObject', () => {
  const k = new Kernel();
  const other = create(k, `${SOFTWARE}\\Other`).handle;
  const otherBody = k.cm.bodyOfHandle(other);
  const fn = routine(k, 1, (_c, cls, info) => {
    if (cls !== N.RegNtPreCreateKeyEx) return STATUS.SUCCESS;
    k.ob.reference(otherBody);
    k.as.setU32(k.as.u32(info + C.ResultObject), otherBody);
    return STATUS.CALLBACK_BYPASS;
  });
  register(k, fn, '320000');
  const r = create(k, `${SOFTWARE}\\Redirected`);
  eq(r.status, STATUS.SUCCESS);
  assert.equal(k.cm.bodyOfHandle(r.handle), otherBody, 'the handle is to the filter\'s body');
  assert.equal(k.cm.hive.lookup(`${SOFTWARE}\\Redirected`), undefined, 'the registry did not create it');
  eq(k.ddi.ZwClose(r.handle), STATUS.SUCCESS);
  assert.ok(k.ob.isObject(otherBody), 'the filter\'s reference went to the handle, the first handle still holds it');
});

test('a post callback overrides a create\'s success with ReturnStatus, releasing the body; CallContext comes back in the post', () => {
  const k = new Kernel();
  const contexts: number[] = [];
  const fn = routine(k, 1, (_c, cls, info) => {
    if (cls === N.RegNtPreCreateKeyEx) {
      k.as.setU32(info + C.CallContext, 0x1234);
      return STATUS.SUCCESS;
    }
    if (cls !== N.RegNtPostCreateKeyEx) return STATUS.SUCCESS;
    contexts.push(k.as.u32(info + P.CallContext));
    k.ob.dereference(k.as.u32(info + P.Object));
    k.as.setU32(info + P.Object, 0);
    k.as.setU32(info + P.ReturnStatus, STATUS.ACCESS_DENIED);
    return STATUS.CALLBACK_BYPASS;
  });
  register(k, fn, '320000');
  const r = create(k, `${SOFTWARE}\\Denied`);
  eq(r.status, STATUS.ACCESS_DENIED);
  assert.equal(r.handle, 0, 'no handle');
  assert.deepEqual(contexts, [0x1234]);
});

test('ZwClose of a key handle is notified; an object context is seen in later notifications and cleaned up with the body', () => {
  const k = new Kernel();
  const h = create(k, `${SOFTWARE}\\Ctx`).handle;
  const body = k.cm.bodyOfHandle(h);
  const log: string[] = [];
  let cookie = 0;
  const fn = routine(k, 1, (_c, cls, info) => {
    if (cls === N.RegNtPreSetValueKey) log.push(`set context ${k.as.u32(info + REG_SET_VALUE_KEY_INFORMATION.off.ObjectContext)}`);
    if (cls === N.RegNtPreKeyHandleClose) log.push('pre close');
    if (cls === N.RegNtPostKeyHandleClose) log.push('post close');
    if (cls === N.RegNtCallbackObjectContextCleanup) {
      assert.equal(k.as.u32(info + REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION.off.Object), body);
      log.push(`cleanup ${k.as.u32(info + REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION.off.ObjectContext)}`);
    }
    return STATUS.SUCCESS;
  });
  cookie = register(k, fn, '320000');
  const old = scratch(k, 4);
  eq(k.ddi.CmSetCallbackObjectContext(body, cookie, 77, old), STATUS.SUCCESS);
  assert.equal(k.as.u32(old), 0);
  const data = scratch(k, 4);
  eq(k.ddi.ZwSetValueKey(h, us(k, 'V'), 0, REG.DWORD, data, 4), STATUS.SUCCESS);
  eq(k.ddi.ZwClose(h), STATUS.SUCCESS);
  assert.deepEqual(log, ['set context 77', 'pre close', 'cleanup 77', 'post close']);
  eq(k.ddi.CmSetCallbackObjectContext(body, cookie, 1, 0), STATUS.INVALID_PARAMETER, 'the body is gone');
});

test('CmUnRegisterCallback hands back each object context; CmCallbackGetKeyObjectID(Ex) name the key; CmGetCallbackVersion is 1.1', () => {
  const k = new Kernel();
  const h = create(k, `${SOFTWARE}\\Named`).handle;
  const body = k.cm.bodyOfHandle(h);
  const cleaned: number[] = [];
  const fn = routine(k, 1, (_c, cls, info) => {
    if (cls === N.RegNtCallbackObjectContextCleanup) cleaned.push(k.as.u32(info + REG_CALLBACK_CONTEXT_CLEANUP_INFORMATION.off.ObjectContext));
    return STATUS.SUCCESS;
  });
  const cookie = register(k, fn, '320000');
  const id = scratch(k, 4);
  const name = scratch(k, 4);
  eq(k.ddi.CmCallbackGetKeyObjectIDEx(cookie, body, id, name, 0), STATUS.SUCCESS);
  assert.equal(text(k, k.as.u32(name)), '\\REGISTRY\\MACHINE\\SOFTWARE\\Named');
  const firstId = k.as.u32(id);
  k.ddi.CmCallbackReleaseKeyObjectIDEx(k.as.u32(name));
  const again = open(k, `${SOFTWARE}\\Named`).handle;
  eq(k.ddi.CmCallbackGetKeyObjectID(cookie, k.cm.bodyOfHandle(again), id, name), STATUS.SUCCESS);
  assert.equal(k.as.u32(id), firstId, 'one ID per key, whichever body');
  eq(k.ddi.CmCallbackGetKeyObjectIDEx(cookie, body, id, name, 1), STATUS.INVALID_PARAMETER, 'Flags must be 0');
  eq(k.ddi.CmCallbackGetKeyObjectID(scratch(k, 8), body, id, name), STATUS.INVALID_PARAMETER, 'an unregistered cookie');
  eq(k.ddi.CmSetCallbackObjectContext(body, cookie, 5, 0), STATUS.SUCCESS);
  eq(k.ddi.CmUnRegisterCallback(k.as.u64(cookie)), STATUS.SUCCESS);
  assert.deepEqual(cleaned, [5]);
  const version = scratch(k, 8);
  k.ddi.CmGetCallbackVersion(version, version + 4);
  assert.deepEqual([k.as.u32(version), k.as.u32(version + 4)], [1, 1]);
});

test('CmGetBoundTransaction: the transaction of a transacted key body, NULL otherwise', () => {
  const k = new Kernel();
  const cookie = register(k, routine(k, 1, () => STATUS.SUCCESS), '320000');
  const txOut = scratch(k, 4);
  eq(k.ddi.ZwCreateTransaction(txOut, 0, 0, 0, 0, 0, 0, 0, 0, 0), STATUS.SUCCESS);
  const tx = k.as.u32(txOut);
  const keyOut = scratch(k, 4);
  eq(k.ddi.ZwOpenKeyTransacted(keyOut, 0, oa(k, SOFTWARE), tx), STATUS.SUCCESS);
  assert.equal(k.ddi.CmGetBoundTransaction(cookie, k.cm.bodyOfHandle(k.as.u32(keyOut))), k.ob.objectOfHandle(tx));
  assert.equal(k.ddi.CmGetBoundTransaction(cookie, k.cm.bodyOfHandle(open(k, SOFTWARE).handle)), 0);
});

test('an operation a callback performs goes only to the callbacks below it; callbacks run in kernel mode', () => {
  const k = new Kernel();
  const seen: string[] = [];
  const modes: number[] = [];
  const high = routine(k, 1, (_c, cls) => {
    if (cls === N.RegNtPreCreateKeyEx) {
      seen.push('high pre create');
      modes.push(k.ddi.ExGetPreviousMode());
      const inner = open(k, SOFTWARE);
      k.ddi.ZwClose(inner.handle);
    }
    return STATUS.SUCCESS;
  });
  const low = routine(k, 2, (_c, cls) => {
    if (cls < N.RegNtPostDeleteKey || cls === N.RegNtPreCreateKeyEx || cls === N.RegNtPreOpenKeyEx) seen.push(`low pre ${cls}`);
    return STATUS.SUCCESS;
  });
  register(k, high, '400000');
  register(k, low, '300000');
  eq(create(k, `${SOFTWARE}\\Nested`).status, STATUS.SUCCESS);
  assert.deepEqual(seen, ['high pre create', `low pre ${N.RegNtPreOpenKeyEx}`, `low pre ${N.RegNtPreKeyHandleClose}`, `low pre ${N.RegNtPreCreateKeyEx}`]);
  assert.deepEqual(modes, [0], 'KernelMode');
});

test('ExGetPreviousMode: UserMode in the client thread outside a system service, KernelMode in a system thread', () => {
  const k = new Kernel();
  assert.equal(k.runInThread(k.userThread, () => k.ddi.ExGetPreviousMode()), 1);
  assert.equal(k.ddi.ExGetPreviousMode(), 0);
});

test('queries and enumerations are notified with their parameters; a pre callback can refuse one', () => {
  const k = new Kernel();
  const h = create(k, `${SOFTWARE}\\Queried`).handle;
  create(k, 'Sub', h);
  const data = scratch(k, 4);
  eq(k.ddi.ZwSetValueKey(h, us(k, 'V'), 0, REG.DWORD, data, 4), STATUS.SUCCESS);
  const seen: string[] = [];
  let refuse = 0;
  const fn = routine(k, 1, (_c, cls, info) => {
    const name = { [N.RegNtPreQueryValueKey]: 'query value', [N.RegNtPreEnumerateKey]: 'enumerate key', [N.RegNtPreEnumerateValueKey]: 'enumerate value', [N.RegNtPreQueryKey]: 'query key' }[cls];
    if (name) {
      assert.equal(k.as.u32(info), k.cm.bodyOfHandle(h), 'Object is the key body');
      seen.push(name);
      if (cls === refuse) return STATUS.ACCESS_DENIED;
    } else if (cls === N.RegNtPostQueryValueKey || cls === N.RegNtPostEnumerateKey || cls === N.RegNtPostEnumerateValueKey || cls === N.RegNtPostQueryKey) {
      seen.push(`post ${statusName(k.as.u32(info + P.Status))}`);
    }
    return STATUS.SUCCESS;
  });
  register(k, fn, '320000');
  const buffer = scratch(k, 256);
  const length = scratch(k, 4);
  eq(k.ddi.ZwQueryValueKey(h, us(k, 'V'), 2, buffer, 256, length), STATUS.SUCCESS);
  eq(k.ddi.ZwEnumerateKey(h, 0, 0, buffer, 256, length), STATUS.SUCCESS);
  eq(k.ddi.ZwEnumerateValueKey(h, 1, 0, buffer, 256, length), STATUS.NO_MORE_ENTRIES);
  eq(k.ddi.ZwQueryKey(h, 2, buffer, 256, length), STATUS.SUCCESS);
  refuse = N.RegNtPreQueryValueKey;
  eq(k.ddi.ZwQueryValueKey(h, us(k, 'V'), 2, buffer, 256, length), STATUS.ACCESS_DENIED);
  assert.deepEqual(seen, [
    'query value', 'post STATUS_SUCCESS',
    'enumerate key', 'post STATUS_SUCCESS',
    'enumerate value', 'post STATUS_NO_MORE_ENTRIES',
    'query key', 'post STATUS_SUCCESS',
    'query value',
  ]);
});
