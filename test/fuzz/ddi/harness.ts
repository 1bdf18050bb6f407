/**
 * Runs one DDI sequence on a fresh machine and says how it ended. The invariant the fuzz tests hold
 * it to: a sequence ends clean, or in a bug check of the bug check table, or in a hang (HangError:
 * a wait nothing can end, a fast mutex acquired twice; Windows would hang there too, and dv reports
 * it as exit 4). Never in a host exception (TypeError, RangeError, an assertion of ours), never in
 * another SimulatorError (a tool error where Windows returns a status or bug checks), never in a
 * bug check code the table does not know, and never charged to the driver as "host exception in
 * driver code" when the exception came from our side of the DDI call.
 */
import { BugCheck, HangError, SimulatorError } from '../../../src/kernel/errors.ts';
import { ThreadExit } from '../../../src/kernel/ps/thread.ts';
import { bugCheckInfo } from '../../../src/nt/bugcheck.ts';
import { DRIVER_OBJECT } from '../../../src/nt/layout.ts';
import { POOL_FLAG } from '../../../src/nt/pool.ts';
import { STANDARD_FLAGS } from '../../../src/verifier/flags.ts';
import { Machine } from '../../../src/system/machine.ts';
import { FUZZ_EXTENSION, GLOBAL_SLOTS, fuzzImageFormat, type FuzzImage, type RoutineBodies } from './fuzz-driver.ts';
import { FORMATS, IRQLS, OPS, POOL_TYPES, SIZES, TAGS, WILD, describeOp, type Kind, type Op, type Sel } from './ops.ts';

export interface Scenario {
  /** Driver Verifier /standard on the fuzz driver, or off. */
  readonly verifier: boolean;
  /** Calls made in DriverEntry (PASSIVE_LEVEL, system thread). */
  readonly entry: readonly Op[];
  /** Calls made in DriverUnload. */
  readonly unload: readonly Op[];
  /** Calls made by the DPC, work item and system thread routines (each runs them its first few times). */
  readonly callback?: readonly Op[];
  /** DriverUnload releases what the sequence still holds (the right way), after its calls. */
  readonly tidy: boolean;
  /** Unload the driver at the end (else it stays loaded at shutdown). */
  readonly unloadDriver: boolean;
  /** Capture host stacks (callers, allocation stacks) as `dv run` does by default. */
  readonly stacks: boolean;
}

export type Outcome =
  | { readonly kind: 'clean' }
  | { readonly kind: 'bugcheck'; readonly code: number; readonly name: string; readonly params: readonly number[] }
  | { readonly kind: 'hang'; readonly message: string }
  /** The invariant broken: a host exception, an unknown code, or our fault charged to the driver. */
  | { readonly kind: 'failure'; readonly message: string };

const SCRATCH_SLOTS = 4;
const CALLBACK_RUNS = 3;
/** Globals a `place` selector may pick; the last slots are the harness's scratch (OldIrql, timeouts, handles). */
const PLACE_SLOTS = GLOBAL_SLOTS - SCRATCH_SLOTS;

const isOurs = (e: unknown) => e instanceof BugCheck || e instanceof SimulatorError || e instanceof ThreadExit;

/** One fuzz run's driver: its objects, and the DDI calls it makes through its bound import table. */
class FuzzDriverState {
  readonly objects = new Map<Kind, Array<{ a: number; tag?: number; paged?: boolean }>>();
  readonly savedIrql: number[] = [];
  /** The first exception that came out of a DDI and is none of ours: the invariant broken. */
  hostException?: unknown;
  hostExceptionAt?: string;
  driverObject = 0;
  private pc = 0;

  constructor(readonly img: FuzzImage, readonly m: Machine) {}

  list(kind: Kind) {
    let l = this.objects.get(kind);
    if (!l) this.objects.set(kind, (l = []));
    return l;
  }

  add(kind: Kind, a: number, extra: { tag?: number; paged?: boolean } = {}): void {
    if (a !== 0) this.list(kind).push({ a: a >>> 0, ...extra });
  }

  scratch(i: number): number {
    return this.img.global(PLACE_SLOTS + (i % SCRATCH_SLOTS));
  }

  /** The address a selector names, or undefined when it names an object the sequence has not made. */
  resolve(kind: Kind, s: Sel): number | undefined {
    if ('w' in s) return s.w >>> 0;
    if ('x' in s) {
      const all = [...this.objects.values()].flat().map((o) => o.a);
      return all.length === 0 ? undefined : all[s.x % all.length];
    }
    let candidates: number[];
    if (kind === 'place') candidates = [...Array.from({ length: PLACE_SLOTS }, (_, i) => this.img.global(i)), ...this.list('pool').map((o) => o.a)];
    else if (kind === 'irql') candidates = [this.scratch(0), this.scratch(0) + 1];
    else if (kind === 'object') candidates = [this.driverObject, ...this.list('object').map((o) => o.a)];
    else candidates = this.list(kind).map((o) => o.a);
    if (candidates.length === 0) return undefined;
    return (candidates[s.r % candidates.length]! + s.d) >>> 0;
  }

  entryOf(kind: Kind, s: Sel) {
    return 'r' in s ? this.list(kind)[s.r % Math.max(1, this.list(kind).length)] : undefined;
  }

  /** Call a DDI from driver code: through the bound table, at a code address of the calling routine. */
  call(routine: number, name: string, ...args: unknown[]): number {
    const fn = this.img.table[name] as ((...a: unknown[]) => unknown) | undefined;
    if (!fn) throw new Error(`fuzz harness: the kernel does not export ${name}`);
    const pc = routine + 4 + (this.pc++ % 0x3f) * 4;
    try {
      return Number(this.m.kernel.stacks.callAt(pc, fn, ...args) ?? 0) >>> 0;
    } catch (e) {
      if (!isOurs(e) && this.hostException === undefined) {
        this.hostException = e;
        this.hostExceptionAt = name;
      }
      throw e;
    }
  }
}

/** Run one operation from driver routine `at`. Operations whose objects do not exist yet are skipped. */
function runOp(st: FuzzDriverState, at: number, o: Op): void {
  const kinds: readonly Kind[] = OPS[o.op].sels;
  const addr: number[] = [];
  for (let i = 0; i < kinds.length; i++) {
    const a = st.resolve(kinds[i]!, o.s[i]!);
    if (a === undefined) return;
    addr.push(a);
  }
  const [a0 = 0, a1 = 0] = addr;
  const [n0 = 0, n1 = 0, n2 = 0] = o.n;
  const call = (name: string, ...args: unknown[]) => st.call(at, name, ...args);
  const tag = (n: number) => TAGS[n % TAGS.length]!;
  const size = (n: number) => SIZES[n % SIZES.length]!;
  const irql = (n: number) => IRQLS[n % IRQLS.length]!;
  const rel = (n: number) => BigInt(-((n % 50) + 1) * 10_000);
  const timeout = (n: number): number => {
    if (n % 4 === 0) return 0;
    st.m.kernel.as.setU64(st.scratch(1), rel(n));
    return st.scratch(1);
  };
  switch (o.op) {
    case 'ExAllocatePoolWithTag': {
      const t = tag(n2);
      const type = POOL_TYPES[n0 % POOL_TYPES.length]!;
      st.add('pool', call(o.op, type, size(n1), t), { tag: t, paged: type === 1 });
      return;
    }
    case 'ExAllocatePool2': {
      const flags = [POOL_FLAG.NON_PAGED, POOL_FLAG.PAGED, POOL_FLAG.NON_PAGED_EXECUTE, POOL_FLAG.SESSION | POOL_FLAG.PAGED, 0n][n0 % 5]!;
      const t = tag(n2);
      st.add('pool', call(o.op, flags, size(n1), t), { tag: t, paged: (flags & POOL_FLAG.PAGED) !== 0n });
      return;
    }
    case 'ExFreePoolWithTag':
      call(o.op, a0, n0 % 3 === 0 ? (st.entryOf('pool', o.s[0]!)?.tag ?? tag(n0)) : tag(n0));
      return;
    case 'ExFreePool':
      call(o.op, a0);
      return;
    case 'WritePool': {
      // The driver writes into its block (within it, or past its end): checked memory, as a driver touches it.
      const mem = st.m.kernel.driverMemory;
      mem.setU32((a0 + (n0 % 0x1010)) >>> 0, n1);
      return;
    }
    case 'KeRaiseIrql':
      call(o.op, irql(n0), a0);
      st.savedIrql.push(st.m.kernel.as.u8(a0));
      return;
    case 'KeLowerIrql':
      call(o.op, irql(n0));
      return;
    case 'KeRaiseIrqlToDpcLevel':
      st.savedIrql.push(call(o.op));
      return;
    case 'LowerToSaved':
      call('KeLowerIrql', st.savedIrql.pop() ?? 0);
      return;
    case 'KeInitializeSpinLock':
      call(o.op, a0);
      st.add('lock', a0);
      return;
    case 'KeAcquireSpinLock':
      call(o.op, a0, a1);
      st.savedIrql.push(st.m.kernel.as.u8(a1));
      return;
    case 'KeReleaseSpinLock':
      call(o.op, a0, st.savedIrql.pop() ?? 0);
      return;
    case 'KeAcquireSpinLockAtDpcLevel':
    case 'KeReleaseSpinLockFromDpcLevel':
    case 'ExAcquireFastMutex':
    case 'ExTryToAcquireFastMutex':
    case 'ExReleaseFastMutex':
    case 'KeSetEvent':
    case 'KeResetEvent':
    case 'KeInsertQueueDpc':
    case 'KeRemoveQueueDpc':
    case 'KeCancelTimer':
    case 'MmBuildMdlForNonPagedPool':
    case 'MmUnlockPages':
    case 'IoFreeMdl':
    case 'IoFreeWorkItem':
    case 'ObReferenceObject':
    case 'ObDereferenceObject':
    case 'IoDeleteDevice':
      call(o.op, a0, 0, 0);
      return;
    case 'ExInitializeFastMutex':
      call(o.op, a0);
      st.add('fmutex', a0);
      return;
    case 'KeInitializeEvent':
      call(o.op, a0, n0 % 3, n1 % 2);
      st.add('event', a0);
      return;
    case 'KeWaitForSingleObject':
      call(o.op, a0, 0, 0, 0, timeout(n0));
      return;
    case 'KeDelayExecutionThread':
      st.m.kernel.as.setU64(st.scratch(1), rel(n0));
      call(o.op, 0, 0, st.scratch(1));
      return;
    case 'KeInitializeDpc':
      call(o.op, a0, st.img.routine('FuzzDpcRoutine'), a1);
      st.add('dpc', a0);
      return;
    case 'KeFlushQueuedDpcs':
      call(o.op);
      return;
    case 'KeInitializeTimerEx':
      call(o.op, a0, n0 % 2);
      st.add('timer', a0);
      return;
    case 'KeSetTimerEx':
      call(o.op, a0, rel(n0), n1 % 3 === 0 ? n1 % 20 : 0, n2 % 4 === 0 ? 0 : a1);
      return;
    case 'IoAllocateWorkItem':
      st.add('ioworkitem', call(o.op, a0));
      return;
    case 'IoQueueWorkItem':
      call(o.op, a0, st.img.routine('FuzzIoWorkItemRoutine'), 1, a1);
      return;
    case 'ExInitializeWorkItem': {
      // A macro in wdm.h: the driver fills the WORK_QUEUE_ITEM itself.
      const mem = st.m.kernel.driverMemory;
      mem.setU32(a0, 0);
      mem.setU32(a0 + 4, 0);
      mem.setU32(a0 + 8, st.img.routine('FuzzExWorkerRoutine'));
      mem.setU32(a0 + 12, a1);
      st.add('exworkitem', a0);
      return;
    }
    case 'ExQueueWorkItem':
      call(o.op, a0, 1);
      return;
    case 'PsCreateSystemThread': {
      const out = st.scratch(2);
      if (call(o.op, out, 0, 0, 0, 0, st.img.routine('FuzzThreadStart'), a0) === 0) st.add('handle', st.m.kernel.as.u32(out));
      return;
    }
    case 'ZwClose':
      call(o.op, a0);
      return;
    case 'ObReferenceObjectByHandle': {
      const out = st.scratch(2);
      if (call(o.op, a0, 0, 0, 0, out, 0) === 0) st.add('object', st.m.kernel.as.u32(out));
      return;
    }
    case 'IoCreateDevice': {
      const out = st.scratch(2);
      if (call(o.op, st.driverObject, [0, 0x10, 0x1000][n0 % 3], 0, 0x22, 0, 0, out) === 0) st.add('object', st.m.kernel.as.u32(out));
      return;
    }
    case 'IoAllocateMdl':
      st.add('mdl', call(o.op, a0, size(n0), 0, 0, 0));
      return;
    case 'MmProbeAndLockPages':
      call(o.op, a0, n0 % 2, n0 % 3);
      return;
    case 'MmMapLockedPagesSpecifyCache':
      call(o.op, a0, n0 % 4 === 0 ? 1 : 0, 1, 0, 0, 16);
      return;
    case 'MmUnmapLockedPages':
      call(o.op, st.m.kernel.as.u32(a0 + 12), a0);
      return;
    case 'MmGetSystemAddressForMdlSafe':
      call(o.op, a0, 16);
      return;
    case 'IoBuildPartialMdl':
      call(o.op, a0, a1, (st.m.kernel.as.u32(a0 + 0x10) + (n0 % 0x100)) >>> 0, n1 % 0x200);
      return;
    case 'ExInitializeLookasideList': {
      const paged = n0 % 2 === 1;
      call(paged ? 'ExInitializePagedLookasideList' : 'ExInitializeNPagedLookasideList', a0, 0, 0, 0, size(n1), tag(n2), 0);
      st.add('lookaside', a0, { paged });
      return;
    }
    case 'ExAllocateFromLookasideList': {
      const paged = st.entryOf('lookaside', o.s[0]!)?.paged ?? false;
      st.add('pool', call(paged ? 'ExAllocateFromPagedLookasideList' : 'ExAllocateFromNPagedLookasideList', a0));
      return;
    }
    case 'ExFreeToLookasideList': {
      const paged = st.entryOf('lookaside', o.s[0]!)?.paged ?? false;
      call(paged ? 'ExFreeToPagedLookasideList' : 'ExFreeToNPagedLookasideList', a0, a1);
      return;
    }
    case 'ExDeleteLookasideList': {
      const paged = st.entryOf('lookaside', o.s[0]!)?.paged ?? false;
      call(paged ? 'ExDeletePagedLookasideList' : 'ExDeleteNPagedLookasideList', a0);
      return;
    }
    case 'RtlInitUnicodeString': {
      // The source: a NUL-terminated wide string the driver wrote into a pool block (or a wild pointer).
      if ('r' in o.s[1]!) {
        const text = 'Fuzz\\Name'.slice(0, (n0 % 9) + 1);
        const mem = st.m.kernel.driverMemory;
        for (let i = 0; i < text.length; i++) mem.setU16(a1 + 2 * i, text.charCodeAt(i));
        mem.setU16(a1 + 2 * text.length, 0);
      }
      call(o.op, a0, a1);
      st.add('ustring', a0);
      return;
    }
    case 'RtlCopyUnicodeString':
      call(o.op, a0, a1);
      return;
    case 'RtlCompareUnicodeString':
    case 'RtlEqualUnicodeString':
      call(o.op, a0, a1, n0 % 2);
      return;
    case 'IoCreateSymbolicLink':
    case 'KeReleaseMutex':
      call(o.op, a0, a1);
      return;
    case 'IoDeleteSymbolicLink':
    case 'IoFreeIrp':
    case 'IoCompleteRequest':
    case 'MmIsAddressValid':
    case 'KeQuerySystemTime':
      call(o.op, a0, 0);
      return;
    case 'KeInitializeMutex':
      call(o.op, a0, 0);
      st.add('event', a0);
      return;
    case 'KeWaitForMultipleObjects': {
      const array = st.scratch(2);
      const count = [1, 2, 3, 4, 65][n0 % 5]!;
      for (let i = 0; i < 3; i++) st.m.kernel.as.setU32(array + 4 * i, addr[i]!);
      call(o.op, count, array, n1 % 2, 0, 0, 0, timeout(n2), 0);
      return;
    }
    case 'IoAllocateIrp':
      st.add('irp', call(o.op, [1, 2, 0, 8][n0 % 4], 0));
      return;
    case 'IoCallDriver':
      call(o.op, a0, a1);
      return;
    case 'KeStallExecutionProcessor':
      call(o.op, [1, 50, 1000, 100_000][n0 % 4]);
      return;
    case 'DbgPrint': {
      // The format lives in the image, as a C literal would; the arguments are whatever the driver has.
      const format = FORMATS[n0 % FORMATS.length]!;
      const at = st.scratch(3);
      st.m.kernel.as.write(at, new TextEncoder().encode(format + '\0'));
      const values = [a0, a1, n1 * 0x10001, 0x7fffffff, 0xffffffff];
      call(o.op, at, ...values.slice(n1 % 3));
      return;
    }
  }
}

/** DriverUnload's tidy-up: release what the sequence still holds, in the order a careful driver would. */
function tidy(st: FuzzDriverState, at: number): void {
  const call = (name: string, ...args: unknown[]) => st.call(at, name, ...args);
  if (st.m.kernel.irql !== 0) call('KeLowerIrql', 0);
  for (const t of st.list('timer')) call('KeCancelTimer', t.a);
  for (const d of st.list('dpc')) call('KeRemoveQueueDpc', d.a);
  call('KeFlushQueuedDpcs');
  for (const l of st.list('lookaside')) call(l.paged ? 'ExDeletePagedLookasideList' : 'ExDeleteNPagedLookasideList', l.a);
  for (const w of st.list('ioworkitem')) call('IoFreeWorkItem', w.a);
  for (const m of st.list('mdl')) call('IoFreeMdl', m.a);
  for (const h of st.list('handle')) call('ZwClose', h.a);
  for (const p of st.list('pool')) if (p.tag !== undefined) call('ExFreePoolWithTag', p.a, p.tag);
  for (const d of st.list('object')) call('IoDeleteDevice', d.a);
}

/** Run a scenario on a fresh machine; never throws (a harness error is an outcome too). */
export async function runScenario(sc: Scenario): Promise<Outcome> {
  const name = 'FuzzDriver';
  const machine = new Machine({ verifier: sc.verifier ? { flags: STANDARD_FLAGS, drivers: [`${name}.sys`] } : undefined, captureStacks: sc.stacks });
  const k = machine.kernel;
  let st: FuzzDriverState | undefined;
  let bodies: RoutineBodies | undefined;
  const routines = (): RoutineBodies => (bodies ??= makeBodies());
  const makeBodies = (): RoutineBodies => {
    const s = st!;
    const r = s.img.routine;
    // Callbacks signal their context (an event, or whatever the sequence passed), then run the
    // scenario's callback calls: at DISPATCH_LEVEL in a DPC, at PASSIVE_LEVEL in work items and threads.
    // A driver would not run them forever: each routine runs them its first CALLBACK_RUNS times.
    const runs = new Map<string, number>();
    const setIfAny = (at: number, ev: number) => {
      if (ev !== 0) s.call(at, 'KeSetEvent', ev, 0, 0);
      const n = runs.get(String(at)) ?? 0;
      runs.set(String(at), n + 1);
      if (n < CALLBACK_RUNS) for (const o of sc.callback ?? []) runOp(s, at, o);
    };
    return {
      DriverEntry: (driverObject) => {
        s.driverObject = driverObject;
        k.as.setU32(driverObject + DRIVER_OBJECT.off.DriverUnload, sc.unloadDriver ? r('DriverUnload') : 0);
        for (const o of sc.entry) runOp(s, r('DriverEntry'), o);
        return 0;
      },
      DriverUnload: () => {
        for (const o of sc.unload) runOp(s, r('DriverUnload'), o);
        if (sc.tidy) tidy(s, r('DriverUnload'));
      },
      FuzzDpcRoutine: (_dpc, context) => setIfAny(r('FuzzDpcRoutine'), context),
      FuzzIoWorkItemRoutine: (_device, context) => setIfAny(r('FuzzIoWorkItemRoutine'), context),
      FuzzExWorkerRoutine: (parameter) => setIfAny(r('FuzzExWorkerRoutine'), parameter),
      FuzzThreadStart: (context) => {
        if (context === 0) return;
        k.as.setU64(s.scratch(3), -10_000n);
        s.call(r('FuzzThreadStart'), 'KeWaitForSingleObject', context, 0, 0, 0, s.scratch(3));
        setIfAny(r('FuzzThreadStart'), 0);
      },
    };
  };
  machine.loader.addFormat(fuzzImageFormat(routines, (img) => (st = new FuzzDriverState(img, machine))));
  let escaped: unknown;
  try {
    const image = await machine.loadDriver(`${name}${FUZZ_EXTENSION}`);
    if (sc.unloadDriver && k.io.canUnload(image.driverObject)) machine.unloadDriver(image);
    machine.shutdown();
  } catch (e) {
    escaped = e;
  }
  if (st?.hostException !== undefined) return { kind: 'failure', message: `host exception out of ${st.hostExceptionAt}: ${errorText(st.hostException)}` };
  if (escaped === undefined) return { kind: 'clean' };
  if (escaped instanceof BugCheck) {
    const info = bugCheckInfo(escaped.code);
    if (info.name.startsWith('BUGCHECK_')) return { kind: 'failure', message: `bug check 0x${escaped.code.toString(16)} is not in the bug check table` };
    const exception = k.crash?.exception;
    if (exception) return { kind: 'failure', message: `bug check 0x${escaped.code.toString(16)} charges a host exception to the driver: ${exception.message}` };
    return { kind: 'bugcheck', code: escaped.code, name: info.name, params: escaped.params };
  }
  if (escaped instanceof HangError) return { kind: 'hang', message: escaped.message };
  // Any other SimulatorError is a tool error for what a driver did: Windows answers a DDI call with a
  // status or a bug check, so that is a failure too (the first found: kernel stacks running out).
  if (escaped instanceof SimulatorError) return { kind: 'failure', message: `SimulatorError: ${escaped.message}` };
  return { kind: 'failure', message: `host exception: ${errorText(escaped)}` };
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 6).join('\n') ?? ''}` : String(e);
}

/** A scenario as the lines of a regression test. */
export function describeScenario(sc: Scenario): string {
  return [
    `verifier ${sc.verifier ? '/standard' : 'off'}, ${sc.unloadDriver ? 'unload' : 'stays loaded'}${sc.tidy ? ', tidy' : ''}`,
    ...sc.entry.map((o) => `  entry:  ${describeOp(o)}`),
    ...sc.unload.map((o) => `  unload: ${describeOp(o)}`),
    ...(sc.callback ?? []).map((o) => `  callback: ${describeOp(o)}`),
  ].join('\n');
}

export { WILD };
