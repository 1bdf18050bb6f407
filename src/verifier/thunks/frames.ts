/**
 * The nt frame a thunk shows in stacks: `nt!Verifier<Ddi>+0x..`, the verifier's wrapper of the DDI,
 * as kd shows `nt!VerifierKeReleaseSpinLock` above a driver that broke a rule. The offset is a
 * fixed function of the name, so stacks read the same in every run.
 */
import type { AnyFn, ThunkFactory, ThunkSet, VerifierContext } from '../context.ts';

export const thunkRoutine = (ddi: string) => `Verifier${ddi}`;

export function thunkFrame(vf: VerifierContext, ddi: string): number {
  let h = 0;
  for (const c of ddi) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return vf.ntFrame(thunkRoutine(ddi), 0x12 + (h % 0x38));
}

/** The nt routines a thunk set shows in stacks, in a fixed order. */
export function thunkRoutines(set: ThunkSet): string[] {
  return Object.keys(set).map(thunkRoutine);
}

/**
 * A thunk that checks before it calls the kernel: `check(frames, args)` raises through
 * `vf.violation(..., frames)`; the DDI then runs as the kernel does it.
 */
export function checked<A extends unknown[]>(ddi: string, check: (vf: VerifierContext, frames: readonly number[], skip: Function, ...args: A) => void): ThunkFactory {
  return (next: AnyFn, vf: VerifierContext) => {
    const frames = [thunkFrame(vf, ddi)];
    const thunk = (...args: A): unknown => {
      check(vf, frames, thunk, ...args);
      return (next as (...a: A) => unknown)(...args);
    };
    return thunk as AnyFn;
  };
}
