/** Freeze the machine's state into a CrashDump: the bug check, its context, modules, verifier state, memory. */
import type { CrashDump, DeadlockSnapshot, KernelSnapshot, VerifierSnapshot } from '../debugger/dump.ts';
import type { Process } from '../kernel/ps/thread.ts';
import { DUMP_FORMAT, DUMP_VERSION } from '../debugger/dump.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { PAGE_SIZE, PageKind } from '../kernel/mm/address-space.ts';
import type { Loader } from '../loader/loader.ts';
import type { Verifier } from '../verifier/verifier.ts';
import { TRACKER_DEPTH, TRACKER_SIZE, type FaultInjector } from '../verifier/faults.ts';
import { snapshotDevices } from './capture-devices.ts';
import { traceSession } from '../kernel/etw/session.ts';
import { wppRecorder } from '../kernel/etw/recorder.ts';
import { snapshotWdf } from './capture-wdf.ts';
import type { Framework } from '../wdf/framework.ts';
import type { DeadlockReport } from '../verifier/deadlock/detector.ts';

export const BUILD_STRING = 'driver-verifier simulated NT 6.3 x86 (wasm32)';

/**
 * The largest dump dv writes, as its JSON text before compression. The file is read back as one
 * string (V8's limit is 512 MiB) and every record becomes an object; past this a machine whose
 * pool a driver filled would crash the writer, or the reader, instead of giving a dump.
 */
export const DUMP_MAX_BYTES = 256 * 1024 * 1024;

/** Rough JSON bytes per record: an allocation or log record with its stack, and a 4 KiB page as base64. */
const BYTES_PER_RECORD = 200;
const BYTES_PER_PAGE = 5500;
const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

export interface DumpSize {
  readonly allocations: number;
  readonly pages: number;
  /** An upper estimate of the dump's JSON text. */
  readonly bytes: number;
}

/** What a dump of the machine now would hold, without making it. */
export function dumpSize(k: Kernel, verifier: Verifier | undefined): DumpSize {
  let allocations = 0;
  for (const d of verifier?.drivers.values() ?? []) allocations += d.allocations.size;
  const pages = k.as.mappedPageCount();
  const records = allocations + (verifier?.log.length ?? 0);
  return { allocations, pages, bytes: records * BYTES_PER_RECORD + pages * BYTES_PER_PAGE };
}

export function captureDump(k: Kernel, loader: Loader, verifier: Verifier | undefined, framework?: Framework): CrashDump {
  verifier?.sync();
  const crash = k.crash;
  const brk = crash ? undefined : k.breakIn;
  const memory: Array<[number, string]> = [];
  const zeroPages: Array<[number, number]> = [];
  for (const va of k.as.mappedPages()) {
    // A view of the page, not a copy; a native compare, not a callback per byte: most mapped pages of a small machine are zero.
    const page = k.as.bytesAt(va, PAGE_SIZE);
    const bytes = Buffer.from(page.buffer, page.byteOffset, page.length);
    if (bytes.compare(ZERO_PAGE) !== 0) memory.push([va, bytes.toString('base64')]);
    else {
      // Runs of zero pages: so `db` tells a page of zeros from one the dump does not hold.
      const last = zeroPages[zeroPages.length - 1];
      if (last && last[0] + last[1] * PAGE_SIZE === va) last[1]++;
      else zeroPages.push([va, 1]);
    }
  }
  return {
    format: DUMP_FORMAT,
    version: DUMP_VERSION,
    system: { processors: k.processors.length, build: BUILD_STRING, time: k.clock.now },
    bugCheck: crash ? { code: crash.bugCheck.code, params: crash.bugCheck.params } : null,
    context: crash
      ? {
          thread: crash.thread.address,
          threadName: crash.thread.name,
          process: crash.thread.process.address,
          processName: crash.thread.process.name,
          processor: crash.processor,
          irql: crash.irql,
          stack: crash.stack,
          ...(crash.frameBases ? { frameBases: crash.frameBases } : {}),
          exception: crash.exception,
          culprit: crash.culprit,
          hang: crash.hang,
          memoryAccess: crash.memoryAccess,
        }
      : brk
        ? {
            thread: brk.thread.address,
            threadName: brk.thread.name,
            process: brk.thread.process.address,
            processName: brk.thread.process.name,
            processor: brk.processor,
            irql: brk.irql,
            stack: brk.stack,
            ...(brk.frameBases ? { frameBases: brk.frameBases } : {}),
            culprit: brk.reason.culprit,
          }
        : null,
    breakIn: brk ? { code: brk.reason.code, params: brk.reason.params, message: brk.reason.message } : null,
    modules: k.modules.map((m) => ({ ...m })),
    unloadedModules: loader.unloaded.map((m) => ({ ...m })),
    verifier: verifier ? snapshotVerifier(k, verifier) : null,
    debugLog: [...k.debugLog],
    ...traceSnapshot(k),
    ...recorderSnapshot(k),
    devices: snapshotDevices(k),
    memory,
    zeroPages,
    kernel: snapshotKernel(k),
    ...(framework ? { wdf: snapshotWdf(framework) } : {}),
  };
}

/** Threads, processes, the processors' DPC queues and the set timers: what `!thread`, `!process`, `!dpcs` and `!timer` read. */
function snapshotKernel(k: Kernel): KernelSnapshot {
  const processes = new Map<number, Process>();
  for (const p of [k.systemProcess, k.userProcess, ...k.threads.map((t) => t.process)]) processes.set(p.address, p);
  return {
    processes: [...processes.values()].map((p) => ({ address: p.address, id: p.id, parentId: p.parentId, name: p.name, commandLine: p.commandLine, state: p.state })),
    threads: k.threads.map((t) => ({
      address: t.address,
      id: t.id,
      process: t.process.address,
      name: t.name,
      state: t.state,
      stackBase: t.stackBase,
      stackLimit: t.stackLimit,
      startRoutine: t.startRoutine,
      kernelApcDisable: t.kernelApcDisable,
      specialApcDisable: t.specialApcDisable,
    })),
    processors: k.processors.map((p) => ({ irql: p.irql, dpcActive: p.dpcActive, dpcs: [...p.dpcQueue] })),
    timers: k.dispatcher.pendingTimers().map((t) => ({ timer: t.timer, due: t.due, period: t.period, dpc: t.dpc })),
  };
}

function snapshotVerifier(k: Kernel, v: Verifier): VerifierSnapshot {
  const s = v.stats;
  const report = v.deadlock.report;
  return {
    ...(report ? { deadlock: snapshotDeadlock(k, report) } : {}),
    flags: v.flags,
    drivers: [...v.drivers.values()].map((d) => ({
      name: d.name,
      imageName: d.imageName,
      entryAddress: d.entryAddress,
      nameAddress: d.nameAddress,
      state: d.state,
      loads: d.loads,
      unloads: d.unloads,
      paged: { ...d.paged },
      nonPaged: { ...d.nonPaged },
      contiguousBytes: d.contiguousBytes,
      peakContiguousBytes: d.peakContiguousBytes,
      // Stacks are the depot's frozen copies (the dump's types are deeply readonly): shared, not copied.
      allocations: [...d.allocations.values()],
    })),
    stats: {
      raiseIrqls: s.raiseIrqls,
      acquireSpinLocks: s.acquireSpinLocks,
      synchExecutions: s.synchExecutions,
      trims: s.trims,
      poolAllocationsAttempted: s.poolAllocationsAttempted,
      poolAllocationsSucceeded: s.poolAllocationsSucceeded,
      poolAllocationsSucceededSpecialPool: s.poolAllocationsSucceededSpecialPool,
      poolAllocationsWithNoTag: s.poolAllocationsWithNoTag,
      poolAllocationsFailed: s.poolAllocationsFailed,
      paged: { ...s.paged },
      nonPaged: { ...s.nonPaged },
    },
    log: { capacity: v.log.capacity, overwritten: v.log.overwritten, records: v.log.snapshot() },
    irpLog: { capacity: v.io.irpLog.capacity, overwritten: v.io.irpLog.overwritten, records: v.io.irpLog.newestFirst().map((r) => ({ ...r, stack: [...r.stack] })) },
    irqlLog: { capacity: v.irqlLog.capacity, records: v.irqlLog.newestFirst().map((r) => ({ ...r, stack: [...r.stack] })) },
    ...(v.faults.active ? { faults: faultTracker(v.faults) } : {}),
  };
}

function faultTracker(f: FaultInjector): NonNullable<VerifierSnapshot['faults']> {
  return { tracker: f.tracker, size: TRACKER_SIZE, depth: TRACKER_DEPTH, count: f.injected.length, entries: f.trackerEntries() };
}

/** Deadlock Detection's finding: locks by index, and whether each thread has ended by now (kd says TERMINATED). */
function snapshotDeadlock(k: Kernel, r: DeadlockReport): DeadlockSnapshot {
  const index = new Map(r.locks.map((l, i) => [l.address, i]));
  const ended = (thread: number) => k.threads.find((t) => t.address === thread)?.state === 'terminated';
  return {
    issue: [...r.issue] as [number, number, number, number],
    locks: r.locks.map((l) => ({ ...l })),
    threads: r.threads.map((t) => ({
      thread: t.thread,
      terminated: ended(t.thread),
      acquisitions: t.acquisitions.map((a) => ({ lock: index.get(a.lock)!, stack: a.stack ? [...a.stack] : null })),
    })),
  };
}

/** The WPP recorder's logs, when a driver started its recorder: `!rcdrkd.*` read them. */
function recorderSnapshot(k: Kernel): Pick<CrashDump, 'recorder'> {
  const clients = [...wppRecorder(k).clients.values()];
  if (clients.length === 0) return {};
  const logs = clients.flatMap((c) => c.logs.map((l) => ({ driver: c.driver, identifier: l.identifier, address: l.address, size: l.size, isDefault: l.isDefault, lost: l.lost, records: l.records.map((r) => ({ ...r })) })));
  return { recorder: { logs } };
}

/** The WPP trace session's log, when a driver traced: `!wmitrace.logdump` reads it. */
function traceSnapshot(k: Kernel): Pick<CrashDump, 'trace'> {
  const session = traceSession(k);
  if (session.records.length === 0 && session.lost === 0) return {};
  return { trace: { lost: session.lost, records: session.records.map((r) => ({ ...r })) } };
}
