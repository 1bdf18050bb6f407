/**
 * Who is at fault is told by where the exception started: driver code (a bug check charged to the
 * driver), or the simulator's own code serving a DDI, the verifier's thunks or the debugger (an
 * InternalError, never a bug check). Our faults are injected through the Machine configure hook.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternalError } from '../../src/kernel/errors.ts';
import { lm } from '../../src/debugger/commands/lm.ts';
import { runDriver } from '../../src/system/run.ts';
import type { DebuggerIo } from '../../src/system/kd-session.ts';
import { STANDARD_FLAGS } from '../../src/verifier/flags.ts';
import { driver, fixture, hex } from '../helpers.ts';

const LEAKY = [{ code: 0x222003, input: Buffer.from('4d79', 'hex'), outputLength: 8 }];

/** Asserts `e` is an InternalError caused by `cause`, whose message names `where`. */
function isOurFault(e: unknown, where: RegExp, cause: Error): boolean {
  assert.ok(e instanceof InternalError, `an InternalError, got ${String(e)}`);
  assert.match(e.message, where);
  assert.equal(e.cause, cause);
  return true;
}

for (const verifierFlags of [STANDARD_FLAGS, undefined]) {
  test(`a kernel DDI that throws is an internal error, not the driver's bug check (verifier ${verifierFlags === undefined ? 'off' : 'on'})`, async () => {
    const injected = new TypeError('injected fault in IoCreateDevice');
    let crashed: unknown;
    await assert.rejects(
      runDriver({
        driver: driver('MyDriver.ts'),
        verifierFlags,
        ioctls: [],
        configure: (m) => {
          m.kernel.ddi.IoCreateDevice = () => {
            crashed = m.kernel.crash;
            throw injected;
          };
        },
      }),
      (e) => isOurFault(e, /^IoCreateDevice failed inside the simulator: TypeError: injected fault in IoCreateDevice$/, injected),
    );
    assert.equal(crashed, undefined);
  });
}

test("the verifier's own fault inside a thunk is an internal error", async () => {
  const injected = new RangeError('injected fault in the verifier');
  let machine: { kernel: { crash?: unknown } } | undefined;
  await assert.rejects(
    runDriver({
      driver: driver('MyDriver.ts'),
      verifierFlags: STANDARD_FLAGS,
      ioctls: LEAKY,
      configure: (m) => {
        machine = m;
        Object.defineProperty(m.verifier!.stats, 'poolAllocationsAttempted', {
          get: () => {
            throw injected;
          },
        });
      },
    }),
    (e) => isOurFault(e, /^ExAllocatePoolWithTag failed inside the simulator: RangeError: injected fault in the verifier$/, injected),
  );
  assert.equal(machine!.kernel.crash, undefined, 'no bug check was raised');
});

test("a driver's own exception inside a DDI call (a DPC run during a wait) is still the driver's bug check", async () => {
  const r = await runDriver({ driver: fixture('ThrowsInDpcDuringWait.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [] });
  assert.ok(r.bugCheck, 'a bug check');
  assert.match(hex(r.bugCheck.code), /^0x(1e|7e)$/);
  assert.match(r.dump.context!.exception!.message, /^TypeError: Cannot read properties of undefined \(reading 'DeviceExtension'\)/);
});

/** A debugger on a list of lines; what it writes is collected. */
function scripted(lines: string[]): DebuggerIo & { output: string[] } {
  const output: string[] = [];
  return { output, readLine: () => lines.shift(), write: (l) => void output.push(...l) };
}

test('kd commands typed at a --debugger break never become the driver\'s bug check: odd input gets kd text, the run goes on', async () => {
  const U = '\u2028';
  const io = scripted([`!analyze -v${U}x`, `ln ${U}`, `ln 1${U}2`, `!verifier 3 ${U}.sys`, `${U}`, `!frob${U}`, 'zz top', 'g']);
  const r = await runDriver({ driver: driver('rules/ShutdownTimeout.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [], debugger: io });
  assert.equal(r.bugCheck, null, 'no bug check');
  assert.equal(r.breaks.length, 1);
  assert.equal(r.breaks[0]!.continued, true);
  const text = io.output.join('\n');
  assert.match(text, /DRIVER_VERIFIER_DETECTED_VIOLATION \(c4\)/);
  assert.match(text, /No export frob found/);
  assert.match(text, /Couldn't resolve error at 'zz top'/);
  assert.doesNotMatch(text, /host exception/);
});

test("a bug inside a debugger command at a --debugger break is an internal error, not 0x7E charged to the driver", async () => {
  const injected = new TypeError('injected fault in lm');
  const original = lm.run;
  lm.run = () => {
    throw injected;
  };
  try {
    let machine: { kernel: { crash?: unknown } } | undefined;
    await assert.rejects(
      runDriver({ driver: driver('rules/ShutdownTimeout.ts'), verifierFlags: STANDARD_FLAGS, ioctls: [], debugger: scripted(['lm', 'g']), configure: (m) => (machine = m) }),
      (e) => isOurFault(e, /^the debugger's lm command failed on "lm": TypeError: injected fault in lm$/, injected),
    );
    assert.equal(machine!.kernel.crash, undefined, 'no bug check was raised');
  } finally {
    lm.run = original;
  }
});
