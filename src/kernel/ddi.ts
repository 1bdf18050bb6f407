/**
 * The export table of ntoskrnl: every DDI by its NT name. Drivers' imports are bound against it (or
 * against the verifier's wrapping of it). A name missing here is a load error, never a silent no-op.
 */
import { engExports } from './ex/eng.ts';
import { exExports } from './ex/exports.ts';
import { fastMutexExports } from './ex/fastmutex.ts';
import { lookasideExports } from './ex/lookaside.ts';
import { ioExports } from './io/exports.ts';
import { csqExports } from './io/csq.ts';
import { keExports } from './ke/exports.ts';
import type { Kernel } from './kernel.ts';
import { mmExports } from './mm/exports.ts';
import { obExports } from './ob/exports.ts';
import { psExports } from './ps/exports.ts';
import { rtlExports } from './rtl/exports.ts';
import { rtlCallersExports } from './rtl/callers.ts';

export function buildDdiTable(k: Kernel) {
  return {
    ...exExports(k),
    ...fastMutexExports(k),
    ...lookasideExports(k),
    ...engExports(k),
    ...keExports(k),
    ...ioExports(k),
    ...csqExports(k),
    ...mmExports(k),
    ...obExports(k),
    ...psExports(k),
    ...rtlExports(k),
    ...rtlCallersExports(k),
  };
}

export type DdiTable = ReturnType<typeof buildDdiTable>;
export type DdiName = keyof DdiTable;
export type AnyDdi = (...args: never[]) => unknown;
