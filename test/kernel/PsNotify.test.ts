/**
 * Process and thread ids, the notify routine lists and the object callbacks, against the kernel
 * directly: limits, duplicates, removals, the order and context of calls, what a pre callback may
 * change. The drivers' view (TS and C) is test/system/ProcessCallbacks.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { MAX_NOTIFY_ROUTINES } from '../../src/kernel/ps/notify.ts';
import { openByClientId } from '../../src/kernel/ob/user-handles.ts';
import { OB_CALLBACK_REGISTRATION, OB_OPERATION_REGISTRATION, OB_PRE_OPERATION_INFORMATION, PS_CREATE_NOTIFY_INFO } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { expectBugCheck, hex, routine, scratch, wideString } from './support.ts';

test('client ids: System is 4, every process and thread id is a multiple of 4, none shared between a process and a thread', () => {
  const k = new Kernel();
  assert.equal(k.systemProcess.id, 4);
  const p = k.ps.start('a.exe', '').process!;
  const ids = [...k.threads.map((t) => t.id), k.systemProcess.id, k.userProcess.id, p.id];
  assert.ok(ids.every((id) => id % 4 === 0 && id > 0));
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(p.parentId, k.userProcess.id, 'the run client is the parent');
  assert.equal(k.ddi.PsGetProcessId(p.address), p.id);
  const main = k.ps.mainThreadOf(p)!;
  assert.equal(k.ddi.PsGetThreadProcessId(main.address), p.id);
  assert.equal(k.ddi.PsIsSystemThread(main.address), 0);
  assert.equal(k.ddi.PsIsSystemThread(k.workerThread.address), 1);
  assert.equal(k.as.cstring(k.ddi.PsGetProcessImageFileName(p.address), 16), 'a.exe');
  // The same run gives the same ids.
  assert.equal(new Kernel().ps.start('a.exe', '').process!.id, p.id);
});

test('64 process notify routines, then STATUS_INVALID_PARAMETER; a duplicate and the removal of an unknown routine are STATUS_INVALID_PARAMETER', () => {
  const k = new Kernel();
  const routines = Array.from({ length: MAX_NOTIFY_ROUTINES + 1 }, (_, i) => routine(k, i, () => {}));
  for (const r of routines.slice(0, MAX_NOTIFY_ROUTINES)) assert.equal(k.ddi.PsSetCreateProcessNotifyRoutine(r, 0), STATUS.SUCCESS);
  assert.equal(hex(k.ddi.PsSetCreateProcessNotifyRoutineEx(routines[MAX_NOTIFY_ROUTINES]!, 0)), hex(STATUS.INVALID_PARAMETER), 'the 65th, of either form');
  assert.equal(hex(k.ddi.PsSetCreateProcessNotifyRoutine(routines[0]!, 0)), hex(STATUS.INVALID_PARAMETER), 'already registered');
  assert.equal(k.ddi.PsSetCreateProcessNotifyRoutine(routines[0]!, 1), STATUS.SUCCESS);
  assert.equal(hex(k.ddi.PsSetCreateProcessNotifyRoutine(routines[0]!, 1)), hex(STATUS.INVALID_PARAMETER), 'no longer registered');
  assert.equal(hex(k.ddi.PsSetCreateProcessNotifyRoutineEx(routines[1]!, 1)), hex(STATUS.INVALID_PARAMETER), 'registered by the other form only');
  assert.equal(hex(k.ddi.PsSetCreateProcessNotifyRoutineEx2(1, routines[0]!, 0)), hex(STATUS.INVALID_PARAMETER), 'an unknown PSCREATEPROCESSNOTIFYTYPE');
});

test('thread and image lists: 64 each, then STATUS_INSUFFICIENT_RESOURCES; removing an unknown routine is STATUS_PROCEDURE_NOT_FOUND', () => {
  const k = new Kernel();
  for (let i = 0; i < MAX_NOTIFY_ROUTINES; i++) {
    assert.equal(k.ddi.PsSetCreateThreadNotifyRoutine(routine(k, i, () => {})), STATUS.SUCCESS);
    assert.equal(k.ddi.PsSetLoadImageNotifyRoutine(routine(k, 100 + i, () => {})), STATUS.SUCCESS);
  }
  const extra = routine(k, 999, () => {});
  assert.equal(hex(k.ddi.PsSetCreateThreadNotifyRoutineEx(0, extra)), hex(STATUS.INSUFFICIENT_RESOURCES));
  assert.equal(hex(k.ddi.PsSetLoadImageNotifyRoutineEx(extra, 0)), hex(STATUS.INSUFFICIENT_RESOURCES));
  assert.equal(hex(k.ddi.PsRemoveCreateThreadNotifyRoutine(extra)), hex(STATUS.PROCEDURE_NOT_FOUND));
  assert.equal(hex(k.ddi.PsRemoveLoadImageNotifyRoutine(extra)), hex(STATUS.PROCEDURE_NOT_FOUND));
  assert.equal(hex(k.ddi.PsSetCreateThreadNotifyRoutineEx(7, extra)), hex(STATUS.INVALID_PARAMETER), 'an unknown PSCREATETHREADNOTIFYTYPE');
  assert.equal(hex(k.ddi.PsSetLoadImageNotifyRoutineEx(extra, 2)), hex(STATUS.INVALID_PARAMETER), 'an unknown flag');
});

test('a system thread is a thread event: the original form sees it created by its creator and exit in itself; the NonSystem form does not', () => {
  const k = new Kernel();
  const seen: string[] = [];
  k.ddi.PsSetCreateThreadNotifyRoutine(routine(k, 1, (pid, tid, create) => void seen.push(`all ${pid}.${tid} ${create} in ${k.currentThread.id}`)));
  k.ddi.PsSetCreateThreadNotifyRoutineEx(0, routine(k, 2, (pid, tid, create) => void seen.push(`nonsystem ${pid}.${tid} ${create}`)));
  const handle = scratch(k, 4);
  assert.equal(k.ddi.PsCreateSystemThread(handle, 0, 0, 0, 0, routine(k, 3, () => 0), 0), STATUS.SUCCESS);
  const t = k.threads.at(-1)!;
  k.dispatcher.runUntilIdle();
  assert.deepEqual(seen, [`all 4.${t.id} 1 in ${k.systemThread.id}`, `all 4.${t.id} 0 in ${t.id}`]);
});

test('process notify routines run at PASSIVE_LEVEL in the creator\'s context for a creation, in the exiting thread\'s for the exit', () => {
  const k = new Kernel();
  const seen: string[] = [];
  k.ddi.PsSetCreateProcessNotifyRoutine(
    routine(k, 1, (parent, pid, create) => void seen.push(`${parent} ${pid} ${create} irql ${k.irql} in ${k.currentThread.process.name}`)),
    0,
  );
  const p = k.ps.start('b.exe', 'x').process!;
  k.ps.end(p.id);
  assert.deepEqual(seen, [`${k.userProcess.id} ${p.id} 1 irql 0 in dvclient.exe`, `${k.userProcess.id} ${p.id} 0 irql 0 in b.exe`]);
  assert.throws(() => k.ps.end(p.id), /already ended/);
});

test('every Ex routine runs even after a denial; the creation fails with the status the last one stored', () => {
  const k = new Kernel();
  const calls: number[] = [];
  const I = PS_CREATE_NOTIFY_INFO.off;
  k.ddi.PsSetCreateProcessNotifyRoutineEx(routine(k, 1, (_p, _id, info) => (calls.push(1), info && k.as.setU32(info + I.CreationStatus, STATUS.ACCESS_DENIED))), 0);
  k.ddi.PsSetCreateProcessNotifyRoutineEx(routine(k, 2, (_p, _id, info) => void calls.push(info ? k.as.u32(info + I.CreationStatus) : -1)), 0);
  const r = k.ps.start('c.exe', '');
  assert.equal(hex(r.status), hex(STATUS.ACCESS_DENIED));
  assert.deepEqual(calls, [1, STATUS.ACCESS_DENIED], 'the second routine saw the first one\'s verdict');
});

/** An OB_CALLBACK_REGISTRATION for process handles at `altitude`, with the given pre/post routines. */
function registration(k: Kernel, altitude: string, pre: number, post: number, version = 0x100, type = k.obTypes.variable('PsProcessType')): number {
  const reg = scratch(k, OB_CALLBACK_REGISTRATION.size + OB_OPERATION_REGISTRATION.size);
  const op = reg + OB_CALLBACK_REGISTRATION.size;
  const R = OB_CALLBACK_REGISTRATION.off;
  const O = OB_OPERATION_REGISTRATION.off;
  k.as.setU16(reg + R.Version, version);
  k.as.setU16(reg + R.OperationRegistrationCount, 1);
  k.ddi.RtlInitUnicodeString(reg + R.Altitude, wideString(k, altitude));
  k.as.setU32(reg + R.RegistrationContext, 0x1234);
  k.as.setU32(reg + R.OperationRegistration, op);
  k.as.setU32(op + O.ObjectType, type);
  k.as.setU32(op + O.Operations, 1 | 2);
  k.as.setU32(op + O.PreOperation, pre);
  k.as.setU32(op + O.PostOperation, post);
  return reg;
}

test('ObRegisterCallbacks refuses a wrong version, an unknown object type and a taken altitude; ObUnRegisterCallbacks twice is the double free the reference warns of', () => {
  const k = new Kernel();
  const pre = routine(k, 1, () => 0);
  const out = scratch(k, 4);
  assert.equal(hex(k.ddi.ObRegisterCallbacks(registration(k, '1000', pre, 0, 0x200), out)), hex(STATUS.INVALID_PARAMETER));
  assert.equal(hex(k.ddi.ObRegisterCallbacks(registration(k, '1000', pre, 0, 0x100, scratch(k, 4)), out)), hex(STATUS.INVALID_PARAMETER));
  assert.equal(hex(k.ddi.ObRegisterCallbacks(registration(k, '1000', 0, 0), out)), hex(STATUS.INVALID_PARAMETER), 'neither pre nor post');
  assert.equal(k.ddi.ObRegisterCallbacks(registration(k, '1000', pre, 0), out), STATUS.SUCCESS);
  const handle = k.as.u32(out);
  assert.equal(hex(k.ddi.ObRegisterCallbacks(registration(k, '1000', pre, 0), out)), hex(STATUS.FLT_INSTANCE_ALTITUDE_COLLISION));
  k.ddi.ObUnRegisterCallbacks(handle);
  assert.equal(k.ddi.ObRegisterCallbacks(registration(k, '1000', pre, 0), out), STATUS.SUCCESS, 'the altitude is free again');
  const again = k.as.u32(out);
  k.ddi.ObUnRegisterCallbacks(again);
  expectBugCheck(() => k.ddi.ObUnRegisterCallbacks(again), 0x1e, [0xc0000005, k.nt.address('ObUnRegisterCallbacks'), 0, again]);
});

test('pre callbacks run from the highest altitude down, post from the lowest up; a callback can remove rights, not add them', () => {
  const k = new Kernel();
  const order: string[] = [];
  const P = OB_PRE_OPERATION_INFORMATION.off;
  const desired = (info: number) => k.as.u32(info + P.Parameters);
  const pre = (name: string, change: (a: number) => number) =>
    routine(k, order.length + name.charCodeAt(0), (context, info) => {
      order.push(`pre ${name} ctx ${hex(context)} kernel ${k.as.u32(info + P.Flags)}`);
      k.as.setU32(desired(info), change(k.as.u32(desired(info))));
      k.as.setU32(info + P.CallContext, name.charCodeAt(0));
      return 0;
    });
  const post = (name: string) => routine(k, 50 + name.charCodeAt(0), (_c, info) => void order.push(`post ${name} context ${k.as.u32(info + 16)}`));
  const out = scratch(k, 4);
  assert.equal(k.ddi.ObRegisterCallbacks(registration(k, '1000', pre('L', (a) => a | 0x10000000), post('L')), out), STATUS.SUCCESS);
  assert.equal(k.ddi.ObRegisterCallbacks(registration(k, '320000.5', pre('H', (a) => a & ~0x1 & ~0x400), post('H')), out), STATUS.SUCCESS);
  const p = k.ps.start('d.exe', '').process!;
  const h = openByClientId(k, 'Process', p.id, 0x1fffff);
  // PROCESS_TERMINATE (modifiable) goes; PROCESS_QUERY_INFORMATION (0x400, not modifiable) stays; 0x10000000 was never asked.
  assert.equal(hex(h.grantedAccess), '0x1ffffe');
  assert.deepEqual(order, ['pre H ctx 0x1234 kernel 0', 'pre L ctx 0x1234 kernel 0', `post L context ${'L'.charCodeAt(0)}`, `post H context ${'H'.charCodeAt(0)}`]);
  // A driver's own ObOpenObjectByPointer with OBJ_KERNEL_HANDLE is a kernel handle to the callbacks.
  order.length = 0;
  assert.equal(k.ddi.ObOpenObjectByPointer(p.address, 0x200, 0, 0x1, 0, 0, out), STATUS.SUCCESS);
  assert.equal(order[0], 'pre H ctx 0x1234 kernel 1');
  assert.equal(k.ob.accessOfHandle(k.as.u32(out)), 0);
  assert.equal(hex(k.ddi.ObOpenObjectByPointer(p.address, 0, 0, 0x1, k.obTypes.typeObject('Thread'), 0, out)), hex(STATUS.OBJECT_TYPE_MISMATCH));
});
