/** The Kernel Transaction Manager model (src/kernel/tm) and transacted registry keys (cm/transacted.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { OBJECT_ATTRIBUTES, UNICODE_STRING } from '../../src/nt/layout.ts';
import { REG } from '../../src/nt/registry.ts';
import { STATUS, statusName } from '../../src/nt/status.ts';
import { routine, scratch } from './support.ts';

const COMMIT = 0x4;
const ROLLBACK = 0x8;
const eq = (actual: number, expected: number, what: string) => assert.equal(statusName(actual), statusName(expected), what);

function us(k: Kernel, text: string): number {
  const s = scratch(k, UNICODE_STRING.size + 2 * text.length + 2);
  k.as.writeUtf16(s + UNICODE_STRING.size, text);
  k.as.setU16(s, 2 * text.length);
  k.as.setU16(s + 2, 2 * text.length + 2);
  k.as.setU32(s + 4, s + UNICODE_STRING.size);
  return s;
}

function oa(k: Kernel, path: string, root = 0): number {
  const a = scratch(k, OBJECT_ATTRIBUTES.size);
  k.as.zero(a, OBJECT_ATTRIBUTES.size);
  k.as.setU32(a, OBJECT_ATTRIBUTES.size);
  k.as.setU32(a + OBJECT_ATTRIBUTES.off.RootDirectory, root);
  k.as.setU32(a + OBJECT_ATTRIBUTES.off.ObjectName, us(k, path));
  return a;
}

/** Call a Zw routine that returns a handle in its first parameter. */
function handle(k: Kernel, call: (out: number) => number): number {
  const out = scratch(k, 4);
  eq(call(out), STATUS.SUCCESS, 'handle-returning call');
  return k.as.u32(out);
}

/** A volatile TM, a resource manager with callbacks that complete each notification (or not), and a transaction. */
function setup(k: Kernel, complete = true) {
  const tm = handle(k, (o) => k.ddi.ZwCreateTransactionManager(o, 0, 0, 0, 1, 0));
  const rmHandle = handle(k, (o) => k.ddi.ZwCreateResourceManager(o, 0, tm, 0, 0, 1, 0));
  const rm = k.ob.objectOfHandle(rmHandle)!;
  const log: string[] = [];
  const cb = routine(k, 1, (enlistment, rmKey, txKey, notification) => {
    log.push(`${rmKey}/${txKey} ${notification === COMMIT ? 'commit' : notification === ROLLBACK ? 'rollback' : notification}`);
    if (!complete) return STATUS.SUCCESS;
    return notification === COMMIT ? k.ddi.TmCommitComplete(enlistment, 0) : k.ddi.TmRollbackComplete(enlistment, 0);
  });
  eq(k.ddi.TmEnableCallbacks(rm, cb, 7), STATUS.SUCCESS, 'TmEnableCallbacks');
  eq(k.ddi.TmEnableCallbacks(rm, cb, 7), STATUS.INVALID_PARAMETER, 'callbacks are enabled once');
  const tx = handle(k, (o) => k.ddi.ZwCreateTransaction(o, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  return { tm, rmHandle, tx, log };
}

test('an enlistment is notified of the outcome its mask asks for; the outcome is final once completed', () => {
  const k = new Kernel();
  const { rmHandle, tx, log } = setup(k);
  const en = handle(k, (o) => k.ddi.ZwCreateEnlistment(o, 0, rmHandle, tx, 0, 0, COMMIT | ROLLBACK, 42));
  eq(k.ddi.ZwCommitTransaction(tx, 1), STATUS.SUCCESS, 'commit');
  assert.deepEqual(log, ['7/42 commit']);
  eq(k.ddi.ZwRollbackTransaction(tx, 1), STATUS.TRANSACTION_ALREADY_COMMITTED, 'no second outcome');
  eq(k.ddi.ZwCommitTransaction(tx, 1), STATUS.TRANSACTION_ALREADY_COMMITTED, 'nor the same one twice');
  eq(k.ddi.TmCommitComplete(k.ob.objectOfHandle(en)!, 0), STATUS.TRANSACTION_NOT_REQUESTED, 'nothing pending any more');
  eq(k.ddi.ZwCreateEnlistment(scratch(k, 4), 0, rmHandle, tx, 0, 0, COMMIT, 0), STATUS.TRANSACTION_NOT_ACTIVE, 'no enlisting after the outcome');
});

test('rollback notifies ROLLBACK only to enlistments that asked; an uncompleted notification leaves the commit pending', () => {
  const k = new Kernel();
  const a = setup(k);
  handle(k, (o) => k.ddi.ZwCreateEnlistment(o, 0, a.rmHandle, a.tx, 0, 0, COMMIT, 1));
  handle(k, (o) => k.ddi.ZwCreateEnlistment(o, 0, a.rmHandle, a.tx, 0, 0, ROLLBACK, 2));
  eq(k.ddi.ZwRollbackTransaction(a.tx, 1), STATUS.SUCCESS, 'rollback');
  assert.deepEqual(a.log, ['7/2 rollback']);

  const b = setup(k, false);
  const en = handle(k, (o) => k.ddi.ZwCreateEnlistment(o, 0, b.rmHandle, b.tx, 0, 0, COMMIT, 3));
  eq(k.ddi.ZwCommitTransaction(b.tx, 0), STATUS.PENDING, 'the resource manager has not completed');
  eq(k.ddi.ZwRollbackTransaction(b.tx, 0), STATUS.TRANSACTION_REQUEST_NOT_VALID, 'a commit is being delivered');
  eq(k.ddi.TmCommitComplete(k.ob.objectOfHandle(en)!, 0), STATUS.SUCCESS, 'completed later');
  eq(k.ddi.ZwCommitTransaction(b.tx, 0), STATUS.TRANSACTION_ALREADY_COMMITTED, 'decided');
  eq(k.ddi.ZwCommitTransaction(a.tx, 0), STATUS.TRANSACTION_ALREADY_ABORTED, 'rolled back before');
});

test('bad handles and arguments: type mismatches, a durable TM, an empty mask', () => {
  const k = new Kernel();
  const { tm, rmHandle, tx } = setup(k);
  eq(k.ddi.ZwCreateTransactionManager(scratch(k, 4), 0, 0, 0, 0, 0), STATUS.NOT_SUPPORTED, 'a durable TM needs a log');
  eq(k.ddi.ZwCreateResourceManager(scratch(k, 4), 0, tx, 0, 0, 1, 0), STATUS.OBJECT_TYPE_MISMATCH, 'a transaction is not a TM');
  eq(k.ddi.ZwCreateEnlistment(scratch(k, 4), 0, tm, tx, 0, 0, COMMIT, 0), STATUS.OBJECT_TYPE_MISMATCH, 'a TM is not an RM');
  eq(k.ddi.ZwCreateEnlistment(scratch(k, 4), 0, rmHandle, tx, 0, 0, 0, 0), STATUS.INVALID_PARAMETER, 'an empty mask');
  eq(k.ddi.ZwCommitTransaction(0x1234, 1), STATUS.INVALID_HANDLE, 'not a handle');
});

test('objects live while handles and enlistments hold them; ZwClose frees them', () => {
  const k = new Kernel();
  const { tm, rmHandle, tx } = setup(k);
  const txObject = k.ob.objectOfHandle(tx)!;
  const en = handle(k, (o) => k.ddi.ZwCreateEnlistment(o, 0, rmHandle, tx, 0, 0, COMMIT, 0));
  eq(k.ddi.ZwClose(tx), STATUS.SUCCESS, 'close the transaction handle');
  assert.ok(k.ob.isObject(txObject), 'the enlistment keeps the transaction');
  eq(k.ddi.ZwClose(en), STATUS.SUCCESS, 'close the enlistment');
  assert.ok(!k.ob.isObject(txObject), 'gone with its last reference');
  eq(k.ddi.ZwClose(rmHandle), STATUS.SUCCESS, 'rm');
  eq(k.ddi.ZwClose(tm), STATUS.SUCCESS, 'tm');
});

test('a transacted key: created keys and set values vanish at rollback, stay at commit; a delete waits for the commit', () => {
  const k = new Kernel();
  const base = '\\Registry\\Machine\\Software';
  const data = scratch(k, 4);
  k.as.setU32(data, 5);
  for (const commit of [false, true]) {
    const tx = handle(k, (o) => k.ddi.ZwCreateTransaction(o, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    const key = handle(k, (o) => k.ddi.ZwCreateKeyTransacted(o, 0, oa(k, `${base}\\Tx`), 0, 0, 0, tx, 0));
    const body = k.ob.objectOfHandle(key)!;
    assert.equal(k.ddi.CmGetBoundTransaction(0, body), 0, 'no cookie: not a registered callback');
    // A key made relative to the transacted handle is in the transaction too.
    const sub = handle(k, (o) => k.ddi.ZwCreateKey(o, 0, oa(k, 'Sub', key), 0, 0, 0, 0));
    eq(k.ddi.ZwSetValueKey(sub, us(k, 'V'), 0, REG.DWORD, data, 4), STATUS.SUCCESS, 'set');
    assert.ok(k.cm.hive.lookup(`${base}\\Tx\\Sub`)?.value('V'), 'visible before the outcome (no isolation)');
    eq(commit ? k.ddi.ZwCommitTransaction(tx, 1) : k.ddi.ZwRollbackTransaction(tx, 1), STATUS.SUCCESS, 'outcome');
    assert.equal(k.cm.hive.lookup(`${base}\\Tx\\Sub`)?.value('V') !== undefined, commit, commit ? 'kept' : 'undone');
    assert.equal(k.cm.hive.lookup(`${base}\\Tx`) !== undefined, commit);
    for (const h of [sub, key, tx]) k.ddi.ZwClose(h);
  }
  const tx = handle(k, (o) => k.ddi.ZwCreateTransaction(o, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  const sub = handle(k, (o) => k.ddi.ZwOpenKeyTransacted(o, 0, oa(k, `${base}\\Tx\\Sub`), tx));
  eq(k.ddi.ZwDeleteKey(sub), STATUS.SUCCESS, 'delete in the transaction');
  assert.ok(k.cm.hive.lookup(`${base}\\Tx\\Sub`), 'still there before the commit');
  eq(k.ddi.ZwCommitTransaction(tx, 1), STATUS.SUCCESS, 'commit');
  assert.equal(k.cm.hive.lookup(`${base}\\Tx\\Sub`), undefined, 'deleted at the commit');
  eq(k.ddi.ZwOpenKeyTransacted(scratch(k, 4), 0, oa(k, base), tx), STATUS.TRANSACTION_NOT_ACTIVE, 'a decided transaction takes no more work');
});
