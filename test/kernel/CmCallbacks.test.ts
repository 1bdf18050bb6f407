/** Registry filtering callbacks: CmRegisterCallbackEx / CmRegisterCallback / CmUnRegisterCallback and the notifications. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { dwordData } from '../../src/kernel/cm/hive.ts';
import { OBJECT_ATTRIBUTES, REG_POST_OPERATION_INFORMATION, REG_SET_VALUE_KEY_INFORMATION, UNICODE_STRING } from '../../src/nt/layout.ts';
import { REG, REG_NOTIFY_CLASS as N } from '../../src/nt/registry.ts';
import { STATUS, statusName } from '../../src/nt/status.ts';
import { routine, scratch } from './support.ts';

const st = (s: number) => statusName(s);
const P = REG_POST_OPERATION_INFORMATION.off;
const S = REG_SET_VALUE_KEY_INFORMATION.off;

function us(k: Kernel, text: string): number {
  const s = scratch(k, UNICODE_STRING.size + 2 * text.length + 2);
  k.as.writeUtf16(s + UNICODE_STRING.size, text);
  k.as.setU16(s, 2 * text.length);
  k.as.setU16(s + 2, 2 * text.length + 2);
  k.as.setU32(s + 4, s + UNICODE_STRING.size);
  return s;
}

function key(k: Kernel, path: string): number {
  const oa = scratch(k, OBJECT_ATTRIBUTES.size);
  k.as.zero(oa, OBJECT_ATTRIBUTES.size);
  k.as.setU32(oa, OBJECT_ATTRIBUTES.size);
  k.as.setU32(oa + OBJECT_ATTRIBUTES.off.ObjectName, us(k, path));
  const out = scratch(k, 4);
  assert.equal(k.ddi.ZwCreateKey(out, 0, oa, 0, 0, 0, 0), STATUS.SUCCESS);
  return k.as.u32(out);
}

function register(k: Kernel, fn: number, altitude: string | undefined, context: number): { status: number; cookie: bigint } {
  const cookie = scratch(k, 8);
  const status = altitude === undefined ? k.ddi.CmRegisterCallback(fn, context, cookie) : k.ddi.CmRegisterCallbackEx(fn, us(k, altitude), 0, context, cookie, 0);
  return { status, cookie: k.as.u64(cookie) };
}

function setValue(k: Kernel, handle: number, name: string, n: number): number {
  const data = scratch(k, 4);
  k.as.setU32(data, n);
  return k.ddi.ZwSetValueKey(handle, us(k, name), 0, REG.DWORD, data, 4);
}

test('ZwSetValueKey: pre-notifications from the highest altitude down (CmRegisterCallback last), posts back up with the status', () => {
  const k = new Kernel();
  const h = key(k, '\\Registry\\Machine\\Software\\Filtered');
  const body = k.ob.objectOfHandle(h)!;
  const log: string[] = [];
  const fn = routine(k, 1, (context, notifyClass, info) => {
    if (notifyClass === N.RegNtPreSetValueKey) {
      assert.equal(k.as.u32(info), body, 'Object is the key body');
      log.push(`${context} pre ${k.as.utf16(k.as.u32(k.as.u32(info + S.ValueName) + 4), 1)} type ${k.as.u32(info + S.Type)} size ${k.as.u32(info + S.DataSize)}`);
    } else {
      assert.equal(notifyClass, N.RegNtPostSetValueKey);
      assert.notEqual(k.as.u32(info + P.PreInformation), 0);
      log.push(`${context} post ${st(k.as.u32(info + P.Status))}`);
    }
    return STATUS.SUCCESS;
  });
  assert.equal(st(register(k, fn, undefined, 1).status), st(STATUS.SUCCESS));
  assert.equal(st(register(k, fn, '320000', 2).status), st(STATUS.SUCCESS));
  assert.equal(st(register(k, fn, '380000.5', 3).status), st(STATUS.SUCCESS));
  assert.equal(st(setValue(k, h, 'V', 7)), st(STATUS.SUCCESS));
  assert.deepEqual(log, ['3 pre V type 4 size 4', '2 pre V type 4 size 4', '1 pre V type 4 size 4', '1 post STATUS_SUCCESS', '2 post STATUS_SUCCESS', '3 post STATUS_SUCCESS']);
  assert.deepEqual(k.cm.hive.lookup('\\Registry\\Machine\\Software\\Filtered')!.value('V')!.data, dwordData(7));
});

test('a pre callback\'s error fails the operation (those above it get the post, not the one that failed); STATUS_CALLBACK_BYPASS skips it with success', () => {
  const k = new Kernel();
  const h = key(k, '\\Registry\\Machine\\Software\\Blocked');
  let verdict: number = STATUS.ACCESS_DENIED;
  const seen: string[] = [];
  const upper = routine(k, 1, (_c, notifyClass, info) => {
    seen.push(notifyClass < N.RegNtPostDeleteKey ? 'upper pre' : `upper post ${st(k.as.u32(info + P.Status))}`);
    return STATUS.SUCCESS;
  });
  const lower = routine(k, 2, (_c, notifyClass) => {
    seen.push(notifyClass < N.RegNtPostDeleteKey ? 'lower pre' : 'lower post');
    return notifyClass < N.RegNtPostDeleteKey ? verdict : STATUS.SUCCESS;
  });
  register(k, upper, '400000', 0);
  register(k, lower, '300000', 0);
  assert.equal(st(setValue(k, h, 'V', 1)), st(STATUS.ACCESS_DENIED));
  // Handling Notifications: a callback that fails its pre-notification gets no post-notification.
  assert.deepEqual(seen, ['upper pre', 'lower pre', 'upper post STATUS_ACCESS_DENIED']);
  assert.equal(k.cm.hive.lookup('\\Registry\\Machine\\Software\\Blocked')!.values.size, 0, 'not written');
  verdict = STATUS.CALLBACK_BYPASS;
  assert.equal(st(setValue(k, h, 'V', 1)), st(STATUS.SUCCESS));
  assert.equal(k.cm.hive.lookup('\\Registry\\Machine\\Software\\Blocked')!.values.size, 0, 'the filter did it instead');
});

test('ZwDeleteValueKey and ZwDeleteKey are notified; after CmUnRegisterCallback nothing is', () => {
  const k = new Kernel();
  const h = key(k, '\\Registry\\Machine\\Software\\Gone');
  setValue(k, h, 'V', 1);
  const classes: number[] = [];
  const fn = routine(k, 1, (_c, notifyClass) => (classes.push(notifyClass), STATUS.SUCCESS));
  const { cookie } = register(k, fn, '320000', 0);
  assert.equal(k.ddi.ZwDeleteValueKey(h, us(k, 'V')), STATUS.SUCCESS);
  assert.equal(k.ddi.ZwDeleteKey(h), STATUS.SUCCESS);
  assert.deepEqual(classes, [N.RegNtPreDeleteValueKey, N.RegNtPostDeleteValueKey, N.RegNtPreDeleteKey, N.RegNtPostDeleteKey]);
  assert.equal(st(k.ddi.CmUnRegisterCallback(cookie)), st(STATUS.SUCCESS));
  assert.equal(st(k.ddi.CmUnRegisterCallback(cookie)), st(STATUS.INVALID_PARAMETER), 'a cookie is good once');
  setValue(k, key(k, '\\Registry\\Machine\\Software\\Other'), 'W', 2);
  assert.equal(classes.length, 4);
});

test('CmRegisterCallbackEx: an altitude taken is STATUS_FLT_INSTANCE_ALTITUDE_COLLISION; an altitude that is no number, STATUS_INVALID_PARAMETER', () => {
  const k = new Kernel();
  const fn = routine(k, 1, () => STATUS.SUCCESS);
  assert.equal(st(register(k, fn, '320000', 0).status), st(STATUS.SUCCESS));
  assert.equal(st(register(k, fn, '0320000.0', 0).status), st(STATUS.FLT_INSTANCE_ALTITUDE_COLLISION), 'the same number');
  assert.equal(st(register(k, fn, 'high', 0).status), st(STATUS.INVALID_PARAMETER));
  assert.equal(st(register(k, fn, undefined, 0).status), st(STATUS.SUCCESS));
  assert.equal(st(register(k, fn, undefined, 0).status), st(STATUS.SUCCESS), 'CmRegisterCallback has no altitude to collide');
});

test('RtlWriteRegistryValue and RtlDeleteRegistryValue go through the Zw routines: callbacks see them', () => {
  const k = new Kernel();
  k.cm.hive.createPath('\\Registry\\Machine\\System\\CurrentControlSet\\Services\\Rtl');
  const seen: string[] = [];
  const fn = routine(k, 1, (_c, notifyClass, info) => {
    if (notifyClass === N.RegNtPreSetValueKey || notifyClass === N.RegNtPreDeleteValueKey) {
      const name = k.as.u32(info + S.ValueName);
      seen.push(`${notifyClass} ${k.as.utf16(k.as.u32(name + 4), k.as.u16(name) / 2)}`);
    }
    return STATUS.SUCCESS;
  });
  register(k, fn, '320000', 0);
  const path = scratch(k, 8);
  k.as.writeUtf16(path, 'Rtl\0');
  const name = scratch(k, 8);
  k.as.writeUtf16(name, 'Runs\0');
  const data = scratch(k, 4);
  assert.equal(st(k.ddi.RtlWriteRegistryValue(1 /* RTL_REGISTRY_SERVICES */, path, name, REG.DWORD, data, 4)), st(STATUS.SUCCESS));
  assert.equal(st(k.ddi.RtlDeleteRegistryValue(1, path, name)), st(STATUS.SUCCESS));
  assert.deepEqual(seen, [`${N.RegNtPreSetValueKey} Runs`, `${N.RegNtPreDeleteValueKey} Runs`]);
});
