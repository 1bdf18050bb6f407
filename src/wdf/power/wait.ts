/**
 * The framework's waits on a driver (a queue to stop or purge, its requests to be completed or
 * acknowledged): the transition blocks until the driver does its part. With the framework's verifier
 * on, a wait that lasts DbgWaitForSignalTimeoutInSec (60 s) is reported as Windows reports it: the
 * in-flight recorder's "is waiting for" line and the verifier's message; the wait goes on. A wait
 * nothing can end is the machine's hang (the power manager or PnP manager never gets its IRP back:
 * on Windows the power watchdog's 0x9F, which this machine does not raise: see src/wdf/README.md).
 */
import type { Framework } from '../framework.ts';
import type { FxDriverGlobals } from '../globals.ts';
import { FxKeTimer } from '../ke.ts';
import { verifierBreak } from '../verifier.ts';

/** DbgWaitForSignalTimeoutInSec's default, in 100 ns units (relative). */
const VERIFIER_WAIT = -60n * 10_000_000n;

export function frameworkWait(fx: Framework, g: FxDriverGlobals, done: () => boolean, what: string): void {
  if (done()) return;
  const k = fx.k;
  const thread = k.currentThread.address;
  const line = `Thread 0x${thread.toString(16)} is waiting for ${what}`;
  const timer = g.verifierOn ? new FxKeTimer(fx, g.tag, () => verifierBreak(fx, g, 'FxVerifierWaitTimeout', line)) : undefined;
  timer?.set(VERIFIER_WAIT, 0);
  // A wait nothing ends stops the machine here (the timer stays with the dump).
  k.withFrames(['KeWaitForSingleObject'], () => k.dispatcher.waitUntil(done, () => `${g.name}.sys: the framework (Wdf01000) waits for ${what}, and nothing left to run ends the wait`));
  timer?.free();
}
