/**
 * Making a reproducer small before it is written: fewest sessions, then fewest requests, then the shortest
 * input and output lengths, each cut kept only when a fresh machine still stops the same way (same code and
 * Parameter 1). Greedy passes, as libFuzzer's -minimize_crash does (and ddmin's chunks for the sessions), bounded by a number of replays.
 */
import type { WatchdogLimits } from '../kernel/ke/watchdog.ts';
import type { DeviceRequest } from '../system/run.ts';
import { withCaller, type Session } from './input.ts';
import { replay } from './replay.ts';
import { sameStop, type Stop } from './stop.ts';

export interface Minimized {
  readonly sessions: readonly Session[];
  readonly replays: number;
}

/** Most replays a minimization may take (each is a boot and a load). */
export const MAX_REPLAYS = 120;

export async function minimize(driver: string, flags: number, start: readonly Session[], target: Stop, limits?: Partial<WatchdogLimits>, maxReplays = MAX_REPLAYS): Promise<Minimized> {
  let best = start.map((s) => [...s]);
  let replays = 0;
  const stops = async (candidate: DeviceRequest[][]) => {
    if (replays >= maxReplays) return false;
    replays++;
    return sameStop(target, (await replay(driver, flags, candidate, false, limits)).stop);
  };
  const tryCut = async (candidate: DeviceRequest[][]) => {
    if (await stops(candidate)) {
      best = candidate;
      return true;
    }
    return false;
  };
  // The last session alone: most stops are one input's.
  if (best.length > 1) await tryCut([best[best.length - 1]!]);
  // Fewest sessions: cut runs of them, halves first then shorter runs (ddmin's complements), so a machine's
  // hundreds of sessions take tens of replays; the last session (the one that stopped it) is cut last.
  for (let chunk = best.length >> 1; chunk >= 1 && best.length > 1; chunk >>= 1) {
    for (let from = Math.max(0, best.length - 1 - chunk); from >= 0 && best.length > 1; from = Math.min(from, best.length - 1) - chunk) {
      const cut = best.filter((_, j) => j < from || j >= from + chunk);
      if (cut.length > 0) await tryCut(cut);
      if (from === 0) break;
    }
  }
  // Then fewest requests in each.
  for (let s = 0; s < best.length; s++) {
    for (let r = best[s]!.length - 1; r >= 0; r--) {
      if (best[s]!.length === 0) break;
      await tryCut(best.map((ss, j) => (j === s ? ss.filter((_, k) => k !== r) : ss)));
    }
  }
  // A session its requests all left (an open and a close) goes too, if the stop does not need it.
  for (let i = best.length - 1; i >= 0 && best.length > 1; i--) if (best[i]!.length === 0) await tryCut(best.filter((_, j) => j !== i));
  // Shortest lengths: each request's bytes, halving then trimming from the end.
  const replace = (s: number, r: number, rq: DeviceRequest) => best.map((ss, j) => (j === s ? ss.map((x, k) => (k === r ? rq : x)) : ss));
  for (let s = 0; s < best.length; s++) {
    for (let r = 0; r < best[s]!.length; r++) {
      const rq = best[s]![r]!;
      if (rq.kind === 'ioctl') {
        // The caller's lies go if the stop does not need them; then each one alone.
        if (rq.caller) await tryCut(replace(s, r, { ...rq, caller: undefined }));
        for (const key of ['race', 'inputPointer', 'outputPointer', 'inputLength', 'outputSize'] as const) {
          const now = best[s]![r] as typeof rq;
          if (now.caller?.[key] !== undefined) await tryCut(replace(s, r, { ...now, caller: withCaller(now.caller, { [key]: undefined }) }));
        }
        if ((best[s]![r] as typeof rq).outputLength > 0) await shorten((best[s]![r] as typeof rq).outputLength, (n) => tryCut(replace(s, r, { ...(best[s]![r] as typeof rq), outputLength: n, outputInit: undefined })));
        await shorten(rq.input.length, (n) => tryCut(replace(s, r, { ...(best[s]![r] as typeof rq), input: (best[s]![r] as typeof rq).input.subarray(0, n) })));
      } else if (rq.kind === 'write') {
        await shorten(rq.data.length, (n) => tryCut(replace(s, r, { kind: 'write', data: (best[s]![r] as typeof rq).data.subarray(0, n) })));
      } else {
        await shorten(rq.length, (n) => tryCut(replace(s, r, { kind: 'read', length: n })));
      }
    }
  }
  return { sessions: best, replays };
}

/** Try shorter lengths than `n`: zero, then halves, then one less at a time (a few). */
async function shorten(n: number, shorter: (n: number) => Promise<boolean>): Promise<void> {
  if (n === 0 || (await shorter(0))) return;
  let len = n;
  while (len > 1 && (await shorter(len >> 1))) len >>= 1;
  for (let tries = 0; tries < 4 && len > 1 && (await shorter(len - 1)); tries++) len--;
}
