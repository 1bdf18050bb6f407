/**
 * A stop the fuzzer found and its bucket, the key that says two crashes are the same bug: `!analyze -v`'s
 * FAILURE_BUCKET_ID (the code, Parameter 1 and the faulting function, or the leaking image for 0xC4/0x62).
 */
import { hasSubcodes } from '../nt/bugcheck.ts';
import { analyze } from '../debugger/commands/analyze.ts';
import type { CrashDump } from '../debugger/dump.ts';
import { DebugTarget } from '../debugger/target.ts';
import { neverCompletedBy } from '../kernel/io/pending-wait.ts';

export type Stop =
  | { readonly kind: 'bugcheck'; readonly code: number; readonly params: readonly number[]; readonly bucket: string }
  | { readonly kind: 'hang'; readonly reason: string; readonly bucket: string };

export function bucketOf(dump: CrashDump): string {
  const lines = analyze.run(new DebugTarget(dump), '-v', '!analyze');
  const line = lines.find((l) => l.startsWith('FAILURE_BUCKET_ID:'));
  const bc = dump.bugCheck;
  return line ? line.slice('FAILURE_BUCKET_ID:'.length).trim() : bc ? `0x${bc.code.toString(16)}_${bc.params[0]!.toString(16)}` : 'unknown';
}

/**
 * A hang's bucket: a request never completed (kernel/io/pending-wait.ts: pending, nothing to complete it, and
 * not completed when its caller's exit cancelled it) is IRP_NEVER_COMPLETED_ and the driver holding it; any
 * other hang is HANG_ and the bucket of the crash dv forces on the hung machine (where the driver was looping or waiting).
 */
export function hangBucket(dump: CrashDump, reason: string): string {
  const holder = neverCompletedBy(reason);
  return holder !== undefined ? `IRP_NEVER_COMPLETED_${holder}.sys` : `HANG_${bucketOf(dump)}`;
}

/**
 * Two stops are the same for minimization when their codes agree, and Parameter 1 too where it is a subcode
 * (0xC4, 0xC9...: `!analyze` buckets by it); elsewhere it is an address that moves with what ran before.
 */
export function sameStop(a: Stop, b: Stop | null): boolean {
  if (!b || a.kind !== b.kind) return false;
  if (a.kind === 'hang') return b.kind === 'hang' && neverCompletedBy(a.reason) === neverCompletedBy(b.reason);
  return b.kind === 'bugcheck' && a.code === b.code && (!hasSubcodes(a.code) || a.params[0] === b.params[0]);
}

const hex = (n: number) => `0x${(n >>> 0).toString(16).toUpperCase()}`;

/** The stop as a scenario expects it: `0xC4/0x62`, `0xD6` (any Parameter 1), or a hang. */
export const stopExpectation = (s: Stop) => (s.kind === 'hang' ? { hang: true } : { bugcheck: hasSubcodes(s.code) ? `${hex(s.code)}/${hex(s.params[0]!)}` : hex(s.code) });

export const stopText = (s: Stop) => (s.kind === 'hang' ? `hang: ${s.reason}` : `bug check ${hex(s.code)} (${s.params.map(hex).join(', ')})`);
