/**
 * Running a scenario: one machine, the steps in file order, each step's result checked against what it
 * expects. The step the machine stops in (a bug check, a hang) is the last that runs; a stop the step did not
 * expect fails it, and an expected stop that did not come fails it too.
 */
import { dirname, resolve } from 'node:path';
import { BugCheck, DriverEntryFailed, HangError } from '../../kernel/errors.ts';
import type { DeviceNode } from '../../kernel/pnp/devnode.ts';
import type { CallerBuffers } from '../../kernel/io/caller-buffers.ts';
import { parseResourceSpec } from '../../kernel/pnp/resources.ts';
import { TICKS_PER_MS } from '../../kernel/ke/clock.ts';
import type { WatchdogLimits } from '../../kernel/ke/watchdog.ts';
import { parseMemorySize } from '../../kernel/mm/physical-memory.ts';
import type { LoadedImage } from '../../loader/image.ts';
import { bugCheckName } from '../../nt/bugcheck.ts';
import { NT_SUCCESS, STATUS, statusName } from '../../nt/status.ts';
import { STANDARD_FLAGS } from '../../verifier/flags.ts';
import { parseFlags, type VerifierSettings } from '../../verifier/settings.ts';
import type { CrashDump } from '../../debugger/dump.ts';
import { Machine } from '../machine.ts';
import { addAndStart, addDeviceRoutine, stackDeviceName, wantsPnp } from '../pnp-run.ts';
import { systemSleepWake } from '../../kernel/po/transition.ts';
import { imageHeldLine, ntDeviceName, send, type DeviceRequest } from '../run.ts';
import type { LoadedScenario } from './load.ts';
import type { ScenarioStep, StepExpectation } from './schema.ts';

export interface StepResult {
  readonly index: number;
  /** The step's line in the file. */
  readonly line: number;
  /** The step in words: `ioctl 0x222003`, `unload MyDriver.sys`. */
  readonly text: string;
  readonly ran: boolean;
  readonly status?: number;
  readonly information?: number;
  readonly output?: Uint8Array;
  /** The machine stopped in this step. */
  readonly stopped?: 'bugcheck' | 'hang';
  /** Each expectation not met, in words. */
  readonly failures: readonly string[];
  /** What the step left that the user should know (an image DriverUnload could not unload). */
  readonly note?: string;
}

export interface ScenarioOutcome {
  readonly file: string;
  readonly steps: readonly StepResult[];
  readonly bugCheck: { readonly code: number; readonly name: string; readonly params: readonly number[] } | null;
  readonly hang: { readonly reason: string } | null;
  /** Every step ran or was meant to stop, and every expectation was met. */
  readonly ok: boolean;
  readonly machine: Machine;
  readonly dump: CrashDump;
}

/** A step that cannot do its work in the state the machine is in (no device open, no driver loaded): it fails, the run goes on. */
class StepFailure extends Error {}

const num = (v: number | string) => (typeof v === 'number' ? v : Number.parseInt(v.slice(2), 16)) >>> 0;
const hexs = (n: number) => `0x${(n >>> 0).toString(16).toUpperCase()}`;
const statusValue = (v: number | string) => (typeof v === 'string' && v.startsWith('STATUS_') ? STATUS[v.slice(7) as keyof typeof STATUS] : num(v));
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function verifierSettings(v: NonNullable<LoadedScenario['scenario']['machine']>['verifier']): VerifierSettings | undefined {
  if (v === undefined) return { flags: STANDARD_FLAGS, drivers: ['*'] };
  if (typeof v === 'string') return /^(off|none)$/i.test(v) ? undefined : { flags: parseFlags(v), drivers: ['*'] };
  return { flags: parseFlags(v.flags), drivers: v.drivers };
}

const expectOf = (s: ScenarioStep): StepExpectation | undefined => {
  if (typeof s === 'string') return undefined;
  const body = Object.values(s)[0] as { expect?: StepExpectation } | string;
  return typeof body === 'object' && body !== null ? body.expect : undefined;
};

/** What a step's result and the machine's state say against what the step expects. */
function check(e: StepExpectation | undefined, r: Partial<StepResult>, stop: ScenarioOutcome['bugCheck'], hang: ScenarioOutcome['hang']): string[] {
  const out: string[] = [];
  if (e?.status !== undefined && r.status !== undefined && r.status >>> 0 !== statusValue(e.status)) out.push(`status ${statusName(r.status)}, expected ${statusName(statusValue(e.status))}`);
  if (e?.information !== undefined && r.information !== undefined && r.information !== e.information) out.push(`information ${r.information}, expected ${e.information}`);
  if (e?.output !== undefined && r.output !== undefined && Buffer.from(r.output).toString('hex') !== e.output.toLowerCase()) out.push(`output ${Buffer.from(r.output).toString('hex') || '(none)'}, expected ${e.output}`);
  const wanted = e?.bugcheck === undefined || e.bugcheck === 'none' ? undefined : typeof e.bugcheck === 'number' ? [e.bugcheck] : e.bugcheck.split('/').map(num);
  if (stop) {
    const got = `${hexs(stop.code)}/${hexs(stop.params[0]!)} ${stop.name}`;
    if (!wanted) out.push(`stopped with bug check ${got}, which the step does not expect`);
    else if (wanted[0] !== stop.code || (wanted[1] !== undefined && wanted[1] !== stop.params[0])) out.push(`stopped with bug check ${got}, expected ${wanted.map(hexs).join('/')}`);
  } else if (wanted) out.push(`expected bug check ${wanted.map(hexs).join('/')}; the step ended without one`);
  if (hang && !e?.hang) out.push(`hung: ${hang.reason}`);
  if (!hang && e?.hang) out.push('expected a hang; the step ended');
  // A status, information or output expected from a step that gave none (it stopped first) is not met.
  if (!stop && !hang) {
    for (const k of ['status', 'information', 'output'] as const) if (e?.[k] !== undefined && r[k] === undefined) out.push(`expected ${k}, but this step gives none`);
  }
  return out;
}

export interface ScenarioRunOptions {
  /** A line per step as it runs, and the PnP lines of a load. */
  readonly onLine?: (line: string) => void;
  /** Runaway and time limits (defaults: kernel/ke/watchdog.ts). */
  readonly limits?: Partial<WatchdogLimits>;
  /** Capture callers and allocation stacks (the file's machine.stacks wins when it says). */
  readonly stacks?: boolean;
  /** Record what the --html report charts (machine.verifier.report), each step a mark on its charts. */
  readonly report?: boolean;
}

export async function runScenario(loaded: LoadedScenario, io: ScenarioRunOptions = {}): Promise<ScenarioOutcome> {
  const { scenario, file } = loaded;
  const base = dirname(resolve(file));
  const m = scenario.machine ?? {};
  const machine = new Machine({ verifier: verifierSettings(m.verifier), captureStacks: m.stacks ?? io.stacks, memory: m.memory !== undefined ? parseMemorySize(m.memory) : undefined, report: io.report });
  const k = machine.kernel;
  Object.assign(k.watchdog.limits, io.limits);
  const say = io.onLine ?? (() => {});
  let image: LoadedImage | undefined;
  let node: DeviceNode | undefined;
  let file_: number | undefined;
  const processes = new Map<string, number>();
  const results: StepResult[] = [];
  let stopped = false;

  const deviceOfLast = (): string | undefined => (node ? stackDeviceName(k, node) : image ? machine.firstDeviceName(image) : undefined);
  const needOpen = (what: string): number => {
    if (file_ === undefined) throw new StepFailure(`${what} not sent: no device is open (an open step before it, or one that succeeded)`);
    return file_;
  };
  /** A request on the open file, from the client's thread, as dv run sends it. */
  const request = (file: number, rq: DeviceRequest): Partial<StepResult> => {
    const r = k.runInThread(k.userThread, () => send(k, file, rq));
    return { status: r.status, information: r.information, output: r.output };
  };

  for (const [index, step] of scenario.steps.entries()) {
    const line = loaded.stepLines[index] ?? 0;
    if (stopped) {
      results.push({ index, line, text: stepText(step), ran: false, failures: [] });
      continue;
    }
    let r: Partial<StepResult> = {};
    let failure: string | undefined;
    try {
      r = await runStep(step);
    } catch (e) {
      if (e instanceof StepFailure) failure = e.message;
      else if (e instanceof BugCheck || e instanceof HangError) stopped = true;
      else throw e;
    }
    const crash = k.crash;
    const hang = crash?.hang ?? null;
    const stop = stopped && crash?.bugCheck && !hang ? { code: crash.bugCheck.code, name: bugCheckName(crash.bugCheck.code), params: crash.bugCheck.params } : null;
    const result: StepResult = { index, line, text: stepText(step), ran: true, ...r, ...(stopped ? { stopped: hang ? 'hang' : 'bugcheck' } : {}), failures: failure ? [failure] : check(expectOf(step), r, stop, stopped ? hang : null) };
    say(`${file}:${line}: ${result.text}${resultText(result)}${stop ? ` -> bug check ${hexs(stop.code)}/${hexs(stop.params[0]!)} ${stop.name}` : ''}${hang ? ` -> hang: ${hang.reason}` : ''}${result.failures.length ? `  FAILED: ${result.failures.join('; ')}` : ''}`);
    if (result.note) say(`  ${result.note}`);
    results.push(result);
    machine.verifier?.report?.mark(`line ${line}: ${result.text}`);
  }

  async function runStep(step: ScenarioStep): Promise<Partial<StepResult>> {
    if (typeof step === 'string') {
      if (step === 'close') return closeStep();
      if (step === 'unload') return unloadStep();
      machine.shutdown();
      return {};
    }
    if ('load' in step) {
      const l = typeof step.load === 'string' ? { driver: step.load } : step.load;
      node = undefined;
      try {
        image = await machine.loadDriver(resolve(base, l.driver));
      } catch (e) {
        // DriverEntry's refusal is the driver's answer, the step's status: the image is gone again.
        if (!(e instanceof DriverEntryFailed)) throw e;
        image = undefined;
        return { status: e.status };
      }
      const pnp = 'pnp' in l ? l.pnp : undefined;
      if (wantsPnp(k, image.driverObject, pnp)) {
        if (addDeviceRoutine(k, image.driverObject) === 0) throw new StepFailure(`${l.driver} set no AddDevice routine: it cannot be loaded with pnp: true`);
        const resources = 'resources' in l && l.resources ? parseResourceSpec(l.resources) : undefined;
        const added = addAndStart(k, image.driverObject, image.module.name, { hardwareId: 'hardwareId' in l ? l.hardwareId : undefined, resources, wake: 'wake' in l ? l.wake : undefined }, say);
        node = added.node;
        return { status: added.status };
      }
      return { status: STATUS.SUCCESS };
    }
    if ('open' in step) {
      const o = typeof step.open === 'string' ? { name: step.open } : step.open;
      const name = o.interface !== undefined ? k.pnp.interfaces.list(o.interface, 0, 0)[0]?.linkName : o.name !== undefined ? ntDeviceName(o.name) : deviceOfLast();
      if (!name) throw new StepFailure(`nothing to open: ${o.interface !== undefined ? `no enabled interface of class ${o.interface}` : 'the driver created no named device'}`);
      const open = k.runInThread(k.userThread, () => k.io.files.openDevice(name));
      if (NT_SUCCESS(open.status)) file_ = open.file;
      return { status: open.status };
    }
    if ('ioctl' in step) {
      const f = needOpen('ioctl');
      const s = step.ioctl;
      const outputInit = s.output !== undefined ? Buffer.from(s.output, 'hex') : undefined;
      return request(f, { kind: 'ioctl', code: num(s.code), input: Buffer.from(s.input ?? '', 'hex'), outputLength: s.outputLength ?? 0, outputInit, caller: callerOf(s) });
    }
    if ('read' in step) {
      const f = needOpen('read');
      return request(f, { kind: 'read', length: step.read.length });
    }
    if ('write' in step) {
      const f = needOpen('write');
      return request(f, { kind: 'write', data: Buffer.from(step.write.data, 'hex') });
    }
    if ('close' in step) return closeStep();
    if ('unload' in step) return unloadStep();
    if ('shutdown' in step) {
      machine.shutdown();
      return {};
    }
    if ('process' in step) {
      const p = step.process;
      if ('start' in p) {
        const started = machine.startProcess(p.start, p.args ?? '');
        if (started.process) processes.set(p.start.toLowerCase(), started.process.id);
        return { status: started.status };
      }
      const pid = processes.get(p.end.toLowerCase());
      if (pid === undefined) throw new StepFailure(`process ${p.end} was not started by this scenario (or has ended)`);
      machine.endProcess(pid);
      processes.delete(p.end.toLowerCase());
      return {};
    }
    if ('pnp' in step) {
      // A dock or undock: the drivers registered for it are asked and told; no device needed.
      if (step.pnp === 'hardware-profile-change') return { status: k.pnp.hardwareProfileChange() };
      if (!node) throw new StepFailure(`pnp ${step.pnp} needs a driver loaded under the PnP manager`);
      if (step.pnp === 'remove') k.pnp.remove(node);
      else if (step.pnp === 'surprise-remove') {
        k.pnp.surpriseRemove(node);
        if (file_ === undefined) k.pnp.finishSurpriseRemoval(node);
      } else if (step.pnp === 'stop-start') k.pnp.stopStart(node);
      else if (step.pnp === 'device-wake') {
        const pdo = node.pdo;
        return { status: k.runInThread(k.systemThread, () => k.pnp.rootDriver.wake.signal(pdo)) ? STATUS.SUCCESS : STATUS.INVALID_DEVICE_STATE };
      } else {
        const pdo = node.pdo;
        const signal = step.pnp === 'sleep-device-wake' ? () => void k.pnp.rootDriver.wake.signal(pdo) : undefined;
        return { status: systemSleepWake(k, k.pnp.powerOrder(node), undefined, signal).status };
      }
      return {};
    }
    // wait
    const [, amount, unit] = /^(\d+)(ms|s|m|h)$/.exec(step.wait)!;
    const until = k.clock.now + Number(amount) * DURATION_MS[unit!]! * TICKS_PER_MS;
    k.dispatcher.runUntilIdle(until);
    // The rest of the time passes idle (the run's time limits are checked as it does).
    k.dispatcher.advanceClock(until);
    k.dispatcher.runUntilIdle(until);
    return {};
  }

  function closeStep(): Partial<StepResult> {
    const f = needOpen('close');
    k.runInThread(k.userThread, () => k.io.files.closeFile(f));
    file_ = undefined;
    if (node?.state === 'DeviceNodeRemovePendingCloses') k.pnp.finishSurpriseRemoval(node);
    return {};
  }

  function unloadStep(): Partial<StepResult> {
    if (!image) throw new StepFailure('unload: no driver is loaded');
    if (node && node.state !== 'DeviceNodeDeleted') k.pnp.remove(node);
    machine.unloadDriver(image);
    const note = k.io.unloadPending(image.driverObject) ? imageHeldLine(image.module.imageName, k, image.driverObject) : undefined;
    image = undefined;
    node = undefined;
    return note ? { note } : {};
  }

  const crash = k.crash;
  const hang = crash?.hang ?? null;
  let dump: CrashDump | undefined;
  return {
    file,
    steps: results,
    bugCheck: crash?.bugCheck && !hang ? { code: crash.bugCheck.code, name: bugCheckName(crash.bugCheck.code), params: crash.bugCheck.params } : null,
    hang,
    ok: results.every((s) => s.failures.length === 0),
    machine,
    get dump() {
      return (dump ??= machine.dump());
    },
  };
}

function stepText(s: ScenarioStep): string {
  if (typeof s === 'string') return s;
  if ('load' in s) return `load ${typeof s.load === 'string' ? s.load : s.load.driver}`;
  if ('open' in s) return `open ${typeof s.open === 'string' ? s.open : (s.open.name ?? s.open.interface ?? 'its device')}`;
  if ('ioctl' in s) return `ioctl ${hexs(num(s.ioctl.code))}`;
  if ('read' in s) return `read ${s.read.length} bytes`;
  if ('write' in s) return `write ${s.write.data.length / 2} bytes`;
  if ('process' in s) return 'start' in s.process ? `start process ${s.process.start}` : `end process ${s.process.end}`;
  if ('pnp' in s) return `pnp ${s.pnp}`;
  if ('wait' in s) return `wait ${s.wait}`;
  return Object.keys(s)[0]!;
}

function resultText(r: Partial<StepResult>): string {
  if (r.status === undefined) return '';
  const info = r.information !== undefined ? `, ${r.information} bytes` : '';
  return ` -> ${statusName(r.status)}${info}`;
}

/** The caller's lies an ioctl step names (kernel/io/caller-buffers.ts), or none. */
function callerOf(s: Extract<ScenarioStep, { ioctl: unknown }>['ioctl']): CallerBuffers | undefined {
  const c: CallerBuffers = {
    ...(s.inputLength !== undefined ? { inputLength: s.inputLength } : {}),
    ...(s.outputSize !== undefined ? { outputSize: s.outputSize } : {}),
    ...(s.inputPointer !== undefined ? { inputPointer: s.inputPointer } : {}),
    ...(s.outputPointer !== undefined ? { outputPointer: s.outputPointer } : {}),
    ...(s.race !== undefined ? { race: { call: s.race.call, offset: s.race.offset, data: Buffer.from(s.race.data, 'hex') } } : {}),
  };
  return Object.keys(c).length > 0 ? c : undefined;
}
