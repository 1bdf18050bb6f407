/**
 * The machine the fuzzer runs inputs on: booted once with the driver loaded, then each input is a session
 * (open, the requests, close) on the same machine, as AFL's persistent mode runs many inputs in one
 * process. A fresh machine per input costs a boot and a load (tenths of a second); a session costs the
 * requests. The machine is recycled (unloaded, which runs the leak checks, and shut down) every few
 * inputs and after every stop, and the sessions it ran since its boot are the reproducer of what stopped it.
 * It loads and opens as a scenario does (scenario/run.ts), so the reproducer replays the same way.
 */
import { BugCheck, HangError, SimulatorError } from '../kernel/errors.ts';
import type { CrashContext } from '../kernel/kernel.ts';
import type { WatchdogLimits } from '../kernel/ke/watchdog.ts';
import type { DeviceNode } from '../kernel/pnp/devnode.ts';
import type { LoadedImage } from '../loader/image.ts';
import { NT_SUCCESS } from '../nt/status.ts';
import { Machine } from '../system/machine.ts';
import { GraphRecorder, MachineSnapshot } from '../system/snapshot/machine.ts';
import { addAndStart, addDeviceRoutine, stackDeviceName, wantsPnp } from '../system/pnp-run.ts';
import { send } from '../system/run.ts';
import { bucketOf, hangBucket, type Stop } from './stop.ts';
import type { Session } from './input.ts';

export class FuzzTarget {
  /** The sessions run since the boot (or the last reset), in order (the last may be the one that stopped it). */
  readonly sessions: Session[] = [];
  /**
   * Buckets by the stop's context (stopKey): a stop seen again takes no dump and no `!analyze` (most stops of
   * a run are the same few bugs again; a dump and its analysis cost milliseconds).
   */
  private readonly buckets = new Map<string, string>();
  /** The machine just after the load: what reset() puts back. */
  private snapshot?: MachineSnapshot;
  private constructor(
    readonly machine: Machine,
    private readonly image: LoadedImage,
    private readonly node: DeviceNode | undefined,
    private readonly device: string,
  ) {}

  /**
   * Boot, load the driver (under the PnP manager when it asks for one, as a scenario load does).
   * `snapshot`: take the machine's snapshot there, so reset() can put it back instead of a new boot.
   */
  static async boot(driver: string, flags: number, limits?: Partial<WatchdogLimits>, valueProfile = false, snapshot = false): Promise<FuzzTarget> {
    // The snapshot's recorder notes the machine's side tables as they are made: before the machine is.
    const recorder = snapshot ? new GraphRecorder() : undefined;
    const machine = new Machine({ verifier: { flags, drivers: ['*'] }, coverage: true, valueProfile });
    const k = machine.kernel;
    Object.assign(k.watchdog.limits, limits);
    const image = await machine.loadDriver(driver);
    let node: DeviceNode | undefined;
    if (wantsPnp(k, image.driverObject, undefined) && addDeviceRoutine(k, image.driverObject) !== 0) {
      node = addAndStart(k, image.driverObject, image.module.name, {}, () => {}).node;
    }
    const device = node ? stackDeviceName(k, node) : machine.firstDeviceName(image);
    if (!device) {
      recorder?.stop();
      throw new FuzzError(`${image.module.imageName} created no named device to send requests to`);
    }
    const target = new FuzzTarget(machine, image, node, device);
    if (recorder) target.snapshot = new MachineSnapshot(machine, recorder, [image, ...(node ? [node] : [])]);
    return target;
  }

  /** The machine as it was just after the load (a snapshot restore: what a new boot and load would give), no sessions run. */
  reset(): void {
    if (!this.snapshot) throw new Error('reset() needs a target booted with a snapshot');
    this.snapshot.restore();
    this.sessions.length = 0;
  }

  /** Drop the machine: its snapshot stops noting its writes. */
  dispose(): void {
    this.snapshot?.dispose();
  }

  /** Every block counter of the machine's wasm images, in one array (the coverage map's index space). */
  counters(): Uint32Array {
    const cov = this.machine.loader.coverage!;
    const n = cov.images.reduce((s, i) => s + i.sites.length, 0);
    const out = new Uint32Array(n);
    let at = 0;
    for (const image of cov.images) {
      const bytes = this.machine.kernel.as.read(image.counters, 4 * image.sites.length);
      out.set(new Uint32Array(bytes.buffer, bytes.byteOffset, image.sites.length), at);
      at += image.sites.length;
    }
    return out;
  }

  /** The operand pairs of the comparisons the driver made since the last call (with the value profile on). */
  comparisons(): Array<readonly [bigint, bigint]> {
    return this.machine.loader.coverage!.take();
  }

  /** Run one session; the stop it caused, if any (the machine is then dead: boot another). */
  run(session: Session): Stop | null {
    this.sessions.push(session);
    const k = this.machine.kernel;
    return this.stopped(() => {
      const open = k.runInThread(k.userThread, () => k.io.files.openDevice(this.device));
      if (!NT_SUCCESS(open.status)) return;
      for (const rq of session) k.runInThread(k.userThread, () => send(k, open.file, rq));
      k.runInThread(k.userThread, () => k.io.files.closeFile(open.file));
    });
  }

  /** Unload the driver (the verifier's unload checks: leaks, timers, work items) and shut down; the stop, if any. */
  finish(): Stop | null {
    return this.stopped(() => {
      const k = this.machine.kernel;
      if (this.node && this.node.state !== 'DeviceNodeDeleted') k.pnp.remove(this.node);
      this.machine.unloadDriver(this.image);
      this.machine.shutdown();
    });
  }

  private stopped(body: () => void): Stop | null {
    try {
      body();
    } catch (e) {
      if (!(e instanceof BugCheck || e instanceof HangError)) throw e;
    }
    const crash = this.machine.kernel.crash;
    if (!crash) return null;
    const key = stopKey(crash);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) this.buckets.set(key, (bucket = crash.hang ? hangBucket(this.machine.dump(), crash.hang.reason) : bucketOf(this.machine.dump())));
    if (crash.hang) return { kind: 'hang', reason: crash.hang.reason, bucket };
    const { code, params } = crash.bugCheck;
    return { kind: 'bugcheck', code, params, bucket };
  }
}

/**
 * What `!analyze` buckets a stop by, and more: the code, Parameter 1 (the subcode or rule), the stack, the
 * culprit, the faulting address and the hang's reason. Two stops with one key have one bucket (the key is at
 * least as fine as the bucket; finer only costs a dump).
 */
function stopKey(c: CrashContext): string {
  return JSON.stringify([c.bugCheck.code, c.bugCheck.params[0], c.stack, c.culprit, c.exception?.address, c.memoryAccess?.shadow, c.hang?.reason]);
}

/** The driver cannot be fuzzed as given (no device to open, no control code): the user's to fix. */
export class FuzzError extends SimulatorError {}
