/**
 * The runtime power framework (PoFx): a device registered with PoFxRegisterDevice has components,
 * each with an activation reference count and an Fx state, and the framework tells the driver what
 * changes through the callbacks of its PO_FX_DEVICE, as the DDI reference describes:
 *
 * - After PoFxRegisterDevice every component is active and in F0; PoFxStartDevicePowerManagement
 *   moves each one the driver holds no activation reference on to the idle condition.
 * - A component reaching the idle condition (its count 1 -> 0): ComponentIdleConditionCallback; the
 *   driver answers PoFxCompleteIdleCondition. Then the framework puts it in its deepest Fx state
 *   within the latency the driver tolerates and worth the residency it expects (PoFxSetComponentLatency,
 *   PoFxSetComponentResidency; no limit until set): ComponentIdleStateCallback(state), answered by
 *   PoFxCompleteIdleState. None if that is F0.
 * - Every component idle: DevicePowerNotRequiredCallback (PASSIVE_LEVEL, after the device idle
 *   timeout), answered by PoFxCompleteDevicePowerNotRequired.
 * - A component activated (0 -> 1) that is idle: the device's power first if it was not required
 *   (DevicePowerRequiredCallback, answered by PoFxReportDevicePoweredOn), then F0 if it left it
 *   (ComponentIdleStateCallback(0)), then ComponentActiveConditionCallback. One still in the active
 *   condition (its idle callback not yet delivered) stays active with no callback.
 *
 * The framework's own work runs later, not in the caller's call: component callbacks from its DPC
 * (the DDI reference allows them at IRQL <= DISPATCH_LEVEL), device power callbacks from a system
 * worker (PASSIVE_LEVEL), each step `latencyMs` after it became due, in due order (ties in the order
 * they arose): a deterministic run. The one exception: PoFxActivateComponent without
 * PO_FX_FLAG_ASYNC_ONLY on a component that needs no transition but the callback calls
 * ComponentActiveConditionCallback before returning (the calling thread may be used unless
 * ASYNC_ONLY says otherwise). PO_FX_FLAG_BLOCKING runs the machine until the condition is reached
 * (the DDI reference allows it only below DISPATCH_LEVEL; at DISPATCH_LEVEL no worker can run, so a
 * transition that needs device power is reported as the hang it would be).
 *
 * Power framework delay fuzzing (0x8000, verifier/thunks/pofx-delay.ts) sets a registration's
 * latency source, so its steps fall due in a seeded order.
 */
import { DISPATCH_LEVEL } from '../../nt/irql.ts';
import { KDPC, KTIMER, PO_FX_COMPONENT_IDLE_STATE, PO_FX_COMPONENT_V1, PO_FX_DEVICE_V1 } from '../../nt/layout.ts';
import { PO_FX_FLAG, PO_FX_VERSION_V1 } from '../../nt/pofx.ts';
import { STATUS } from '../../nt/status.ts';
import { TICKS_PER_MS } from '../ke/clock.ts';
import type { Kernel } from '../kernel.ts';
import { TAG } from '../tags.ts';

/** The framework's routines in nt: its DPC and its device power work item. */
export const POFX_ROUTINES = ['PopFxDeviceDpc', 'PopFxDeviceWorker'] as const;

/** The default time from a step falling due to its callback: one millisecond of simulated time. */
export const FX_LATENCY_MS = 1;
/** The registration object behind a POHANDLE (opaque to drivers): room for its timer and DPC. */
const HANDLE_SIZE = 16 + KTIMER.size + KDPC.size;

const D = PO_FX_DEVICE_V1.off;
const C = PO_FX_COMPONENT_V1.off;

/** Where a component is between the active and the idle condition. */
export type Condition = 'active' | 'idling' | 'idle';

export interface FxComponent {
  refs: number;
  condition: Condition;
  /** The idle condition callback was called and the driver has not completed it. */
  idleCallbackPending: boolean;
  /** The Fx state the component is in, and the one an idle state callback asked for (undefined: none asked). */
  fstate: number;
  targetState: number | undefined;
  readonly idleStateCount: number;
  /** Each Fx state's TransitionLatency and ResidencyRequirement (100 ns units), read at registration. */
  readonly latencies: readonly bigint[];
  readonly residencies: readonly bigint[];
  /** PoFxSetComponentLatency / PoFxSetComponentResidency (undefined: no limit given). */
  latencyTolerance: bigint | undefined;
  expectedResidency: bigint | undefined;
  /** An activation waits for the transitions in its way. */
  activating: boolean;
}

type StepKind = 'idleCondition' | 'idleState' | 'activeCondition' | 'powerRequired' | 'powerNotRequired';

interface Step {
  readonly kind: StepKind;
  readonly component: number;
  readonly state: number;
  readonly due: number;
  readonly seq: number;
}

export interface FxRegistration {
  readonly handle: number;
  /** Which registration this is: a work item queued for an unregistered one never reaches one at the same address. */
  readonly id: number;
  readonly pdo: number;
  readonly context: number;
  readonly callbacks: {
    readonly active: number;
    readonly idle: number;
    readonly idleState: number;
    readonly powerRequired: number;
    readonly powerNotRequired: number;
  };
  readonly components: FxComponent[];
  started: boolean;
  /** The framework's view: the device's power is required (true from registration). */
  powerRequired: boolean;
  /** A device power callback was called and the driver has not answered it. */
  powerCallbackPending: 'required' | 'notRequired' | undefined;
  /** PoFxSetDeviceIdleTimeout, in ms (0: the device may lose power as soon as all components are idle). */
  idleTimeoutMs: number;
  steps: Step[];
  /** Where the delay of the next step comes from (ms); the verifier's 0x8000 replaces it. */
  latency: () => number;
}

export class PowerFramework {
  private readonly byHandle = new Map<number, FxRegistration>();
  private seq = 0;
  private registered = 0;
  private readonly dpcRoutine: number;
  private readonly workerRoutine: number;

  constructor(private readonly k: Kernel) {
    k.nt.addRoutines(POFX_ROUTINES);
    this.dpcRoutine = k.nt.address('PopFxDeviceDpc');
    this.workerRoutine = k.nt.address('PopFxDeviceWorker');
    k.registerRoutine(this.dpcRoutine, ((_dpc: number, handle: number) => this.runDue(handle)) as never, 'nt');
    k.registerRoutine(this.workerRoutine, ((handle: number, kind: number, id: number) => this.runDevicePowerStep(handle, id, kind === 1 ? 'powerRequired' : 'powerNotRequired')) as never, 'nt');
  }

  registration(handle: number): FxRegistration | undefined {
    return this.byHandle.get(handle >>> 0);
  }

  registrations(): readonly FxRegistration[] {
    return [...this.byHandle.values()];
  }

  register(pdo: number, device: number, handleOut: number): number {
    const k = this.k;
    const as = k.as;
    if (pdo === 0 || device === 0 || handleOut === 0) return STATUS.INVALID_PARAMETER;
    const count = as.u32(device + D.Version) === PO_FX_VERSION_V1 ? as.u32(device + D.ComponentCount) : 0;
    if (count === 0) return STATUS.INVALID_PARAMETER;
    // The five callbacks the framework calls are required (PowerControlCallback is optional).
    const required = [D.ComponentActiveConditionCallback, D.ComponentIdleConditionCallback, D.ComponentIdleStateCallback, D.DevicePowerRequiredCallback, D.DevicePowerNotRequiredCallback];
    if (required.some((o) => as.u32(device + o) === 0)) return STATUS.INVALID_PARAMETER;
    const components: FxComponent[] = [];
    for (let i = 0; i < count; i++) {
      const c = device + D.Components + i * PO_FX_COMPONENT_V1.size;
      const states = as.u32(c + C.IdleStateCount);
      // Every component has F0 at least, and IdleStates must describe them.
      if (states === 0 || as.u32(c + C.IdleStates) === 0) return STATUS.INVALID_PARAMETER;
      const table = as.u32(c + C.IdleStates);
      const S = PO_FX_COMPONENT_IDLE_STATE;
      const latencies = Array.from({ length: states }, (_, j) => as.u64(table + j * S.size + S.off.TransitionLatency));
      const residencies = Array.from({ length: states }, (_, j) => as.u64(table + j * S.size + S.off.ResidencyRequirement));
      components.push({ refs: 0, condition: 'active', idleCallbackPending: false, fstate: 0, targetState: undefined, idleStateCount: states, latencies, residencies, latencyTolerance: undefined, expectedResidency: undefined, activating: false });
    }
    const handle = k.tryAllocateKernelObject(HANDLE_SIZE, TAG.PoFx);
    if (handle === 0) return STATUS.INSUFFICIENT_RESOURCES;
    const r: FxRegistration = {
      handle,
      id: ++this.registered,
      pdo,
      context: as.u32(device + D.DeviceContext),
      callbacks: {
        active: as.u32(device + D.ComponentActiveConditionCallback),
        idle: as.u32(device + D.ComponentIdleConditionCallback),
        idleState: as.u32(device + D.ComponentIdleStateCallback),
        powerRequired: as.u32(device + D.DevicePowerRequiredCallback),
        powerNotRequired: as.u32(device + D.DevicePowerNotRequiredCallback),
      },
      components,
      started: false,
      powerRequired: true,
      powerCallbackPending: undefined,
      idleTimeoutMs: 0,
      steps: [],
      latency: () => FX_LATENCY_MS,
    };
    k.dispatcher.initializeTimer(this.timer(r), 0);
    k.dispatcher.initializeDpc(this.dpc(r), this.dpcRoutine, handle);
    this.byHandle.set(handle, r);
    as.setU32(handleOut, handle);
    return STATUS.SUCCESS;
  }

  start(r: FxRegistration): void {
    if (r.started) return;
    r.started = true;
    r.components.forEach((c, i) => {
      if (c.refs === 0) this.beginIdle(r, i);
    });
  }

  unregister(r: FxRegistration): void {
    this.k.dispatcher.cancelTimer(this.timer(r));
    this.k.dispatcher.removeQueueDpc(this.dpc(r));
    this.byHandle.delete(r.handle);
    this.k.freeKernelObject(r.handle);
  }

  activate(r: FxRegistration, index: number, flags: number): void {
    const c = this.component(r, index);
    if (!c) return;
    c.refs++;
    if (c.refs !== 1) return;
    if (c.condition !== 'idle' && !c.idleCallbackPending) {
      // Still active: the idle transition it was waiting to deliver is off, and no callback is due.
      if (c.condition === 'idling') this.cancelSteps(r, index, 'idleCondition');
      c.condition = 'active';
      return;
    }
    c.activating = true;
    // A low-power state not yet entered is off: the component is wanted back.
    r.steps = r.steps.filter((s) => !(s.kind === 'idleState' && s.component === index && s.state !== 0));
    if (!(flags & PO_FX_FLAG.ASYNC_ONLY) && this.readyToActivate(r, c)) {
      this.becomeActive(r, index);
      return;
    }
    this.advanceActivation(r, index);
    if (flags & PO_FX_FLAG.BLOCKING) this.block(() => c.condition === 'active' || !this.byHandle.has(r.handle), `PoFxActivateComponent(${index}, PO_FX_FLAG_BLOCKING) waits for a transition`);
  }

  idle(r: FxRegistration, index: number, flags: number): void {
    const c = this.component(r, index);
    if (!c || c.refs === 0) return;
    c.refs--;
    if (c.refs !== 0) return;
    if (c.activating) {
      // The activation had not finished: it stops where it is, and the component goes back toward idle.
      c.activating = false;
      this.cancelSteps(r, index, 'activeCondition');
      if (c.targetState === undefined && c.fstate !== 0) this.cancelSteps(r, index, 'idleState');
      if (c.condition === 'idle') {
        this.checkDeviceIdle(r);
        return;
      }
    }
    this.beginIdle(r, index);
    if (flags & PO_FX_FLAG.BLOCKING) this.block(() => (!c.idleCallbackPending && c.condition !== 'idling') || !this.byHandle.has(r.handle), `PoFxIdleComponent(${index}, PO_FX_FLAG_BLOCKING) waits for the idle condition`);
  }

  /** PO_FX_FLAG_BLOCKING: run the machine until `done`; at DISPATCH_LEVEL nothing else can run, so an unfinished wait is a hang. */
  private block(done: () => boolean, what: string): void {
    if (done()) return;
    if (this.k.irql >= DISPATCH_LEVEL) this.k.hang(`${what} at DISPATCH_LEVEL, where nothing else can run (the flag is for callers below DISPATCH_LEVEL)`);
    this.k.dispatcher.waitUntil(done, () => `${what} that nothing left to run can finish`);
  }

  completeIdleCondition(r: FxRegistration, index: number): void {
    const c = this.component(r, index);
    if (!c || !c.idleCallbackPending) return;
    c.idleCallbackPending = false;
    if (c.activating) {
      this.advanceActivation(r, index);
      return;
    }
    const target = this.idleStateFor(c);
    if (target > 0) this.schedule(r, 'idleState', index, target);
    this.checkDeviceIdle(r);
  }

  completeIdleState(r: FxRegistration, index: number): void {
    const c = this.component(r, index);
    if (!c || c.targetState === undefined) return;
    c.fstate = c.targetState;
    c.targetState = undefined;
    if (c.activating) this.advanceActivation(r, index);
    else this.checkDeviceIdle(r);
  }

  completeDevicePowerNotRequired(r: FxRegistration): void {
    if (r.powerCallbackPending !== 'notRequired') return;
    r.powerCallbackPending = undefined;
    r.powerRequired = false;
    r.components.forEach((c, i) => {
      if (c.activating) this.advanceActivation(r, i);
    });
  }

  reportDevicePoweredOn(r: FxRegistration): void {
    if (r.powerCallbackPending !== 'required') return;
    r.powerCallbackPending = undefined;
    r.powerRequired = true;
    r.components.forEach((c, i) => {
      if (c.activating) this.advanceActivation(r, i);
    });
  }

  /** PoFxSetComponentLatency: the longest return to F0 the driver tolerates (100 ns units). */
  setLatency(r: FxRegistration, index: number, latency: bigint): void {
    const c = this.component(r, index);
    if (c) c.latencyTolerance = latency;
  }

  /** PoFxSetComponentResidency: how long the component is expected to stay idle (100 ns units). */
  setResidency(r: FxRegistration, index: number, residency: bigint): void {
    const c = this.component(r, index);
    if (c) c.expectedResidency = residency;
  }

  /** The deepest Fx state within the latency the driver tolerates and worth the idle time it expects (0: stay in F0). */
  private idleStateFor(c: FxComponent): number {
    for (let s = c.idleStateCount - 1; s > 0; s--) {
      if (c.latencyTolerance !== undefined && c.latencies[s]! > c.latencyTolerance) continue;
      if (c.expectedResidency !== undefined && c.residencies[s]! > c.expectedResidency) continue;
      return s;
    }
    return 0;
  }

  setIdleTimeout(r: FxRegistration, timeout100ns: bigint): void {
    r.idleTimeoutMs = Number(timeout100ns / BigInt(TICKS_PER_MS));
  }

  // ---- the transitions ----------------------------------------------------------------------

  private component(r: FxRegistration, index: number): FxComponent | undefined {
    return r.components[index >>> 0];
  }

  private beginIdle(r: FxRegistration, index: number): void {
    const c = r.components[index]!;
    if (!r.started) return;
    c.condition = 'idling';
    this.schedule(r, 'idleCondition', index, 0);
  }

  private readyToActivate(r: FxRegistration, c: FxComponent): boolean {
    return r.powerRequired && r.powerCallbackPending === undefined && !c.idleCallbackPending && c.targetState === undefined && c.fstate === 0;
  }

  /** The next step an activation waits for, if none is under way: device power, then F0, then the callback. */
  private advanceActivation(r: FxRegistration, index: number): void {
    const c = r.components[index]!;
    if (!c.activating || c.idleCallbackPending || c.targetState !== undefined || r.powerCallbackPending !== undefined) return;
    if (this.hasStep(r, index)) return;
    if (!r.powerRequired) {
      if (!r.steps.some((s) => s.kind === 'powerRequired')) this.schedule(r, 'powerRequired', index, 0);
      return;
    }
    if (c.fstate !== 0) {
      this.schedule(r, 'idleState', index, 0);
      return;
    }
    this.schedule(r, 'activeCondition', index, 0);
  }

  private becomeActive(r: FxRegistration, index: number): void {
    const c = r.components[index]!;
    c.activating = false;
    c.condition = 'active';
    // A device power-down on its way is off: a component needs the device again.
    this.cancelSteps(r, -1, 'powerNotRequired');
    this.call(r.callbacks.active, [r.context, index]);
  }

  /** Every component idle and nothing pending: the device's power is not required (after the idle timeout). */
  private checkDeviceIdle(r: FxRegistration): void {
    if (!r.powerRequired || r.powerCallbackPending !== undefined || r.steps.some((s) => s.kind === 'powerNotRequired')) return;
    if (!this.allSettled(r)) return;
    this.schedule(r, 'powerNotRequired', -1, 0, r.idleTimeoutMs);
  }

  /** Every component idle, answered, going nowhere (no Fx state on its way): the device may lose its power. */
  private allSettled(r: FxRegistration): boolean {
    return r.components.every(settledIdle) && !r.steps.some((s) => s.kind === 'idleState');
  }

  private hasStep(r: FxRegistration, index: number): boolean {
    return r.steps.some((s) => s.component === index);
  }

  private cancelSteps(r: FxRegistration, index: number, kind: StepKind): void {
    r.steps = r.steps.filter((s) => !(s.kind === kind && s.component === index));
  }

  private schedule(r: FxRegistration, kind: StepKind, component: number, state: number, extraMs = 0): void {
    const ms = Math.max(0, r.latency()) + extraMs;
    const due = this.k.clock.now + ms * TICKS_PER_MS;
    r.steps.push({ kind, component, state, due, seq: this.seq++ });
    this.arm(r);
  }

  /** The registration's timer set for its earliest step. */
  private arm(r: FxRegistration): void {
    if (r.steps.length === 0) {
      this.k.dispatcher.cancelTimer(this.timer(r));
      return;
    }
    const due = Math.min(...r.steps.map((s) => s.due));
    const relative = Math.max(1, due - this.k.clock.now);
    this.k.dispatcher.setTimer(this.timer(r), -BigInt(relative), 0, this.dpc(r));
  }

  /** The DPC: every step due, in due order. Component callbacks run here; device power ones go to the worker. */
  private runDue(handle: number): void {
    const r = this.byHandle.get(handle >>> 0);
    if (!r) return;
    for (;;) {
      const now = this.k.clock.now;
      const due = r.steps.filter((s) => s.due <= now).sort((a, b) => a.due - b.due || a.seq - b.seq);
      const step = due[0];
      if (!step) break;
      r.steps.splice(r.steps.indexOf(step), 1);
      this.runStep(r, step);
      if (!this.byHandle.has(r.handle)) return;
    }
    this.arm(r);
  }

  private runStep(r: FxRegistration, s: Step): void {
    const c = s.component >= 0 ? r.components[s.component] : undefined;
    switch (s.kind) {
      case 'idleCondition':
        if (!c || c.condition !== 'idling' || c.refs !== 0) return;
        c.condition = 'idle';
        c.idleCallbackPending = true;
        this.call(r.callbacks.idle, [r.context, s.component]);
        return;
      case 'idleState':
        if (!c) return;
        // An idle state is for an idle component, F0 for one on its way back.
        if (s.state !== 0 && (c.condition !== 'idle' || c.activating)) {
          if (c.activating) this.advanceActivation(r, s.component);
          return;
        }
        c.targetState = s.state;
        this.call(r.callbacks.idleState, [r.context, s.component, s.state]);
        return;
      case 'activeCondition':
        if (c?.activating) this.becomeActive(r, s.component);
        return;
      case 'powerRequired':
      case 'powerNotRequired':
        this.k.dispatcher.workQueue.push({ routine: this.workerRoutine, args: [r.handle, s.kind === 'powerRequired' ? 1 : 0, r.id], frames: ['ExpWorkerThread'] });
        return;
    }
  }

  /** The system worker's half (PASSIVE_LEVEL): the device power callbacks, if still wanted. */
  private runDevicePowerStep(handle: number, id: number, kind: 'powerRequired' | 'powerNotRequired'): void {
    const r = this.byHandle.get(handle >>> 0);
    if (!r || r.id !== id || r.powerCallbackPending !== undefined) return;
    if (kind === 'powerNotRequired') {
      if (!r.powerRequired || !this.allSettled(r)) return;
      r.powerCallbackPending = 'notRequired';
      this.call(r.callbacks.powerNotRequired, [r.context]);
    } else {
      // Nobody wants the device back any more (the activation was released meanwhile).
      if (!r.components.some((c) => c.activating)) return;
      if (r.powerRequired) {
        r.components.forEach((c, i) => c.activating && this.advanceActivation(r, i));
        return;
      }
      r.powerCallbackPending = 'required';
      this.call(r.callbacks.powerRequired, [r.context]);
    }
  }

  private call(routine: number, args: readonly number[]): void {
    this.k.callRoutine(routine, args);
  }

  private timer(r: FxRegistration): number {
    return r.handle + 16;
  }

  private dpc(r: FxRegistration): number {
    return r.handle + 16 + KTIMER.size;
  }
}

/** Idle, answered, with no activation under way and no Fx state asked. */
const settledIdle = (c: FxComponent): boolean => c.condition === 'idle' && !c.idleCallbackPending && !c.activating && c.targetState === undefined;

const frameworks = new WeakMap<Kernel, PowerFramework>();

/** The kernel's power framework, made on first use. */
export function powerFramework(k: Kernel): PowerFramework {
  let fx = frameworks.get(k);
  if (fx === undefined) {
    fx = new PowerFramework(k);
    frameworks.set(k, fx);
  }
  return fx;
}
