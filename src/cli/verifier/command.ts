/**
 * `dv verifier`: verifier.exe for the simulated machine. Settings are made now and used by the next
 * `dv run` (a boot), which also records its counters for /query and applies the boot mode.
 */
import type { Command } from 'commander';
import { appendFileSync } from 'node:fs';
import type { RunOutcome } from '../../system/run.ts';
import { TICKS_PER_MS } from '../../kernel/ke/clock.ts';
import { poolTag } from '../../nt/pool.ts';
import type { FaultArgs } from '../fault-args.ts';
import { afterBoot, applyChange, bootSettings, type BootSettings } from './apply.ts';
import { changedText, HELP_TEXT, lastRunOf, queryText, settingsText } from './output.ts';
import { parseVerifierSwitches } from './switches.ts';
import { hasSettings, readLastRun, readSettings, RESET_STATE, stateFolder, writeLastRun, writeSettings } from './state.ts';

const out = (lines: string[]) => process.stdout.write(lines.join('\n') + '\n');

export function registerVerifierCommand(program: Command): void {
  program
    .command('verifier')
    .description("Driver Verifier settings for the next runs, with verifier.exe's syntax (/standard /driver X.sys, /query, /reset ...; /? lists them)")
    .argument('[switches...]', 'verifier.exe switches, starting with / or -')
    .allowUnknownOption()
    .helpOption(false)
    .action((switches: string[]) => {
      const cmd = parseVerifierSwitches(switches);
      const folder = stateFolder();
      switch (cmd.kind) {
        case 'help':
          out(HELP_TEXT);
          return;
        case 'query':
          out(queryText(readLastRun(folder)));
          return;
        case 'querysettings':
          out(settingsText(readSettings(folder)));
          return;
        case 'reset':
          writeSettings(folder, RESET_STATE);
          out(['No drivers will be verified from the next dv run on.']);
          return;
        case 'set': {
          const state = applyChange(readSettings(folder), cmd);
          writeSettings(folder, state);
          out(changedText(state, cmd.volatile !== undefined));
        }
      }
    });
}

/**
 * The persisted /faults parameters as dv run's options, where the command line gives none of its own:
 * probability (chances in 10,000), tags, and the boot-time delay in simulated minutes.
 */
export function persistedFaultArgs(boot: BootSettings | undefined, given: FaultArgs): FaultArgs {
  const f = boot?.faults;
  return {
    ...(given.faultProbability === undefined && f?.probability !== undefined ? { faultProbability: f.probability } : {}),
    ...(given.faultDelay === undefined && f?.delayMinutes !== undefined ? { faultDelay: f.delayMinutes * 60_000 * TICKS_PER_MS } : {}),
    ...(given.faultTags === undefined && f?.tags.length ? { faultTags: f.tags.map(poolTag) } : {}),
  };
}

/** The settings of this boot, when `dv verifier` made any (undefined: dv run's own default applies). */
export function persistedBoot(): BootSettings | undefined {
  const state = readSettings(stateFolder());
  return state ? bootSettings(state) : undefined;
}

/**
 * After a run that used the persisted settings (or where the state folder exists): record its counters for
 * /query, append them to the /log file, and apply the boot mode. Returns lines for the user.
 */
export function recordBoot(outcome: RunOutcome, usedPersisted: boolean): string[] {
  const folder = stateFolder();
  if (!usedPersisted && !hasSettings(folder)) return [];
  const run = lastRunOf(outcome.dump, new Date());
  if (run) writeLastRun(folder, run);
  const lines: string[] = [];
  const state = readSettings(folder);
  if (!state || !usedPersisted) return lines;
  if (state.log && run) {
    appendFileSync(state.log, [...queryText(run), '', ''].join('\n'));
  }
  const unusual = outcome.bugCheck !== null || outcome.hang !== null;
  const next = afterBoot(state, { failedToStart: unusual && !outcome.loaded, unusual });
  writeSettings(folder, next.state);
  if (next.reset) lines.push(`dv verifier: settings reset: ${next.reset}.`);
  return lines;
}
