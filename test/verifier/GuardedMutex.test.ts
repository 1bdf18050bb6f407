/** Guarded mutexes are fast mutexes to the verifier: acquiring one above APC_LEVEL is 0xC4/0x33. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execute } from '../../src/debugger/engine.ts';
import { DebugTarget } from '../../src/debugger/target.ts';
import { DISPATCH_LEVEL } from '../../src/nt/irql.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS, VF } from '../../src/verifier/flags.ts';
import { fixture, hex } from '../helpers.ts';

test('KeAcquireGuardedMutex under a spin lock: 0xC4/0x33 at DISPATCH_LEVEL, in VerifierKeAcquireGuardedMutex (DDI compliance off)', async () => {
  const r = await runDriver({ driver: fixture('GuardedMutexAtDispatch.ts'), verifierFlags: STANDARD_FLAGS & ~VF.DDI_COMPLIANCE, ioctls: [] });
  assert.deepEqual([hex(r.bugCheck!.code), hex(r.bugCheck!.params[0]!), r.bugCheck!.params[1]], ['0xc4', '0x33', DISPATCH_LEVEL]);
  const stack = execute(new DebugTarget(r.dump), 'k').join('\n');
  assert.match(stack, /nt!VerifierKeAcquireGuardedMutex\+0x/);
  assert.match(stack, /GuardedMutexAtDispatch!DriverEntry\+0x/);
});

test('under /standard the DDI rule IrqlKeApcLte1 reports it first: 0xC4/0x2000F', async () => {
  const r = await runDriver({ driver: fixture('GuardedMutexAtDispatch.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [] });
  assert.deepEqual([hex(r.bugCheck!.code), hex(r.bugCheck!.params[0]!)], ['0xc4', '0x2000f']);
  assert.equal(r.machine.kernel.as.cstring(r.bugCheck!.params[1]!), 'KeAcquireGuardedMutex should only be called at IRQL <= APC_LEVEL.');
});

test('without the verifier the same driver is a raise to a lower level: IRQL_NOT_GREATER_OR_EQUAL', async () => {
  const r = await runDriver({ driver: fixture('GuardedMutexAtDispatch.ts'), ioctls: [] });
  assert.equal(hex(r.bugCheck!.code), '0x9');
});
