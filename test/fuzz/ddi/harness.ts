/**
 * Runs one DDI sequence on a fresh machine and says how it ended. The invariant the fuzz tests hold
 * it to: a sequence ends clean, or in a bug check of the bug check table, or in a hang (HangError:
 * a wait nothing can end, a fast mutex acquired twice; Windows would hang there too, and dv reports
 * it as exit 4). Never in a host exception (TypeError, RangeError, an assertion of ours), never in
 * another SimulatorError (a tool error where Windows returns a status or bug checks), never in a
 * bug check code the table does not know, and never charged to the driver as "host exception in
 * driver code" when the exception came from our side of the DDI call.
 */
import { BugCheck, HangError, SimulatorError } from '../../../src/kernel/errors.ts';
import { bugCheckInfo } from '../../../src/nt/bugcheck.ts';
import { DRIVER_OBJECT } from '../../../src/nt/layout.ts';
import { STANDARD_FLAGS } from '../../../src/verifier/flags.ts';
import { Machine } from '../../../src/system/machine.ts';
import { FuzzDriverState } from './driver-state.ts';
import { FUZZ_EXTENSION, fuzzImageFormat, type RoutineBodies } from './fuzz-driver.ts';
import { describeOp, type Op } from './ops.ts';
import { runOp, tidy } from './run-op.ts';

export interface Scenario {
  /** Driver Verifier /standard on the fuzz driver, or off. */
  readonly verifier: boolean;
  /** Calls made in DriverEntry (PASSIVE_LEVEL, system thread). */
  readonly entry: readonly Op[];
  /** Calls made in DriverUnload. */
  readonly unload: readonly Op[];
  /** Calls made by the DPC, work item and system thread routines (each runs them its first few times). */
  readonly callback?: readonly Op[];
  /** DriverUnload releases what the sequence still holds (the right way), after its calls. */
  readonly tidy: boolean;
  /** Unload the driver at the end (else it stays loaded at shutdown). */
  readonly unloadDriver: boolean;
  /** Capture host stacks (callers, allocation stacks) as `dv run` does by default. */
  readonly stacks: boolean;
}

export type Outcome =
  | { readonly kind: 'clean' }
  | { readonly kind: 'bugcheck'; readonly code: number; readonly name: string; readonly params: readonly number[] }
  | { readonly kind: 'hang'; readonly message: string }
  /** The invariant broken: a host exception, an unknown code, or our fault charged to the driver. */
  | { readonly kind: 'failure'; readonly message: string };


const CALLBACK_RUNS = 3;

/** Run a scenario on a fresh machine; never throws (a harness error is an outcome too). */
export async function runScenario(sc: Scenario): Promise<Outcome> {
  const name = 'FuzzDriver';
  const machine = new Machine({ verifier: sc.verifier ? { flags: STANDARD_FLAGS, drivers: [`${name}.sys`] } : undefined, captureStacks: sc.stacks });
  const k = machine.kernel;
  let st: FuzzDriverState | undefined;
  let bodies: RoutineBodies | undefined;
  const routines = (): RoutineBodies => (bodies ??= makeBodies());
  const makeBodies = (): RoutineBodies => {
    const s = st!;
    const r = s.img.routine;
    // Callbacks signal their context (an event, or whatever the sequence passed), then run the
    // scenario's callback calls: at DISPATCH_LEVEL in a DPC, at PASSIVE_LEVEL in work items and threads.
    // A driver would not run them forever: each routine runs them its first CALLBACK_RUNS times.
    const runs = new Map<string, number>();
    const setIfAny = (at: number, ev: number) => {
      if (ev !== 0) s.call(at, 'KeSetEvent', ev, 0, 0);
      const n = runs.get(String(at)) ?? 0;
      runs.set(String(at), n + 1);
      if (n < CALLBACK_RUNS) for (const o of sc.callback ?? []) runOp(s, at, o);
    };
    return {
      DriverEntry: (driverObject) => {
        s.driverObject = driverObject;
        k.as.setU32(driverObject + DRIVER_OBJECT.off.DriverUnload, sc.unloadDriver ? r('DriverUnload') : 0);
        for (const o of sc.entry) runOp(s, r('DriverEntry'), o);
        return 0;
      },
      DriverUnload: () => {
        for (const o of sc.unload) runOp(s, r('DriverUnload'), o);
        if (sc.tidy) tidy(s, r('DriverUnload'));
      },
      FuzzDpcRoutine: (_dpc, context) => setIfAny(r('FuzzDpcRoutine'), context),
      FuzzIoWorkItemRoutine: (_device, context) => setIfAny(r('FuzzIoWorkItemRoutine'), context),
      FuzzExWorkerRoutine: (parameter) => setIfAny(r('FuzzExWorkerRoutine'), parameter),
      FuzzThreadStart: (context) => {
        if (context === 0) return;
        k.as.setU64(s.scratch(3), -10_000n);
        s.call(r('FuzzThreadStart'), 'KeWaitForSingleObject', context, 0, 0, 0, s.scratch(3));
        setIfAny(r('FuzzThreadStart'), 0);
      },
    };
  };
  machine.loader.addFormat(fuzzImageFormat(routines, (img) => (st = new FuzzDriverState(img, machine))));
  let escaped: unknown;
  try {
    const image = await machine.loadDriver(`${name}${FUZZ_EXTENSION}`);
    if (sc.unloadDriver && k.io.canUnload(image.driverObject)) machine.unloadDriver(image);
    machine.shutdown();
  } catch (e) {
    escaped = e;
  }
  if (st?.hostException !== undefined) return { kind: 'failure', message: `host exception out of ${st.hostExceptionAt}: ${errorText(st.hostException)}` };
  if (escaped === undefined) return { kind: 'clean' };
  if (escaped instanceof BugCheck) {
    const info = bugCheckInfo(escaped.code);
    if (info.name.startsWith('BUGCHECK_')) return { kind: 'failure', message: `bug check 0x${escaped.code.toString(16)} is not in the bug check table` };
    const exception = k.crash?.exception;
    if (exception) return { kind: 'failure', message: `bug check 0x${escaped.code.toString(16)} charges a host exception to the driver: ${exception.message}` };
    return { kind: 'bugcheck', code: escaped.code, name: info.name, params: escaped.params };
  }
  if (escaped instanceof HangError) return { kind: 'hang', message: escaped.message };
  // Any other SimulatorError is a tool error for what a driver did: Windows answers a DDI call with a
  // status or a bug check, so that is a failure too (the first found: kernel stacks running out).
  if (escaped instanceof SimulatorError) return { kind: 'failure', message: `SimulatorError: ${escaped.message}` };
  return { kind: 'failure', message: `host exception: ${errorText(escaped)}` };
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 6).join('\n') ?? ''}` : String(e);
}

/** A scenario as the lines of a regression test. */
export function describeScenario(sc: Scenario): string {
  return [
    `verifier ${sc.verifier ? '/standard' : 'off'}, ${sc.unloadDriver ? 'unload' : 'stays loaded'}${sc.tidy ? ', tidy' : ''}`,
    ...sc.entry.map((o) => `  entry:  ${describeOp(o)}`),
    ...sc.unload.map((o) => `  unload: ${describeOp(o)}`),
    ...(sc.callback ?? []).map((o) => `  callback: ${describeOp(o)}`),
  ].join('\n');
}
