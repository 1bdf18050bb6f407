/**
 * What `dv verifier` persists between runs, as Windows keeps it in the registry under Memory Management
 * (`VerifyDrivers`, `VerifyDriverLevel`, the fault options): a state folder, `.dv/` in the working
 * directory or `$DV_HOME`. Each `dv run` is a boot of the machine: it reads the settings, and records its
 * counters for `/query`. A damaged file is an error that names it; it is never silently replaced.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { z as Zod } from 'zod';
import { unknownFlagBits } from '../../verifier/flags.ts';
import { writeAtomically } from '../outputs.ts';

export const BOOT_MODES = ['persistent', 'resetonbootfail', 'resetonunusualshutdown', 'oneboot'] as const;
export type BootMode = (typeof BOOT_MODES)[number];

/** The schemas, made on first use: zod stays out of a run's start-up when no settings were ever made. */
function define(z: typeof Zod) {
  const u32 = z.number().int().min(0).max(0xffffffff);

  /** `/faults [Probability] [PoolTags] [Applications] [DelayMins]`; absent parts take Windows' defaults. */
  const faultsSchema = z.object({
    /** Chances in 10,000 (Windows' default 600). */
    probability: u32.max(10000).optional(),
    /** Pool tags that may fail (`*` a wildcard); empty = any tag. */
    tags: z.array(z.string()),
    /** Process image names whose allocations may fail; empty = any. */
    applications: z.array(z.string()),
    /** Minutes after boot with no fault injected (Windows' default 7). */
    delayMinutes: u32.optional(),
  });

  const countersSchema = z.record(z.string(), z.number());

  const stateSchema = z.object({
    /** `VerifyDrivers`: image names, or ['*'] for /all. */
    verifyDrivers: z.array(z.string()),
    /** `/all /driver.exclude`: image names not verified. */
    exclude: z.array(z.string()).optional(),
    /** `VerifyDriverLevel`: the /flags value. */
    verifyDriverLevel: u32.refine((v) => unknownFlagBits(v) === 0, 'sets bits that name no option'),
    faults: faultsSchema.optional(),
    /** `/faultssystematic` runtime mode. */
    systematic: z.enum(['enable', 'disable']).optional(),
    bootMode: z.enum(BOOT_MODES),
    /** `/bc N`: runs (boots) left before the settings reset; absent = no limit. */
    bootsLeft: u32.optional(),
    /** `/log FILE`: each run appends its statistics to FILE when it ends. */
    log: z.string().optional(),
    /** `/volatile` changes: they apply to the next run only (the current boot) and are then gone. */
    volatile: z
      .object({ flags: u32.optional(), add: z.array(z.string()), remove: z.array(z.string()), faults: faultsSchema.optional() })
      .optional(),
  });

  /** The counters of the last run, for `/query` (absent before any run). */
  const lastRunSchema = z.object({
    /** When the run ended (host time, ISO 8601). */
    at: z.string(),
    level: u32,
    global: countersSchema,
    drivers: z.array(z.object({ name: z.string(), loads: u32, unloads: u32, counters: countersSchema })),
  });
  return { stateSchema, lastRunSchema };
}

type Schemas = ReturnType<typeof define>;
let schemas: Schemas | undefined;
const schemasNow = (): Schemas => (schemas ??= define((createRequire(import.meta.url)('zod') as { z: typeof Zod }).z));

export type VerifierState = Zod.infer<Schemas['stateSchema']>;
export type FaultOptions = NonNullable<VerifierState['faults']>;
export type LastRun = Zod.infer<Schemas['lastRunSchema']>;

export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

/** The state folder: $DV_HOME, else .dv in the working directory. */
export function stateFolder(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env.DV_HOME ? resolve(env.DV_HOME) : join(cwd, '.dv');
}

const SETTINGS = 'verifier-settings.json';
const LAST_RUN = 'verifier-last-run.json';

function readJson<T>(folder: string, file: string, schema: () => Zod.ZodType<T>): T | undefined {
  const path = join(folder, file);
  if (!existsSync(path)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new StateError(`${path} is not valid JSON (${(e as Error).message}); fix it, or remove it (dv verifier /reset rewrites it)`);
  }
  const r = schema().safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new StateError(`${path}: ${issue.path.join('.') || 'the file'} ${issue.message}; fix it, or remove it (dv verifier /reset rewrites it)`);
  }
  return r.data;
}

function writeJson(folder: string, file: string, data: unknown): void {
  mkdirSync(folder, { recursive: true });
  writeAtomically(join(folder, file), JSON.stringify(data, null, 2) + '\n');
}

/** The persisted settings; undefined when none were ever made (dv run then verifies its driver with /standard). */
export function readSettings(folder: string): VerifierState | undefined {
  return readJson(folder, SETTINGS, () => schemasNow().stateSchema);
}

export function writeSettings(folder: string, state: VerifierState): void {
  writeJson(folder, SETTINGS, state);
}

export function readLastRun(folder: string): LastRun | undefined {
  return readJson(folder, LAST_RUN, () => schemasNow().lastRunSchema);
}

export function writeLastRun(folder: string, run: LastRun): void {
  writeJson(folder, LAST_RUN, run);
}

/** `/reset`: nothing verified from the next boot on (the settings file says so, rather than vanishing). */
export const RESET_STATE: VerifierState = { verifyDrivers: [], verifyDriverLevel: 0, bootMode: 'persistent' };

export function hasSettings(folder: string): boolean {
  return existsSync(join(folder, SETTINGS));
}
