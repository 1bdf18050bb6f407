/**
 * What `dv verifier` prints, in verifier.exe's layouts (dv-reference.md §5.6-5.7): the settings as
 * /querysettings shows them (the Windows 10 form: the flags word, then each option with [X] or [ ] under
 * Standard and Additional Flags, then the verified drivers), and /query's counters of the last boot (the
 * SYSTEM_VERIFIER_INFORMATION fields, as `Name: value` lines; Microsoft documents the fields, not the
 * layout: this one is modelled).
 */
import { VERIFIER_FLAGS } from '../../verifier/flags.ts';
import type { CrashDump } from '../../debugger/dump.ts';
import type { LastRun, VerifierState } from './state.ts';

const hex8 = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

function flagLines(flags: number): string[] {
  const row = (f: (typeof VERIFIER_FLAGS)[number]) => `    [${flags & f.value ? 'X' : ' '}] ${hex8(f.value)} ${f.name}.`;
  const listed = VERIFIER_FLAGS.filter((f) => f.listed);
  return ['  Standard Flags:', '', ...listed.filter((f) => f.standard).map(row), '', '  Additional Flags:', '', ...listed.filter((f) => !f.standard).map(row)];
}

function driverLines(drivers: readonly string[], exclude: readonly string[] | undefined): string[] {
  if (drivers.length === 0) return ['  None'];
  if (drivers.includes('*')) return ['  All Drivers', ...(exclude?.length ? ['', '  Excluded:', ...exclude.map((d) => `    ${d}`)] : [])];
  return drivers.map((d) => `  ${d}`);
}

function faultLines(faults: NonNullable<VerifierState['faults']>): string[] {
  return [
    'Low Resources Simulation options:',
    `- Fault injection probability: ${faults.probability === undefined ? 'default (600/10000)' : `${faults.probability}/10000`}.`,
    faults.tags.length ? `- Fail only allocations using pool tags: ${faults.tags.join(' ')}.` : '- Allocations using any pool tag can be failed.',
    faults.applications.length ? `- Simulate low resources conditions only in applications: ${faults.applications.join(' ')}.` : '- Simulate low resources conditions in any application.',
    `- Boot time delay: ${faults.delayMinutes ?? 7} minutes.`,
  ];
}

/** /querysettings: what the next run (the next boot) uses. */
export function settingsText(state: VerifierState | undefined): string[] {
  if (!state) return ['No driver verifier settings have been made: dv run verifies the driver it runs with the standard options (/standard).'];
  const lines = [`Verifier Flags: ${hex8(state.verifyDriverLevel)}`, '', ...flagLines(state.verifyDriverLevel), ''];
  if (state.faults) lines.push(...faultLines(state.faults), '');
  if (state.systematic) lines.push(`Systematic low resources simulation at run time: ${state.systematic}d.`, '');
  lines.push('Verified Drivers:', '', ...driverLines(state.verifyDrivers, state.exclude));
  const mode = [state.bootMode !== 'persistent' ? `Boot mode: ${state.bootMode}` : '', state.bootsLeft !== undefined ? `Boots left: ${state.bootsLeft}` : ''].filter(Boolean);
  if (mode.length) lines.push('', ...mode);
  if (state.log) lines.push('', `Statistics log: ${state.log} (each run appends its statistics when it ends)`);
  const v = state.volatile;
  if (v) {
    lines.push('', 'Volatile settings, for the next run only:');
    if (v.flags !== undefined) lines.push(`  Verifier Flags: ${hex8(v.flags)}`);
    if (v.add.length) lines.push(`  Added drivers: ${v.add.join(' ')}`);
    if (v.remove.length) lines.push(`  Removed drivers: ${v.remove.join(' ')}`);
    if (v.faults) lines.push(...faultLines(v.faults).map((l) => `  ${l}`));
  }
  return lines;
}

/** After a change: the new settings, and when they take effect. */
export function changedText(state: VerifierState, volatile: boolean): string[] {
  return [
    ...settingsText(state),
    '',
    volatile ? 'The volatile settings apply to the next dv run only (the machine\'s current boot), then they are gone.' : 'The new settings take effect at the next boot: the next dv run.',
  ];
}

/** The global counters, in SYSTEM_VERIFIER_INFORMATION's order, from the dump's verifier block. */
const GLOBAL: ReadonlyArray<readonly [string, (s: NonNullable<CrashDump['verifier']>['stats']) => number]> = [
  ['RaiseIrqls', (s) => s.raiseIrqls],
  ['AcquireSpinLocks', (s) => s.acquireSpinLocks],
  ['SynchronizeExecutions', (s) => s.synchExecutions],
  ['AllocationsAttempted', (s) => s.poolAllocationsAttempted],
  ['AllocationsSucceeded', (s) => s.poolAllocationsSucceeded],
  ['AllocationsSucceededSpecialPool', (s) => s.poolAllocationsSucceededSpecialPool],
  ['AllocationsWithNoTag', (s) => s.poolAllocationsWithNoTag],
  ['AllocationsFailed', (s) => s.poolAllocationsFailed],
  ['Trims', (s) => s.trims],
];

type DriverSnapshot = NonNullable<CrashDump['verifier']>['drivers'][number];
const PER_DRIVER: ReadonlyArray<readonly [string, (d: DriverSnapshot) => number]> = [
  ['CurrentPagedPoolAllocations', (d) => d.paged.current],
  ['CurrentNonPagedPoolAllocations', (d) => d.nonPaged.current],
  ['PeakPagedPoolAllocations', (d) => d.paged.peak],
  ['PeakNonPagedPoolAllocations', (d) => d.nonPaged.peak],
  ['PagedPoolUsageInBytes', (d) => d.paged.currentBytes],
  ['NonPagedPoolUsageInBytes', (d) => d.nonPaged.currentBytes],
  ['PeakPagedPoolUsageInBytes', (d) => d.paged.peakBytes],
  ['PeakNonPagedPoolUsageInBytes', (d) => d.nonPaged.peakBytes],
];

/** A run's counters, as /query keeps them (undefined: nothing was verified). */
export function lastRunOf(dump: CrashDump, at: Date): LastRun | undefined {
  const v = dump.verifier;
  if (!v || v.drivers.length === 0) return undefined;
  return {
    at: at.toISOString(),
    level: v.flags,
    global: Object.fromEntries(GLOBAL.map(([n, get]) => [n, get(v.stats)])),
    drivers: v.drivers.map((d) => ({ name: d.imageName, loads: d.loads, unloads: d.unloads, counters: Object.fromEntries(PER_DRIVER.map(([n, get]) => [n, get(d)])) })),
  };
}

/** /query: the counters of the last run. */
export function queryText(run: LastRun | undefined): string[] {
  if (!run) return ['No drivers are currently verified.'];
  const at = new Date(run.at);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/${at.getUTCFullYear()}, ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} UTC (the last dv run)`;
  const counters = (c: Record<string, number>) => Object.entries(c).map(([n, v]) => `${n}: ${v}`);
  return [
    stamp,
    `Level: ${(run.level >>> 0).toString(16).toUpperCase().padStart(8, '0')}`,
    ...counters(run.global),
    '',
    'Verified drivers:',
    ...run.drivers.flatMap((d) => ['', `Name: ${d.name}, loads: ${d.loads}, unloads: ${d.unloads}`, ...counters(d.counters)]),
  ];
}

/** /?: the syntax dv takes, as verifier.exe's help lists it. */
export const HELP_TEXT = [
  'dv verifier: Driver Verifier settings for the next dv runs, with verifier.exe\'s syntax.',
  '',
  '  dv verifier /standard /driver NAME [NAME ...]',
  '  dv verifier /standard /all [/driver.exclude NAME [NAME ...]]',
  '  dv verifier /flags OPTIONS /driver NAME [NAME ...]        (OPTIONS: decimal, or hex with 0x)',
  '  dv verifier /ruleclasses | /rc CLASS [CLASS ...] /driver NAME [NAME ...]',
  '  dv verifier /faults [Probability] [PoolTags] [Applications] [DelayMins] [/driver NAME ...]',
  '  dv verifier /faultssystematic enableruntime | disableruntime',
  '  dv verifier /volatile /flags OPTIONS | /adddriver NAME ... | /removedriver NAME ... | /faults ...',
  '  dv verifier /bootmode persistent | resetonbootfail | resetonunusualshutdown | oneboot',
  '  dv verifier /bc NUMBER_OF_REBOOTS',
  '  dv verifier /log LOG_FILE',
  '  dv verifier /reset',
  '  dv verifier /query',
  '  dv verifier /querysettings',
  '',
  'Settings persist in .dv/ in the working directory, or in $DV_HOME. Each dv run is a boot of the machine: a dv run',
  'without --verifier uses them, and records its counters for /query. Switches may start with / or -.',
];
