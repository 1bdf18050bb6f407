/**
 * The exception dispatcher with host frames (a TypeScript driver's __try, ExceptionDispatcher.guard)
 * and C frames (a DV_SEH_FRAME in memory, driven here with the calls the C runtime makes: enter,
 * dispatch from a setjmp function's invoke, continueSearch from its filter) on one stack: the
 * exception goes to the innermost frame, whichever kind, across driver-call boundaries.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kernel } from '../../src/kernel/kernel.ts';
import { NtException } from '../../src/kernel/ke/except.ts';
import { BUGCHECK } from '../../src/nt/bugcheck.ts';
import { DV_SEH_FRAME, EXCEPTION_CONTINUE_SEARCH, EXCEPTION_EXECUTE_HANDLER, EXCEPTION_RECORD, SEH_STATE } from '../../src/nt/layout.ts';
import { STATUS } from '../../src/nt/status.ts';
import { expectBugCheck, routine, scratch } from './support.ts';

const RAISED_AT = 0x9b001234;
const F = DV_SEH_FRAME.off;

/** The takes-everything clauses: the handler answers the code. */
const takeAll = { except: EXCEPTION_EXECUTE_HANDLER, handler: (code: number) => code } as const;

/** What a setjmp function's invoke does with an NT exception: the jump buffer, or undefined to let it go on. */
function invoke(k: Kernel, body: () => void): number | undefined {
  try {
    body();
  } catch (e) {
    assert.ok(e instanceof NtException, String(e));
    const env = k.exceptions.dispatch(e);
    if (env === undefined) throw e;
    return env;
  }
  assert.fail('no exception');
}

test('a host frame with nothing raised: the body\'s value, finally not abnormal, the chain as it was', () => {
  const k = new Kernel();
  const seen: boolean[] = [];
  assert.equal(k.exceptions.guard(() => 5, { finally: (abnormal) => seen.push(abnormal) }), 5);
  assert.deepEqual(seen, [false]);
  assert.equal(k.exceptions.depth(), 0);
});

test('a host frame inside a C frame takes the exception; the C frame stays registered and untouched', () => {
  const k = new Kernel();
  const c = scratch(k, DV_SEH_FRAME.size);
  k.exceptions.enter(c);
  const got = k.exceptions.guard(() => k.exceptions.raise(STATUS.ACCESS_DENIED, RAISED_AT, [7]), {
    except: (code, record) => (code === STATUS.ACCESS_DENIED && record.ExceptionAddress === RAISED_AT ? EXCEPTION_EXECUTE_HANDLER : EXCEPTION_CONTINUE_SEARCH),
    handler: (_code, record) => [...record.ExceptionInformation],
  });
  assert.deepEqual(got, [7]);
  assert.equal(k.exceptions.depth(), 1);
  assert.equal(k.as.i32(c + F.State), SEH_STATE.NEW);
  k.exceptions.leave(c);
  assert.equal(k.exceptions.depth(), 0);
});

test('a C frame inside a host frame gets the exception first (its record written); when its filter declines, the host frame takes it', () => {
  const k = new Kernel();
  const c = scratch(k, DV_SEH_FRAME.size);
  const got = k.exceptions.guard(() => {
    k.exceptions.enter(c);
    const env = invoke(k, () => k.exceptions.raise(STATUS.DEVICE_NOT_READY, RAISED_AT, [1, 2]));
    assert.equal(env, c + F.JumpBuffer);
    assert.equal(k.as.u32(c + F.ExceptionRecord + EXCEPTION_RECORD.off.ExceptionCode), STATUS.DEVICE_NOT_READY >>> 0);
    assert.equal(k.as.i32(c + F.State), SEH_STATE.EXCEPTION);
    // The C filter says EXCEPTION_CONTINUE_SEARCH: on outwards, with the same code, address and parameters.
    return k.exceptions.continueSearch(c, EXCEPTION_CONTINUE_SEARCH);
  }, { except: EXCEPTION_EXECUTE_HANDLER, handler: (code, r) => [code >>> 0, r.ExceptionAddress, ...r.ExceptionInformation] });
  assert.deepEqual(got, [STATUS.DEVICE_NOT_READY >>> 0, RAISED_AT, 1, 2]);
  assert.equal(k.exceptions.depth(), 0);
});

test('a C function between the raise and the innermost (host) frame lets the exception go on; the outer C frame is not disturbed', () => {
  const k = new Kernel();
  const outer = scratch(k, DV_SEH_FRAME.size);
  k.exceptions.enter(outer);
  const got = k.exceptions.guard(() => invoke(k, () => k.exceptions.raise(STATUS.UNSUCCESSFUL, RAISED_AT)), takeAll);
  assert.equal(got, STATUS.UNSUCCESSFUL);
  assert.equal(k.exceptions.depth(), 1);
  assert.equal(k.as.i32(outer + F.State), SEH_STATE.NEW);
});

test('through a driver call (IoCallDriver\'s boundary): a routine with no frame of its own raises to the caller\'s host frame', () => {
  const k = new Kernel();
  const callee = routine(k, 1, () => k.exceptions.raise(STATUS.INVALID_PARAMETER, RAISED_AT));
  assert.equal(k.exceptions.guard(() => k.callRoutine(callee, []), takeAll), STATUS.INVALID_PARAMETER);
  // A host frame the callee registers ends with the call, even when an exception goes through it.
  const nested = routine(k, 2, () => k.exceptions.guard(() => k.exceptions.raise(STATUS.ACCESS_DENIED, RAISED_AT), { except: EXCEPTION_CONTINUE_SEARCH, handler: () => 0 }));
  assert.equal(k.exceptions.guard(() => k.callRoutine(nested, []), takeAll), STATUS.ACCESS_DENIED);
  assert.equal(k.exceptions.depth(), 0);
});

test('a filter that declines with no frame further out: KMODE_EXCEPTION_NOT_HANDLED with the code, the raise\'s address and parameters', () => {
  const k = new Kernel();
  const finallyRan: boolean[] = [];
  expectBugCheck(
    () =>
      k.exceptions.guard(
        () => k.exceptions.guard(() => k.exceptions.raise(STATUS.ACCESS_VIOLATION, RAISED_AT, [0, 0x1000]), { finally: (a) => finallyRan.push(a) }),
        { except: EXCEPTION_CONTINUE_SEARCH, handler: () => 0 },
      ),
    BUGCHECK.KMODE_EXCEPTION_NOT_HANDLED,
    [STATUS.ACCESS_VIOLATION, RAISED_AT, 0, 0x1000],
  );
  assert.deepEqual(finallyRan, [true]);
});

test('a host exception that is no NT exception (the driver\'s own throw) passes a host frame: no clause runs, the frame goes', () => {
  const k = new Kernel();
  const ran: string[] = [];
  assert.throws(
    () =>
      k.exceptions.guard(
        () => {
          throw new TypeError('driver bug');
        },
        { except: () => (ran.push('filter'), EXCEPTION_EXECUTE_HANDLER), handler: () => ran.push('handler') },
      ),
    TypeError,
  );
  assert.deepEqual(ran, []);
  assert.equal(k.exceptions.depth(), 0);
});
