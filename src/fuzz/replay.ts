/**
 * A reproducer run as `dv run --scenario` runs it: a fresh machine, the scenario's steps. Minimization
 * and the final check both go through here, so a reproducer the fuzzer writes is one this replays.
 */
import { join } from 'node:path';
import type { WatchdogLimits } from '../kernel/ke/watchdog.ts';
import { runScenario } from '../system/scenario/run.ts';
import type { Scenario } from '../system/scenario/schema.ts';
import { bucketOf, hangBucket, type Stop } from './stop.ts';
import { sessionsScenario, type Session } from './input.ts';

export interface Replayed {
  readonly stop: Stop | null;
  /** The index of the step the machine stopped in (its scenario's). */
  readonly step: number;
  readonly scenario: Scenario;
}

/** Run `sessions` on a fresh machine; `bucket` also reads the stop's bucket (it takes a dump). */
export async function replay(driver: string, flags: number, sessions: readonly Session[], bucket = false, limits?: Partial<WatchdogLimits>): Promise<Replayed> {
  const scenario = sessionsScenario(driver, flags, sessions);
  // The load step names the driver by its absolute path: the file name only places relative paths.
  const o = await runScenario({ file: join(process.cwd(), 'fuzz-replay.yaml'), scenario, stepLines: [] }, { limits });
  const step = o.steps.findIndex((s) => s.stopped !== undefined);
  const stop: Stop | null = o.hang
    ? { kind: 'hang', reason: o.hang.reason, bucket: bucket ? hangBucket(o.dump, o.hang.reason) : '' }
    : o.bugCheck
      ? { kind: 'bugcheck', code: o.bugCheck.code, params: o.bugCheck.params, bucket: bucket ? bucketOf(o.dump) : '' }
      : null;
  return { stop, step, scenario };
}
