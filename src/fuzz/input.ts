/**
 * The fuzzer's inputs: a session is one open of the device, its requests in order, and the close; a
 * reproducer is the sessions one machine ran from its boot. Each converts to the steps of a scenario
 * file, the form `dv run --scenario` replays, so what the fuzzer ran and what a user replays are one thing.
 */
import { relative, dirname } from 'node:path';
import type { DeviceRequest } from '../system/run.ts';
import type { CallerBuffers } from '../kernel/io/caller-buffers.ts';
import type { Scenario, ScenarioStep, StepExpectation } from '../system/scenario/schema.ts';
import { STANDARD_FLAGS } from '../verifier/flags.ts';

export type Session = readonly DeviceRequest[];

/** The transfer method a control code names (CTL_CODE's low two bits). */
export const METHOD_NAMES = ['METHOD_BUFFERED', 'METHOD_IN_DIRECT', 'METHOD_OUT_DIRECT', 'METHOD_NEITHER'] as const;
export const methodOf = (code: number) => METHOD_NAMES[code & 3]!;

const hex = (n: number) => `0x${(n >>> 0).toString(16).toUpperCase()}`;
const hexBytes = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function requestStep(rq: DeviceRequest): ScenarioStep {
  if (rq.kind === 'read') return { read: { length: rq.length } };
  if (rq.kind === 'write') return { write: { data: hexBytes(rq.data) } };
  return {
    ioctl: {
      code: hex(rq.code),
      ...(rq.input.length > 0 ? { input: hexBytes(rq.input) } : {}),
      ...(rq.outputLength > 0 ? { outputLength: rq.outputLength } : {}),
      ...(rq.outputInit && rq.outputInit.length > 0 ? { output: hexBytes(rq.outputInit) } : {}),
      ...(rq.caller ? callerFields(rq.caller) : {}),
    },
  };
}

/** The caller's lies as an ioctl step's fields (the scenario schema's names). */
export function callerFields(c: CallerBuffers) {
  return {
    ...(c.inputLength !== undefined ? { inputLength: c.inputLength } : {}),
    ...(c.outputSize !== undefined ? { outputSize: c.outputSize } : {}),
    ...(c.inputPointer !== undefined ? { inputPointer: c.inputPointer } : {}),
    ...(c.outputPointer !== undefined ? { outputPointer: c.outputPointer } : {}),
    ...(c.race !== undefined ? { race: { call: c.race.call, offset: c.race.offset, data: hexBytes(c.race.data) } } : {}),
  };
}

/** A request's caller with `change` applied; undefined when no lie is left. */
export function withCaller(c: CallerBuffers | undefined, change: Partial<CallerBuffers>): CallerBuffers | undefined {
  const next = Object.fromEntries(Object.entries({ ...c, ...change }).filter(([, v]) => v !== undefined)) as CallerBuffers;
  return Object.keys(next).length > 0 ? next : undefined;
}

/** The verifier setting a scenario file names: 'standard', or the flags in hex. */
export const verifierText = (flags: number) => (flags === STANDARD_FLAGS ? 'standard' : hex(flags));

/**
 * The scenario of `sessions` on a fresh machine: load, each session (open, requests, close), unload,
 * shutdown. `driver` is written as given (absolute, or relative to the scenario's folder).
 */
export function sessionsScenario(driver: string, flags: number, sessions: readonly Session[], name?: string): Scenario {
  const steps: ScenarioStep[] = [{ load: driver }];
  for (const s of sessions) steps.push({ open: {} }, ...s.map(requestStep), { close: {} });
  steps.push({ unload: {} }, { shutdown: {} });
  return { ...(name !== undefined ? { name } : {}), machine: { verifier: verifierText(flags) }, steps };
}

/** The same scenario, with the stop expected at step `index` (the step the machine stopped in). */
export function expectStop(s: Scenario, index: number, expect: StepExpectation): Scenario {
  const steps = s.steps.map((step, i) => {
    if (i !== index || typeof step === 'string') return step;
    const [key, body] = Object.entries(step)[0]! as [string, unknown];
    const obj = typeof body === 'string' ? (key === 'load' ? { driver: body } : { name: body }) : (body as object);
    return { [key]: { ...obj, expect } } as ScenarioStep;
  });
  return { ...s, steps };
}

/** A driver path as a scenario file in `dir` names it. */
export const driverFrom = (scenarioFile: string, driver: string) => relative(dirname(scenarioFile), driver).split('\\').join('/');

export const requestCount = (sessions: readonly Session[]) => sessions.reduce((n, s) => n + s.length, 0);
export const inputBytes = (sessions: readonly Session[]) =>
  sessions.reduce((n, s) => n + s.reduce((m, r) => m + (r.kind === 'ioctl' ? r.input.length + r.outputLength : r.kind === 'write' ? r.data.length : r.length), 0), 0);
