/**
 * Driver Verifier. It attaches where Windows attaches it: when a verified driver's imports are
 * bound, each DDI it imports is wrapped in a thunk that checks, records, and calls the kernel's
 * routine. It listens to the kernel's unload event for the leak check. The kernel never calls it.
 */
import type { Kernel } from '../kernel/kernel.ts';
import type { Loader } from '../loader/loader.ts';
import type { ImportTable, LoadedImage } from '../loader/image.ts';
import { RecentMap } from '../kernel/rtl/recent.ts';
import { AllocationLog } from './alloc-log.ts';
import type { ThunkSet, VerifierContext } from './context.ts';
import { VerifiedDriver } from './driver-entry.ts';
import { VF } from './flags.ts';
import { RULES } from './rules.ts';
import { isVerified, type VerifierSettings } from './settings.ts';
import { VerifierStats } from './stats.ts';
import { IO_THUNK_ROUTINES, ioThunks } from './thunks/io.ts';
import { irqlThunks } from './thunks/irql.ts';
import { POOL_THUNK_ROUTINES, poolThunks } from './thunks/pool.ts';

const THUNK_SETS: readonly ThunkSet[] = [poolThunks, ioThunks, irqlThunks];
const RECENTLY_FREED = 0x4000;

export class Verifier {
  readonly stats = new VerifierStats();
  readonly log = new AllocationLog();
  /** Verified drivers by module name (lower case), loaded or unloaded. */
  readonly drivers = new Map<string, VerifiedDriver>();
  private readonly owners = new Map<number, VerifiedDriver>();
  private readonly freed = new RecentMap<number, true>(RECENTLY_FREED);

  constructor(private readonly k: Kernel, loader: Loader, readonly settings: VerifierSettings) {
    k.nt.addRoutines([...POOL_THUNK_ROUTINES, ...IO_THUNK_ROUTINES, 'VfPoolCheckForLeaks', 'VerifierBugCheckIfAppropriate']);
    loader.addImportTransform((image, table) => (isVerified(settings, image.module.imageName) ? this.attach(image, table) : table));
    k.events.on('driverUnloaded', (e) => this.onUnloaded(e.name));
    k.events.on('imageUnmapped', (e) => {
      const d = this.drivers.get(e.name.toLowerCase());
      if (d) {
        d.state = 'Unloaded';
        d.unloads++;
      }
    });
  }

  get flags(): number {
    return this.settings.flags;
  }

  driver(name: string): VerifiedDriver | undefined {
    return this.drivers.get(name.toLowerCase().replace(/\.sys$/, ''));
  }

  /** Wrap every imported DDI that has a thunk. */
  private attach(image: LoadedImage, table: ImportTable): ImportTable {
    const m = image.module;
    const driver = new VerifiedDriver(this.k, m.name, m.imageName, m.base, m.size);
    this.drivers.set(m.name.toLowerCase(), driver);
    const vf = this.context(driver);
    const out: ImportTable = { ...table };
    for (const set of THUNK_SETS) {
      for (const [name, factory] of Object.entries(set)) {
        const next = table[name];
        if (next) out[name] = factory(next, vf);
      }
    }
    return out;
  }

  private context(driver: VerifiedDriver): VerifierContext {
    const k = this.k;
    return {
      k,
      flags: this.settings.flags,
      driver,
      stats: this.stats,
      log: this.log,
      owner: (a) => this.owners.get(a),
      setOwner: (a, d) => (d ? this.owners.set(a, d) : this.owners.delete(a)),
      wasFreed: (a) => this.freed.has(a),
      rememberFreed: (a) => this.freed.set(a, true),
      ntFrame: (routine, offset) => k.nt.address(routine, offset),
      captureStack: (frames, skip) => [...frames, ...k.stacks.capture(skip)],
      violation: (rule, p2, p3, p4) => {
        driver.sync();
        return k.bugCheck(rule.code, rule.p1, p2, p3, p4);
      },
    };
  }

  /** After DriverUnload returns: everything the driver allocated must be gone. */
  private onUnloaded(name: string): void {
    const d = this.drivers.get(name.toLowerCase());
    if (!d) return;
    d.sync();
    if (this.settings.flags & VF.POOL_TRACKING && d.allocations.size > 0) {
      const r = RULES.PoolLeakAtUnload;
      this.k.withFrames(['VfPoolCheckForLeaks', 'VerifierBugCheckIfAppropriate'], () =>
        this.k.bugCheck(r.code, r.p1, d.nameAddress, d.entryAddress, d.allocations.size),
      );
    }
  }

  /** Bring the simulated mirrors up to date (before a dump is taken). */
  sync(): void {
    for (const d of this.drivers.values()) d.sync();
  }
}
