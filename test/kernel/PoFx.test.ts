/**
 * The runtime power framework (po/pofx.ts) driven directly: registration, start, activation reference
 * counting, the order of the callbacks and the answers they wait for, the flags, device power.
 * No verifier: only what the framework does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HangError } from '../../src/kernel/errors.ts';
import { Kernel } from '../../src/kernel/kernel.ts';
import { powerFramework } from '../../src/kernel/po/pofx.ts';
import { DISPATCH_LEVEL } from '../../src/nt/irql.ts';
import { PO_FX_COMPONENT_IDLE_STATE, PO_FX_COMPONENT_V1, PO_FX_DEVICE_V1 } from '../../src/nt/layout.ts';
import { PO_FX_FLAG, PO_FX_VERSION_V1 } from '../../src/nt/pofx.ts';
import { STATUS } from '../../src/nt/status.ts';
import { createDevice, routine, scratch } from './support.ts';

const D = PO_FX_DEVICE_V1.off;
const C = PO_FX_COMPONENT_V1.off;

interface Options {
  components?: number;
  /** Fx states per component (F0 included). */
  states?: number;
  /** The callbacks answer at once (else the test answers). */
  answer?: boolean;
  /** Each Fx state's TransitionLatency and ResidencyRequirement (all zero if not given). */
  table?: ReadonlyArray<readonly [bigint, bigint]>;
  callbacks?: Partial<Record<'active' | 'idle' | 'idleState' | 'powerRequired' | 'powerNotRequired', number>>;
}

/** A device registered with PoFx: its handle, and what the driver's callbacks saw (name, IRQL). */
function registered(opts: Options = {}) {
  const k = new Kernel();
  const components = opts.components ?? 1;
  const states = opts.states ?? 2;
  const answer = opts.answer ?? true;
  const pdo = createDevice(k, 'Bus', 1).device;
  const seen: string[] = [];
  const irqls: number[] = [];
  let handle = 0;
  const log = (what: string) => {
    seen.push(what);
    irqls.push(k.irql);
  };
  const cb = {
    active: routine(k, 1, (_ctx, c) => log(`active ${c}`)),
    idle: routine(k, 2, (_ctx, c) => {
      log(`idle ${c}`);
      if (answer) k.ddi.PoFxCompleteIdleCondition(handle, c);
    }),
    idleState: routine(k, 3, (_ctx, c, s) => {
      log(`state ${c} F${s}`);
      if (answer) k.ddi.PoFxCompleteIdleState(handle, c);
    }),
    powerRequired: routine(k, 4, () => {
      log('power required');
      if (answer) k.ddi.PoFxReportDevicePoweredOn(handle);
    }),
    powerNotRequired: routine(k, 5, () => {
      log('power not required');
      if (answer) k.ddi.PoFxCompleteDevicePowerNotRequired(handle);
    }),
    ...opts.callbacks,
  };
  const idleStates = scratch(k, PO_FX_COMPONENT_IDLE_STATE.size * states);
  const S = PO_FX_COMPONENT_IDLE_STATE;
  for (let i = 0; i < states; i++) {
    const [latency, residency] = opts.table?.[i] ?? [0n, 0n];
    k.as.setU64(idleStates + i * S.size + S.off.TransitionLatency, latency);
    k.as.setU64(idleStates + i * S.size + S.off.ResidencyRequirement, residency);
    k.as.setU32(idleStates + i * S.size + S.off.NominalPower, 0);
  }
  const device = scratch(k, PO_FX_DEVICE_V1.size + PO_FX_COMPONENT_V1.size * (components - 1));
  k.as.setU32(device + D.Version, PO_FX_VERSION_V1);
  k.as.setU32(device + D.ComponentCount, components);
  k.as.setU32(device + D.ComponentActiveConditionCallback, cb.active);
  k.as.setU32(device + D.ComponentIdleConditionCallback, cb.idle);
  k.as.setU32(device + D.ComponentIdleStateCallback, cb.idleState);
  k.as.setU32(device + D.DevicePowerRequiredCallback, cb.powerRequired);
  k.as.setU32(device + D.DevicePowerNotRequiredCallback, cb.powerNotRequired);
  k.as.setU32(device + D.PowerControlCallback, 0);
  k.as.setU32(device + D.DeviceContext, 0x1234);
  for (let i = 0; i < components; i++) {
    const c = device + D.Components + i * PO_FX_COMPONENT_V1.size;
    k.as.setU32(c + C.IdleStateCount, states);
    k.as.setU32(c + C.DeepestWakeableIdleState, 0);
    k.as.setU32(c + C.IdleStates, idleStates);
  }
  const out = scratch(k, 4);
  const status = k.ddi.PoFxRegisterDevice(pdo, device, out);
  handle = k.as.u32(out);
  /** Run the machine until nothing is left (timers included). */
  const settle = () => k.dispatcher.runUntilIdle(k.clock.now + 10_000 * 10_000);
  return { k, status, handle, seen, irqls, device, out, pdo, settle, component: (i: number) => powerFramework(k).registration(handle)!.components[i]! };
}

test('PoFxRegisterDevice: a handle, every component active in F0; nothing is called until power management starts', () => {
  const r = registered();
  assert.equal(r.status, STATUS.SUCCESS);
  assert.notEqual(r.handle, 0);
  assert.equal(r.component(0).condition, 'active');
  assert.equal(r.component(0).fstate, 0);
  r.settle();
  assert.deepEqual(r.seen, []);
});

test('PoFxRegisterDevice refuses a bad PO_FX_DEVICE with STATUS_INVALID_PARAMETER', () => {
  const r = registered();
  const { k, device, pdo, out } = r;
  k.as.setU32(device + D.Version, 2);
  assert.equal(k.ddi.PoFxRegisterDevice(pdo, device, out), STATUS.INVALID_PARAMETER, 'unknown version');
  k.as.setU32(device + D.Version, PO_FX_VERSION_V1);
  k.as.setU32(device + D.ComponentCount, 0);
  assert.equal(k.ddi.PoFxRegisterDevice(pdo, device, out), STATUS.INVALID_PARAMETER, 'no component');
  k.as.setU32(device + D.ComponentCount, 1);
  k.as.setU32(device + D.ComponentIdleConditionCallback, 0);
  assert.equal(k.ddi.PoFxRegisterDevice(pdo, device, out), STATUS.INVALID_PARAMETER, 'a required callback missing');
  assert.equal(k.ddi.PoFxRegisterDevice(0, device, out), STATUS.INVALID_PARAMETER, 'no PDO');
});

test('start: the idle condition, then the deepest Fx state, then device power not required, each later and in that order, the component callbacks at DISPATCH_LEVEL', () => {
  const r = registered();
  r.k.ddi.PoFxStartDevicePowerManagement(r.handle);
  assert.deepEqual(r.seen, [], 'the framework calls back later, not in the call');
  r.settle();
  assert.deepEqual(r.seen, ['idle 0', 'state 0 F1', 'power not required']);
  assert.deepEqual(r.irqls, [DISPATCH_LEVEL, DISPATCH_LEVEL, 0], 'device power callbacks at PASSIVE_LEVEL from a worker');
  assert.equal(r.component(0).fstate, 1);
  assert.equal(powerFramework(r.k).registration(r.handle)!.powerRequired, false);
});

test('an activation reference taken before start keeps the component active: no idle callback', () => {
  const r = registered();
  r.k.ddi.PoFxActivateComponent(r.handle, 0, 0);
  r.k.ddi.PoFxStartDevicePowerManagement(r.handle);
  r.settle();
  assert.deepEqual(r.seen, []);
  assert.equal(r.component(0).condition, 'active');
});

test('reference counting: only the 0 -> 1 activation and the 1 -> 0 idle change the condition', () => {
  const r = registered({ states: 1 });
  const { k, handle } = r;
  k.ddi.PoFxActivateComponent(handle, 0, 0);
  k.ddi.PoFxActivateComponent(handle, 0, 0);
  k.ddi.PoFxStartDevicePowerManagement(handle);
  k.ddi.PoFxIdleComponent(handle, 0, 0);
  r.settle();
  assert.deepEqual(r.seen, [], 'one reference left: still active');
  assert.equal(r.component(0).refs, 1);
  k.ddi.PoFxIdleComponent(handle, 0, 0);
  r.settle();
  assert.deepEqual(r.seen, ['idle 0', 'power not required'], 'only F0: no idle state callback');
  k.ddi.PoFxIdleComponent(handle, 0, 0);
  assert.equal(r.component(0).refs, 0, 'an idle with no reference is not counted');
});

test('activating an idle component: device power, F0, then the active condition, each after the answer to the one before', () => {
  const r = registered();
  const { k, handle } = r;
  k.ddi.PoFxStartDevicePowerManagement(handle);
  r.settle();
  r.seen.length = 0;
  k.ddi.PoFxActivateComponent(handle, 0, 0);
  assert.deepEqual(r.seen, [], 'a transition is needed: the callback comes later');
  r.settle();
  assert.deepEqual(r.seen, ['power required', 'state 0 F0', 'active 0']);
  assert.equal(r.component(0).condition, 'active');
  assert.equal(r.component(0).fstate, 0);
});

test('the framework waits for the driver: no Fx state before PoFxCompleteIdleCondition, no active condition before PoFxCompleteIdleState', () => {
  const r = registered({ answer: false });
  const { k, handle } = r;
  k.ddi.PoFxStartDevicePowerManagement(handle);
  r.settle();
  assert.deepEqual(r.seen, ['idle 0']);
  k.ddi.PoFxCompleteIdleCondition(handle, 0);
  r.settle();
  assert.deepEqual(r.seen, ['idle 0', 'state 0 F1']);
  k.ddi.PoFxActivateComponent(handle, 0, 0);
  r.settle();
  assert.deepEqual(r.seen, ['idle 0', 'state 0 F1'], 'F1 not yet reached: the way back waits');
  k.ddi.PoFxCompleteIdleState(handle, 0);
  r.settle();
  assert.deepEqual(r.seen, ['idle 0', 'state 0 F1', 'state 0 F0']);
  k.ddi.PoFxCompleteIdleState(handle, 0);
  r.settle();
  assert.deepEqual(r.seen, ['idle 0', 'state 0 F1', 'state 0 F0', 'active 0']);
});

test('an idle component still in F0 with device power: the active callback in the call, unless PO_FX_FLAG_ASYNC_ONLY', () => {
  const r = registered({ states: 1, answer: true });
  const { k, handle } = r;
  // Keep device power: another component would be needed; instead answer only the idle condition.
  k.ddi.PoFxActivateComponent(handle, 0, 0);
  k.ddi.PoFxStartDevicePowerManagement(handle);
  k.ddi.PoFxIdleComponent(handle, 0, 0);
  // Deliver the idle condition only (1 ms), before device power goes (1 ms after that).
  k.dispatcher.stall(10_000);
  assert.deepEqual(r.seen, ['idle 0']);
  k.ddi.PoFxActivateComponent(handle, 0, 0);
  assert.deepEqual(r.seen, ['idle 0', 'active 0'], 'synchronous: no transition was needed');
  k.ddi.PoFxIdleComponent(handle, 0, 0);
  k.dispatcher.stall(10_000);
  k.ddi.PoFxActivateComponent(handle, 0, PO_FX_FLAG.ASYNC_ONLY);
  assert.deepEqual(r.seen, ['idle 0', 'active 0', 'idle 0'], 'ASYNC_ONLY: never from the calling thread');
  r.settle();
  assert.deepEqual(r.seen, ['idle 0', 'active 0', 'idle 0', 'active 0']);
});

test('an activation before the idle callback was delivered cancels it: no callback either way', () => {
  const r = registered();
  const { k, handle } = r;
  k.ddi.PoFxActivateComponent(handle, 0, 0);
  k.ddi.PoFxStartDevicePowerManagement(handle);
  k.ddi.PoFxIdleComponent(handle, 0, 0);
  k.ddi.PoFxActivateComponent(handle, 0, 0);
  r.settle();
  assert.deepEqual(r.seen, []);
  assert.equal(r.component(0).condition, 'active');
});

test('PO_FX_FLAG_BLOCKING: the activation returns with the component active, the callbacks run meanwhile', () => {
  const r = registered();
  const { k, handle } = r;
  k.ddi.PoFxStartDevicePowerManagement(handle);
  r.settle();
  r.seen.length = 0;
  k.ddi.PoFxActivateComponent(handle, 0, PO_FX_FLAG.BLOCKING);
  assert.deepEqual(r.seen, ['power required', 'state 0 F0', 'active 0']);
  assert.equal(r.component(0).condition, 'active');
});

test('PO_FX_FLAG_BLOCKING at DISPATCH_LEVEL: a transition that has to wait is a hang, named', () => {
  const r = registered();
  const { k, handle } = r;
  k.ddi.PoFxStartDevicePowerManagement(handle);
  r.settle();
  k.ddi.KeRaiseIrql(DISPATCH_LEVEL, scratch(k, 1));
  assert.throws(() => k.ddi.PoFxActivateComponent(handle, 0, PO_FX_FLAG.BLOCKING), (e: Error) => e instanceof HangError && /PO_FX_FLAG_BLOCKING\) waits for a transition at DISPATCH_LEVEL/.test(e.message));
});

test('components go their own ways, in the order their steps fell due; device power goes only when all are idle', () => {
  const r = registered({ components: 2 });
  const { k, handle } = r;
  k.ddi.PoFxActivateComponent(handle, 1, 0);
  k.ddi.PoFxStartDevicePowerManagement(handle);
  r.settle();
  assert.deepEqual(r.seen, ['idle 0', 'state 0 F1'], 'component 1 is held: the device keeps its power');
  k.ddi.PoFxIdleComponent(handle, 1, 0);
  r.settle();
  assert.deepEqual(r.seen, ['idle 0', 'state 0 F1', 'idle 1', 'state 1 F1', 'power not required']);
});

test('an activation released before it finished is abandoned: no callback for it, the component stays where it was', () => {
  const r = registered();
  const { k, handle } = r;
  k.ddi.PoFxStartDevicePowerManagement(handle);
  r.settle();
  r.seen.length = 0;
  k.ddi.PoFxActivateComponent(handle, 0, 0);
  k.ddi.PoFxIdleComponent(handle, 0, 0);
  r.settle();
  assert.deepEqual(r.seen, []);
  assert.equal(r.component(0).condition, 'idle');
  assert.equal(r.component(0).fstate, 1);
  assert.equal(r.component(0).refs, 0);
});

test('PoFxSetComponentLatency / Residency: the deepest Fx state within the tolerated latency and worth the expected idle time', () => {
  // F1: back in 10 us, worth 100 us; F2: back in 1 ms, worth 10 ms (100 ns units).
  const table: Array<[bigint, bigint]> = [[0n, 0n], [100n, 1000n], [10_000n, 100_000n]];
  const idleState = (latency?: bigint, residency?: bigint) => {
    const r = registered({ states: 3, table });
    if (latency !== undefined) r.k.ddi.PoFxSetComponentLatency(r.handle, 0, latency);
    if (residency !== undefined) r.k.ddi.PoFxSetComponentResidency(r.handle, 0, residency);
    r.k.ddi.PoFxStartDevicePowerManagement(r.handle);
    r.settle();
    return r.seen.filter((x) => x.startsWith('state'));
  };
  assert.deepEqual(idleState(), ['state 0 F2'], 'no limit: the deepest');
  assert.deepEqual(idleState(5000n), ['state 0 F1'], 'F2 is too slow to come back from');
  assert.deepEqual(idleState(50_000n, 50_000n), ['state 0 F1'], 'too short an idle for F2');
  assert.deepEqual(idleState(undefined, 500n), [], 'too short an idle for any: stays in F0');
});

test('PoFxSetDeviceIdleTimeout delays device power not required by the timeout', () => {
  const r = registered({ states: 1 });
  const { k, handle } = r;
  k.ddi.PoFxSetDeviceIdleTimeout(handle, 50n * 10_000n);
  k.ddi.PoFxStartDevicePowerManagement(handle);
  k.dispatcher.stall(40 * 10_000);
  assert.deepEqual(r.seen, ['idle 0']);
  r.settle();
  assert.deepEqual(r.seen, ['idle 0', 'power not required']);
});

test('PoFxUnregisterDevice: nothing pending is called after it, and the registration is freed', () => {
  const r = registered();
  const { k, handle } = r;
  k.ddi.PoFxStartDevicePowerManagement(handle);
  k.ddi.PoFxUnregisterDevice(handle);
  r.settle();
  assert.deepEqual(r.seen, []);
  assert.equal(powerFramework(k).registration(handle), undefined);
});
