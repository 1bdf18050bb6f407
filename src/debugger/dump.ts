/**
 * The crash dump: everything the debugger reads, frozen when the machine stopped (or snapshotted
 * from a live machine). On disk it is gzip'd JSON with a format name and version, validated on
 * load: a file that is not one, or is damaged, is a clear error and never half-read.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ModuleInfo } from '../kernel/symbols.ts';

export const DUMP_FORMAT = 'driver-verifier-crash-dump';
export const DUMP_VERSION = 1;

export interface PoolCountersSnapshot {
  readonly current: number;
  readonly currentBytes: number;
  readonly peak: number;
  readonly peakBytes: number;
}

export interface AllocationSnapshot {
  readonly address: number;
  readonly size: number;
  readonly tag: number;
  readonly poolType: number;
  readonly kind: 'pool' | 'mdl' | 'workitem';
  readonly caller: number;
  readonly thread: number;
  readonly stack: readonly number[];
}

export interface VerifiedDriverSnapshot {
  readonly name: string;
  readonly imageName: string;
  readonly entryAddress: number;
  readonly nameAddress: number;
  readonly state: 'Loaded' | 'Unloaded';
  readonly loads: number;
  readonly unloads: number;
  readonly paged: PoolCountersSnapshot;
  readonly nonPaged: PoolCountersSnapshot;
  readonly contiguousBytes: number;
  readonly peakContiguousBytes: number;
  readonly allocations: readonly AllocationSnapshot[];
}

export interface LogRecordSnapshot {
  readonly kind: 'alloc' | 'free';
  readonly address: number;
  readonly size: number;
  readonly thread: number;
  readonly stack: readonly number[];
}

export interface VerifierSnapshot {
  readonly flags: number;
  readonly drivers: readonly VerifiedDriverSnapshot[];
  readonly stats: {
    readonly raiseIrqls: number;
    readonly acquireSpinLocks: number;
    readonly synchExecutions: number;
    readonly trims: number;
    readonly poolAllocationsAttempted: number;
    readonly poolAllocationsSucceeded: number;
    readonly poolAllocationsSucceededSpecialPool: number;
    readonly poolAllocationsWithNoTag: number;
    readonly poolAllocationsFailed: number;
    readonly paged: PoolCountersSnapshot;
    readonly nonPaged: PoolCountersSnapshot;
  };
  /** The allocation log, newest first. */
  readonly log: { readonly capacity: number; readonly overwritten: number; readonly records: readonly LogRecordSnapshot[] };
}

export interface CrashDump {
  readonly format: typeof DUMP_FORMAT;
  readonly version: typeof DUMP_VERSION;
  readonly system: { readonly processors: number; readonly build: string; readonly time: number };
  readonly bugCheck: { readonly code: number; readonly params: readonly [number, number, number, number] } | null;
  readonly context: {
    readonly thread: number;
    readonly threadName: string;
    readonly process: number;
    readonly processName: string;
    readonly processor: number;
    readonly irql: number;
    readonly stack: readonly number[];
    readonly exception?: { readonly message: string; readonly address: number };
    /** The driver the stop blames when no driver code is on the stack (KiBugCheckDriver), and the code to show. */
    readonly culprit?: { readonly module: string; readonly address?: number };
    /** The machine hung and the run forced this dump (bug check 0xE2): why it was judged hung. */
    readonly hang?: { readonly reason: string };
  } | null;
  /**
   * A debugger break in progress (a live machine, never a crash): the stop it stands for, with the
   * text the break printed. `context` is then the breaking thread's.
   */
  readonly breakIn?: {
    readonly code: number;
    readonly params: readonly [number, number, number, number];
    readonly message: readonly string[];
  } | null;
  readonly modules: readonly ModuleInfo[];
  readonly unloadedModules: ReadonlyArray<{ name: string; imageName: string; base: number; size: number }>;
  readonly verifier: VerifierSnapshot | null;
  readonly debugLog: readonly string[];
  /** Non-zero committed pages: [virtual address, base64 page]. */
  readonly memory: ReadonlyArray<readonly [number, string]>;
}

export class DumpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DumpError';
  }
}

export function serializeDump(dump: CrashDump): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(dump)));
}

/** Parse and validate a dump file's bytes. `source` names it in errors. */
export function parseDump(bytes: Uint8Array, source: string): CrashDump {
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch {
    throw new DumpError(`${source} is not a driver-verifier crash dump (not gzip data)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DumpError(`${source} is damaged: its content is not valid JSON (${(e as Error).message})`);
  }
  const d = data as Partial<CrashDump>;
  if (typeof d !== 'object' || d === null || d.format !== DUMP_FORMAT) {
    throw new DumpError(`${source} is not a driver-verifier crash dump (format '${String((d as { format?: unknown } | null)?.format)}')`);
  }
  if (d.version !== DUMP_VERSION) {
    throw new DumpError(`${source} is crash dump version ${String(d.version)}; this debugger reads version ${DUMP_VERSION}`);
  }
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  need(typeof d.system === 'object' && d.system !== null && typeof d.system.processors === 'number', 'system');
  need(d.bugCheck === null || (typeof d.bugCheck === 'object' && typeof d.bugCheck?.code === 'number' && Array.isArray(d.bugCheck?.params) && d.bugCheck.params.length === 4), 'bugCheck');
  need(d.context === null || (typeof d.context === 'object' && Array.isArray(d.context?.stack)), 'context');
  need(Array.isArray(d.modules) && d.modules.every((m) => typeof m?.name === 'string' && typeof m.base === 'number' && typeof m.size === 'number' && Array.isArray(m.symbols?.functions)), 'modules');
  need(Array.isArray(d.unloadedModules), 'unloadedModules');
  need(d.verifier === null || (typeof d.verifier === 'object' && Array.isArray(d.verifier?.drivers) && Array.isArray(d.verifier?.log?.records)), 'verifier');
  need(Array.isArray(d.memory), 'memory');
  need(Array.isArray(d.debugLog), 'debugLog');
  if (problems.length > 0) throw new DumpError(`${source} is damaged: missing or malformed ${problems.join(', ')}`);
  return d as CrashDump;
}
