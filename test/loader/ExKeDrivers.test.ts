/**
 * The Ex/Ke/Ps/Rtl routines and the exported data from drivers: a C driver built with dv build
 * (GOT.mem data imports, call_indirect through MmGetSystemRoutineAddress, a LARGE_INTEGER result)
 * and a TypeScript one (ddi.data, ddi.routine), both verified; a quota block left behind is a leak.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DebugTarget } from '../../src/debugger/target.ts';
import { driverRuntimeFlags } from '../../src/kernel/ex/quota.ts';
import { runDriver } from '../../src/system/run.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { ROOT, fixture, hex } from '../helpers.ts';

const EXKE = join(ROOT, 'test', 'fixtures', 'c', 'exke', 'ExKe.wasm');
const ulongs = (bytes: Uint8Array) => Array.from({ length: bytes.length / 4 }, (_, i) => Buffer.from(bytes).readUInt32LE(4 * i));

test('ExKe.c reads exported data, calls routines found by name, and uses the new objects, verified, unloading clean', async () => {
  const r = await runDriver({ driver: EXKE, verifierFlags: STANDARD_FLAGS, ioctls: [{ code: 0x222000, input: Buffer.alloc(0), outputLength: 100 }] });
  assert.equal(r.bugCheck, null);
  const [status] = r.requests.map((q) => q.status);
  assert.equal(status, 0);
  const userPid = r.machine.kernel.ddi.PsGetProcessId(r.machine.kernel.userProcess.address);
  const facts = ulongs(r.requests[0]!.output).map(hex);
  assert.deepEqual(facts, [
    // Data: KeNumberProcessors, NtBuildNumber's build, *InitSafeBootMode, KD_DEBUGGER_NOT_PRESENT, MmUserProbeAddress, SeTcbPrivilege
    '0x1', '0x5867', '0x0', '0x1', '0x7fff0000', '0x7',
    // PsLookupThreadByThreadId, ObReferenceObjectByPointer with *PsThreadType, then with *IoFileObjectType
    '0x0', '0x0', '0xc0000024',
    // Through MmGetSystemRoutineAddress: the frequency, the counter's HighPart 0, RtlGetVersion's build, NULL for a made-up name
    '0x989680', '0x1', '0x5867', '0x1',
    // Semaphore wait, its count after, ERESOURCE exclusive, IRQL inside a guarded mutex, S-list depth, the entry popped
    '0x0', '0x1', '0x1', '0x1', '0x2', '0x14',
    // ANSI -> Unicode, its integer, RtlIntegerToUnicodeString, PsGetCurrentProcessId, the UUID version, a quota block
    '0x0', '0x1000', '0x1', hex(userPid), '0x4', '0x1',
  ]);
  assert.equal(driverRuntimeFlags(r.machine.kernel).get('ExKe'), 1, 'DriverEntry opted in to NX pool');
});

test('a quota block the driver keeps is a leak at unload: 0xC4/0x62 with the verifier thunk and the driver in its stack', async () => {
  const r = await runDriver({ driver: EXKE, verifierFlags: STANDARD_FLAGS, ioctls: [{ code: 0x222004, input: Buffer.alloc(0), outputLength: 0 }] });
  assert.deepEqual([hex(r.bugCheck!.code), hex(r.bugCheck!.params[0]!), r.bugCheck!.params[3]], ['0xc4', '0x62', 1]);
  assert.equal(r.leaks.length, 1);
  assert.equal(hex(r.leaks[0]!.size), '0x30');
  const t = new DebugTarget(r.dump);
  assert.deepEqual(r.leaks[0]!.stack.slice(0, 2).map((pc) => t.functionName(pc)), ['nt!VerifierExAllocatePoolQuotaZero', 'ExKe!Dispatch']);
});

test('a TypeScript driver reads ddi.data and calls what MmGetSystemRoutineAddress returned through ddi.routine', async () => {
  const r = await runDriver({ driver: fixture('ExKeData.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [{ code: 0x222000, input: Buffer.alloc(0), outputLength: 20 }] });
  assert.equal(r.bugCheck, null);
  assert.deepEqual(ulongs(r.requests[0]!.output).map(hex), ['0x1', '0x5867', '0x0', '0x989680', '0x1']);
});
